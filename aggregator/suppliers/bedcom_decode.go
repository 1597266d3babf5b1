package suppliers

import (
	"strings"
	"time"
	"unicode"
)

// The bedcom wire format (JSON REST, EUR, amounts as decimal strings) and its
// tolerant decoders.

// bedcomCurrency is what bedcom prices in when an answer does not say.
const bedcomCurrency = "EUR"

type bcContentWire struct {
	Content flexString `json:"content"`
}

// text reads {"content": "..."}, also when a plain string was sent.
func (c *bcContentWire) UnmarshalJSON(b []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(b); err == nil && s != "" {
		c.Content = s
		return nil
	}
	var w struct {
		Content flexString `json:"content"`
	}
	if decodeJSON(b, &w) == nil {
		c.Content = w.Content
	}
	return nil
}

type bcHotelWire struct {
	Code        flexString    `json:"code"`
	Name        bcContentWire `json:"name"`
	Description bcContentWire `json:"description"`
	CountryCode flexString    `json:"countryCode"`
	Coordinates struct {
		Latitude  flexNum `json:"latitude"`
		Longitude flexNum `json:"longitude"`
	} `json:"coordinates"`
	CategoryCode flexString    `json:"categoryCode"`
	CategoryName flexString    `json:"categoryName"`
	Address      bcContentWire `json:"address"`
	PostalCode   flexString    `json:"postalCode"`
	City         bcContentWire `json:"city"`
	Facilities   []struct {
		FacilityCode flexNum       `json:"facilityCode"`
		Description  bcContentWire `json:"description"`
	} `json:"facilities"`
	Images []struct {
		Path  flexString `json:"path"`
		Order flexNum    `json:"order"`
	} `json:"images"`
	Reviews []struct {
		Rate        flexNum    `json:"rate"`
		ReviewCount flexNum    `json:"reviewCount"`
		Type        flexString `json:"type"`
	} `json:"reviews"`
}

type bcHotelsWire struct {
	From   flexNum       `json:"from"`
	To     flexNum       `json:"to"`
	Total  flexNum       `json:"total"`
	Hotels []bcHotelWire `json:"hotels"`
}

// bedcomStars reads a category such as "4EST", "H4_5", "3LL" or "5 STARS"
// (half stars as "_5").
func bedcomStars(code, name string) float64 {
	for _, s := range []string{code, name} {
		i := strings.IndexFunc(s, unicode.IsDigit)
		if i < 0 {
			continue
		}
		v := float64(s[i] - '0')
		if strings.HasPrefix(s[i+1:], "_5") || strings.HasPrefix(s[i+1:], ".5") {
			v += 0.5
		}
		return clampStars(v)
	}
	return 0
}

// titleCase softens bedcom's shouting ("SINGAPORE" → "Singapore") and
// leaves mixed-case text alone.
func titleCase(s string) string {
	s = strings.TrimSpace(s)
	if s != strings.ToUpper(s) {
		return s
	}
	ws := strings.Fields(strings.ToLower(s))
	for i, w := range ws {
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		ws[i] = string(r)
	}
	return strings.Join(ws, " ")
}

func (w bcHotelWire) hotel() (Hotel, bool) {
	id := strings.TrimSpace(string(w.Code))
	if id == "" || id == "0" {
		return Hotel{}, false
	}
	h := Hotel{SupplierHotelID: id, Name: strings.TrimSpace(string(w.Name.Content)),
		Description: string(w.Description.Content), Address: strings.TrimSpace(string(w.Address.Content)),
		City: titleCase(string(w.City.Content)), CountryCode: strings.ToUpper(strings.TrimSpace(string(w.CountryCode))),
		PostalCode: strings.TrimSpace(string(w.PostalCode)),
		Stars:      bedcomStars(string(w.CategoryCode), string(w.CategoryName))}
	h.Lat, h.Lng, h.HasGeo = geo(w.Coordinates.Latitude, w.Coordinates.Longitude)
	for _, r := range w.Reviews {
		// bedcom rates out of 5.
		if v, ok := r.Rate.Float(); ok && v > 0 && h.ReviewScore == 0 {
			h.ReviewScore, h.ReviewCount = score10(v, 5), max(0, r.ReviewCount.Int())
		}
	}
	set := amenitySet{}
	for _, f := range w.Facilities {
		set.add(amenityFromWording(string(f.Description.Content)))
	}
	h.Amenities = set.list()
	for _, im := range w.Images {
		if p := strings.TrimSpace(string(im.Path)); absoluteURL(p) && len(h.Images) < maxImages {
			h.Images = append(h.Images, Image{URL: p})
		}
	}
	return h, true
}

// decodeBedcomHotels decodes one page of POST /hotels: its hotels and the
// total number of hotels over all pages.
func decodeBedcomHotels(body []byte) ([]Hotel, int, error) {
	var w bcHotelsWire
	if err := decodeJSON(body, &w); err != nil {
		return nil, 0, err
	}
	out := make([]Hotel, 0, len(w.Hotels))
	for _, hw := range w.Hotels {
		if h, ok := hw.hotel(); ok {
			out = append(out, h)
		}
	}
	return out, max(0, w.Total.Int()), nil
}

type bcTaxWire struct {
	Included flexBool   `json:"included"`
	Amount   flexNum    `json:"amount"`
	Currency flexString `json:"currency"`
	Type     flexString `json:"type"`
	Name     flexString `json:"name"`
}

type bcRateWire struct {
	RateKey              flexString `json:"rateKey"`
	RateClass            flexString `json:"rateClass"`
	RateType             flexString `json:"rateType"`
	Net                  flexNum    `json:"net"`
	SellingRate          flexNum    `json:"sellingRate"`
	BoardCode            flexString `json:"boardCode"`
	BoardName            flexString `json:"boardName"`
	RateComments         flexString `json:"rateComments"`
	CancellationPolicies []struct {
		Amount flexNum    `json:"amount"`
		From   flexString `json:"from"`
	} `json:"cancellationPolicies"`
	Taxes struct {
		Taxes []bcTaxWire `json:"taxes"`
	} `json:"taxes"`
}

type bcRoomWire struct {
	Code  flexString   `json:"code"`
	Name  flexString   `json:"name"`
	Rates []bcRateWire `json:"rates"`
}

type bcAvailHotelWire struct {
	Code     flexString   `json:"code"`
	Currency flexString   `json:"currency"`
	Rooms    []bcRoomWire `json:"rooms"`
}

type bcAvailWire struct {
	Hotels struct {
		Hotels []bcAvailHotelWire `json:"hotels"`
	} `json:"hotels"`
}

// bedcomBoard maps a board code to our board names.
func bedcomBoard(code, name string) string {
	switch strings.ToUpper(strings.TrimSpace(code)) {
	case "RO", "SA":
		return "room_only"
	case "BB", "CB", "AB":
		return "breakfast"
	case "HB":
		return "half_board"
	case "FB":
		return "full_board"
	case "AI", "TI":
		return "all_inclusive"
	}
	return ascendaBoard(name)
}

// offer turns one rate into an offer; now decides whether a cancellation
// deadline is still ahead.
func (r bcRateWire) offer(hotelID, cur string, room bcRoomWire) (Offer, bool) {
	key := strings.TrimSpace(string(r.RateKey))
	sell, ok := r.SellingRate.Money(cur)
	if key == "" || !ok || sell.Amount <= 0 {
		return Offer{}, false
	}
	o := Offer{SupplierHotelID: hotelID, RoomCode: strings.TrimSpace(string(room.Code)),
		RoomName: titleCase(string(room.Name)), Board: bedcomBoard(string(r.BoardCode), string(r.BoardName)),
		Total: sell, PayAtHotel: Money{Currency: cur}, Key: key,
		NeedsPriceCheck: strings.EqualFold(strings.TrimSpace(string(r.RateType)), "RECHECK")}
	o.Net, _ = r.Net.Money(cur)
	for _, t := range r.Taxes.Taxes {
		c := strings.ToUpper(strings.TrimSpace(string(t.Currency)))
		m, ok := t.Amount.Money(cur)
		if !ok || m.Amount <= 0 || (c != "" && c != cur) {
			continue
		}
		name := strings.TrimSpace(string(t.Name))
		if name == "" {
			name = feeName(strings.ToLower(string(t.Type)))
		}
		f := Fee{Name: name, Amount: m, PayAtHotel: t.Included.Set && !t.Included.V}
		if f.PayAtHotel {
			o.PayAtHotel.Amount += m.Amount
			o.Total.Amount += m.Amount
		}
		o.Fees = append(o.Fees, f)
	}
	cp := CancellationPolicy{Refundable: !strings.EqualFold(strings.TrimSpace(string(r.RateClass)), "NRF"),
		Description: strings.TrimSpace(string(r.RateComments))}
	for _, p := range r.CancellationPolicies {
		t, ok1 := parseTime(string(p.From))
		m, ok2 := p.Amount.Money(cur)
		if ok1 && ok2 {
			cp.Penalties = append(cp.Penalties, Penalty{From: t, Amount: m})
		}
	}
	if cp.Refundable {
		cp.FreeUntil = firstPenalty(cp.Penalties)
	}
	o.Cancellation = cp
	return o, true
}

// firstPenalty is the earliest moment any penalty applies (zero for none).
func firstPenalty(ps []Penalty) time.Time {
	var t time.Time
	for _, p := range ps {
		if p.Amount.Amount > 0 && (t.IsZero() || p.From.Before(t)) {
			t = p.From
		}
	}
	return t
}

// offers lists every rate of an availability hotel as offers.
func (h bcAvailHotelWire) offers() []Offer {
	cur := strings.ToUpper(strings.TrimSpace(string(h.Currency)))
	if cur == "" {
		cur = bedcomCurrency
	}
	id := strings.TrimSpace(string(h.Code))
	var out []Offer
	for _, room := range h.Rooms {
		for _, r := range room.Rates {
			if o, ok := r.offer(id, cur, room); ok {
				out = append(out, o)
			}
		}
	}
	return out
}

// decodeBedcomAvailability decodes POST /availability into every hotel's
// offers, hotel by hotel in the supplier's order.
func decodeBedcomAvailability(body []byte) ([][]Offer, error) {
	var w bcAvailWire
	if err := decodeJSON(body, &w); err != nil {
		return nil, err
	}
	out := make([][]Offer, 0, len(w.Hotels.Hotels))
	for _, h := range w.Hotels.Hotels {
		if strings.TrimSpace(string(h.Code)) == "" {
			continue
		}
		if offers := h.offers(); len(offers) > 0 {
			out = append(out, offers)
		}
	}
	return out, nil
}

// cheapest summarises one hotel's offers for a search: the lowest total.
func cheapest(offers []Offer, now time.Time) (HotelPrice, bool) {
	best := -1
	for i, o := range offers {
		if best < 0 || o.Total.Amount < offers[best].Total.Amount {
			best = i
		}
	}
	if best < 0 {
		return HotelPrice{}, false
	}
	o := offers[best]
	c := o.Cancellation
	free := c.Refundable && (c.FreeUntil.IsZero() && len(c.Penalties) == 0 || c.FreeUntil.After(now))
	return HotelPrice{SupplierHotelID: o.SupplierHotelID, Total: o.Total, PayAtHotel: o.PayAtHotel, FreeCancellation: free}, true
}

// decodeBedcomCheck decodes POST /checkrates: the one rate checked.
func decodeBedcomCheck(body []byte) (Offer, error) {
	var w struct {
		Hotel bcAvailHotelWire `json:"hotel"`
	}
	if err := decodeJSON(body, &w); err != nil {
		return Offer{}, err
	}
	offers := w.Hotel.offers()
	if len(offers) == 0 {
		return Offer{}, errBadBody("checkrates answer without a rate")
	}
	return offers[0], nil
}

type bcBookingWire struct {
	Booking struct {
		Reference       flexString `json:"reference"`
		ClientReference flexString `json:"clientReference"`
		Status          flexString `json:"status"`
		Hotel           struct {
			Code     flexString `json:"code"`
			CheckIn  flexString `json:"checkIn"`
			CheckOut flexString `json:"checkOut"`
		} `json:"hotel"`
		TotalNet           flexNum    `json:"totalNet"`
		TotalSellingRate   flexNum    `json:"totalSellingRate"`
		PendingAmount      flexNum    `json:"pendingAmount"`
		Currency           flexString `json:"currency"`
		CancellationAmount flexNum    `json:"cancellationAmount"`
	} `json:"booking"`
}

// decodeBedcomBooking decodes a booking answer and its cancellationAmount
// (zero when absent).
func decodeBedcomBooking(body []byte) (Booking, Money, error) {
	var w bcBookingWire
	if err := decodeJSON(body, &w); err != nil {
		return Booking{}, Money{}, err
	}
	bw := w.Booking
	cur := strings.ToUpper(strings.TrimSpace(string(bw.Currency)))
	if cur == "" {
		cur = bedcomCurrency
	}
	b := Booking{Reference: string(bw.ClientReference), SupplierReference: string(bw.Reference),
		Status: normaliseStatus(string(bw.Status)), SupplierHotelID: strings.TrimSpace(string(bw.Hotel.Code))}
	if b.Reference == "" && b.SupplierReference == "" {
		return Booking{}, Money{}, errBadBody("booking without reference")
	}
	b.Checkin, _ = parseTime(string(bw.Hotel.CheckIn))
	b.Checkout, _ = parseTime(string(bw.Hotel.CheckOut))
	b.Total, _ = bw.TotalSellingRate.Money(cur)
	if p, ok := bw.PendingAmount.Money(cur); ok && p.Amount > 0 {
		b.Total.Amount += p.Amount
	}
	b.Net, _ = bw.TotalNet.Money(cur)
	fee, _ := bw.CancellationAmount.Money(cur)
	return b, fee, nil
}
