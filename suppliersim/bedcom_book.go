package suppliersim

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

type bcRateKeyRef struct {
	RateKey string  `json:"rateKey"`
	Paxes   []bcPax `json:"paxes,omitempty"`
}

type bcCheckRequest struct {
	Rooms []bcRateKeyRef `json:"rooms"`
}

type bcCheckHotel struct {
	bcAvailHotel
	CheckIn          string `json:"checkIn"`
	CheckOut         string `json:"checkOut"`
	TotalNet         string `json:"totalNet"`
	TotalSellingRate string `json:"totalSellingRate"`
}

type bcCheckResponse struct {
	Hotel bcCheckHotel `json:"hotel"`
}

// bedcomOffer re-prices the offer a rate key names (with drift), checking it is still on sale.
func (s *Sim) bedcomOffer(w http.ResponseWriter, key string) (*supplierHotel, offer, stay, occupancy, string, bool) {
	sh, ri, pi, st, occ, flag, err := s.parseBedcomRateKey(key)
	if err != nil {
		bedcomError(w, http.StatusBadRequest, "INVALID_RATEKEY", err.Error())
		return nil, offer{}, stay{}, occupancy{}, "", false
	}
	avail := s.inv.available(sh.hotel, ri, st)
	if avail < occ.rooms() || !fits(sh.hotel.rooms[ri].kind, occ) {
		bedcomError(w, http.StatusConflict, "INSUFFICIENT_ALLOTMENT", "insufficient allotment for the requested rate")
		return nil, offer{}, stay{}, occupancy{}, "", false
	}
	o := offer{ri: ri, pi: pi, q: s.w.price(sh, ri, pi, st, occ, s.Knobs(Bedcom).PriceDrift), avail: avail}
	return sh, o, st, occ, flag, true
}

// bedcomCheckRates answers POST /bedcom/checkrates {"rooms":[{"rateKey"}]}: the current price
// and a BOOKABLE rate key.
func (s *Sim) bedcomCheckRates(w http.ResponseWriter, r *http.Request) {
	var req bcCheckRequest
	if err := decodeJSON(r, &req); err != nil {
		bedcomError(w, http.StatusBadRequest, "INVALID_REQUEST", err.Error())
		return
	}
	if len(req.Rooms) != 1 {
		bedcomError(w, http.StatusBadRequest, "INVALID_REQUEST", "exactly one room rateKey is supported")
		return
	}
	sh, o, st, occ, _, ok := s.bedcomOffer(w, req.Rooms[0].RateKey)
	if !ok {
		return
	}
	ah, _ := s.bedcomAvailHotel(sh, st, occ, 0, true, &o)
	writeJSON(w, http.StatusOK, bcCheckResponse{bcCheckHotel{ah, st.checkin.Format(time.DateOnly),
		st.checkout().Format(time.DateOnly), money(o.q.net), money(o.q.total)}})
}

type bcHolder struct {
	Name    string `json:"name"`
	Surname string `json:"surname"`
}

type bcBookRequest struct {
	Holder          bcHolder       `json:"holder"`
	Rooms           []bcRateKeyRef `json:"rooms"`
	ClientReference string         `json:"clientReference"`
	Remark          string         `json:"remark"`
}

type bcBookingHotel struct {
	Code            int      `json:"code"`
	Name            string   `json:"name"`
	CheckIn         string   `json:"checkIn"`
	CheckOut        string   `json:"checkOut"`
	DestinationCode string   `json:"destinationCode"`
	Rooms           []bcRoom `json:"rooms"`
}

type bcBooking struct {
	Reference          string         `json:"reference"`
	ClientReference    string         `json:"clientReference"`
	Status             string         `json:"status"`
	Holder             bcHolder       `json:"holder"`
	Hotel              bcBookingHotel `json:"hotel"`
	TotalNet           string         `json:"totalNet"`
	TotalSellingRate   string         `json:"totalSellingRate"`
	PendingAmount      string         `json:"pendingAmount"`
	Currency           string         `json:"currency"`
	CancellationAmount *string        `json:"cancellationAmount,omitempty"`
}

type bcBookingResponse struct {
	Booking bcBooking `json:"booking"`
}

func (s *Sim) bedcomBookingBody(b booking) bcBooking {
	h := b.sh.hotel
	code, _ := strconv.Atoi(b.sh.id)
	o := offer{ri: b.ri, pi: b.pi, q: b.q, avail: 0}
	rate := s.bedcomRate(b.sh, o, b.stay, b.occ, true)
	status := map[string]string{"confirmed": "CONFIRMED", "cancelled": "CANCELLED"}[b.status]
	rm := h.rooms[b.ri]
	out := bcBooking{Reference: b.supplierRef, ClientReference: b.reference, Status: status,
		Holder: bcHolder{b.holder.FirstName, b.holder.LastName},
		Hotel: bcBookingHotel{Code: code, Name: b.sh.name, CheckIn: b.stay.checkin.Format(time.DateOnly),
			CheckOut: b.stay.checkout().Format(time.DateOnly), DestinationCode: h.dest.place.UID,
			Rooms: []bcRoom{{Code: rm.kind.bedcomCode, Name: rm.kind.bedcomName, Status: status, Rates: []bcRate{rate}}}},
		TotalNet: money(b.q.net), TotalSellingRate: money(b.q.total), PendingAmount: money(b.q.atHotelTotal()), Currency: "EUR"}
	if b.status == "cancelled" {
		c := money(b.cancelFee)
		out.CancellationAmount = &c
	}
	return out
}

// bedcomBook answers POST /bedcom/bookings: a clientReference seen before returns the original
// booking; RECHECK rates need /checkrates first.
func (s *Sim) bedcomBook(w http.ResponseWriter, r *http.Request) {
	var req bcBookRequest
	if err := decodeJSON(r, &req); err != nil {
		bedcomError(w, http.StatusBadRequest, "INVALID_REQUEST", err.Error())
		return
	}
	if !validReference(req.ClientReference) || len(req.Rooms) != 1 || strings.TrimSpace(req.Holder.Surname) == "" {
		bedcomError(w, http.StatusBadRequest, "INVALID_REQUEST", "clientReference (1-64 characters), holder.surname and exactly one room are required")
		return
	}
	if old, err := s.inv.find(Bedcom, req.ClientReference); err == nil {
		writeJSON(w, http.StatusOK, bcBookingResponse{s.bedcomBookingBody(old)})
		return
	}
	sh, o, st, occ, flag, ok := s.bedcomOffer(w, req.Rooms[0].RateKey)
	if !ok {
		return
	}
	if flag == "R" {
		bedcomError(w, http.StatusConflict, "RATE_RECHECK_REQUIRED", "this rate must be checked with /checkrates before booking")
		return
	}
	if s.float() < s.Knobs(Bedcom).SoldOutRate {
		bedcomError(w, http.StatusConflict, "INSUFFICIENT_ALLOTMENT", "insufficient allotment for the requested rate")
		return
	}
	b := &booking{supplier: Bedcom, reference: req.ClientReference, sh: sh, ri: o.ri, pi: o.pi, stay: st, occ: occ,
		q: o.q, holder: guest{FirstName: req.Holder.Name, LastName: req.Holder.Surname}}
	got, _, err := s.inv.book(b)
	if err != nil { // the only failure is ErrSoldOut
		bedcomError(w, http.StatusConflict, "INSUFFICIENT_ALLOTMENT", "insufficient allotment for the requested rate")
		return
	}
	writeJSON(w, http.StatusOK, bcBookingResponse{s.bedcomBookingBody(*got)})
}

// bedcomBooking answers GET /bedcom/bookings/{reference} (our clientReference or theirs).
func (s *Sim) bedcomBooking(w http.ResponseWriter, r *http.Request) {
	b, err := s.inv.find(Bedcom, r.PathValue("reference"))
	if err != nil {
		bedcomError(w, http.StatusNotFound, "BOOKING_NOT_FOUND", "booking not found")
		return
	}
	writeJSON(w, http.StatusOK, bcBookingResponse{s.bedcomBookingBody(b)})
}

// bedcomCancel answers DELETE /bedcom/bookings/{reference}?cancellationFlag=SIMULATION|CANCELLATION:
// SIMULATION previews the fee without cancelling; CANCELLATION (the default) cancels.
func (s *Sim) bedcomCancel(w http.ResponseWriter, r *http.Request) {
	flag := r.URL.Query().Get("cancellationFlag")
	if flag == "" {
		flag = "CANCELLATION"
	}
	if flag != "SIMULATION" && flag != "CANCELLATION" {
		bedcomError(w, http.StatusBadRequest, "INVALID_REQUEST", "cancellationFlag must be SIMULATION or CANCELLATION")
		return
	}
	b, err := s.inv.find(Bedcom, r.PathValue("reference"))
	if err == nil && flag == "CANCELLATION" {
		b, err = s.inv.cancel(Bedcom, b.reference, s.now())
	}
	if err != nil {
		bedcomError(w, http.StatusNotFound, "BOOKING_NOT_FOUND", "booking not found")
		return
	}
	body := s.bedcomBookingBody(b)
	if flag == "SIMULATION" && b.status == "confirmed" {
		fee := money(b.q.feeAt(s.now()))
		body.CancellationAmount = &fee
	}
	writeJSON(w, http.StatusOK, bcBookingResponse{body})
}
