package suppliersim

import "sync"

// stats counts requests per supplier and endpoint.
type stats struct {
	mu     sync.Mutex
	counts map[string]map[string]int64
}

func newStats() *stats { return &stats{counts: map[string]map[string]int64{}} }

func (st *stats) add(supplier, endpoint string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	m := st.counts[supplier]
	if m == nil {
		m = map[string]int64{}
		st.counts[supplier] = m
	}
	m[endpoint]++
}

func (st *stats) snapshot() map[string]map[string]int64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make(map[string]map[string]int64, len(st.counts))
	for s, m := range st.counts {
		out[s] = make(map[string]int64, len(m))
		for e, n := range m {
			out[s][e] = n
		}
	}
	return out
}

func (st *stats) reset() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.counts = map[string]map[string]int64{}
}

// Stats returns the number of requests per supplier and endpoint since the start (or the last
// ResetStats).
func (s *Sim) Stats() map[string]map[string]int64 { return s.stats.snapshot() }

// Count returns the number of requests to one supplier endpoint (names as in Stats).
func (s *Sim) Count(supplier, endpoint string) int64 {
	return s.stats.snapshot()[supplier][endpoint]
}

// ResetStats zeroes the request counts.
func (s *Sim) ResetStats() { s.stats.reset() }
