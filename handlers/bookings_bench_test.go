package handlers

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lobang/booking"
	"lobang/db/dbtest"
)

// BenchmarkBookingFlow books rooms end to end over HTTP against the test
// profile of the simulator, real MySQL and Redis, with several customers at
// once: the rooms page, Book, the details form, paying at the checkout and
// the return. It reports confirmed bookings per second and, per booking
// step, Lobang's own processing time (the request's time less the time it
// spent waiting for suppliers and the payment provider), p50 and p95.
// Afterwards every booking must be final and every capture a confirmed
// booking, as in TestCustomersRaceForAHotel.
//
//	go test -run '^$' -bench BookingFlow -benchtime 200x ./handlers/
func BenchmarkBookingFlow(b *testing.B) {
	dbtest.RequireReal(b)
	w := newBookingWorld(b, booking.Config{})
	w.timings = &stepTimings{byStep: map[string][]time.Duration{}}
	t := &collectT{TB: b}
	var n atomic.Int64
	var confirmed atomic.Int64
	b.SetParallelism(2) // 2 × GOMAXPROCS customers at once
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(n.Add(1))
			t.run(func() {
				// Spread customers over hotels and dates so that rooms last.
				var offer string
				for try := 0; offer == ""; try++ {
					if try == 20 {
						t.Fatalf("customer %d found no room", i)
					}
					hotel := w.hotels[(i+try)%len(w.hotels)]
					offer, _ = w.tryOffer(t, hotel, stayOf(20+(i/len(w.hotels)+7*try)%300, 1), "")
				}
				_, checkout := w.toCheckout(t, offer)
				if w.booking(t, w.payAndReturn(t, checkout, cardOK)).Status == booking.StatusConfirmed {
					confirmed.Add(1)
				}
			})
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if t.failed() {
		b.Fatal(t.err)
	}
	b.ReportMetric(float64(confirmed.Load())/elapsed.Seconds(), "bookings/s")
	for _, step := range []string{"POST /bookings", "GET /bookings/{id}", "POST /bookings/{id}/details", "GET /bookings/{id}/return", "POST /payments/webhook"} {
		p50, p95 := w.timings.percentiles(step)
		name := strings.NewReplacer("/bookings/{id}/", "", "/bookings/{id}", "page", "/payments/", "", "POST ", "", "GET ", "", "/", "").Replace(step)
		b.ReportMetric(float64(p50.Microseconds())/1000, name+"-p50-ms")
		b.ReportMetric(float64(p95.Microseconds())/1000, name+"-p95-ms")
	}

	// The concurrency test's checks still hold.
	ctx := context.Background()
	_, _ = w.svc.Reconcile(ctx)
	var open, captured, ok int
	if err := w.pool.QueryRow(`SELECT COUNT(*) FROM bookings WHERE status NOT IN ('confirmed','failed','expired','cancelled')`).Scan(&open); err != nil {
		b.Fatal(err)
	}
	if err := w.pool.QueryRow(`SELECT COUNT(*) FROM bookings WHERE status = 'confirmed'`).Scan(&ok); err != nil {
		b.Fatal(err)
	}
	captured = int(w.sim.Count("pay", "payments_capture"))
	if open != 0 || captured != ok || int64(ok) != confirmed.Load() {
		b.Fatalf("after the load: %d bookings open, %d captures for %d confirmed (%d seen by customers)", open, captured, ok, confirmed.Load())
	}
}

// stepTimings records Lobang's own time per route.
type stepTimings struct {
	mu     sync.Mutex
	byStep map[string][]time.Duration
}

type outboundKey struct{}

// serve runs a request through the router, timing it less its outbound calls.
func (s *stepTimings) serve(app http.Handler, w http.ResponseWriter, r *http.Request) {
	var outbound atomic.Int64
	r = r.WithContext(context.WithValue(r.Context(), outboundKey{}, &outbound))
	start := time.Now()
	app.ServeHTTP(w, r)
	own := time.Since(start) - time.Duration(outbound.Load())
	step := r.Method + " " + routePattern(r)
	s.mu.Lock()
	s.byStep[step] = append(s.byStep[step], own)
	s.mu.Unlock()
}

func (s *stepTimings) percentiles(step string) (p50, p95 time.Duration) {
	s.mu.Lock()
	d := slices.Clone(s.byStep[step])
	s.mu.Unlock()
	if len(d) == 0 {
		return 0, 0
	}
	slices.Sort(d)
	return d[len(d)*50/100], d[min(len(d)-1, len(d)*95/100)]
}

// routePattern names the booking route a request is for, for grouping.
func routePattern(r *http.Request) string {
	path := r.URL.Path
	switch {
	case path == "/bookings":
		return "/bookings"
	case strings.HasPrefix(path, "/bookings/"):
		rest := strings.SplitN(strings.TrimPrefix(path, "/bookings/"), "/", 2)
		if len(rest) == 2 {
			return "/bookings/{id}/" + rest[1]
		}
		return "/bookings/{id}"
	}
	return path
}

// outboundTimer adds the time of each outbound call to the request's
// outbound counter, when the call's context carries one.
type outboundTimer struct{ base http.RoundTripper }

func (o outboundTimer) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := o.base.RoundTrip(r)
	if c, ok := r.Context().Value(outboundKey{}).(*atomic.Int64); ok {
		c.Add(int64(time.Since(start)))
	}
	return resp, err
}
