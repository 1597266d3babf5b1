package suppliersim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// adminRoutes registers /_sim/ only when Config.Admin is set: without it they are 404.
func (s *Sim) adminRoutes(m *http.ServeMux) {
	if !s.cfg.Admin {
		return
	}
	m.HandleFunc("GET /_sim/knobs", s.adminKnobs)
	m.HandleFunc("POST /_sim/knobs", s.adminSetKnobs)
	m.HandleFunc("GET /_sim/stats", s.adminStats)
	m.HandleFunc("POST /_sim/stats/reset", s.adminResetStats)
	m.HandleFunc("GET /_sim/truth", s.adminTruth)
	m.HandleFunc("POST /_sim/allotment", s.adminAllotment)
}

func adminError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func (s *Sim) allKnobs() map[string]Knobs {
	out := map[string]Knobs{}
	for _, sup := range Suppliers {
		out[sup] = s.Knobs(sup)
	}
	return out
}

func (s *Sim) adminKnobs(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.allKnobs())
}

// adminSetKnobs merges {"supplier": {knob: value}} into the current knobs; fields left out keep
// their values, "latency_ms": null returns to the profile's latency.
func (s *Sim) adminSetKnobs(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		adminError(w, http.StatusBadRequest, "body must be a JSON object of supplier knobs: "+err.Error())
		return
	}
	next := s.allKnobs()
	for sup, msg := range raw {
		k, ok := next[sup]
		if !ok {
			adminError(w, http.StatusBadRequest, fmt.Sprintf("unknown supplier %q", sup))
			return
		}
		if err := json.Unmarshal(msg, &k); err != nil {
			adminError(w, http.StatusBadRequest, fmt.Sprintf("knobs of %s: %v", sup, err))
			return
		}
		if err := k.validate(); err != nil {
			adminError(w, http.StatusBadRequest, fmt.Sprintf("knobs of %s: %v", sup, err))
			return
		}
		next[sup] = k
	}
	for sup, k := range next {
		if err := s.SetKnobs(sup, k); err != nil {
			adminError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	writeJSON(w, http.StatusOK, next)
}

func (s *Sim) adminStats(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}

func (s *Sim) adminResetStats(w http.ResponseWriter, r *http.Request) {
	s.ResetStats()
	w.WriteHeader(http.StatusNoContent)
}

// TruthHotel is one world hotel in the ground truth: which supplier ids are the same hotel.
type TruthHotel struct {
	WorldID   string            `json:"world_id"`
	Name      string            `json:"name"`
	Brand     string            `json:"brand,omitempty"`
	Lat       float64           `json:"lat"`
	Lng       float64           `json:"lng"`
	Cases     []string          `json:"cases,omitempty"`
	Suppliers map[string]string `json:"suppliers"`
	Names     map[string]string `json:"names"`
}

// Truth is the ground truth of one destination.
type Truth struct {
	DestinationID string       `json:"destination_id"`
	Name          string       `json:"name"`
	Hotels        []TruthHotel `json:"hotels"`
}

// Truth returns the ground truth of a destination: every world hotel with its supplier ids.
func (s *Sim) Truth(uid string) (Truth, bool) {
	d, ok := s.w.destination(uid)
	if !ok {
		return Truth{}, false
	}
	t := Truth{DestinationID: uid, Name: d.place.Name, Hotels: []TruthHotel{}}
	for _, h := range d.hotels {
		th := TruthHotel{WorldID: h.worldID, Name: h.name, Brand: h.brand, Lat: h.lat, Lng: h.lng, Cases: h.cases,
			Suppliers: map[string]string{}, Names: map[string]string{}}
		for sup, sh := range h.sup {
			th.Suppliers[sup], th.Names[sup] = sh.id, sh.name
		}
		t.Hotels = append(t.Hotels, th)
	}
	return t, true
}

func (s *Sim) adminTruth(w http.ResponseWriter, r *http.Request) {
	t, ok := s.Truth(r.URL.Query().Get("destination_id"))
	if !ok {
		adminError(w, http.StatusNotFound, "unknown destination_id")
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// resolve finds a supplier's hotel by its id in that supplier's format.
func (s *Sim) resolve(supplier, id string) (*supplierHotel, bool) {
	switch supplier {
	case Ascenda:
		return s.ascendaLookup(id)
	case Bedcom:
		code, err := strconv.Atoi(id)
		if err != nil {
			return nil, false
		}
		sl, ok := s.k.parseBedcomCode(code)
		return s.w.supplierHotel(Bedcom, sl, ok)
	case WGL:
		return s.wglLookup(id)
	}
	return nil, false
}

// SetAllotment sets how many rooms of every room type of a supplier's hotel remain on sale on
// one night (YYYY-MM-DD); the inventory is shared by all suppliers carrying the hotel.
func (s *Sim) SetAllotment(supplier, hotelID, night string, rooms int) error {
	sh, ok := s.resolve(supplier, hotelID)
	if !ok {
		return fmt.Errorf("set allotment: %w: %s hotel %q", ErrConfig, supplier, hotelID)
	}
	if _, err := time.Parse(time.DateOnly, night); err != nil || rooms < 0 || rooms > 1000 {
		return fmt.Errorf("set allotment: %w: night %q, rooms %d", ErrConfig, night, rooms)
	}
	s.inv.setAllotment(sh.hotel, night, rooms)
	return nil
}

type allotmentRequest struct {
	Supplier string `json:"supplier"`
	HotelID  string `json:"hotel_id"`
	Date     string `json:"date"`
	Rooms    int    `json:"rooms"`
}

func (s *Sim) adminAllotment(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var req allotmentRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		adminError(w, http.StatusBadRequest, "body must be JSON: "+err.Error())
		return
	}
	if err := s.SetAllotment(req.Supplier, req.HotelID, req.Date, req.Rooms); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
