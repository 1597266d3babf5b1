package suppliersim

import (
	"net/http"
	"strconv"
	"strings"
)

// parseWGLPlan finds a room and rate plan of a hotel by their wgl codes.
func parseWGLPlan(h *hotel, roomCode, planCode string) (int, int, bool) {
	i := strings.LastIndexByte(planCode, '-')
	if i < 0 {
		return 0, 0, false
	}
	pi, err := strconv.Atoi(planCode[i+1:])
	if err != nil {
		return 0, 0, false
	}
	for ri, rm := range h.rooms {
		if wglRoomCode(rm) == roomCode && pi >= 0 && pi < len(rm.plans) && wglPlanCode(rm.plans[pi], pi) == planCode {
			return ri, pi, true
		}
	}
	return 0, 0, false
}

func (s *Sim) wglReservation(b booking) otaHotelReservation {

	o := offer{ri: b.ri, pi: b.pi, q: b.q, avail: 0}
	rs := s.wglRoomStay(b.sh, []offer{o}, b.stay, b.occ)
	rs.RoomTypes[0].NumberOfUnits = b.occ.rooms()
	gc := otaGuestCounts{GuestCount: []otaGuestCount{{AgeQualifyingCode: 10, Count: b.occ.adults[0]}}}
	for _, a := range b.occ.children[0] {
		gc.GuestCount = append(gc.GuestCount, otaGuestCount{AgeQualifyingCode: 8, Age: a, Count: 1})
	}
	rs.GuestCounts = &gc
	status := map[string]string{"confirmed": "Reserved", "cancelled": "Cancelled"}[b.status]
	total := wglTotal(b.q)
	return otaHotelReservation{ResStatus: status, UniqueID: otaUniqueID{"14", b.reference},
		RoomStays: []otaRoomStay{rs},
		ResGuests: []otaResGuest{{PersonName: otaPersonName{b.holder.FirstName, b.holder.LastName}, Email: b.holder.Email}},
		Global:    &otaResGlobal{IDs: []otaResID{{"14", b.reference}, {"10", b.supplierRef}}, Total: &total}}
}

// wglRes answers OTA_HotelResRQ: one HotelReservation with our UniqueID (Type 14) and one
// RoomStay; a UniqueID seen before returns the first reservation.
func (s *Sim) wglRes(w http.ResponseWriter, r *http.Request) {
	const rsName = "OTA_HotelResRS"
	var rq otaResRQ
	if err := decodeXML(r, &rq); err != nil {
		writeOTAError(w, http.StatusBadRequest, rsName, otaUnableToProcess, err.Error())
		return
	}
	reply := func(status int, rs otaRS) { writeXML(w, status, otaResRS{otaRS: rs}) }
	if len(rq.Reservations) != 1 || len(rq.Reservations[0].RoomStays) != 1 || len(rq.Reservations[0].RoomStays[0].RoomTypes) != 1 ||
		len(rq.Reservations[0].RoomStays[0].RatePlans) != 1 || !validReference(rq.Reservations[0].UniqueID.ID) {
		reply(http.StatusBadRequest, errRS(rq.EchoToken, otaRequiredMissing, "one HotelReservation with a UniqueID and one RoomStay (one RoomType, one RatePlan) is required"))
		return
	}
	res := rq.Reservations[0]
	ref := res.UniqueID.ID
	if old, err := s.inv.find(WGL, ref); err == nil {
		writeXML(w, http.StatusOK, otaResRS{otaRS: okRS(rq.EchoToken), Reservations: []otaHotelReservation{s.wglReservation(old)}})
		return
	}
	rsIn := res.RoomStays[0]
	st, err := parseStay(rsIn.TimeSpan.Start, rsIn.TimeSpan.End, s.now())
	if err != nil {
		reply(http.StatusBadRequest, errRS(rq.EchoToken, otaInvalidDate, err.Error()))
		return
	}
	if rsIn.GuestCounts == nil {
		reply(http.StatusBadRequest, errRS(rq.EchoToken, otaRequiredMissing, "GuestCounts is required"))
		return
	}
	occ, err := occupancyOf(*rsIn.GuestCounts, max(1, rsIn.RoomTypes[0].NumberOfUnits))
	if err != nil {
		reply(http.StatusBadRequest, errRS(rq.EchoToken, otaRequiredMissing, err.Error()))
		return
	}
	sh, ok := s.wglLookup(rsIn.Property.HotelCode)
	if !ok {
		reply(http.StatusOK, errRS(rq.EchoToken, otaInvalidHotel, "invalid HotelCode"))
		return
	}
	ri, pi, ok := parseWGLPlan(sh.hotel, rsIn.RoomTypes[0].RoomTypeCode, rsIn.RatePlans[0].RatePlanCode)
	if !ok || !s.w.offered(sh, ri, pi) {
		reply(http.StatusOK, errRS(rq.EchoToken, otaInvalidRate, "invalid RoomTypeCode or RatePlanCode"))
		return
	}
	k := s.Knobs(WGL)
	if !fits(sh.hotel.rooms[ri].kind, occ) || s.float() < k.SoldOutRate {
		reply(http.StatusOK, errRS(rq.EchoToken, otaNoAvailability, "no availability"))
		return
	}
	var holder guest
	if len(res.ResGuests) > 0 {
		pn := res.ResGuests[0].PersonName
		holder = guest{FirstName: pn.GivenName, LastName: pn.Surname, Email: res.ResGuests[0].Email}
	}
	b := &booking{supplier: WGL, reference: ref, sh: sh, ri: ri, pi: pi, stay: st, occ: occ, holder: holder,
		q: s.w.price(sh, ri, pi, st, occ, k.PriceDrift)}
	got, _, err := s.inv.book(b)
	if err != nil { // the only failure is ErrSoldOut
		reply(http.StatusOK, errRS(rq.EchoToken, otaNoAvailability, "no availability"))
		return
	}
	writeXML(w, http.StatusOK, otaResRS{otaRS: okRS(rq.EchoToken), Reservations: []otaHotelReservation{s.wglReservation(*got)}})
}

// wglRead answers OTA_ReadRQ by UniqueID (ours, Type 14, or wgl's, Type 10).
func (s *Sim) wglRead(w http.ResponseWriter, r *http.Request) {
	const rsName = "OTA_ResRetrieveRS"
	var rq otaReadRQ
	if err := decodeXML(r, &rq); err != nil {
		writeOTAError(w, http.StatusBadRequest, rsName, otaUnableToProcess, err.Error())
		return
	}
	if len(rq.UniqueIDs) != 1 || rq.UniqueIDs[0].ID == "" {
		writeXML(w, http.StatusBadRequest, otaRetrieveRS{otaRS: errRS(rq.EchoToken, otaRequiredMissing, "one ReadRequest with a UniqueID is required")})
		return
	}
	b, err := s.inv.find(WGL, rq.UniqueIDs[0].ID)
	if err != nil {
		writeXML(w, http.StatusOK, otaRetrieveRS{otaRS: errRS(rq.EchoToken, otaInvalidConfNum, "reservation not found")})
		return
	}
	writeXML(w, http.StatusOK, otaRetrieveRS{otaRS: okRS(rq.EchoToken), List: []otaHotelReservation{s.wglReservation(b)}})
}

// wglCancel answers OTA_CancelRQ: CancelType Initiate previews the fee (Status Pending),
// Commit cancels (Status Cancelled); cancelling twice answers the first cancellation.
func (s *Sim) wglCancel(w http.ResponseWriter, r *http.Request) {
	const rsName = "OTA_CancelRS"
	var rq otaCancelRQ
	if err := decodeXML(r, &rq); err != nil {
		writeOTAError(w, http.StatusBadRequest, rsName, otaUnableToProcess, err.Error())
		return
	}
	if rq.UniqueID.ID == "" || (rq.CancelType != "Initiate" && rq.CancelType != "Commit") {
		writeXML(w, http.StatusBadRequest, otaCancelRS{otaRS: errRS(rq.EchoToken, otaRequiredMissing, "UniqueID and CancelType Initiate or Commit are required")})
		return
	}
	b, err := s.inv.find(WGL, rq.UniqueID.ID)
	if err == nil && rq.CancelType == "Commit" {
		b, err = s.inv.cancel(WGL, b.reference, s.now())
	}
	if err != nil {
		writeXML(w, http.StatusOK, otaCancelRS{otaRS: errRS(rq.EchoToken, otaInvalidConfNum, "reservation not found")})
		return
	}
	fee, status := b.cancelFee, "Cancelled"
	if b.status != "cancelled" {
		fee, status = b.q.feeAt(s.now()), "Pending"
	}
	rs := otaCancelRS{otaRS: okRS(rq.EchoToken), Status: status, UniqueID: &otaUniqueID{"14", b.reference},
		Info: &otaCancelInfo{Rules: []otaCancelRule{{"Fee", money(fee), "USD"}, {"Refund", money(b.q.total - fee), "USD"}}}}
	if status == "Cancelled" {
		rs.Info.UniqueID = &otaUniqueID{"10", "C" + b.supplierRef}
	}
	writeXML(w, http.StatusOK, rs)
}
