package suppliersim

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// latencyClass says how slow an endpoint is in the profile.
type latencyClass int

const (
	static latencyClass = iota // content: fast in every profile
	poll                       // one poll of an ascenda price search (the search itself runs on)
	search                     // availability of a destination
	call                       // price check, per-hotel prices, booking, cancellation
)

// timing is a supplier's speed in a profile.
type timing struct {
	searchMin, searchMax time.Duration
	callMin, callMax     time.Duration
	pollMin, pollMax     time.Duration
	firstPartial         time.Duration // ascenda: first hotels appear after this
}

var realisticTimings = map[string]timing{
	Ascenda: {1 * time.Second, 5 * time.Second, 400 * time.Millisecond, 1500 * time.Millisecond, 50 * time.Millisecond, 150 * time.Millisecond, 1 * time.Second},
	Bedcom:  {2 * time.Second, 18 * time.Second, 500 * time.Millisecond, 2500 * time.Millisecond, 0, 0, 0},
	WGL:     {10 * time.Second, 25 * time.Second, 1 * time.Second, 4 * time.Second, 0, 0, 0},
}

// timingOf returns a supplier's timing under the profile and its latency override.
func (s *Sim) timingOf(supplier string, k Knobs) timing {
	t := realisticTimings[supplier]
	switch s.cfg.Profile {
	case ProfileDemo:
		t = timing{t.searchMin / 5, t.searchMax / 5, t.callMin / 5, t.callMax / 5, t.pollMin / 5, t.pollMax / 5, t.firstPartial / 5}
	case ProfileTest:
		t = timing{time.Millisecond, 5 * time.Millisecond, 0, 2 * time.Millisecond, 0, 0, time.Millisecond}
	}
	if k.LatencyMS != nil {
		l := time.Duration(*k.LatencyMS) * time.Millisecond
		t = timing{l, l, l, l, 0, 0, l / 3}
	}
	return t
}

// between draws a duration in [lo,hi] from the simulator's (non-content) random source.
func (s *Sim) between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(s.float()*float64(hi-lo))
}

func (s *Sim) float() float64 {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	return s.rnd.Float64()
}

func newFaultRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x6c6f62616e67)) }

// sleep waits d unless the client leaves or the simulator closes; it reports whether the full
// time passed.
func (s *Sim) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

// errorWriter writes a dialect's error body for a status and message.
type errorWriter func(w http.ResponseWriter, status int, code, msg string)

// bufWriter collects a handler's answer so that faults can mangle it before it is sent.
type bufWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufWriter) Header() http.Header         { return b.header }
func (b *bufWriter) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

const maxBody = 1 << 20

// endpoint wraps a dialect handler with request counting, body limits, faults and latency.
func (s *Sim) endpoint(supplier, name string, class latencyClass, fail errorWriter, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.stats.add(supplier, name)
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		k := s.Knobs(supplier)
		if s.float() < k.TimeoutRate {
			s.sleep(r.Context(), 24*time.Hour) // black hole: hold until the client gives up
			return
		}
		if s.float() < k.RateLimitRate {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, k.RetryAfter)))
			fail(w, http.StatusTooManyRequests, "rate_limited", "too many requests")
			return
		}
		if s.float() < k.ErrorRate {
			fail(w, http.StatusServiceUnavailable, "service_unavailable", "service temporarily unavailable")
			return
		}
		t := s.timingOf(supplier, k)
		var d time.Duration
		switch class {
		case search:
			d = s.between(t.searchMin, t.searchMax)
		case call:
			d = s.between(t.callMin, t.callMax)
		case poll:
			d = s.between(t.pollMin, t.pollMax)
		}
		if !s.sleep(r.Context(), d) {
			return
		}
		bw := &bufWriter{header: w.Header()}
		h(bw, r)
		body := bw.body.Bytes()
		if s.float() < k.MalformedRate {
			body = append(body[:len(body)/2:len(body)/2], []byte("\x00<<garbled")...)
		}
		if bw.status == 0 {
			bw.status = http.StatusOK
		}
		w.WriteHeader(bw.status)
		w.Write(body) //nolint:errcheck // the client may have gone; nothing to do
	})
}
