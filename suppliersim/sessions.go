package suppliersim

import (
	"sync"
	"time"
)

// sessions are the ascenda price searches in flight: keyed by the query, they progress with the
// time elapsed since the first poll, like the real API's server-side search.
type sessions struct {
	mu sync.Mutex
	m  map[string]*session
}

type session struct {
	start, last time.Time
	once        sync.Once
	hotels      []ascPriceHotel
	arrivals    []float64 // share of the search time after which each hotel appears
}

const sessionTTL = 15 * time.Minute

func newSessions() *sessions { return &sessions{m: map[string]*session{}} }

// get returns the session of a query, starting it (or restarting an expired one) at now.
func (ss *sessions) get(key string, now time.Time) *session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.m[key]
	if !ok || now.Sub(s.last) > sessionTTL {
		if len(ss.m) > 1000 {
			for k, old := range ss.m {
				if now.Sub(old.last) > sessionTTL {
					delete(ss.m, k)
				}
			}
		}
		s = &session{start: now}
		ss.m[key] = s
	}
	s.last = now
	return s
}
