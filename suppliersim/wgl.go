package suppliersim

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The wgl dialect: OTA-style XML messages in USD, one path per request message.

func (s *Sim) wglRoutes(m *http.ServeMux) {
	ep := func(rq, rs string, c latencyClass, h http.HandlerFunc) {
		fail := func(w http.ResponseWriter, status int, code, msg string) {
			otaCode := map[string]string{"rate_limited": "429", "service_unavailable": "448"}[code]
			writeOTAError(w, status, rs, otaCode, msg)
		}
		m.Handle("POST /wgl/"+rq, s.endpoint(WGL, rq, c, fail, h))
	}
	ep("OTA_HotelDescriptiveInfoRQ", "OTA_HotelDescriptiveInfoRS", static, s.wglDescriptive)
	ep("OTA_HotelAvailRQ", "OTA_HotelAvailRS", search, s.wglAvail)
	ep("OTA_HotelResRQ", "OTA_HotelResRS", call, s.wglRes)
	ep("OTA_ReadRQ", "OTA_ResRetrieveRS", call, s.wglRead)
	ep("OTA_CancelRQ", "OTA_CancelRS", call, s.wglCancel)
}

// OTA error codes used by wgl.
const (
	otaRequiredMissing = "321"
	otaInvalidDate     = "15"
	otaNoAvailability  = "322"
	otaInvalidHotel    = "392"
	otaInvalidRate     = "436"
	otaInvalidConfNum  = "245"
	otaUnableToProcess = "450"
)

func newRS() otaRS { return otaRS{Xmlns: otaNS, Version: "1.0"} }

func okRS(echo string) otaRS {
	rs := newRS()
	rs.EchoToken, rs.Success = echo, &struct{}{}
	return rs
}

func errRS(echo, code, msg string) otaRS {
	rs := newRS()
	rs.EchoToken = echo
	typ := "3" // business rule
	if code == otaRequiredMissing || code == otaInvalidDate {
		typ = "10"
	}
	rs.Errors = &otaErrors{[]otaError{{Type: typ, Code: code, ShortText: msg, Text: msg}}}
	return rs
}

func writeXML(w http.ResponseWriter, status int, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(xml.Header)) //nolint:errcheck // the client may have gone
	w.Write(b)                  //nolint:errcheck // the client may have gone
}

// writeOTAError writes <rsName><Errors>…</Errors></rsName> for transport-level faults.
func writeOTAError(w http.ResponseWriter, status int, rsName, code, msg string) {
	type anyRS struct {
		XMLName xml.Name
		otaRS
	}
	writeXML(w, status, anyRS{XMLName: xml.Name{Local: rsName}, otaRS: errRS("", code, msg)})
}

// decodeXML decodes a request; a wrong root element or broken XML is an error.
func decodeXML(r *http.Request, v any) error {
	if err := xml.NewDecoder(r.Body).Decode(v); err != nil {
		return fmt.Errorf("request is not a valid message: %w", err)
	}
	return nil
}

func (s *Sim) wglLookup(code string) (*supplierHotel, bool) {
	sl, ok := s.k.parseWGLCode(code)
	return s.w.supplierHotel(WGL, sl, ok)
}

func (s *Sim) wglContent(sh *supplierHotel, base string) otaDescriptiveContent {
	h := sh.hotel
	c := otaDescriptiveContent{HotelCode: sh.id, HotelName: sh.name, HotelCityCode: h.dest.place.UID, CurrencyCode: "USD"}
	c.HotelInfo.Category.Code, c.HotelInfo.Category.CodeDetail = h.stars, fmt.Sprintf("%d Stars", h.stars)
	if sh.hasCoords {
		c.HotelInfo.Position = &otaPosition{strconv.FormatFloat(sh.lat, 'f', 6, 64), strconv.FormatFloat(sh.lng, 'f', 6, 64)}
	}
	for _, f := range sh.features {
		c.HotelInfo.Services = append(c.HotelInfo.Services, otaService{Code: features[f].wgl})
	}
	for _, rm := range h.rooms {
		c.GuestRooms = append(c.GuestRooms, otaGuestRoom{wglRoomCode(rm), rm.kind.name, rm.kind.maxOcc, rm.kind.maxAdults})
	}
	text := otaMultimedia{TextItems: []otaTextItem{{"Description", sh.description}}}
	var imgs otaMultimedia
	for i := 0; i < sh.images; i++ {
		imgs.ImageItems = append(imgs.ImageItems, otaImageItem{1 + i%6, fmt.Sprintf("%s/images/wgl/%s/%d.svg", base, sh.id, i)})
	}
	c.Multimedia = []otaMultimedia{text, imgs}
	c.Award.Provider, c.Award.Rating = "WGL", h.stars
	c.Address.AddressLine, c.Address.CityName, c.Address.PostalCode = fold(h.address), fold(h.dest.place.Name), h.postal
	c.Address.Country.Code, c.Address.Country.Name = h.dest.place.CountryCode, h.dest.place.Country
	return c
}

func wglRoomCode(rm room) string { return strings.ReplaceAll(rm.kind.code, "-", "") }

func wglPlanCode(pl plan, pi int) string {
	return fmt.Sprintf("%s-%s-%d", map[string]string{"free": "FLX", "partial": "SEMI", "nonref": "NRF"}[pl.policy], pl.board, pi)
}

// wglDescriptive answers OTA_HotelDescriptiveInfoRQ by HotelCityCode (our destination uid) or
// HotelCode.
func (s *Sim) wglDescriptive(w http.ResponseWriter, r *http.Request) {
	const rsName = "OTA_HotelDescriptiveInfoRS"
	var rq otaDescriptiveRQ
	if err := decodeXML(r, &rq); err != nil {
		writeOTAError(w, http.StatusBadRequest, rsName, otaUnableToProcess, err.Error())
		return
	}
	if len(rq.Infos) == 0 || len(rq.Infos) > 500 {
		writeXML(w, http.StatusBadRequest, otaDescriptiveRS{otaRS: errRS(rq.EchoToken, otaRequiredMissing, "1 to 500 HotelDescriptiveInfo elements are required")})
		return
	}
	rs := otaDescriptiveRS{otaRS: okRS(rq.EchoToken)}
	base := s.publicURL(r)
	for _, info := range rq.Infos {
		switch {
		case info.HotelCityCode != "":
			d, ok := s.w.destination(info.HotelCityCode)
			if !ok {
				writeXML(w, http.StatusOK, otaDescriptiveRS{otaRS: errRS(rq.EchoToken, otaInvalidHotel, "invalid HotelCityCode "+info.HotelCityCode)})
				return
			}
			for _, h := range d.hotels {
				if sh := h.sup[WGL]; sh != nil {
					rs.Contents = append(rs.Contents, s.wglContent(sh, base))
				}
			}
		case info.HotelCode != "":
			sh, ok := s.wglLookup(info.HotelCode)
			if !ok {
				writeXML(w, http.StatusOK, otaDescriptiveRS{otaRS: errRS(rq.EchoToken, otaInvalidHotel, "invalid HotelCode "+info.HotelCode)})
				return
			}
			rs.Contents = append(rs.Contents, s.wglContent(sh, base))
		default:
			writeXML(w, http.StatusBadRequest, otaDescriptiveRS{otaRS: errRS(rq.EchoToken, otaRequiredMissing, "HotelCityCode or HotelCode is required")})
			return
		}
	}
	writeXML(w, http.StatusOK, rs)
}

// occupancyOf reads GuestCounts for one room (10 = adult, 8 = child with Age).
func occupancyOf(gc otaGuestCounts, rooms int) (occupancy, error) {
	adults, ages := 0, []int{}
	for _, g := range gc.GuestCount {
		switch g.AgeQualifyingCode {
		case 10:
			adults += g.Count
		case 8:
			for i := 0; i < g.Count && i < 10; i++ {
				ages = append(ages, g.Age)
			}
		default:
			return occupancy{}, fmt.Errorf("%w: AgeQualifyingCode %d", errBadOccupancy, g.AgeQualifyingCode)
		}
	}
	if rooms < 1 || rooms > 8 {
		return occupancy{}, fmt.Errorf("%w: Quantity 1 to 8", errBadOccupancy)
	}
	var occ occupancy
	for i := 0; i < rooms; i++ {
		occ.adults, occ.children = append(occ.adults, adults), append(occ.children, ages)
	}
	return occ, validOccupancy(occ)
}

func (s *Sim) wglRoomStay(sh *supplierHotel, offers []offer, st stay, occ occupancy) otaRoomStay {
	h := sh.hotel
	rs := otaRoomStay{TimeSpan: otaTimeSpan{st.checkin.Format(time.DateOnly), st.checkout().Format(time.DateOnly)},
		Property: otaHotelRef{HotelCode: sh.id, HotelName: sh.name, HotelCityCode: h.dest.place.UID}}
	seenRoom := map[int]bool{}
	for _, o := range offers {
		rm, pl := h.rooms[o.ri], h.rooms[o.ri].plans[o.pi]
		if !seenRoom[o.ri] {
			seenRoom[o.ri] = true
			rs.RoomTypes = append(rs.RoomTypes, otaRoomType{RoomTypeCode: wglRoomCode(rm), NumberOfUnits: o.avail,
				Description: &otaRoomDescription{rm.kind.name}, Occupancy: &otaOccupancy{rm.kind.maxOcc, rm.kind.maxAdults}})
		}
		rp := otaRatePlan{RatePlanCode: wglPlanCode(pl, o.pi), RatePlanName: map[string]string{"RO": "Room Only", "BB": "Bed and Breakfast", "HB": "Half Board"}[pl.board],
			Meals: &otaMeals{Breakfast: pl.board != "RO", Dinner: pl.board == "HB"}}
		for _, p := range o.q.penalties {
			rp.CancelPenalies = append(rp.CancelPenalies, otaCancelPenalty{NonRefundable: !o.q.refundable,
				Deadline: &otaDeadline{p.from.Format(time.RFC3339)}, Amount: otaAmount{money(p.amount), "USD"}})
		}
		rs.RatePlans = append(rs.RatePlans, rp)
		rs.RoomRates = append(rs.RoomRates, otaRoomRate{RoomTypeCode: wglRoomCode(rm), RatePlanCode: rp.RatePlanCode,
			NumberOfUnits: occ.rooms(), Rates: wglRates(o.q, st), Total: wglTotal(o.q)})
	}
	return rs
}

func wglRates(q quote, st stay) []otaRate {
	var out []otaRate
	for i, n := range q.nightly {
		var r otaRate
		r.EffectiveDate, r.ExpireDate = st.night(i).Format(time.DateOnly), st.night(i+1).Format(time.DateOnly)
		r.Base.AmountBeforeTax, r.Base.CurrencyCode = money(n), "USD"
		out = append(out, r)
	}
	return out
}

func wglTotal(q quote) otaTotal {
	t := otaTotal{AmountBeforeTax: money(q.base), AmountAfterTax: money(q.total), CurrencyCode: "USD"}
	t.Taxes.Amount = money(q.taxTotal())
	for _, f := range q.taxes {
		t.Taxes.Tax = append(t.Taxes.Tax, otaTax{"Inclusive", f.code, f.name, money(f.amount)})
	}
	for _, f := range q.atHotel {
		t.Taxes.Tax = append(t.Taxes.Tax, otaTax{"Exclusive", f.code, f.name, money(f.amount)})
	}
	return t
}

// wglAvail answers OTA_HotelAvailRQ: one segment, one RoomStayCandidate (Quantity rooms alike),
// HotelRef by HotelCityCode (our destination uid) or HotelCode.
func (s *Sim) wglAvail(w http.ResponseWriter, r *http.Request) {
	const rsName = "OTA_HotelAvailRS"
	var rq otaAvailRQ
	if err := decodeXML(r, &rq); err != nil {
		writeOTAError(w, http.StatusBadRequest, rsName, otaUnableToProcess, err.Error())
		return
	}
	bad := func(code, msg string) {
		writeXML(w, http.StatusBadRequest, otaAvailRS{otaRS: errRS(rq.EchoToken, code, msg)})
	}
	if len(rq.Segments) != 1 || len(rq.Segments[0].Candidates) != 1 || len(rq.Segments[0].HotelRefs) == 0 || len(rq.Segments[0].HotelRefs) > 500 {
		bad(otaRequiredMissing, "one AvailRequestSegment with one RoomStayCandidate and 1 to 500 HotelRef elements is required")
		return
	}
	seg := rq.Segments[0]
	st, err := parseStay(seg.StayDateRange.Start, seg.StayDateRange.End, s.now())
	if err != nil {
		bad(otaInvalidDate, err.Error())
		return
	}
	occ, err := occupancyOf(seg.Candidates[0].GuestCounts, seg.Candidates[0].Quantity)
	if err != nil {
		bad(otaRequiredMissing, err.Error())
		return
	}
	var shs []*supplierHotel
	for _, ref := range seg.HotelRefs {
		switch {
		case ref.HotelCityCode != "":
			if d, ok := s.w.destination(ref.HotelCityCode); ok {
				for _, h := range d.hotels {
					if sh := h.sup[WGL]; sh != nil {
						shs = append(shs, sh)
					}
				}
			}
		default:
			if sh, ok := s.wglLookup(ref.HotelCode); ok {
				shs = append(shs, sh)
			}
		}
	}
	rs := otaAvailRS{otaRS: okRS(rq.EchoToken)}
	for _, sh := range shs {
		if offers := s.offers(sh, st, occ, 0); len(offers) > 0 {
			rs.RoomStays = append(rs.RoomStays, s.wglRoomStay(sh, offers, st, occ))
		}
	}
	writeXML(w, http.StatusOK, rs)
}
