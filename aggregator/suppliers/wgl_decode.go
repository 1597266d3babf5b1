package suppliers

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

// Tolerant decoders of wgl's XML answers.

// wglCurrency is what wgl prices in when an answer does not say.
const wglCurrency = "USD"

// decodeXML reads a response of the expected root element; broken XML or
// another root is ErrBadResponse.
func decodeXML(body []byte, v any) error {
	if err := xml.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: %w", ErrBadResponse, err)
	}
	return nil
}

// otaError maps the first <Error> of an answer to our typed errors; nil when
// there is none.
func (rs otaRSX) err() error {
	if len(rs.Errors) == 0 {
		return nil
	}
	e := rs.Errors[0]
	typed := ErrInvalid
	switch strings.TrimSpace(e.Code) {
	case "392", "245":
		typed = ErrNotFound
	case "322":
		typed = ErrSoldOut
	case "448":
		typed = ErrUnavailable
	case "429":
		typed = ErrRateLimited
	}
	return fmt.Errorf("%w: OTA error %s %s", typed, e.Code, e.ShortText)
}

func (c otaDescriptiveContentX) hotel() (Hotel, bool) {
	id := strings.TrimSpace(c.HotelCode)
	if id == "" {
		return Hotel{}, false
	}
	h := Hotel{SupplierHotelID: id, Name: strings.TrimSpace(c.HotelName),
		Address:     strings.TrimSpace(strings.Join(c.Address.AddressLine, ", ")),
		City:        strings.TrimSpace(c.Address.CityName),
		CountryCode: strings.ToUpper(strings.TrimSpace(c.Address.Country.Code)),
		PostalCode:  strings.TrimSpace(c.Address.PostalCode)}
	if p := c.HotelInfo.Position; p != nil {
		h.Lat, h.Lng, h.HasGeo = geo(flexNum(strings.TrimSpace(p.Latitude)), flexNum(strings.TrimSpace(p.Longitude)))
	}
	for _, a := range c.Awards {
		if v, ok := flexNum(strings.TrimSpace(a.Rating)).Float(); ok && h.Stars == 0 {
			h.Stars = clampStars(v)
		}
	}
	for _, cat := range c.HotelInfo.Categories {
		if h.Stars == 0 {
			h.Stars = bedcomStars(cat.Code, cat.CodeDetail)
		}
	}
	set := amenitySet{}
	for _, s := range c.HotelInfo.Services {
		if code, err := strconv.Atoi(strings.TrimSpace(s.Code)); err == nil {
			key, ok := wglAmenityCodes[code]
			if ok || code == 1001 || code == 1003 {
				set.add(key, ok)
				continue
			}
		}
		set.add(amenityFromWording(s.Description))
	}
	h.Amenities = set.list()
	for _, m := range c.Multimedia {
		for _, t := range m.TextItems {
			if d := strings.TrimSpace(t.Description); d != "" && (h.Description == "" || strings.EqualFold(t.Title, "Description")) {
				h.Description = t.Description
			}
		}
		for _, im := range m.ImageItems {
			if u := strings.TrimSpace(im.URL); absoluteURL(u) && len(h.Images) < maxImages {
				h.Images = append(h.Images, Image{URL: u})
			}
		}
	}
	return h, true
}

// decodeWGLDescriptive decodes OTA_HotelDescriptiveInfoRS; an unknown city
// (error 392) is an empty list.
func decodeWGLDescriptive(body []byte) ([]Hotel, error) {
	var rs otaDescriptiveRSX
	if err := decodeXML(body, &rs); err != nil {
		return nil, err
	}
	if len(rs.Errors) > 0 && strings.TrimSpace(rs.Errors[0].Code) == "392" {
		return []Hotel{}, nil
	}
	if err := rs.err(); err != nil {
		return nil, err
	}
	out := make([]Hotel, 0, len(rs.Contents))
	seen := map[string]bool{}
	for _, c := range rs.Contents {
		if h, ok := c.hotel(); ok && !seen[h.SupplierHotelID] {
			seen[h.SupplierHotelID] = true
			out = append(out, h)
		}
	}
	return out, nil
}

// wglMoney reads an attribute amount.
func wglMoney(s, cur string) (Money, bool) { return flexNum(strings.TrimSpace(s)).Money(cur) }

// wglKey joins what booking a wgl rate needs: hotel, room type, rate plan.
func wglKey(hotel, room, plan string) string { return hotel + "|" + room + "|" + plan }

// parseWGLKey splits a key made by wglKey.
func parseWGLKey(key string) (hotel, room, plan string, ok bool) {
	f := strings.Split(key, "|")
	if len(f) != 3 || f[0] == "" || f[1] == "" || f[2] == "" {
		return "", "", "", false
	}
	return f[0], f[1], f[2], true
}

func wglBoard(p otaRatePlanX) string {
	if m := p.Meals; m != nil {
		yes := func(s string) bool {
			return strings.EqualFold(strings.TrimSpace(s), "true") || strings.TrimSpace(s) == "1"
		}
		switch {
		case yes(m.Breakfast) && yes(m.Lunch) && yes(m.Dinner):
			return "full_board"
		case yes(m.Breakfast) && yes(m.Dinner):
			return "half_board"
		case yes(m.Breakfast):
			return "breakfast"
		}
		return "room_only"
	}
	return ascendaBoard(p.RatePlanName)
}

// priced applies an OTA total: after-tax amount plus exclusive taxes, which
// are payable at the hotel.
func (t otaTotalX) priced(cur string) (total, atHotel Money, fees []Fee, ok bool) {
	if c := strings.ToUpper(strings.TrimSpace(t.CurrencyCode)); c != "" {
		cur = c
	}
	total, ok = wglMoney(t.AmountAfterTax, cur)
	if !ok {
		total, ok = wglMoney(t.AmountBeforeTax, cur)
	}
	if !ok || total.Amount <= 0 {
		return Money{}, Money{}, nil, false
	}
	atHotel = Money{Currency: total.Currency}
	for _, taxes := range t.Taxes {
		for _, tx := range taxes.Tax {
			m, ok := wglMoney(tx.Amount, total.Currency)
			if !ok || m.Amount <= 0 {
				continue
			}
			name := strings.TrimSpace(tx.Name)
			if name == "" {
				name = feeName(tx.Code)
			}
			f := Fee{Name: name, Amount: m, PayAtHotel: strings.EqualFold(strings.TrimSpace(tx.Type), "Exclusive")}
			if f.PayAtHotel {
				atHotel.Amount += m.Amount
				total.Amount += m.Amount
			}
			fees = append(fees, f)
		}
	}
	return total, atHotel, fees, true
}

func wglPolicy(p otaRatePlanX, cur string) CancellationPolicy {
	var cp CancellationPolicy
	if len(p.CancelPenalies) == 0 {
		return cp // terms unknown: not promised as refundable
	}
	cp.Refundable = true
	for _, pen := range p.CancelPenalies {
		if strings.EqualFold(strings.TrimSpace(pen.NonRefundable), "true") || strings.TrimSpace(pen.NonRefundable) == "1" {
			cp.Refundable = false
		}
		t, ok1 := parseTime(pen.Deadline.AbsoluteDeadline)
		c := cur
		if pc := strings.ToUpper(strings.TrimSpace(pen.Amount.CurrencyCode)); pc != "" {
			c = pc
		}
		m, ok2 := wglMoney(pen.Amount.Amount, c)
		if ok1 && ok2 {
			cp.Penalties = append(cp.Penalties, Penalty{From: t, Amount: m})
		}
	}
	if cp.Refundable {
		cp.FreeUntil = firstPenalty(cp.Penalties)
	}
	return cp
}

// offers lists every room rate of a room stay.
func (rs otaRoomStayX) offers() []Offer {
	hotel := strings.TrimSpace(rs.Property.HotelCode)
	if hotel == "" {
		return nil
	}
	names := map[string]string{}
	for _, rt := range rs.RoomTypes {
		if _, ok := names[rt.RoomTypeCode]; !ok {
			names[rt.RoomTypeCode] = strings.TrimSpace(rt.Description.Name)
		}
	}
	var out []Offer
	for i, rr := range rs.RoomRates {
		var plan otaRatePlanX
		if i < len(rs.RatePlans) && rs.RatePlans[i].RatePlanCode == rr.RatePlanCode {
			plan = rs.RatePlans[i]
		} else {
			for _, p := range rs.RatePlans {
				if p.RatePlanCode == rr.RatePlanCode {
					plan = p
					break
				}
			}
		}
		room, code := strings.TrimSpace(rr.RoomTypeCode), strings.TrimSpace(rr.RatePlanCode)
		total, atHotel, fees, ok := rr.Total.priced(wglCurrency)
		if room == "" || code == "" || !ok {
			continue
		}
		out = append(out, Offer{SupplierHotelID: hotel, RoomCode: room, RoomName: names[rr.RoomTypeCode],
			Board: wglBoard(plan), Total: total, PayAtHotel: atHotel, Net: Money{Currency: total.Currency},
			Fees: fees, Cancellation: wglPolicy(plan, total.Currency), Key: wglKey(hotel, room, code)})
	}
	return out
}

// decodeWGLAvail decodes OTA_HotelAvailRS into every hotel's offers.
func decodeWGLAvail(body []byte) ([][]Offer, error) {
	var rs otaAvailRSX
	if err := decodeXML(body, &rs); err != nil {
		return nil, err
	}
	if err := rs.err(); err != nil {
		return nil, err
	}
	out := make([][]Offer, 0, len(rs.RoomStays))
	for _, st := range rs.RoomStays {
		if offers := st.offers(); len(offers) > 0 {
			out = append(out, offers)
		}
	}
	return out, nil
}

// booking reads a reservation as wgl answers it.
func (r otaReservationX) booking() (Booking, bool) {
	b := Booking{Reference: strings.TrimSpace(r.UniqueID.ID), Status: normaliseStatus(r.ResStatus)}
	for _, id := range r.Global.IDs {
		switch strings.TrimSpace(id.Type) {
		case "10":
			b.SupplierReference = strings.TrimSpace(id.Value)
		case "14":
			if b.Reference == "" {
				b.Reference = strings.TrimSpace(id.Value)
			}
		}
	}
	if b.Reference == "" {
		return Booking{}, false
	}
	if len(r.RoomStays) > 0 {
		st := r.RoomStays[0]
		b.SupplierHotelID = strings.TrimSpace(st.Property.HotelCode)
		b.Checkin, _ = parseTime(st.TimeSpan.Start)
		b.Checkout, _ = parseTime(st.TimeSpan.End)
		if r.Global.Total == nil && len(st.RoomRates) > 0 {
			b.Total, _, _, _ = st.RoomRates[0].Total.priced(wglCurrency)
		}
	}
	if r.Global.Total != nil {
		b.Total, _, _, _ = r.Global.Total.priced(wglCurrency)
	}
	if b.Total.Currency == "" {
		b.Total.Currency = wglCurrency
	}
	b.Net = Money{Currency: b.Total.Currency}
	return b, true
}

// decodeWGLRes decodes OTA_HotelResRS (a booking): the reservation, or the
// answer's typed error.
func decodeWGLRes(body []byte) (Booking, error) {
	var w otaResRSX
	if err := decodeXML(body, &w); err != nil {
		return Booking{}, err
	}
	return firstReservation(w.otaRSX, w.Reservations)
}

// decodeWGLRead decodes OTA_ResRetrieveRS (a read): the reservation, or the
// answer's typed error.
func decodeWGLRead(body []byte) (Booking, error) {
	var w otaRetrieveRSX
	if err := decodeXML(body, &w); err != nil {
		return Booking{}, err
	}
	return firstReservation(w.otaRSX, w.List)
}

func firstReservation(rs otaRSX, list []otaReservationX) (Booking, error) {
	if err := rs.err(); err != nil {
		return Booking{}, err
	}
	for _, r := range list {
		if b, ok := r.booking(); ok {
			return b, nil
		}
	}
	return Booking{}, errBadBody("no reservation in answer")
}

// decodeWGLCancel decodes OTA_CancelRS: our reference, the status
// (Pending for a preview) and the fee.
func decodeWGLCancel(body []byte) (Cancellation, error) {
	var rs otaCancelRSX
	if err := decodeXML(body, &rs); err != nil {
		return Cancellation{}, err
	}
	if err := rs.err(); err != nil {
		return Cancellation{}, err
	}
	c := Cancellation{Status: normaliseStatus(rs.Status), Fee: Money{Currency: wglCurrency}}
	if rs.UniqueID != nil {
		c.Reference = strings.TrimSpace(rs.UniqueID.ID)
	}
	found := false
	for _, r := range rs.Rules {
		if !strings.EqualFold(strings.TrimSpace(r.Type), "Fee") {
			continue
		}
		cur := strings.ToUpper(strings.TrimSpace(r.CurrencyCode))
		if cur == "" {
			cur = wglCurrency
		}
		if m, ok := wglMoney(r.Amount, cur); ok {
			c.Fee, found = m, true
			break
		}
	}
	if !found {
		return Cancellation{}, errBadBody("cancel answer without a fee")
	}
	return c, nil
}
