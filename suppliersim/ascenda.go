package suppliersim

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"
)

// The ascenda dialect: the Ascenda hotel API (GET, JSON, SGD) plus booking endpoints of ours.

func (s *Sim) ascendaRoutes(m *http.ServeMux) {
	ep := func(name string, c latencyClass, h http.HandlerFunc) http.Handler {
		return s.endpoint(Ascenda, name, c, ascendaError, h)
	}
	m.Handle("GET /ascenda/api/hotels", ep("hotels", static, s.ascendaHotels))
	m.Handle("GET /ascenda/api/hotels/prices", ep("prices", poll, s.ascendaPrices))
	m.Handle("GET /ascenda/api/hotels/{id}", ep("hotel", static, s.ascendaHotel))
	m.Handle("GET /ascenda/api/hotels/{id}/price", ep("price", call, s.ascendaHotelPrice))
	m.Handle("POST /ascenda/api/bookings", ep("book", call, s.ascendaBook))
	m.Handle("GET /ascenda/api/bookings/{reference}", ep("booking", call, s.ascendaBooking))
	m.Handle("POST /ascenda/api/bookings/{reference}/cancel", ep("cancel", call, s.ascendaCancel))
}

// ascendaError is the dialect's error body: {"error": code, "message": text}.
func ascendaError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"error": code, "message": msg})
}

type ascScore struct {
	Overall       *float64 `json:"overall"`
	KaligoOverall float64  `json:"kaligo_overall"`
	Solo          *float64 `json:"solo"`
	Couple        *float64 `json:"couple"`
	Family        *float64 `json:"family"`
	Business      *float64 `json:"business"`
}

type ascTrust struct {
	ID    *string  `json:"id"`
	Score ascScore `json:"score"`
}

type ascCategory struct {
	Name       string  `json:"name"`
	Score      int     `json:"score"`
	Popularity float64 `json:"popularity"`
}

type ascNameScore struct {
	Name  string `json:"name"`
	Score int    `json:"score"`
}

type ascMeta struct {
	Name    *string `json:"name"`
	City    string  `json:"city"`
	State   *string `json:"state"`
	Country string  `json:"country"`
}

type ascImages struct {
	Suffix string `json:"suffix"`
	Count  int    `json:"count"`
	Prefix string `json:"prefix"`
}

type ascHotel struct {
	ID                 string                 `json:"id"`
	ImageCount         int                    `json:"imageCount"`
	Latitude           *float64               `json:"latitude"`
	Longitude          *float64               `json:"longitude"`
	Name               string                 `json:"name"`
	Address            string                 `json:"address"`
	Address1           string                 `json:"address1"`
	Rating             float64                `json:"rating"`
	Distance           *float64               `json:"distance,omitempty"`
	TrustYou           ascTrust               `json:"trustyou"`
	Categories         map[string]ascCategory `json:"categories"`
	AmenitiesRatings   []ascNameScore         `json:"amenities_ratings"`
	Description        string                 `json:"description"`
	Amenities          map[string]bool        `json:"amenities"`
	OriginalMetadata   ascMeta                `json:"original_metadata"`
	ImageDetails       ascImages              `json:"image_details"`
	HiresImageIndex    string                 `json:"hires_image_index,omitempty"`
	NumberOfImages     int                    `json:"number_of_images"`
	DefaultImageIndex  int                    `json:"default_image_index"`
	ImgixURL           string                 `json:"imgix_url"`
	CloudflareImageURL string                 `json:"cloudflare_image_url"`
	CheckinTime        *string                `json:"checkin_time,omitempty"`
}

func fptr(f float64) *float64 { return &f }

// distanceM is the great-circle distance in metres.
func distanceM(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6_371_000
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lng2-lng1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

func (s *Sim) ascendaStatic(sh *supplierHotel, base string, withDistance bool) ascHotel {
	h := sh.hotel
	r := s.k.rng("asc-static", h.worldID)
	out := ascHotel{
		ID: sh.id, ImageCount: sh.images, Name: sh.name, Address: h.address, Address1: h.address,
		Rating: float64(h.stars), Description: sh.description, Amenities: map[string]bool{},
		OriginalMetadata: ascMeta{City: h.dest.place.Name, Country: h.dest.place.CountryCode},
		ImageDetails:     ascImages{Suffix: ".svg", Count: sh.images, Prefix: base + "/images/ascenda/" + sh.id + "/"},
		NumberOfImages:   sh.images, DefaultImageIndex: 1,
		ImgixURL: base + "/images", CloudflareImageURL: base + "/images",
		Categories: map[string]ascCategory{"overall": {"Overall", int(h.score) - r.IntN(8), float64(h.stars)}},
	}
	if sh.hasCoords {
		out.Latitude, out.Longitude = fptr(sh.lat), fptr(sh.lng)
	}
	if withDistance {
		out.Distance = fptr(distanceM(h.dest.place.Lat, h.dest.place.Lng, h.lat, h.lng))
	}
	if !sh.nullScore {
		id := uuidFrom(s.k.sum("trustyou", h.worldID), s.k.sum("trustyou2", h.worldID))
		sc := func(d int) *float64 { return fptr(math.Min(100, math.Max(40, h.score+float64(d)))) }
		out.TrustYou = ascTrust{ID: &id, Score: ascScore{Overall: fptr(h.score), KaligoOverall: math.Round(h.score/2) / 10,
			Solo: sc(r.IntN(9) - 4), Couple: sc(r.IntN(9) - 4), Family: sc(r.IntN(9) - 6)}}
		if r.IntN(3) > 0 {
			out.TrustYou.Score.Business = sc(r.IntN(9) - 4)
		}
	}
	for _, c := range []string{"city_hotel", "business_hotel", "family_hotel", "romantic_hotel", "lake_hotel", "beach_hotel"} {
		if r.IntN(3) == 0 {
			title := strings.ToUpper(c[:1]) + strings.ReplaceAll(c[1:], "_h", " H")
			out.Categories[c] = ascCategory{title, 60 + r.IntN(40), math.Round(r.Float64()*2400) / 100}
		}
	}
	for _, n := range []string{"Location", "Service", "WiFi", "Room", "Comfort", "Food", "Breakfast", "Vibe", "Amenities", "Wellness"} {
		if r.IntN(4) > 0 {
			out.AmenitiesRatings = append(out.AmenitiesRatings, ascNameScore{n, 55 + r.IntN(45)})
		}
	}
	for _, f := range sh.features {
		out.Amenities[features[f].ascenda] = true
	}
	if sh.images > 0 && r.IntN(5) > 0 {
		idx := make([]string, min(sh.images, 56))
		for i := range idx {
			idx[i] = itoa(i)
		}
		out.HiresImageIndex = strings.Join(idx, ",")
	}
	if r.IntN(20) > 0 {
		ct := h.checkin
		if r.IntN(15) == 0 {
			ct = ""
		}
		out.CheckinTime = &ct
	}
	return out
}

func uuidFrom(a, b uint64) string {
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, (a>>16)&0xffff, 0x5000|(a&0x0fff), 0x8000|(b>>48)&0x3fff, b&0xffffffffffff)
}

// ascendaHotels answers GET /api/hotels?destination_id=: a bare array, [] for an unknown id.
func (s *Sim) ascendaHotels(w http.ResponseWriter, r *http.Request) {
	uid := r.URL.Query().Get("destination_id")
	if uid == "" {
		ascendaError(w, http.StatusBadRequest, "invalid_parameter", "destination_id is required")
		return
	}
	out := []ascHotel{}
	if d, ok := s.w.destination(uid); ok {
		base := s.publicURL(r)
		for _, h := range d.hotels {
			if sh := h.sup[Ascenda]; sh != nil {
				out = append(out, s.ascendaStatic(sh, base, true))
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// ascendaHotel answers GET /api/hotels/{id}.
func (s *Sim) ascendaHotel(w http.ResponseWriter, r *http.Request) {
	sh, ok := s.ascendaLookup(r.PathValue("id"))
	if !ok {
		ascendaError(w, http.StatusNotFound, "not_found", "hotel not found")
		return
	}
	writeJSON(w, http.StatusOK, s.ascendaStatic(sh, s.publicURL(r), false))
}

func (s *Sim) ascendaLookup(id string) (*supplierHotel, bool) {
	sl, ok := s.k.parseAscendaID(id)
	return s.w.supplierHotel(Ascenda, sl, ok)
}

// ascQuery is a parsed price query.
type ascQuery struct {
	stay     stay
	occ      occupancy
	currency string
	key      string
}

func (s *Sim) ascendaQuery(r *http.Request, needDestination bool) (ascQuery, string, error) {
	q := r.URL.Query()
	var aq ascQuery
	uid := q.Get("destination_id")
	if needDestination && uid == "" {
		return aq, "", errors.New("destination_id is required")
	}
	st, err := parseStay(q.Get("checkin"), q.Get("checkout"), s.now())
	if err != nil {
		return aq, "", err
	}
	occ, err := parseGuests(q.Get("guests"))
	if err != nil {
		return aq, "", err
	}
	aq.stay, aq.occ, aq.currency = st, occ, strings.ToUpper(q.Get("currency"))
	if aq.currency == "" {
		aq.currency = "SGD"
	}
	if _, ok := fxPerUSD[aq.currency]; !ok {
		return aq, "", fmt.Errorf("currency %q is not supported", aq.currency)
	}
	aq.key = strings.Join([]string{uid, q.Get("checkin"), q.Get("checkout"), occ.key(), aq.currency,
		q.Get("lang"), q.Get("country_code"), q.Get("partner_id")}, "|")
	return aq, uid, nil
}

type ascMarketRate struct {
	Supplier string  `json:"supplier"`
	Rate     float64 `json:"rate"`
}

type ascPriceHotel struct {
	ID                     string          `json:"id"`
	SearchRank             float64         `json:"searchRank"`
	PriceType              string          `json:"price_type"`
	FreeCancellation       *bool           `json:"free_cancellation"`
	RoomsAvailable         int             `json:"rooms_available"`
	MaxCashPayment         float64         `json:"max_cash_payment"`
	CovertedMaxCashPayment float64         `json:"coverted_max_cash_payment"`
	Points                 int             `json:"points"`
	Bonuses                int             `json:"bonuses"`
	BonusPrograms          []string        `json:"bonus_programs"`
	BonusTiers             []string        `json:"bonus_tiers"`
	LowestPrice            float64         `json:"lowest_price"`
	Price                  float64         `json:"price"`
	ConvertedPrice         float64         `json:"converted_price"`
	LowestConvertedPrice   float64         `json:"lowest_converted_price"`
	MarketRates            []ascMarketRate `json:"market_rates"`
}

type ascPricesEnvelope struct {
	SearchCompleted *bool           `json:"searchCompleted"`
	Completed       bool            `json:"completed"`
	Status          *string         `json:"status"`
	Currency        *string         `json:"currency"`
	Hotels          []ascPriceHotel `json:"hotels"`
}

func roundTo(f float64, cur string) float64 {
	if zeroDecimal[cur] {
		return math.Round(f)
	}
	return math.Round(f*100) / 100
}

// offer is one sellable rate of a hotel for a query.
type offer struct {
	ri, pi int
	q      quote
	avail  int
}

// offers lists what a supplier sells at a hotel for a stay and occupancy, cheapest first.
func (s *Sim) offers(sh *supplierHotel, st stay, occ occupancy, drift float64) []offer {
	var out []offer
	for ri, rm := range sh.hotel.rooms {
		if !fits(rm.kind, occ) {
			continue
		}
		avail := s.inv.available(sh.hotel, ri, st)
		if avail < occ.rooms() {
			continue
		}
		for pi := range rm.plans {
			if s.w.offered(sh, ri, pi) {
				out = append(out, offer{ri, pi, s.w.price(sh, ri, pi, st, occ, drift), avail})
			}
		}
	}
	for i := 1; i < len(out); i++ { // insertion sort: stable and small
		for j := i; j > 0 && out[j].q.total < out[j-1].q.total; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// ascendaPrices answers GET /api/hotels/prices, polled until completed.
func (s *Sim) ascendaPrices(w http.ResponseWriter, r *http.Request) {
	aq, uid, err := s.ascendaQuery(r, true)
	if err != nil {
		ascendaError(w, http.StatusBadRequest, "invalid_parameter", err.Error())
		return
	}
	cur := aq.currency
	env := ascPricesEnvelope{Completed: true, Currency: &cur, Hotels: []ascPriceHotel{}}
	d, ok := s.w.destination(uid)
	if !ok {
		writeJSON(w, http.StatusOK, env)
		return
	}
	now := s.now()
	sess := s.sessions.get(aq.key, now)
	sess.once.Do(func() { s.fillSession(sess, d, aq) })
	t := s.timingOf(Ascenda, s.Knobs(Ascenda))
	total := t.searchMin + time.Duration(s.k.unit("session", aq.key)*float64(t.searchMax-t.searchMin))
	elapsed := now.Sub(sess.start)
	env.Completed = elapsed >= total
	for i, ph := range sess.hotels {
		at := t.firstPartial + time.Duration(sess.arrivals[i]*float64(max(0, total-t.firstPartial)))
		if env.Completed || elapsed >= at {
			env.Hotels = append(env.Hotels, ph)
		}
	}
	writeJSON(w, http.StatusOK, env)
}

func (s *Sim) fillSession(sess *session, d *destWorld, aq ascQuery) {
	for _, h := range d.hotels {
		sh := h.sup[Ascenda]
		if sh == nil {
			continue
		}
		offers := s.offers(sh, aq.stay, aq.occ, 0)
		if len(offers) == 0 {
			continue
		}
		best := offers[0]
		sgd := major(best.q.total)
		conv := roundTo(convert(sgd, "SGD", aq.currency), aq.currency)
		rooms := 0
		seen := map[int]bool{}
		for _, o := range offers {
			if !seen[o.ri] {
				seen[o.ri], rooms = true, rooms+o.avail
			}
		}
		r := s.k.rng("asc-price", h.worldID, aq.key)
		ph := ascPriceHotel{ID: sh.id, SearchRank: math.Round(r.Float64()*100) / 100, PriceType: "multi",
			RoomsAvailable: rooms, MaxCashPayment: sgd, CovertedMaxCashPayment: conv,
			Points: int(math.Round(sgd*25/25)) * 25, BonusPrograms: []string{}, BonusTiers: []string{},
			LowestPrice: sgd, Price: conv, ConvertedPrice: conv, LowestConvertedPrice: conv,
			MarketRates: []ascMarketRate{}}
		if r.IntN(5) > 0 {
			fc := best.q.refundable
			ph.FreeCancellation = &fc
		}
		if r.IntN(2) == 0 {
			ph.MarketRates = append(ph.MarketRates, ascMarketRate{"expedia", math.Round(conv*(0.85+0.3*r.Float64())*1e9) / 1e9})
		}
		sess.hotels = append(sess.hotels, ph)
		sess.arrivals = append(sess.arrivals, s.k.unit("arrival", aq.key, h.worldID))
	}
}
