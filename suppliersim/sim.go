package suppliersim

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Sim is a running simulated supplier world.
type Sim struct {
	cfg      Config
	k        keyed
	w        *world
	inv      *inventory
	stats    *stats
	sessions *sessions
	now      func() time.Time
	mux      *http.ServeMux

	kmu   sync.Mutex
	knobs map[string]Knobs

	rmu sync.Mutex
	rnd *rand.Rand

	done      chan struct{}
	closeOnce sync.Once
}

// New builds a simulator; nothing is generated until a destination is first requested.
func New(cfg Config) (*Sim, error) {
	if cfg.Profile == "" {
		cfg.Profile = ProfileRealistic
	}
	if _, err := parseProfile(string(cfg.Profile)); err != nil {
		return nil, fmt.Errorf("new simulator: %w", err)
	}
	if cfg.Places == nil {
		p, err := defaultPlaces()
		if err != nil {
			return nil, fmt.Errorf("new simulator: %w", err)
		}
		cfg.Places = p
	}
	s := &Sim{
		cfg: cfg, k: keyed{seed: cfg.Seed}, stats: newStats(), now: cfg.Now,
		knobs: map[string]Knobs{}, rnd: newFaultRand(cfg.Seed), done: make(chan struct{}),
	}
	if s.now == nil {
		s.now = time.Now
	}
	for _, sup := range Suppliers {
		k, ok := cfg.Knobs[sup]
		if !ok {
			k = DefaultKnobs(cfg.Profile, sup)
		}
		if err := k.validate(); err != nil {
			return nil, fmt.Errorf("new simulator: %s knobs: %w", sup, err)
		}
		s.knobs[sup] = k
	}
	s.w = newWorld(s.k, cfg.Places)
	s.inv = newInventory(s.k)
	s.sessions = newSessions()
	s.routes()
	return s, nil
}

// Handler serves the whole world: /ascenda/, /bedcom/, /wgl/, /fx, /images/ and /_sim/.
func (s *Sim) Handler() http.Handler { return s.mux }

// Close releases requests held by black-hole faults and latency; the Sim must not be used after.
func (s *Sim) Close() {
	s.closeOnce.Do(func() { close(s.done) })
}

// Knobs returns the current knobs of a supplier.
func (s *Sim) Knobs(supplier string) Knobs {
	s.kmu.Lock()
	defer s.kmu.Unlock()
	return s.knobs[supplier]
}

// SetKnobs replaces the knobs of a supplier.
func (s *Sim) SetKnobs(supplier string, k Knobs) error {
	if err := k.validate(); err != nil {
		return fmt.Errorf("set knobs of %s: %w", supplier, err)
	}
	s.kmu.Lock()
	defer s.kmu.Unlock()
	if _, ok := s.knobs[supplier]; !ok {
		return fmt.Errorf("set knobs: %w: unknown supplier %q", ErrConfig, supplier)
	}
	s.knobs[supplier] = k
	return nil
}

func (s *Sim) routes() {
	m := http.NewServeMux()
	s.ascendaRoutes(m)
	s.bedcomRoutes(m)
	s.wglRoutes(m)
	m.HandleFunc("GET /fx", s.fx)
	m.HandleFunc("GET /images/{supplier}/{hotel}/{file}", s.image)
	s.payRoutes(m)
	s.adminRoutes(m)
	s.mux = m
}

// publicURL is the absolute base for links to the simulator itself.
func (s *Sim) publicURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// writeJSON renders v into a buffer and only then writes status and body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":"internal"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b) //nolint:errcheck // the client may have gone
}

type fxBody struct {
	Base     string             `json:"base"`
	Rates    map[string]float64 `json:"rates"`
	Decimals map[string]int     `json:"decimals"`
}

// fx answers GET /fx: units of each currency per one unit of the base currency (USD).
func (s *Sim) fx(w http.ResponseWriter, r *http.Request) {
	s.stats.add("fx", "rates")
	body := fxBody{Base: "USD", Rates: fxPerUSD, Decimals: map[string]int{}}
	for c := range fxPerUSD {
		body.Decimals[c] = 2
		if zeroDecimal[c] {
			body.Decimals[c] = 0
		}
	}
	writeJSON(w, http.StatusOK, body)
}
