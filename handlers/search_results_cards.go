package handlers

import (
	"math"
	"strconv"
	"strings"
	"time"

	"lobang/aggregator"
	"lobang/fx"
	"lobang/views"
)

// resultCard builds the card of one hotel of a search.
func resultCard(hr aggregator.HotelResult, c cardHotel, rp resultsPage, lazy bool) views.ResultCard {
	q := rp.p.Query
	best := hr.Cheapest()
	card := views.ResultCard{
		ID:               cardID(hr.HotelID),
		URL:              hotelURL(c, rp),
		Name:             c.Name,
		Stars:            int(c.Stars),
		Address:          c.Addr,
		Image:            c.Image,
		Lazy:             lazy,
		FreeCancellation: hr.FreeCancellation(),
	}
	if c.ReviewScore > 0 {
		card.Review = strconv.FormatFloat(c.ReviewScore, 'f', 1, 64)
		card.ReviewWord = reviewWord(c.ReviewScore)
		card.ReviewCount = c.ReviewCount
	}
	if c.HasGeo && (rp.dest.Lat != 0 || rp.dest.Lng != 0) {
		card.Distance = distanceText(aggregator.DistanceMetres(rp.dest.Lat, rp.dest.Lng, c.Lat, c.Lng)) + " from the centre"
	}
	nights := max(1, q.Nights())
	if rp.rv.PerNight {
		card.Price = formatMoney(perNight(best.Total, nights), best.Currency)
		card.PriceNote = "per night, " + stayFor(nights, q.Rooms)
		card.Total = formatMoney(best.Total, best.Currency)
	} else {
		card.Price = formatMoney(best.Total, best.Currency)
		card.PriceNote = "total, " + stayFor(nights, q.Rooms)
	}
	if best.PayAtHotel > 0 {
		card.PayAtHotel = formatMoney(best.PayAtHotel, best.Currency)
	}
	for i, sp := range hr.Prices {
		amount := sp.Total
		if rp.rv.PerNight {
			amount = perNight(amount, nights)
		}
		card.Quotes = append(card.Quotes, views.SupplierQuote{
			Supplier: supplierName(sp.Supplier), Price: formatMoney(amount, sp.Currency), Cheapest: i == 0,
		})
	}
	return card
}

func cardID(id int64) string { return "hotel-" + strconv.FormatInt(id, 10) }

// hotelURL is the hotel's page carrying the stay, so that its room offers
// are for the same dates and guests.
func hotelURL(c cardHotel, rp resultsPage) string {
	q := rp.p.Query
	var b strings.Builder
	b.WriteString("/hotels/")
	b.WriteString(strconv.FormatInt(c.ID, 10))
	b.WriteString("/")
	b.WriteString(c.Slug)
	b.WriteString("?checkin=" + q.Checkin.Format(time.DateOnly))
	b.WriteString("&checkout=" + q.Checkout.Format(time.DateOnly))
	b.WriteString("&rooms=" + strconv.Itoa(q.Rooms))
	b.WriteString("&adults=" + strconv.Itoa(q.Adults))
	if len(q.ChildrenAges) > 0 {
		b.WriteString("&children=" + joinInts(q.ChildrenAges))
	}
	b.WriteString("&currency=" + q.Currency)
	return b.String()
}

// stayFor is "2 nights" or "2 nights, 2 rooms".
func stayFor(nights, rooms int) string {
	s := plural(nights, "night", "nights")
	if rooms > 1 {
		s += ", " + plural(rooms, "room", "rooms")
	}
	return s
}

// perNight divides a total by the nights, rounding half up to the
// currency's minor unit.
func perNight(total int64, nights int) int64 {
	n := int64(nights)
	return (total + n/2) / n
}

// formatMoney writes an amount in minor units as "SGD 1,240.50" (or
// "JPY 24,000": no minor unit).
func formatMoney(amount int64, currency string) string {
	d, ok := fx.MinorUnits(currency)
	if !ok {
		d = 2
	}
	s := fx.FormatMinor(amount, d)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := currency + " " + sign + b.String()
	if hasFrac {
		out += "." + frac
	}
	return out
}

func reviewWord(score float64) string {
	switch {
	case score >= 9:
		return "Superb"
	case score >= 8:
		return "Very good"
	case score >= 7:
		return "Good"
	case score >= 6:
		return "Pleasant"
	default:
		return ""
	}
}

var supplierNames = map[string]string{"ascenda": "Ascenda", "bedcom": "Bedcom", "wgl": "WGL"}

// supplierName is how customers see a supplier's name.
func supplierName(s string) string {
	if n, ok := supplierNames[s]; ok {
		return n
	}
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// distanceText is "350 m" or "1.2 km".
func distanceText(m float64) string {
	if m < 1000 {
		return strconv.Itoa(int(math.Round(m/10)*10)) + " m"
	}
	return strconv.FormatFloat(m/1000, 'f', 1, 64) + " km"
}
