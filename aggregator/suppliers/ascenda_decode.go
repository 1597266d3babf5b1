package suppliers

import (
	"strings"
	"time"
)

// The ascenda wire format (JSON) and its tolerant decoders. Field names are
// the supplier's, misspellings included.

type ascHotelWire struct {
	ID          flexString `json:"id"`
	Latitude    flexNum    `json:"latitude"`
	Longitude   flexNum    `json:"longitude"`
	Name        flexString `json:"name"`
	Address     flexString `json:"address"`
	Address1    flexString `json:"address1"`
	Rating      flexNum    `json:"rating"`
	Description flexString `json:"description"`
	TrustYou    struct {
		Score struct {
			Overall       flexNum `json:"overall"`
			KaligoOverall flexNum `json:"kaligo_overall"`
		} `json:"score"`
	} `json:"trustyou"`
	AmenitiesRatings []struct {
		Name  flexString `json:"name"`
		Score flexNum    `json:"score"`
	} `json:"amenities_ratings"`
	Amenities        map[string]flexBool `json:"amenities"`
	OriginalMetadata struct {
		City    flexString `json:"city"`
		Country flexString `json:"country"`
	} `json:"original_metadata"`
	ImageDetails struct {
		Prefix flexString `json:"prefix"`
		Suffix flexString `json:"suffix"`
		Count  flexNum    `json:"count"`
	} `json:"image_details"`
	CheckinTime flexString `json:"checkin_time"`
}

// ascendaBreakdown maps ascenda's amenity-rating names to our review
// categories.
var ascendaBreakdown = map[string]string{
	"location": "location", "service": "service", "room": "rooms", "comfort": "rooms",
	"cleanliness": "cleanliness", "value": "value",
}

// maxImages bounds the images taken from one hotel.
const maxImages = 200

func (w ascHotelWire) hotel() (Hotel, bool) {
	id := strings.TrimSpace(string(w.ID))
	if id == "" {
		return Hotel{}, false
	}
	h := Hotel{
		SupplierHotelID: id,
		Name:            strings.TrimSpace(string(w.Name)),
		Address:         strings.TrimSpace(string(w.Address)),
		City:            strings.TrimSpace(string(w.OriginalMetadata.City)),
		CountryCode:     strings.ToUpper(strings.TrimSpace(string(w.OriginalMetadata.Country))),
		Description:     string(w.Description),
		CheckInTime:     clockTime(string(w.CheckinTime)),
	}
	if h.Address == "" {
		h.Address = strings.TrimSpace(string(w.Address1))
	}
	h.Lat, h.Lng, h.HasGeo = geo(w.Latitude, w.Longitude)
	if v, ok := w.Rating.Float(); ok {
		h.Stars = clampStars(v)
	}
	if v, ok := w.TrustYou.Score.Overall.Float(); ok && v > 0 {
		h.ReviewScore = score10(v, 100)
	} else if v, ok := w.TrustYou.Score.KaligoOverall.Float(); ok && v > 0 {
		h.ReviewScore = score10(v, 5)
	}
	for _, r := range w.AmenitiesRatings {
		cat, ok := ascendaBreakdown[strings.ToLower(strings.TrimSpace(string(r.Name)))]
		v, okv := r.Score.Float()
		if !ok || !okv || v <= 0 {
			continue
		}
		if h.ReviewBreakdown == nil {
			h.ReviewBreakdown = map[string]float64{}
		}
		if _, dup := h.ReviewBreakdown[cat]; !dup {
			h.ReviewBreakdown[cat] = score10(v, 100)
		}
	}
	set := amenitySet{}
	for k, v := range w.Amenities {
		if !v.V {
			continue
		}
		if key, ok := ascendaAmenityKeys[strings.ToLower(k)]; ok {
			set.add(key, true)
			continue
		}
		set.add(amenityFromWording(k))
	}
	h.Amenities = set.list()
	prefix, suffix := strings.TrimSpace(string(w.ImageDetails.Prefix)), strings.TrimSpace(string(w.ImageDetails.Suffix))
	if n := w.ImageDetails.Count.Int(); n > 0 && absoluteURL(prefix) {
		for i := range min(n, maxImages) {
			h.Images = append(h.Images, Image{URL: prefix + itoa(i) + suffix})
		}
	}
	return h, true
}

// absoluteURL tells whether s starts like an absolute http(s) URL.
func absoluteURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// decodeAscendaHotels decodes GET /api/hotels (a bare array). Entries
// without an id are skipped; a body that is no array is ErrBadResponse.
func decodeAscendaHotels(body []byte) ([]Hotel, error) {
	var wire []ascHotelWire
	if err := decodeJSON(body, &wire); err != nil {
		return nil, err
	}
	out := make([]Hotel, 0, len(wire))
	seen := map[string]bool{}
	for _, w := range wire {
		if h, ok := w.hotel(); ok && !seen[h.SupplierHotelID] {
			seen[h.SupplierHotelID] = true
			out = append(out, h)
		}
	}
	return out, nil
}

// ascPricesWire is GET /api/hotels/prices: the polled search envelope.
type ascPricesWire struct {
	Completed flexBool   `json:"completed"`
	Currency  flexString `json:"currency"`
	Hotels    []struct {
		ID                     flexString `json:"id"`
		FreeCancellation       flexBool   `json:"free_cancellation"`
		Price                  flexNum    `json:"price"`
		ConvertedPrice         flexNum    `json:"converted_price"`
		LowestConvertedPrice   flexNum    `json:"lowest_converted_price"`
		CovertedMaxCashPayment flexNum    `json:"coverted_max_cash_payment"`
	} `json:"hotels"`
}

// decodeAscendaPrices decodes one poll of a price search: the hotels priced
// so far (in cur when the envelope names no currency) and whether the search
// is complete. Hotels without a usable price are skipped. ascenda's search
// prices do not itemise what is payable at the hotel, so PayAtHotel is zero
// here; Offers has the full picture.
func decodeAscendaPrices(body []byte, cur string) ([]HotelPrice, bool, error) {
	var w ascPricesWire
	if err := decodeJSON(body, &w); err != nil {
		return nil, false, err
	}
	if c := strings.ToUpper(strings.TrimSpace(string(w.Currency))); c != "" {
		cur = c
	}
	out := make([]HotelPrice, 0, len(w.Hotels))
	seen := map[string]bool{}
	for _, h := range w.Hotels {
		id := strings.TrimSpace(string(h.ID))
		if id == "" || seen[id] {
			continue
		}
		var total Money
		ok := false
		for _, n := range []flexNum{h.ConvertedPrice, h.Price, h.LowestConvertedPrice, h.CovertedMaxCashPayment} {
			if total, ok = n.Money(cur); ok && total.Amount > 0 {
				break
			}
		}
		if !ok || total.Amount <= 0 {
			continue
		}
		seen[id] = true
		out = append(out, HotelPrice{SupplierHotelID: id, Total: total, PayAtHotel: Money{Currency: total.Currency},
			FreeCancellation: h.FreeCancellation.V})
	}
	return out, w.Completed.V, nil
}

type ascFeeWire struct {
	ID       flexString `json:"id"`
	Amount   flexNum    `json:"amount"`
	Currency flexString `json:"currency"`
}

type ascPolicyWire struct {
	FreeCancellationUntil flexString `json:"free_cancellation_until"`
	Description           flexString `json:"description"`
	Penalties             []struct {
		From   flexString `json:"from"`
		Amount flexNum    `json:"amount"`
	} `json:"penalties"`
}

type ascRoomWire struct {
	Key                       flexString `json:"key"`
	RoomDescription           flexString `json:"roomDescription"`
	RoomNormalizedDescription flexString `json:"roomNormalizedDescription"`
	Type                      flexString `json:"type"`
	FreeCancellation          flexBool   `json:"free_cancellation"`
	RoomAdditionalInfo        struct {
		BreakfastInfo flexString `json:"breakfastInfo"`
		DisplayFields struct {
			HotelFees []ascFeeWire `json:"hotel_fees"`
		} `json:"displayFields"`
	} `json:"roomAdditionalInfo"`
	Price                               flexNum       `json:"price"`
	ConvertedPrice                      flexNum       `json:"converted_price"`
	IncludedTaxesAndFeesInCurrency      []ascFeeWire  `json:"included_taxes_and_fees_in_currency"`
	ExcludedTaxesAndFeesTotalInCurrency flexNum       `json:"excluded_taxes_and_fees_total_in_currency"`
	CancellationPolicy                  ascPolicyWire `json:"cancellation_policy"`
}

type ascRoomsWire struct {
	Completed flexBool      `json:"completed"`
	Currency  flexString    `json:"currency"`
	Rooms     []ascRoomWire `json:"rooms"`
}

// ascendaBoard maps breakfastInfo to our board names.
func ascendaBoard(info string) string {
	s := strings.ToLower(info)
	switch {
	case strings.Contains(s, "all_inclusive") || strings.Contains(s, "all inclusive"):
		return "all_inclusive"
	case strings.Contains(s, "full_board") || strings.Contains(s, "full board"):
		return "full_board"
	case strings.Contains(s, "half_board") || strings.Contains(s, "half board"):
		return "half_board"
	case strings.Contains(s, "breakfast"):
		return "breakfast"
	}
	return "room_only"
}

// decodeAscendaRooms decodes GET /api/hotels/{id}/price into offers priced in
// cur (the currency we asked for: the envelope's is null on this endpoint).
func decodeAscendaRooms(body []byte, hotelID, cur string) ([]Offer, bool, error) {
	var w ascRoomsWire
	if err := decodeJSON(body, &w); err != nil {
		return nil, false, err
	}
	if c := strings.ToUpper(strings.TrimSpace(string(w.Currency))); c != "" {
		cur = c
	}
	out := make([]Offer, 0, len(w.Rooms))
	for _, r := range w.Rooms {
		if o, ok := r.offer(hotelID, cur); ok {
			out = append(out, o)
		}
	}
	return out, w.Completed.V, nil
}

func (r ascRoomWire) offer(hotelID, cur string) (Offer, bool) {
	key := strings.TrimSpace(string(r.Key))
	price, ok := r.ConvertedPrice.Money(cur)
	if !ok || price.Amount <= 0 {
		price, ok = r.Price.Money(cur)
	}
	if key == "" || !ok || price.Amount <= 0 {
		return Offer{}, false
	}
	o := Offer{SupplierHotelID: hotelID, RoomCode: strings.TrimSpace(string(r.Type)),
		RoomName: strings.TrimSpace(string(r.RoomNormalizedDescription)),
		Board:    ascendaBoard(string(r.RoomAdditionalInfo.BreakfastInfo)), Key: key,
		Total: price, PayAtHotel: Money{Currency: price.Currency}, Net: Money{Currency: price.Currency}}
	if o.RoomName == "" {
		o.RoomName = strings.TrimSpace(string(r.RoomDescription))
	}
	for _, f := range r.IncludedTaxesAndFeesInCurrency {
		if m, ok := f.Amount.Money(cur); ok && m.Amount > 0 {
			o.Fees = append(o.Fees, Fee{Name: feeName(string(f.ID)), Amount: m})
		}
	}
	atHotel, _ := r.ExcludedTaxesAndFeesTotalInCurrency.Money(cur)
	if atHotel.Amount > 0 {
		o.PayAtHotel = atHotel
		o.Total.Amount += atHotel.Amount
		// Itemise the supplier's hotel fees when they add up in our currency;
		// otherwise show their total as one fee.
		var items []Fee
		var sum int64
		for _, f := range r.RoomAdditionalInfo.DisplayFields.HotelFees {
			c := strings.ToUpper(strings.TrimSpace(string(f.Currency)))
			if m, ok := f.Amount.Money(cur); ok && (c == "" || c == cur) && m.Amount > 0 {
				items, sum = append(items, Fee{Name: feeName(string(f.ID)), Amount: m, PayAtHotel: true}), sum+m.Amount
			}
		}
		if sum != atHotel.Amount {
			items = []Fee{{Name: "Taxes and fees payable at the hotel", Amount: atHotel, PayAtHotel: true}}
		}
		o.Fees = append(o.Fees, items...)
	}
	o.Cancellation = r.CancellationPolicy.policy(cur, r.FreeCancellation.V)
	return o, true
}

func (p ascPolicyWire) policy(cur string, free bool) CancellationPolicy {
	cp := CancellationPolicy{Description: strings.TrimSpace(string(p.Description))}
	if t, ok := parseTime(string(p.FreeCancellationUntil)); ok {
		cp.FreeUntil, cp.Refundable = t, true
	}
	cp.Refundable = cp.Refundable || free
	for _, pen := range p.Penalties {
		t, ok1 := parseTime(string(pen.From))
		m, ok2 := pen.Amount.Money(cur)
		if ok1 && ok2 {
			cp.Penalties = append(cp.Penalties, Penalty{From: t, Amount: m})
		}
	}
	return cp
}

// feeName turns a fee code such as "tax_and_service_fee" into words.
func feeName(code string) string {
	s := strings.TrimSpace(strings.ReplaceAll(code, "_", " "))
	if s == "" {
		return "Taxes and fees"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// parseTime reads an RFC 3339 instant (or a bare date, as UTC midnight) and
// returns it in UTC.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

type ascBookingWire struct {
	BookingID       flexString    `json:"booking_id"`
	Reference       flexString    `json:"reference"`
	Status          flexString    `json:"status"`
	HotelID         flexString    `json:"hotel_id"`
	Checkin         flexString    `json:"checkin"`
	Checkout        flexString    `json:"checkout"`
	Currency        flexString    `json:"currency"`
	Price           flexNum       `json:"price"`
	ExcludedTaxes   flexNum       `json:"excluded_taxes_and_fees_total"`
	CancellationFee flexNum       `json:"cancellation_fee"`
	Policy          ascPolicyWire `json:"cancellation_policy"`
}

// decodeAscendaBooking decodes a booking and the cancellation fee it names
// (the fee if cancelled now, or the one charged).
func decodeAscendaBooking(body []byte, cur string) (Booking, Money, error) {
	var w ascBookingWire
	if err := decodeJSON(body, &w); err != nil {
		return Booking{}, Money{}, err
	}
	if c := strings.ToUpper(strings.TrimSpace(string(w.Currency))); c != "" {
		cur = c
	}
	b := Booking{Reference: string(w.Reference), SupplierReference: string(w.BookingID),
		Status: normaliseStatus(string(w.Status)), SupplierHotelID: string(w.HotelID)}
	if b.Reference == "" {
		return Booking{}, Money{}, errBadBody("booking without reference")
	}
	b.Checkin, _ = parseTime(string(w.Checkin))
	b.Checkout, _ = parseTime(string(w.Checkout))
	b.Total, _ = w.Price.Money(cur)
	if ex, ok := w.ExcludedTaxes.Money(cur); ok && ex.Amount > 0 {
		b.Total.Amount += ex.Amount
	}
	b.Net = Money{Currency: b.Total.Currency}
	fee, _ := w.CancellationFee.Money(cur)
	return b, fee, nil
}

// normaliseStatus maps every dialect's booking status to ours.
func normaliseStatus(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "confirmed", "reserved", "booked", "book", "commit", "committed", "modify":
		return StatusConfirmed
	case "cancelled", "canceled", "cancel", "cancelled_with_fee":
		return StatusCancelled
	}
	return StatusPending
}
