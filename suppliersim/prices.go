package suppliersim

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// fxPerUSD are the simulator's exchange rates: units of each currency per US dollar.
var fxPerUSD = map[string]float64{
	"USD": 1, "SGD": 1.34, "EUR": 0.92, "GBP": 0.79, "AUD": 1.52, "JPY": 151.0, "MYR": 4.70,
	"THB": 36.0, "IDR": 15800, "HKD": 7.82, "CNY": 7.23, "INR": 83.3, "KRW": 1340, "NZD": 1.66,
	"CHF": 0.88, "CAD": 1.36, "AED": 3.6725, "PHP": 57.0, "VND": 25000, "TWD": 32.0,
}

// zeroDecimal currencies have no minor unit.
var zeroDecimal = map[string]bool{"JPY": true, "KRW": true, "VND": true}

// supplierCurrency is the currency each supplier prices in.
var supplierCurrency = map[string]string{Ascenda: "SGD", Bedcom: "EUR", WGL: "USD"}

// convert converts an amount between currencies (as a float of major units).
func convert(amount float64, from, to string) float64 {
	return amount / fxPerUSD[from] * fxPerUSD[to]
}

// money formats minor units (cents) as a decimal string with two places.
func money(minor int64) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	return fmt.Sprintf("%s%d.%02d", sign, minor/100, minor%100)
}

// major returns minor units as a float of major units (for the ascenda dialect's numbers).
func major(minor int64) float64 { return float64(minor) / 100 }

// stay is a date range: check-in (a date at UTC midnight) and nights.
type stay struct {
	checkin time.Time
	nights  int
}

func (s stay) checkout() time.Time { return s.checkin.AddDate(0, 0, s.nights) }

func (s stay) night(i int) time.Time { return s.checkin.AddDate(0, 0, i) }

var errBadDates = errors.New("bad dates")

// parseStay validates YYYY-MM-DD dates: checkout after checkin, at most 30 nights, check-in
// not in the past (by the simulator's clock) and at most 500 days ahead.
func parseStay(checkin, checkout string, now time.Time) (stay, error) {
	in, err := time.Parse(time.DateOnly, checkin)
	if err != nil {
		return stay{}, fmt.Errorf("%w: checkin %q is not YYYY-MM-DD", errBadDates, checkin)
	}
	out, err := time.Parse(time.DateOnly, checkout)
	if err != nil {
		return stay{}, fmt.Errorf("%w: checkout %q is not YYYY-MM-DD", errBadDates, checkout)
	}
	nights := int(out.Sub(in).Hours() / 24)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case nights < 1:
		return stay{}, fmt.Errorf("%w: checkout must be after checkin", errBadDates)
	case nights > 30:
		return stay{}, fmt.Errorf("%w: at most 30 nights", errBadDates)
	case in.Before(today.AddDate(0, 0, -1)):
		return stay{}, fmt.Errorf("%w: checkin %s is in the past", errBadDates, checkin)
	case in.After(today.AddDate(0, 0, 500)):
		return stay{}, fmt.Errorf("%w: checkin %s is too far ahead", errBadDates, checkin)
	}
	return stay{checkin: in, nights: nights}, nil
}

// occupancy is the guests of each room.
type occupancy struct {
	adults   []int   // per room
	children [][]int // ages per room
}

func (o occupancy) rooms() int { return len(o.adults) }

func (o occupancy) guests() int {
	n := 0
	for i := range o.adults {
		n += o.adults[i] + len(o.children[i])
	}
	return n
}

// key is a canonical text form used in hashes and keys: "2|2" or "2-5,9|2".
func (o occupancy) key() string {
	parts := make([]string, len(o.adults))
	for i, a := range o.adults {
		parts[i] = itoa(a)
		if len(o.children[i]) > 0 {
			ages := make([]string, len(o.children[i]))
			for j, c := range o.children[i] {
				ages[j] = itoa(c)
			}
			parts[i] += "-" + strings.Join(ages, ",")
		}
	}
	return strings.Join(parts, "|")
}

var errBadOccupancy = errors.New("bad occupancy")

func validOccupancy(o occupancy) error {
	if o.rooms() < 1 || o.rooms() > 8 {
		return fmt.Errorf("%w: 1 to 8 rooms", errBadOccupancy)
	}
	for i, a := range o.adults {
		if a < 1 || a > 6 {
			return fmt.Errorf("%w: 1 to 6 adults per room", errBadOccupancy)
		}
		if len(o.children[i]) > 4 {
			return fmt.Errorf("%w: at most 4 children per room", errBadOccupancy)
		}
		for _, c := range o.children[i] {
			if c < 0 || c > 17 {
				return fmt.Errorf("%w: child ages are 0 to 17", errBadOccupancy)
			}
		}
	}
	return nil
}

// fits tells whether a room kind takes the occupancy of every room.
func fits(k roomKind, o occupancy) bool {
	for i, a := range o.adults {
		if a > k.maxAdults || a+len(o.children[i]) > k.maxOcc {
			return false
		}
	}
	return true
}

// taxRule is a country's hotel taxation: included percentages and a per-person-night tax
// payable at the hotel (in USD).
type taxRule struct {
	vatName  string
	vat      float64
	service  float64
	cityName string
	city     float64
}

var taxRules = map[string]taxRule{
	"SG": {"GST", 0.09, 0.10, "", 0}, "MY": {"SST", 0.08, 0.10, "Tourism tax", 2.1},
	"TH": {"VAT", 0.07, 0.10, "", 0}, "JP": {"Consumption tax", 0.10, 0, "Accommodation tax", 1.5},
	"FR": {"VAT", 0.10, 0, "Taxe de séjour", 2.6}, "DE": {"VAT", 0.07, 0, "City tax", 3.2},
	"IT": {"VAT", 0.10, 0, "Tassa di soggiorno", 4.3}, "ES": {"VAT", 0.10, 0, "Tourist tax", 2.2},
	"NL": {"VAT", 0.09, 0, "City tax", 4.5}, "GB": {"VAT", 0.20, 0, "", 0},
	"US": {"Occupancy tax", 0.1475, 0, "Resort fee", 0}, "AU": {"GST", 0.10, 0, "", 0},
	"CH": {"VAT", 0.038, 0, "City tax", 3.3}, "ID": {"Tax", 0.11, 0.10, "", 0},
	"IN": {"GST", 0.12, 0, "", 0}, "AE": {"VAT", 0.05, 0.10, "Tourism dirham", 5.4},
}

// fee is an itemised tax or fee in minor units of the quote's currency.
type fee struct {
	code, name string
	amount     int64
}

// penalty is a cancellation charge that applies from a moment on.
type penalty struct {
	from   time.Time
	amount int64
}

// quote is the price of one rate for a stay and occupancy at one supplier.
type quote struct {
	currency   string
	nightly    []int64 // pre-tax price per night for all rooms
	base       int64   // sum of nightly
	taxes      []fee   // included in total
	atHotel    []fee   // payable at the hotel, not in total
	total      int64   // base + taxes
	net        int64   // what the supplier pays the hotel (bedcom's net)
	refundable bool
	freeUntil  time.Time // zero when there is no free cancellation
	penalties  []penalty
}

func (q quote) taxTotal() int64 {
	var t int64
	for _, f := range q.taxes {
		t += f.amount
	}
	return t
}

func (q quote) atHotelTotal() int64 {
	var t int64
	for _, f := range q.atHotel {
		t += f.amount
	}
	return t
}

// feeAt is the cancellation fee if cancelled at t.
func (q quote) feeAt(t time.Time) int64 {
	var f int64
	for _, p := range q.penalties {
		if !t.Before(p.from) && p.amount > f {
			f = p.amount
		}
	}
	return f
}

// price computes a quote. drift (a fraction) is added at re-check and booking.
func (w *world) price(sh *supplierHotel, ri, pi int, s stay, o occupancy, drift float64) quote {
	h, rm := sh.hotel, sh.hotel.rooms[ri]
	pl := rm.plans[pi]
	cur := supplierCurrency[sh.supplier]
	q := quote{currency: cur}
	planFactor := map[string]float64{"free": 1, "partial": 0.94, "nonref": 0.88}[pl.policy]
	for n := 0; n < s.nights; n++ {
		d := s.night(n)
		ds := d.Format(time.DateOnly)
		f := 1 + 0.15*math.Sin(2*math.Pi*float64(d.Month()-3)/12)
		if wd := d.Weekday(); wd == time.Friday || wd == time.Saturday {
			f *= 1.12
		}
		f *= 0.92 + 0.16*w.k.unit("night", h.worldID, itoa(ri), ds)
		var usd float64
		for i, a := range o.adults {
			occ := []float64{0, 0.9, 1, 1.3, 1.55, 1.8, 2.05}[a]
			people := float64(a)
			for _, c := range o.children[i] {
				switch {
				case c >= 12:
					occ += 0.3
					people++
				case c >= 2:
					occ += 0.15
					people += 0.5
				}
			}
			usd += h.priceUSD * rm.kind.factor * f * occ * planFactor
			usd += people * map[string]float64{"RO": 0, "BB": 9 + 3*float64(h.stars), "HB": 30 + 6*float64(h.stars)}[pl.board]
		}
		amount := convert(usd*sh.markup*(1+drift), "USD", cur)
		q.nightly = append(q.nightly, int64(math.Round(amount*100)))
		q.base += q.nightly[n]
	}
	rule, ok := taxRules[h.dest.place.CountryCode]
	if !ok {
		rule = taxRule{"Tax", 0.10, 0, "", 0}
	}
	if rule.service > 0 {
		q.taxes = append(q.taxes, fee{"service_charge", "Service charge", int64(math.Round(float64(q.base) * rule.service))})
	}
	q.taxes = append(q.taxes, fee{"tax", rule.vatName, int64(math.Round(float64(q.base) * rule.vat))})
	q.total = q.base + q.taxTotal()
	q.net = int64(math.Round(float64(q.total) * (0.82 + 0.06*w.k.unit("net", h.worldID, sh.supplier))))
	if rule.city > 0 {
		perNight := convert(rule.city*float64(o.guests()), "USD", cur)
		q.atHotel = append(q.atHotel, fee{"city_tax", rule.cityName, int64(math.Round(perNight*100)) * int64(s.nights)})
	} else if rule.cityName == "Resort fee" && h.stars >= 4 {
		perNight := convert(35*float64(o.rooms()), "USD", cur)
		q.atHotel = append(q.atHotel, fee{"resort_fee", "Resort fee", int64(math.Round(perNight*100)) * int64(s.nights)})
	}
	w.policy(&q, h, pl, s)
	return q
}

// policy fills the cancellation terms; deadlines are 18:00 in the hotel's time zone.
func (w *world) policy(q *quote, h *hotel, pl plan, s stay) {
	loc := h.dest.loc
	at := func(daysBefore, hour int) time.Time {
		d := s.checkin.AddDate(0, 0, -daysBefore)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, loc)
	}
	first := q.nightly[0] * q.total / max(1, q.base)
	switch pl.policy {
	case "free":
		q.refundable, q.freeUntil = true, at(pl.days, 18)
		q.penalties = []penalty{{q.freeUntil, first}, {at(0, 14), q.total}}
	case "partial":
		q.refundable, q.freeUntil = true, at(pl.days, 18)
		q.penalties = []penalty{{q.freeUntil, q.total / 2}, {at(1, 18), q.total}}
	default: // non-refundable: the whole price from the moment of sale
		q.penalties = []penalty{{at(365, 0), q.total}}
	}
}

// parseGuests reads the ascenda guests parameter: adults per room separated by "|".
func parseGuests(s string) (occupancy, error) {
	var o occupancy
	for _, part := range strings.Split(s, "|") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil {
			return occupancy{}, fmt.Errorf("%w: guests %q", errBadOccupancy, s)
		}
		o.adults = append(o.adults, n)
		o.children = append(o.children, nil)
	}
	return o, validOccupancy(o)
}
