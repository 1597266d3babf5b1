package suppliersim

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"
)

type ascFee struct {
	ID       string  `json:"id"`
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

type ascSurcharge struct {
	Type   string  `json:"type"`
	Amount float64 `json:"amount"`
}

type ascDisplayFields struct {
	SpecialCheckInInstructions string         `json:"special_check_in_instructions"`
	CheckInInstructions        string         `json:"check_in_instructions"`
	KnowBeforeYouGo            string         `json:"know_before_you_go"`
	FeesOptional               string         `json:"fees_optional"`
	FeesMandatory              *string        `json:"fees_mandatory"`
	KaligoServiceFee           float64        `json:"kaligo_service_fee"`
	HotelFees                  []ascFee       `json:"hotel_fees"`
	Surcharges                 []ascSurcharge `json:"surcharges"`
}

type ascAdditional struct {
	BreakfastInfo string           `json:"breakfastInfo"`
	DisplayFields ascDisplayFields `json:"displayFields"`
}

type ascImage struct {
	URL               string `json:"url"`
	HighResolutionURL string `json:"high_resolution_url"`
	HeroImage         bool   `json:"hero_image"`
}

type ascPenalty struct {
	From   string  `json:"from"`
	Amount float64 `json:"amount"`
}

// ascPolicy is our addition to the dialect: the cancellation terms of a room rate.
type ascPolicy struct {
	FreeCancellationUntil *string      `json:"free_cancellation_until"`
	Description           string       `json:"description"`
	Penalties             []ascPenalty `json:"penalties"`
}

type ascRoom struct {
	Key                                 string          `json:"key"`
	RoomDescription                     string          `json:"roomDescription"`
	RoomNormalizedDescription           string          `json:"roomNormalizedDescription"`
	Type                                string          `json:"type"`
	FreeCancellation                    bool            `json:"free_cancellation"`
	LongDescription                     string          `json:"long_description"`
	RoomAdditionalInfo                  ascAdditional   `json:"roomAdditionalInfo"`
	Description                         string          `json:"description"`
	Images                              []ascImage      `json:"images"`
	Amenities                           []string        `json:"amenities"`
	PriceType                           string          `json:"price_type"`
	MaxCashPayment                      float64         `json:"max_cash_payment"`
	CovertedMaxCashPayment              float64         `json:"coverted_max_cash_payment"`
	Points                              int             `json:"points"`
	Bonuses                             int             `json:"bonuses"`
	BonusPrograms                       []string        `json:"bonus_programs"`
	BonusTiers                          []string        `json:"bonus_tiers"`
	LowestPrice                         float64         `json:"lowest_price"`
	Price                               float64         `json:"price"`
	ConvertedPrice                      float64         `json:"converted_price"`
	LowestConvertedPrice                float64         `json:"lowest_converted_price"`
	ChargeableRate                      float64         `json:"chargeableRate"`
	MarketRates                         []ascMarketRate `json:"market_rates"`
	BaseRate                            float64         `json:"base_rate"`
	BaseRateInCurrency                  float64         `json:"base_rate_in_currency"`
	IncludedTaxesAndFeesTotal           float64         `json:"included_taxes_and_fees_total"`
	IncludedTaxesAndFeesTotalInCurrency float64         `json:"included_taxes_and_fees_total_in_currency"`
	ExcludedTaxesAndFeesCurrency        string          `json:"excluded_taxes_and_fees_currency"`
	ExcludedTaxesAndFeesTotal           float64         `json:"excluded_taxes_and_fees_total"`
	ExcludedTaxesAndFeesTotalInCurrency float64         `json:"excluded_taxes_and_fees_total_in_currency"`
	IncludedTaxesAndFees                []ascFee        `json:"included_taxes_and_fees"`
	IncludedTaxesAndFeesInCurrency      []ascFee        `json:"included_taxes_and_fees_in_currency"`
	CancellationPolicy                  ascPolicy       `json:"cancellation_policy"`
}

type ascRoomsEnvelope struct {
	SearchCompleted *bool     `json:"searchCompleted"`
	Completed       bool      `json:"completed"`
	Status          *string   `json:"status"`
	Currency        *string   `json:"currency"` // null, as the real API answers
	Rooms           []ascRoom `json:"rooms"`
}

var boardInfo = map[string]string{"RO": "hotel_detail_room_only", "BB": "hotel_detail_breakfast_included", "HB": "hotel_detail_half_board"}

func policyText(q quote, loc string) string {
	switch {
	case !q.refundable:
		return "Non-refundable: the full price is charged if you cancel."
	case len(q.penalties) > 0 && q.penalties[0].amount < q.total:
		return fmt.Sprintf("Free cancellation until %s (%s); a charge of %s %s applies after that.",
			q.freeUntil.Format("2006-01-02 15:04"), loc, money(q.penalties[0].amount), q.currency)
	}
	return "Free cancellation until " + q.freeUntil.Format("2006-01-02 15:04") + " (" + loc + ")."
}

func ascPolicyOf(q quote, loc string) ascPolicy {
	p := ascPolicy{Description: policyText(q, loc), Penalties: []ascPenalty{}}
	if q.refundable {
		u := q.freeUntil.Format(time.RFC3339)
		p.FreeCancellationUntil = &u
	}
	for _, pen := range q.penalties {
		p.Penalties = append(p.Penalties, ascPenalty{pen.from.Format(time.RFC3339), major(pen.amount)})
	}
	return p
}

func (s *Sim) ascendaRoom(sh *supplierHotel, o offer, ref offerRef, cur, base string) ascRoom {
	h, rm := sh.hotel, sh.hotel.rooms[o.ri]
	pl := rm.plans[o.pi]
	q := o.q
	desc := rm.kind.name
	words := strings.Fields(desc)
	if len(words) == 3 { // "Deluxe King Room" → "Deluxe Room King", the supplier's raw order
		desc = words[0] + " " + words[2] + " " + words[1]
	}
	switch pl.board {
	case "BB":
		desc += " - Breakfast Included"
	case "HB":
		desc += " - Half Board"
	}
	if pl.policy == "nonref" {
		desc += " (Non-refundable)"
	}
	conv := func(minor int64) float64 { return roundTo(convert(major(minor), "SGD", cur), cur) }
	var fees, feesConv []ascFee
	var sur []ascSurcharge
	for _, f := range q.taxes {
		fees = append(fees, ascFee{f.code, major(f.amount), "SGD"})
		feesConv = append(feesConv, ascFee{f.code, conv(f.amount), cur})
		sur = append(sur, ascSurcharge{"TaxAndServiceFee", major(f.amount)})
	}
	hotelFees := []ascFee{}
	var mandatory *string
	for _, f := range q.atHotel {
		hotelFees = append(hotelFees, ascFee{f.code, major(f.amount), "SGD"})
		m := fmt.Sprintf("<ul><li>%s: SGD %s for the stay, payable at the property</li></ul>", f.name, money(f.amount))
		mandatory = &m
	}
	var images []ascImage
	for i := 0; i < min(sh.images, 5); i++ {
		u := fmt.Sprintf("%s/images/ascenda/%s/%d.svg", base, sh.id, (o.ri*3+i)%sh.images)
		images = append(images, ascImage{u, u, i == 0})
	}
	if images == nil {
		images = []ascImage{}
	}
	amen := []string{"Air conditioning", "Daily housekeeping", "Non-Smoking", "Private bathroom", "Television"}
	if h.stars >= 4 {
		amen = append(amen, "Minibar", "Bathrobes", "Premium bedding", "In-room safe (laptop compatible)")
	}
	total := major(q.total)
	return ascRoom{
		Key: s.k.ascendaKey(ref), RoomDescription: desc, RoomNormalizedDescription: rm.kind.name,
		Type: itoa(int(s.k.sum("room-type", h.worldID, itoa(o.ri)) % 900_000_000)), FreeCancellation: q.refundable,
		LongDescription: fmt.Sprintf("<p><strong>%s</strong></p><p>%d-sq-metre room</p><br/><p><b>Comfort</b> - Air conditioning and daily housekeeping</p><p>Non-Smoking</p>", rm.kind.name, rm.kind.size),
		RoomAdditionalInfo: ascAdditional{BreakfastInfo: boardInfo[pl.board], DisplayFields: ascDisplayFields{
			SpecialCheckInInstructions: "Front desk staff will greet guests on arrival at the property.",
			CheckInInstructions:        "<ul><li>Extra-person charges may apply and vary depending on property policy</li><li>Government-issued photo identification and a credit card may be required at check-in for incidental charges</li></ul>",
			KnowBeforeYouGo:            "<ul><li>Only registered guests are allowed in the guestrooms.</li></ul>",
			FeesOptional:               "<ul><li>Rollaway bed fee: SGD 60.0 per day</li></ul>",
			FeesMandatory:              mandatory, KaligoServiceFee: math.Round(total*0.1*100) / 100,
			HotelFees: hotelFees, Surcharges: sur}},
		Description: desc, Images: images, Amenities: amen, PriceType: "single",
		MaxCashPayment: total, CovertedMaxCashPayment: conv(q.total), Points: int(total) * 25,
		BonusPrograms: []string{}, BonusTiers: []string{}, LowestPrice: total, Price: conv(q.total),
		ConvertedPrice: conv(q.total), LowestConvertedPrice: conv(q.total), ChargeableRate: total,
		MarketRates: []ascMarketRate{}, BaseRate: major(q.base), BaseRateInCurrency: conv(q.base),
		IncludedTaxesAndFeesTotal: major(q.taxTotal()), IncludedTaxesAndFeesTotalInCurrency: conv(q.taxTotal()),
		ExcludedTaxesAndFeesCurrency: "SGD", ExcludedTaxesAndFeesTotal: major(q.atHotelTotal()),
		ExcludedTaxesAndFeesTotalInCurrency: conv(q.atHotelTotal()),
		IncludedTaxesAndFees:                fees, IncludedTaxesAndFeesInCurrency: feesConv,
		CancellationPolicy: ascPolicyOf(q, h.dest.loc.String()),
	}
}

// ascendaHotelPrice answers GET /api/hotels/{id}/price: the rooms of one hotel with keys.
func (s *Sim) ascendaHotelPrice(w http.ResponseWriter, r *http.Request) {
	aq, _, err := s.ascendaQuery(r, false)
	if err != nil {
		ascendaError(w, http.StatusBadRequest, "invalid_parameter", err.Error())
		return
	}
	sh, ok := s.ascendaLookup(r.PathValue("id"))
	if !ok {
		ascendaError(w, http.StatusNotFound, "not_found", "hotel not found")
		return
	}
	env := ascRoomsEnvelope{Completed: true, Rooms: []ascRoom{}}
	base := s.publicURL(r)
	for _, o := range s.offers(sh, aq.stay, aq.occ, s.Knobs(Ascenda).PriceDrift) {
		ref := offerRef{slot: sh.hotel.slot, ri: o.ri, pi: o.pi, stay: aq.stay, occ: aq.occ}
		env.Rooms = append(env.Rooms, s.ascendaRoom(sh, o, ref, aq.currency, base))
	}
	writeJSON(w, http.StatusOK, env)
}

type ascBookRequest struct {
	Key             string `json:"key"`
	Reference       string `json:"reference"`
	Guest           guest  `json:"guest"`
	SpecialRequests string `json:"special_requests"`
}

type ascBooking struct {
	BookingID          string    `json:"booking_id"`
	Reference          string    `json:"reference"`
	Status             string    `json:"status"`
	HotelID            string    `json:"hotel_id"`
	Key                string    `json:"key"`
	Checkin            string    `json:"checkin"`
	Checkout           string    `json:"checkout"`
	Guests             string    `json:"guests"`
	RoomDescription    string    `json:"room_description"`
	Currency           string    `json:"currency"`
	Price              float64   `json:"price"`
	BaseRate           float64   `json:"base_rate"`
	IncludedTaxes      float64   `json:"included_taxes_and_fees_total"`
	ExcludedTaxes      float64   `json:"excluded_taxes_and_fees_total"`
	FreeCancellation   bool      `json:"free_cancellation"`
	CancellationPolicy ascPolicy `json:"cancellation_policy"`
	CancellationFee    float64   `json:"cancellation_fee"`
	Guest              guest     `json:"guest"`
}

func (s *Sim) ascendaBookingBody(b booking, now time.Time) ascBooking {
	fee := b.cancelFee
	if b.status != "cancelled" {
		fee = b.q.feeAt(now)
	}
	ref := offerRef{slot: b.sh.hotel.slot, ri: b.ri, pi: b.pi, stay: b.stay, occ: b.occ}
	return ascBooking{BookingID: b.supplierRef, Reference: b.reference, Status: b.status, HotelID: b.sh.id,
		Key: s.k.ascendaKey(ref), Checkin: b.stay.checkin.Format(time.DateOnly),
		Checkout: b.stay.checkout().Format(time.DateOnly), Guests: b.occ.key(),
		RoomDescription: b.sh.hotel.rooms[b.ri].kind.name, Currency: "SGD", Price: major(b.q.total),
		BaseRate: major(b.q.base), IncludedTaxes: major(b.q.taxTotal()), ExcludedTaxes: major(b.q.atHotelTotal()),
		FreeCancellation: b.q.refundable, CancellationPolicy: ascPolicyOf(b.q, b.sh.hotel.dest.loc.String()),
		CancellationFee: major(fee), Guest: b.holder}
}

// validReference bounds our booking references: 1–64 printable ASCII characters.
func validReference(ref string) bool {
	if ref == "" || len(ref) > 64 {
		return false
	}
	for _, c := range ref {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// ascendaBook answers POST /api/bookings {"key","reference","guest"}: 201 created, 200 for a
// reference seen before (the first booking), 409 sold out.
func (s *Sim) ascendaBook(w http.ResponseWriter, r *http.Request) {
	var req ascBookRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		ascendaError(w, http.StatusBadRequest, "invalid_body", "body must be JSON: "+err.Error())
		return
	}
	if !validReference(req.Reference) {
		ascendaError(w, http.StatusBadRequest, "invalid_parameter", "reference is required (1-64 printable characters)")
		return
	}
	if old, err := s.inv.find(Ascenda, req.Reference); err == nil {
		writeJSON(w, http.StatusOK, s.ascendaBookingBody(old, s.now()))
		return
	}
	ref, ok := s.k.parseAscendaKey(req.Key)
	if ok { // a sealed key is ours, but its dates may have passed since it was issued
		_, err := parseStay(ref.stay.checkin.Format(time.DateOnly), ref.stay.checkout().Format(time.DateOnly), s.now())
		ok = err == nil && validOccupancy(ref.occ) == nil
	}
	if !ok {
		ascendaError(w, http.StatusBadRequest, "invalid_key", "key is unknown or malformed")
		return
	}
	sh, ok := s.w.supplierHotel(Ascenda, ref.slot, true)
	if !ok || ref.ri >= len(sh.hotel.rooms) || ref.pi >= len(sh.hotel.rooms[ref.ri].plans) {
		ascendaError(w, http.StatusBadRequest, "invalid_key", "key does not name a room")
		return
	}
	k := s.Knobs(Ascenda)
	if s.float() < k.SoldOutRate {
		ascendaError(w, http.StatusConflict, "sold_out", "the room is no longer available")
		return
	}
	b := &booking{supplier: Ascenda, reference: req.Reference, sh: sh, ri: ref.ri, pi: ref.pi,
		stay: ref.stay, occ: ref.occ, holder: req.Guest,
		q: s.w.price(sh, ref.ri, ref.pi, ref.stay, ref.occ, k.PriceDrift)}
	got, created, err := s.inv.book(b)
	if err != nil { // the only failure is ErrSoldOut
		ascendaError(w, http.StatusConflict, "sold_out", "the room is no longer available")
		return
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	writeJSON(w, status, s.ascendaBookingBody(*got, s.now()))
}

// ascendaBooking answers GET /api/bookings/{reference}; cancellation_fee previews the fee.
func (s *Sim) ascendaBooking(w http.ResponseWriter, r *http.Request) {
	b, err := s.inv.find(Ascenda, r.PathValue("reference"))
	if err != nil {
		ascendaError(w, http.StatusNotFound, "not_found", "booking not found")
		return
	}
	writeJSON(w, http.StatusOK, s.ascendaBookingBody(b, s.now()))
}

// ascendaCancel answers POST /api/bookings/{reference}/cancel.
func (s *Sim) ascendaCancel(w http.ResponseWriter, r *http.Request) {
	b, err := s.inv.cancel(Ascenda, r.PathValue("reference"), s.now())
	if err != nil {
		ascendaError(w, http.StatusNotFound, "not_found", "booking not found")
		return
	}
	writeJSON(w, http.StatusOK, s.ascendaBookingBody(b, s.now()))
}
