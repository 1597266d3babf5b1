package handlers

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"lobang/aggregator/suppliers"
	"lobang/destinations"
	"lobang/views"
)

// Limits of a search beyond those of the form's selects (views.MaxRooms …).
const (
	maxNights     = 30
	maxDaysAhead  = 500
	maxQLen       = 200         // bytes of the destination text
	maxPriceUnits = 100_000_000 // whole units of the display currency
	maxPage       = 1000
	defaultRooms  = 1
	defaultAdults = 2
	defaultSort   = "price"
	defaultCurr   = "SGD"
)

// searchSorts are the orders a result list can take.
var searchSorts = []string{"price", "review", "stars", "distance"}

// searchCurrencies are the display currencies customers can choose.
var searchCurrencies = []string{"SGD", "USD", "EUR", "GBP", "AUD", "JPY", "MYR", "THB", "IDR", "HKD", "CNY", "INR", "KRW", "NZD", "CHF"}

// searchParams is a search as the customer asked for it, normalised: the
// stay for the suppliers plus how to show the results.
type searchParams struct {
	// Q is the destination text as typed (trimmed).
	Q     string
	Query suppliers.Query
	// Sort is one of searchSorts.
	Sort string
	// Stars are the star ratings to keep (1–5, ascending); none keeps all.
	Stars []int
	// MinPrice and MaxPrice bound the total in whole units of the display
	// currency; zero means no bound.
	MinPrice, MaxPrice int
	FreeCancellation   bool
	// Amenities are keys of the amenity vocabulary, in vocabulary order.
	Amenities []string
	// Page is the 1-based page of results.
	Page int
}

// parseSearch reads and validates a /search query. today is the current
// date (its time of day is ignored). The errors map a field name to the
// message shown beside it; the params hold whatever could be read, so the
// form can be re-rendered as the customer left it. A query with q but no
// destination is valid: resolving the text is the handler's job.
func parseSearch(v url.Values, today time.Time) (searchParams, map[string]string) {
	errs := map[string]string{}
	p := searchParams{Sort: defaultSort, Page: 1}
	p.Query.Currency = defaultCurr

	p.Q = strings.TrimSpace(v.Get("q"))
	if len(p.Q) > maxQLen || !utf8.ValidString(p.Q) {
		errs["q"] = "Enter a shorter destination name."
		p.Q = truncateValid(p.Q, maxQLen)
	}
	if uid := strings.TrimSpace(v.Get("destination")); uid != "" {
		if _, ok := destinations.Lookup(uid); ok {
			p.Query.DestinationUID = uid
		} else {
			errs["q"] = "We don't know that destination. Type a city and choose it from the list."
		}
	} else if p.Q == "" && errs["q"] == "" {
		errs["q"] = "Enter a destination, such as a city or a hotel."
	}

	today = dateOf(today)
	checkin, okIn := parseDate(v.Get("checkin"), "check-in", "checkin", errs)
	checkout, okOut := parseDate(v.Get("checkout"), "check-out", "checkout", errs)
	p.Query.Checkin, p.Query.Checkout = checkin, checkout
	switch {
	case okIn && checkin.Before(today):
		errs["checkin"] = "Check-in can't be in the past."
	case okIn && checkin.After(today.AddDate(0, 0, maxDaysAhead)):
		errs["checkin"] = "Check-in can be at most " + strconv.Itoa(maxDaysAhead) + " days from today."
	}
	if okIn && okOut {
		switch nights := int(checkout.Sub(checkin).Hours() / 24); {
		case nights < 1:
			errs["checkout"] = "Check-out must be after check-in."
		case nights > maxNights:
			errs["checkout"] = "A stay can be at most " + strconv.Itoa(maxNights) + " nights."
		}
	}

	p.Query.Rooms = parseCount(v.Get("rooms"), defaultRooms, 1, views.MaxRooms, "rooms", "Choose between 1 and 8 rooms.", errs)
	p.Query.Adults = parseCount(v.Get("adults"), defaultAdults, 1, views.MaxAdults, "adults", "Choose between 1 and 6 adults per room.", errs)
	p.Query.ChildrenAges = parseChildren(v["children"], errs)

	if c := strings.ToUpper(strings.TrimSpace(v.Get("currency"))); c != "" {
		if slices.Contains(searchCurrencies, c) {
			p.Query.Currency = c
		} else {
			errs["currency"] = "Choose one of the currencies we show prices in."
		}
	}
	if s := strings.ToLower(strings.TrimSpace(v.Get("sort"))); s != "" {
		if slices.Contains(searchSorts, s) {
			p.Sort = s
		} else {
			errs["sort"] = "Sort by price, review score, stars or distance."
		}
	}
	p.Stars = parseStars(v["stars"], errs)
	p.MinPrice = parseCount(v.Get("min_price"), 0, 0, maxPriceUnits, "min_price", "Enter a minimum price in whole units, such as 100.", errs)
	p.MaxPrice = parseCount(v.Get("max_price"), 0, 0, maxPriceUnits, "max_price", "Enter a maximum price in whole units, such as 400.", errs)
	if p.MinPrice > 0 && p.MaxPrice > 0 && p.MinPrice > p.MaxPrice {
		errs["max_price"] = "The maximum price must be at least the minimum price."
	}
	switch strings.ToLower(strings.TrimSpace(v.Get("free_cancellation"))) {
	case "", "0", "false", "off":
	case "1", "true", "on":
		p.FreeCancellation = true
	default:
		errs["free_cancellation"] = "Free cancellation is either on (1) or off."
	}
	p.Amenities = parseAmenities(v["amenities"], errs)
	p.Page = parseCount(v.Get("page"), 1, 1, maxPage, "page", "That page of results doesn't exist.", errs)
	return p, errs
}

// dateOf is t's calendar date as UTC midnight.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// parseDate reads a YYYY-MM-DD date; label names it in messages.
func parseDate(s, label, field string, errs map[string]string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		errs[field] = "Choose a " + label + " date."
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		errs[field] = "Enter the " + label + " date as YYYY-MM-DD."
		return time.Time{}, false
	}
	return t, true
}

// parseCount reads a whole number in [lo, hi]; empty gives def.
func parseCount(s string, def, lo, hi int, field, msg string, errs map[string]string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		errs[field] = msg
		return def
	}
	return n
}

// listValues splits repeated and comma-separated values into items,
// dropping empty ones: ["5,9", "", "3"] → ["5", "9", "3"].
func listValues(vs []string) []string {
	var out []string
	for _, v := range vs {
		for item := range strings.SplitSeq(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

// parseChildren reads the ages of the children of each room, in the order
// given.
func parseChildren(vs []string, errs map[string]string) []int {
	items := listValues(vs)
	var ages []int
	for _, item := range items {
		age, err := strconv.Atoi(item)
		if err != nil || age < 0 || age > views.MaxChildAge {
			errs["children"] = "Children's ages go from 0 to 17; travellers 18 and over count as adults."
			continue
		}
		ages = append(ages, age)
	}
	if len(items) > views.MaxChildren {
		errs["children"] = "At most 4 children per room."
		ages = ages[:min(len(ages), views.MaxChildren)]
	}
	return ages
}

// parseStars reads the star ratings to keep, ascending and without repeats.
func parseStars(vs []string, errs map[string]string) []int {
	var stars []int
	for _, item := range listValues(vs) {
		n, err := strconv.Atoi(item)
		if err != nil || n < 1 || n > 5 {
			errs["stars"] = "Star ratings go from 1 to 5."
			continue
		}
		if !slices.Contains(stars, n) {
			stars = append(stars, n)
		}
	}
	slices.Sort(stars)
	return stars
}

// parseAmenities reads amenity keys, in vocabulary order without repeats.
func parseAmenities(vs []string, errs map[string]string) []string {
	want := map[string]bool{}
	for _, item := range listValues(vs) {
		if _, ok := suppliers.AmenityByKey(item); !ok {
			errs["amenities"] = "We don't know that amenity filter."
			continue
		}
		want[item] = true
	}
	var out []string
	for _, a := range suppliers.Amenities {
		if want[a.Key] {
			out = append(out, a.Key)
		}
	}
	return out
}

// truncateValid cuts s to at most n bytes of valid UTF-8.
func truncateValid(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// canonicalSearchURL is the normalised /search URL of p: parameters in a
// fixed order, lists comma-separated (children=5,9), defaults of the result
// options left out. Equal searches give equal URLs.
func canonicalSearchURL(p searchParams) string {
	var b strings.Builder
	b.WriteString("/search?")
	first := true
	add := func(key, value string) {
		if !first {
			b.WriteByte('&')
		}
		first = false
		b.WriteString(key)
		b.WriteByte('=')
		b.WriteString(value)
	}
	list := func(items []string) string {
		for i, s := range items {
			items[i] = url.QueryEscape(s)
		}
		return strings.Join(items, ",")
	}
	ints := func(ns []int) string {
		items := make([]string, len(ns))
		for i, n := range ns {
			items[i] = strconv.Itoa(n)
		}
		return list(items)
	}
	q := p.Query
	if q.DestinationUID != "" {
		add("destination", url.QueryEscape(q.DestinationUID))
	}
	if p.Q != "" {
		add("q", url.QueryEscape(p.Q))
	}
	if !q.Checkin.IsZero() {
		add("checkin", q.Checkin.Format(time.DateOnly))
	}
	if !q.Checkout.IsZero() {
		add("checkout", q.Checkout.Format(time.DateOnly))
	}
	add("rooms", strconv.Itoa(max(q.Rooms, 1)))
	add("adults", strconv.Itoa(max(q.Adults, 1)))
	if len(q.ChildrenAges) > 0 {
		add("children", ints(q.ChildrenAges))
	}
	add("currency", url.QueryEscape(cmp.Or(q.Currency, defaultCurr)))
	if p.Sort != "" && p.Sort != defaultSort {
		add("sort", url.QueryEscape(p.Sort))
	}
	if len(p.Stars) > 0 {
		add("stars", ints(p.Stars))
	}
	if p.MinPrice > 0 {
		add("min_price", strconv.Itoa(p.MinPrice))
	}
	if p.MaxPrice > 0 {
		add("max_price", strconv.Itoa(p.MaxPrice))
	}
	if p.FreeCancellation {
		add("free_cancellation", "1")
	}
	if len(p.Amenities) > 0 {
		add("amenities", list(slices.Clone(p.Amenities)))
	}
	if p.Page > 1 {
		add("page", strconv.Itoa(p.Page))
	}
	return b.String()
}
