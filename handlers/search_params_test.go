package handlers

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// paramsToday is the "today" of the parser tests.
var paramsToday = time.Date(2026, 3, 1, 15, 4, 5, 0, time.UTC)

// validSearch is a complete, valid query that rows change one thing of.
const validSearch = "destination=i8gS&q=Singapore&checkin=2026-03-03&checkout=2026-03-05&rooms=1&adults=2"

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// with returns validSearch with the given parameters set (an empty value
// deletes the parameter) and raw appended as is.
func with(set map[string]string, raw string) url.Values {
	v, err := url.ParseQuery(validSearch)
	if err != nil {
		panic(err)
	}
	for k, val := range set {
		if val == "" {
			v.Del(k)
		} else {
			v.Set(k, val)
		}
	}
	if raw != "" {
		extra, err := url.ParseQuery(raw)
		if err != nil {
			panic(err)
		}
		for k, vs := range extra {
			v[k] = append(v[k], vs...)
		}
	}
	return v
}

func TestParseSearch(t *testing.T) {
	cases := []struct {
		name  string
		v     url.Values
		errs  []string                           // fields expected to have errors, exactly
		check func(t *testing.T, p searchParams) // further checks on the params
	}{
		{name: "valid", v: with(nil, ""), check: func(t *testing.T, p searchParams) {
			assert.Equal(t, "i8gS", p.Query.DestinationUID)
			assert.Equal(t, "Singapore", p.Q)
			assert.Equal(t, date("2026-03-03"), p.Query.Checkin)
			assert.Equal(t, date("2026-03-05"), p.Query.Checkout)
			assert.Equal(t, 1, p.Query.Rooms)
			assert.Equal(t, 2, p.Query.Adults)
			assert.Empty(t, p.Query.ChildrenAges)
			assert.Equal(t, "SGD", p.Query.Currency)
			assert.Equal(t, "price", p.Sort)
			assert.Equal(t, 1, p.Page)
			assert.False(t, p.FreeCancellation)
		}},
		{name: "q alone is valid: the handler resolves it", v: with(map[string]string{"destination": ""}, ""), check: func(t *testing.T, p searchParams) {
			assert.Empty(t, p.Query.DestinationUID)
			assert.Equal(t, "Singapore", p.Q)
		}},
		{name: "destination alone is valid", v: with(map[string]string{"q": ""}, ""), check: func(t *testing.T, p searchParams) {
			assert.Equal(t, "i8gS", p.Query.DestinationUID)
		}},
		{name: "neither q nor destination", v: with(map[string]string{"q": "", "destination": ""}, ""), errs: []string{"q"}},
		{name: "blank q", v: with(map[string]string{"q": "   ", "destination": ""}, ""), errs: []string{"q"}},
		{name: "unknown destination uid", v: with(map[string]string{"destination": "zzzz"}, ""), errs: []string{"q"}},
		{name: "q too long", v: with(map[string]string{"q": strings.Repeat("a", 201)}, ""), errs: []string{"q"}},
		{name: "missing dates", v: with(map[string]string{"checkin": "", "checkout": ""}, ""), errs: []string{"checkin", "checkout"}},
		{name: "check-in today", v: with(map[string]string{"checkin": "2026-03-01"}, "")},
		{name: "check-in in the past", v: with(map[string]string{"checkin": "2026-02-28"}, ""), errs: []string{"checkin"}},
		{name: "date not YYYY-MM-DD", v: with(map[string]string{"checkin": "03/03/2026"}, ""), errs: []string{"checkin"}},
		{name: "date unpadded", v: with(map[string]string{"checkout": "2026-3-5"}, ""), errs: []string{"checkout"}},
		{name: "impossible date", v: with(map[string]string{"checkout": "2026-02-30"}, ""), errs: []string{"checkout"}},
		{name: "check-out same day", v: with(map[string]string{"checkout": "2026-03-03"}, ""), errs: []string{"checkout"}},
		{name: "check-out before check-in", v: with(map[string]string{"checkout": "2026-03-02"}, ""), errs: []string{"checkout"}},
		{name: "30 nights", v: with(map[string]string{"checkout": "2026-04-02"}, "")},
		{name: "31 nights", v: with(map[string]string{"checkout": "2026-04-03"}, ""), errs: []string{"checkout"}},
		{name: "500 days ahead", v: with(map[string]string{"checkin": "2027-07-14", "checkout": "2027-07-16"}, "")},
		{name: "501 days ahead", v: with(map[string]string{"checkin": "2027-07-15", "checkout": "2027-07-16"}, ""), errs: []string{"checkin"}},
		{name: "8 rooms", v: with(map[string]string{"rooms": "8"}, ""), check: func(t *testing.T, p searchParams) { assert.Equal(t, 8, p.Query.Rooms) }},
		{name: "9 rooms", v: with(map[string]string{"rooms": "9"}, ""), errs: []string{"rooms"}},
		{name: "0 rooms", v: with(map[string]string{"rooms": "0"}, ""), errs: []string{"rooms"}},
		{name: "rooms and adults default", v: with(map[string]string{"rooms": "", "adults": ""}, ""), check: func(t *testing.T, p searchParams) {
			assert.Equal(t, 1, p.Query.Rooms)
			assert.Equal(t, 2, p.Query.Adults)
		}},
		{name: "6 adults", v: with(map[string]string{"adults": "6"}, "")},
		{name: "7 adults", v: with(map[string]string{"adults": "7"}, ""), errs: []string{"adults"}},
		{name: "0 adults", v: with(map[string]string{"adults": "0"}, ""), errs: []string{"adults"}},
		{name: "children as a list", v: with(nil, "children=5,9"), check: func(t *testing.T, p searchParams) {
			assert.Equal(t, []int{5, 9}, p.Query.ChildrenAges)
		}},
		{name: "children repeated, empty selects ignored", v: with(nil, "children=5&children=&children=9&children="), check: func(t *testing.T, p searchParams) {
			assert.Equal(t, []int{5, 9}, p.Query.ChildrenAges)
		}},
		{name: "children ages 0 and 17", v: with(nil, "children=0,17")},
		{name: "child aged 18", v: with(nil, "children=18"), errs: []string{"children"}},
		{name: "child age negative", v: with(nil, "children=-1"), errs: []string{"children"}},
		{name: "five children", v: with(nil, "children=1,2,3,4,5"), errs: []string{"children"}},
		{name: "child age garbage", v: with(nil, "children=five"), errs: []string{"children"}},
		{name: "currency lower case", v: with(map[string]string{"currency": "usd"}, ""), check: func(t *testing.T, p searchParams) {
			assert.Equal(t, "USD", p.Query.Currency)
		}},
		{name: "unknown currency", v: with(map[string]string{"currency": "XYZ"}, ""), errs: []string{"currency"}},
		{name: "sort by review", v: with(map[string]string{"sort": "review"}, ""), check: func(t *testing.T, p searchParams) { assert.Equal(t, "review", p.Sort) }},
		{name: "unknown sort", v: with(map[string]string{"sort": "cheapest"}, ""), errs: []string{"sort"}},
		{name: "stars list and repeated, deduplicated", v: with(nil, "stars=5,4&stars=4"), check: func(t *testing.T, p searchParams) {
			assert.Equal(t, []int{4, 5}, p.Stars)
		}},
		{name: "six stars", v: with(nil, "stars=6"), errs: []string{"stars"}},
		{name: "price range", v: with(map[string]string{"min_price": "100", "max_price": "400"}, ""), check: func(t *testing.T, p searchParams) {
			assert.Equal(t, 100, p.MinPrice)
			assert.Equal(t, 400, p.MaxPrice)
		}},
		{name: "price with decimals", v: with(map[string]string{"min_price": "99.50"}, ""), errs: []string{"min_price"}},
		{name: "negative price", v: with(map[string]string{"max_price": "-5"}, ""), errs: []string{"max_price"}},
		{name: "min above max", v: with(map[string]string{"min_price": "500", "max_price": "100"}, ""), errs: []string{"max_price"}},
		{name: "free cancellation", v: with(map[string]string{"free_cancellation": "1"}, ""), check: func(t *testing.T, p searchParams) { assert.True(t, p.FreeCancellation) }},
		{name: "free cancellation garbage", v: with(map[string]string{"free_cancellation": "maybe"}, ""), errs: []string{"free_cancellation"}},
		{name: "amenities in vocabulary order", v: with(nil, "amenities=spa,wifi&amenities=pool"), check: func(t *testing.T, p searchParams) {
			assert.Equal(t, []string{"wifi", "pool", "spa"}, p.Amenities)
		}},
		{name: "unknown amenity", v: with(nil, "amenities=helipad"), errs: []string{"amenities"}},
		{name: "page 3", v: with(map[string]string{"page": "3"}, ""), check: func(t *testing.T, p searchParams) { assert.Equal(t, 3, p.Page) }},
		{name: "page 0", v: with(map[string]string{"page": "0"}, ""), errs: []string{"page"}},
		{name: "garbage everywhere", v: url.Values{
			"q": {"\xff\xfe"}, "destination": {"'; DROP TABLE"}, "checkin": {"9999999-99-99"}, "checkout": {"\x00"},
			"rooms": {"1e9"}, "adults": {"99999999999999999999999"}, "children": {",,,x,"}, "currency": {"💶"},
			"sort": {"<script>"}, "stars": {"0x5"}, "page": {"NaN"},
		}, errs: []string{"q", "checkin", "checkout", "rooms", "adults", "children", "currency", "sort", "stars", "page"}},
	}
	require.GreaterOrEqual(t, len(cases), 25)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, errs := parseSearch(tc.v, paramsToday)
			got := make([]string, 0, len(errs))
			for k, msg := range errs {
				got = append(got, k)
				assert.NotEmpty(t, msg, "field %s has an empty message", k)
			}
			slices.Sort(got)
			want := slices.Clone(tc.errs)
			slices.Sort(want)
			if want == nil {
				want = []string{}
			}
			assert.Equal(t, want, got, "fields with errors: %v", errs)
			if tc.check != nil {
				tc.check(t, p)
			}
		})
	}
}

func TestCanonicalSearchURL(t *testing.T) {
	v := with(map[string]string{"currency": "eur", "sort": "stars", "q": "Zürich & co"},
		"children=9&children=&children=5&stars=5,3&amenities=spa&amenities=wifi&free_cancellation=1&page=2")
	p, errs := parseSearch(v, paramsToday)
	require.Empty(t, errs)
	got := canonicalSearchURL(p)
	assert.Equal(t, "/search?destination=i8gS&q=Z%C3%BCrich+%26+co&checkin=2026-03-03&checkout=2026-03-05"+
		"&rooms=1&adults=2&children=9,5&currency=EUR&sort=stars&stars=3,5&free_cancellation=1&amenities=wifi,spa&page=2", got)

	// Defaults of the result options are left out.
	p, errs = parseSearch(with(nil, ""), paramsToday)
	require.Empty(t, errs)
	assert.Equal(t, "/search?destination=i8gS&q=Singapore&checkin=2026-03-03&checkout=2026-03-05&rooms=1&adults=2&currency=SGD",
		canonicalSearchURL(p))
}

// assertRoundTrip checks that a valid query's canonical URL parses back to
// the same params and is its own canonical form.
func assertRoundTrip(t *testing.T, p searchParams) {
	t.Helper()
	canon := canonicalSearchURL(p)
	u, err := url.Parse(canon)
	require.NoError(t, err)
	again, errs := parseSearch(u.Query(), paramsToday)
	require.Empty(t, errs, "the canonical URL %s is valid", canon)
	assert.Equal(t, p, again, canon)
	assert.Equal(t, canon, canonicalSearchURL(again))
}

func TestCanonicalSearchURLRoundTrip(t *testing.T) {
	for _, raw := range []string{
		validSearch,
		validSearch + "&children=0,17,4&children=3",
		"q=Kuala+Lumpur&checkin=2026-03-10&checkout=2026-04-09&rooms=8&adults=6&currency=JPY&sort=distance&stars=1&min_price=1&max_price=99999999&amenities=meeting_rooms,wifi",
	} {
		v, err := url.ParseQuery(raw)
		require.NoError(t, err)
		p, errs := parseSearch(v, paramsToday)
		require.Empty(t, errs, raw)
		assertRoundTrip(t, p)
	}
}

// FuzzParseSearch feeds arbitrary query strings to the parser: it never
// panics, every error has a message, what it reads stays within the limits,
// and a valid query survives the trip through its canonical URL.
func FuzzParseSearch(f *testing.F) {
	f.Add(validSearch)
	f.Add(validSearch + "&children=5,9&stars=4,5&sort=review&currency=usd&page=2")
	f.Add("q=sinagpore&checkin=2026-03-03&checkout=2026-04-03&children=5&children=&children=9")
	f.Add("q=%ff&rooms=-1&adults=1e3&children=,,18&min_price=9&max_price=1&amenities=wifi,helipad")
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, errs := parseSearch(v, paramsToday)
		for k, msg := range errs {
			if msg == "" {
				t.Fatalf("field %s has an empty message", k)
			}
		}
		if p.Query.Rooms < 1 || p.Query.Rooms > 8 || p.Query.Adults < 1 || p.Query.Adults > 6 ||
			len(p.Query.ChildrenAges) > 4 || p.Page < 1 || len(p.Q) > maxQLen {
			t.Fatalf("out of bounds: %+v", p)
		}
		for _, a := range p.Query.ChildrenAges {
			if a < 0 || a > 17 {
				t.Fatalf("child age %d", a)
			}
		}
		if len(errs) > 0 {
			return
		}
		if p.Query.DestinationUID == "" && p.Q == "" {
			t.Fatal("valid without a destination")
		}
		if n := p.Query.Nights(); n < 1 || n > maxNights {
			t.Fatalf("valid with %d nights", n)
		}
		canon := canonicalSearchURL(p)
		u, err := url.Parse(canon)
		if err != nil {
			t.Fatalf("canonical URL %q: %v", canon, err)
		}
		again, errs := parseSearch(u.Query(), paramsToday)
		if len(errs) > 0 || canonicalSearchURL(again) != canon {
			t.Fatalf("canonical URL %q does not round-trip: %v %q", canon, errs, canonicalSearchURL(again))
		}
	})
}
