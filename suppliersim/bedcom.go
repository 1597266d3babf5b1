package suppliersim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The bedcom dialect: JSON REST in EUR, rates with rateKey, RECHECK rates, bookings by our
// clientReference.

func (s *Sim) bedcomRoutes(m *http.ServeMux) {
	ep := func(name string, c latencyClass, h http.HandlerFunc) http.Handler {
		return s.endpoint(Bedcom, name, c, bedcomError, h)
	}
	m.Handle("POST /bedcom/hotels", ep("hotels", static, s.bedcomHotels))
	m.Handle("POST /bedcom/availability", ep("availability", search, s.bedcomAvailability))
	m.Handle("POST /bedcom/checkrates", ep("checkrates", call, s.bedcomCheckRates))
	m.Handle("POST /bedcom/bookings", ep("book", call, s.bedcomBook))
	m.Handle("GET /bedcom/bookings/{reference}", ep("booking", call, s.bedcomBooking))
	m.Handle("DELETE /bedcom/bookings/{reference}", ep("cancel", call, s.bedcomCancel))
}

type bedcomErr struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// bedcomError is the dialect's error body: {"error":{"code","message"}}.
func bedcomError(w http.ResponseWriter, status int, code, msg string) {
	codes := map[string]string{"rate_limited": "RATE_LIMIT_EXCEEDED", "service_unavailable": "SYSTEM_ERROR"}
	if c, ok := codes[code]; ok {
		code = c
	}
	writeJSON(w, status, map[string]bedcomErr{"error": {code, msg}})
}

// decodeJSON reads a bounded JSON body, rejecting unknown trailing data.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("body must be JSON: %w", err)
	}
	return nil
}

type bcContent struct {
	Content string `json:"content"`
}

type bcFacility struct {
	FacilityCode      int       `json:"facilityCode"`
	FacilityGroupCode int       `json:"facilityGroupCode"`
	Description       bcContent `json:"description"`
}

type bcImage struct {
	Path          string `json:"path"`
	Order         int    `json:"order"`
	ImageTypeCode string `json:"imageTypeCode"`
}

type bcReview struct {
	Rate        float64 `json:"rate"`
	ReviewCount int     `json:"reviewCount"`
	Type        string  `json:"type"`
}

type bcCoordinates struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

type bcHotel struct {
	Code            int            `json:"code"`
	Name            bcContent      `json:"name"`
	Description     bcContent      `json:"description"`
	CountryCode     string         `json:"countryCode"`
	DestinationCode string         `json:"destinationCode"`
	Coordinates     *bcCoordinates `json:"coordinates,omitempty"`
	CategoryCode    string         `json:"categoryCode"`
	CategoryName    string         `json:"categoryName"`
	Address         bcContent      `json:"address"`
	PostalCode      string         `json:"postalCode"`
	City            bcContent      `json:"city"`
	Facilities      []bcFacility   `json:"facilities"`
	Images          []bcImage      `json:"images"`
	Reviews         []bcReview     `json:"reviews"`
	Web             string         `json:"web,omitempty"`
}

func (s *Sim) bedcomStatic(sh *supplierHotel, base string) bcHotel {
	h := sh.hotel
	code, _ := strconv.Atoi(sh.id)
	out := bcHotel{Code: code, Name: bcContent{sh.name}, Description: bcContent{sh.description},
		CountryCode: h.dest.place.CountryCode, DestinationCode: h.dest.place.UID,
		CategoryCode: fmt.Sprintf("%dEST", h.stars), CategoryName: fmt.Sprintf("%d STARS", h.stars),
		Address: bcContent{h.address}, PostalCode: h.postal, City: bcContent{strings.ToUpper(fold(h.dest.place.Name))},
		Facilities: []bcFacility{}, Images: []bcImage{},
		Reviews: []bcReview{{Rate: float64(int(h.score/2)) / 10, ReviewCount: h.reviews, Type: "HOTELBEDS"}}}
	if sh.hasCoords {
		out.Coordinates = &bcCoordinates{sh.lat, sh.lng}
	}
	for _, f := range sh.features {
		out.Facilities = append(out.Facilities, bcFacility{features[f].bedcomCode, 70, bcContent{features[f].bedcom}})
	}
	types := []string{"GEN", "HAB", "RES", "PIS", "COM", "BAR"}
	for i := 0; i < sh.images; i++ {
		out.Images = append(out.Images, bcImage{fmt.Sprintf("%s/images/bedcom/%s/%d.svg", base, sh.id, i), i + 1, types[i%len(types)]})
	}
	return out
}

type bcHotelsRequest struct {
	Destination string `json:"destination"`
	Codes       []int  `json:"codes"`
	From        int    `json:"from"`
	To          int    `json:"to"`
	Language    string `json:"language"`
}

type bcHotelsResponse struct {
	From   int       `json:"from"`
	To     int       `json:"to"`
	Total  int       `json:"total"`
	Hotels []bcHotel `json:"hotels"`
}

// bedcomHotels answers POST /bedcom/hotels: static content by destination (paged with
// from/to, 1-based, at most 1000 per page) or by hotel codes.
func (s *Sim) bedcomHotels(w http.ResponseWriter, r *http.Request) {
	var req bcHotelsRequest
	if err := decodeJSON(r, &req); err != nil {
		bedcomError(w, http.StatusBadRequest, "INVALID_REQUEST", err.Error())
		return
	}
	if req.From == 0 {
		req.From = 1
	}
	if req.To == 0 {
		req.To = req.From + 99
	}
	if (req.Destination == "") == (len(req.Codes) == 0) || req.From < 1 || req.To < req.From || req.To-req.From >= 1000 || len(req.Codes) > 1000 {
		bedcomError(w, http.StatusBadRequest, "INVALID_REQUEST", "give destination or codes (not both); 1 <= from <= to, at most 1000 per page")
		return
	}
	var all []*supplierHotel
	if req.Destination != "" {
		if d, ok := s.w.destination(req.Destination); ok {
			for _, h := range d.hotels {
				if sh := h.sup[Bedcom]; sh != nil {
					all = append(all, sh)
				}
			}
		}
	}
	for _, c := range req.Codes {
		sl, ok := s.k.parseBedcomCode(c)
		if sh, ok := s.w.supplierHotel(Bedcom, sl, ok); ok {
			all = append(all, sh)
		}
	}
	resp := bcHotelsResponse{From: req.From, To: min(req.To, len(all)), Total: len(all), Hotels: []bcHotel{}}
	base := s.publicURL(r)
	for i := req.From - 1; i < len(all) && i < req.To; i++ {
		resp.Hotels = append(resp.Hotels, s.bedcomStatic(all[i], base))
	}
	writeJSON(w, http.StatusOK, resp)
}

type bcPax struct {
	RoomID  int    `json:"roomId,omitempty"`
	Type    string `json:"type"`
	Age     int    `json:"age,omitempty"`
	Name    string `json:"name,omitempty"`
	Surname string `json:"surname,omitempty"`
}

type bcOccupancy struct {
	Rooms    int     `json:"rooms"`
	Adults   int     `json:"adults"`
	Children int     `json:"children"`
	Paxes    []bcPax `json:"paxes"`
}

type bcAvailRequest struct {
	Stay struct {
		CheckIn  string `json:"checkIn"`
		CheckOut string `json:"checkOut"`
	} `json:"stay"`
	Occupancies []bcOccupancy `json:"occupancies"`
	Destination struct {
		Code string `json:"code"`
	} `json:"destination"`
	Hotels struct {
		Hotel []int `json:"hotel"`
	} `json:"hotels"`
}

func (o bcOccupancy) occupancy() (occupancy, error) {
	var ages []int
	for _, p := range o.Paxes {
		if p.Type == "CH" {
			ages = append(ages, p.Age)
		}
	}
	if len(ages) != o.Children {
		return occupancy{}, fmt.Errorf("%w: children %d but %d CH paxes with ages", errBadOccupancy, o.Children, len(ages))
	}
	if o.Rooms < 1 || o.Rooms > 8 {
		return occupancy{}, fmt.Errorf("%w: 1 to 8 rooms", errBadOccupancy)
	}
	var occ occupancy
	for i := 0; i < o.Rooms; i++ {
		occ.adults = append(occ.adults, o.Adults)
		occ.children = append(occ.children, ages)
	}
	return occ, validOccupancy(occ)
}

type bcTax struct {
	Included       bool   `json:"included"`
	Amount         string `json:"amount"`
	Currency       string `json:"currency"`
	Type           string `json:"type"`
	Name           string `json:"name"`
	ClientAmount   string `json:"clientAmount,omitempty"`
	ClientCurrency string `json:"clientCurrency,omitempty"`
}

type bcTaxes struct {
	Taxes       []bcTax `json:"taxes"`
	AllIncluded bool    `json:"allIncluded"`
}

type bcPolicy struct {
	Amount string `json:"amount"`
	From   string `json:"from"`
}

type bcRate struct {
	RateKey              string     `json:"rateKey"`
	RateClass            string     `json:"rateClass"`
	RateType             string     `json:"rateType"`
	Net                  string     `json:"net"`
	SellingRate          string     `json:"sellingRate"`
	HotelMandatory       bool       `json:"hotelMandatory"`
	Allotment            int        `json:"allotment"`
	PaymentType          string     `json:"paymentType"`
	BoardCode            string     `json:"boardCode"`
	BoardName            string     `json:"boardName"`
	CancellationPolicies []bcPolicy `json:"cancellationPolicies"`
	Taxes                bcTaxes    `json:"taxes"`
	Rooms                int        `json:"rooms"`
	Adults               int        `json:"adults"`
	Children             int        `json:"children"`
	ChildrenAges         string     `json:"childrenAges,omitempty"`
	RateComments         string     `json:"rateComments,omitempty"`
}

type bcRoom struct {
	Code   string   `json:"code"`
	Name   string   `json:"name"`
	Status string   `json:"status,omitempty"`
	Rates  []bcRate `json:"rates"`
}

type bcAvailHotel struct {
	Code            int      `json:"code"`
	Name            string   `json:"name"`
	CategoryCode    string   `json:"categoryCode"`
	CategoryName    string   `json:"categoryName"`
	DestinationCode string   `json:"destinationCode"`
	Latitude        string   `json:"latitude,omitempty"`
	Longitude       string   `json:"longitude,omitempty"`
	Rooms           []bcRoom `json:"rooms"`
	MinRate         string   `json:"minRate"`
	MaxRate         string   `json:"maxRate"`
	Currency        string   `json:"currency"`
}

type bcAvailResponse struct {
	Hotels struct {
		CheckIn  string         `json:"checkIn"`
		CheckOut string         `json:"checkOut"`
		Total    int            `json:"total"`
		Hotels   []bcAvailHotel `json:"hotels"`
	} `json:"hotels"`
}

// bedcomRateKey: "checkin|checkout|hotel|roomCode|ri|pi|board|rooms~adults~ages|flag" where
// flag R = needs a price check, B = bookable.
func bedcomRateKey(sh *supplierHotel, o offer, st stay, occ occupancy, flag string) string {
	ages := make([]string, len(occ.children[0]))
	for i, a := range occ.children[0] {
		ages[i] = itoa(a)
	}
	rm := sh.hotel.rooms[o.ri]
	return strings.Join([]string{st.checkin.Format("20060102"), st.checkout().Format("20060102"), sh.id,
		rm.kind.bedcomCode, itoa(o.ri), itoa(o.pi), rm.plans[o.pi].board,
		fmt.Sprintf("%d~%d~%s", occ.rooms(), occ.adults[0], strings.Join(ages, ",")), flag}, "|")
}

var errBadRateKey = errors.New("invalid rateKey")

func (s *Sim) parseBedcomRateKey(key string) (*supplierHotel, int, int, stay, occupancy, string, error) {
	f := strings.Split(key, "|")
	fail := func() (*supplierHotel, int, int, stay, occupancy, string, error) {
		return nil, 0, 0, stay{}, occupancy{}, "", fmt.Errorf("%w: %q", errBadRateKey, key)
	}
	if len(key) > 200 || len(f) != 9 || (f[8] != "R" && f[8] != "B") {
		return fail()
	}
	in, err1 := time.Parse("20060102", f[0])
	out, err2 := time.Parse("20060102", f[1])
	code, err3 := strconv.Atoi(f[2])
	ri, err4 := strconv.Atoi(f[4])
	pi, err5 := strconv.Atoi(f[5])
	o := strings.Split(f[7], "~")
	if errors.Join(err1, err2, err3, err4, err5) != nil || len(o) != 3 || !out.After(in) || out.Sub(in) > 30*24*time.Hour {
		return fail()
	}
	if _, err := parseStay(in.Format(time.DateOnly), out.Format(time.DateOnly), s.now()); err != nil {
		return fail()
	}
	sl, ok := s.k.parseBedcomCode(code)
	sh, ok := s.w.supplierHotel(Bedcom, sl, ok)
	if !ok || ri < 0 || ri >= len(sh.hotel.rooms) || pi < 0 || pi >= len(sh.hotel.rooms[ri].plans) {
		return fail()
	}
	rooms, err1 := strconv.Atoi(o[0])
	adults, err2 := strconv.Atoi(o[1])
	var ages []int
	for _, a := range strings.Split(o[2], ",") {
		if a == "" {
			continue
		}
		n, err := strconv.Atoi(a)
		if err != nil {
			return fail()
		}
		ages = append(ages, n)
	}
	if errors.Join(err1, err2) != nil || rooms < 1 || rooms > 8 {
		return fail()
	}
	var occ occupancy
	for i := 0; i < rooms; i++ {
		occ.adults, occ.children = append(occ.adults, adults), append(occ.children, ages)
	}
	if validOccupancy(occ) != nil {
		return fail()
	}
	return sh, ri, pi, stay{checkin: in, nights: int(out.Sub(in).Hours() / 24)}, occ, f[8], nil
}

func (s *Sim) bedcomRate(sh *supplierHotel, o offer, st stay, occ occupancy, checked bool) bcRate {
	pl := sh.hotel.rooms[o.ri].plans[o.pi]
	q := o.q
	flag, rateType := "B", "BOOKABLE"
	if !checked && s.k.unit("recheck", sh.hotel.worldID, itoa(o.ri), itoa(o.pi)) < 0.3 {
		flag, rateType = "R", "RECHECK"
	}
	rate := bcRate{RateKey: bedcomRateKey(sh, o, st, occ, flag), RateClass: "NOR", RateType: rateType,
		Net: money(q.net), SellingRate: money(q.total), HotelMandatory: s.k.unit("mandatory", sh.hotel.worldID) < 0.5,
		Allotment: o.avail, PaymentType: "AT_WEB", BoardCode: pl.board, BoardName: boardNames[pl.board],
		CancellationPolicies: []bcPolicy{}, Rooms: occ.rooms(), Adults: occ.adults[0], Children: len(occ.children[0])}
	if !q.refundable {
		rate.RateClass = "NRF"
	}
	if len(occ.children[0]) > 0 {
		ages := make([]string, len(occ.children[0]))
		for i, a := range occ.children[0] {
			ages[i] = itoa(a)
		}
		rate.ChildrenAges = strings.Join(ages, ",")
	}
	for _, p := range q.penalties {
		rate.CancellationPolicies = append(rate.CancellationPolicies, bcPolicy{money(p.amount), p.from.Format(time.RFC3339)})
	}
	rate.Taxes.AllIncluded = len(q.atHotel) == 0
	for _, t := range q.taxes {
		rate.Taxes.Taxes = append(rate.Taxes.Taxes, bcTax{Included: true, Amount: money(t.amount), Currency: "EUR", Type: "TAXESANDFEES", Name: t.name})
	}
	for _, t := range q.atHotel {
		rate.Taxes.Taxes = append(rate.Taxes.Taxes, bcTax{Included: false, Amount: money(t.amount), Currency: "EUR",
			Type: "TAX", Name: t.name, ClientAmount: money(t.amount), ClientCurrency: "EUR"})
	}
	if checked {
		rate.RateComments = "Check-in from " + sh.hotel.checkin + ". " + policyText(q, sh.hotel.dest.loc.String())
	}
	return rate
}

func (s *Sim) bedcomAvailHotel(sh *supplierHotel, st stay, occ occupancy, drift float64, checked bool, only *offer) (bcAvailHotel, bool) {
	h := sh.hotel
	code, _ := strconv.Atoi(sh.id)
	out := bcAvailHotel{Code: code, Name: sh.name, CategoryCode: fmt.Sprintf("%dEST", h.stars),
		CategoryName: fmt.Sprintf("%d STARS", h.stars), DestinationCode: h.dest.place.UID, Currency: "EUR", Rooms: []bcRoom{}}
	if sh.hasCoords {
		out.Latitude, out.Longitude = strconv.FormatFloat(sh.lat, 'f', -1, 64), strconv.FormatFloat(sh.lng, 'f', -1, 64)
	}
	var offers []offer
	if only != nil {
		offers = []offer{*only}
	} else {
		offers = s.offers(sh, st, occ, drift)
	}
	if len(offers) == 0 {
		return out, false
	}
	byRoom := map[int]int{}
	minR, maxR := offers[0].q.total, offers[0].q.total
	for _, o := range offers {
		i, ok := byRoom[o.ri]
		if !ok {
			rm := h.rooms[o.ri]
			out.Rooms = append(out.Rooms, bcRoom{Code: rm.kind.bedcomCode, Name: rm.kind.bedcomName, Rates: []bcRate{}})
			i = len(out.Rooms) - 1
			byRoom[o.ri] = i
		}
		out.Rooms[i].Rates = append(out.Rooms[i].Rates, s.bedcomRate(sh, o, st, occ, checked))
		minR, maxR = min(minR, o.q.total), max(maxR, o.q.total)
	}
	out.MinRate, out.MaxRate = money(minR), money(maxR)
	return out, true
}

// bedcomAvailability answers POST /bedcom/availability by destination (or hotel codes).
func (s *Sim) bedcomAvailability(w http.ResponseWriter, r *http.Request) {
	var req bcAvailRequest
	if err := decodeJSON(r, &req); err != nil {
		bedcomError(w, http.StatusBadRequest, "INVALID_REQUEST", err.Error())
		return
	}
	st, err := parseStay(req.Stay.CheckIn, req.Stay.CheckOut, s.now())
	if err != nil {
		bedcomError(w, http.StatusBadRequest, "INVALID_REQUEST", err.Error())
		return
	}
	if len(req.Occupancies) != 1 {
		bedcomError(w, http.StatusBadRequest, "INVALID_REQUEST", "exactly one occupancy is supported")
		return
	}
	occ, err := req.Occupancies[0].occupancy()
	if err != nil {
		bedcomError(w, http.StatusBadRequest, "INVALID_REQUEST", err.Error())
		return
	}
	if (req.Destination.Code == "") == (len(req.Hotels.Hotel) == 0) || len(req.Hotels.Hotel) > 2000 {
		bedcomError(w, http.StatusBadRequest, "INVALID_REQUEST", "give destination.code or hotels.hotel (not both)")
		return
	}
	var shs []*supplierHotel
	if d, ok := s.w.destination(req.Destination.Code); ok {
		for _, h := range d.hotels {
			if sh := h.sup[Bedcom]; sh != nil {
				shs = append(shs, sh)
			}
		}
	}
	for _, c := range req.Hotels.Hotel {
		sl, ok := s.k.parseBedcomCode(c)
		if sh, ok := s.w.supplierHotel(Bedcom, sl, ok); ok {
			shs = append(shs, sh)
		}
	}
	var resp bcAvailResponse
	resp.Hotels.CheckIn, resp.Hotels.CheckOut = req.Stay.CheckIn, req.Stay.CheckOut
	resp.Hotels.Hotels = []bcAvailHotel{}
	for _, sh := range shs {
		if ah, ok := s.bedcomAvailHotel(sh, st, occ, 0, false, nil); ok {
			resp.Hotels.Hotels = append(resp.Hotels.Hotels, ah)
		}
	}
	resp.Hotels.Total = len(resp.Hotels.Hotels)
	writeJSON(w, http.StatusOK, resp)
}
