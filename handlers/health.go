package handlers

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Healthz answers 200 while the process is up.
func (h *Handler) Healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if _, err := w.Write([]byte("ok\n")); err != nil {
		h.log.Debug("write healthz", "err", err)
	}
}

// Readyz answers 200 when the instance should receive traffic: started, not
// draining, and MySQL and Redis both answering within a deadline.
func (h *Handler) Readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !h.ready.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		h.writeText(w, "not ready: starting or draining\n")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	errs := make(chan error, 2)
	go func() {
		if err := h.db.PingContext(ctx); err != nil {
			errs <- errors.New("mysql: " + err.Error())
			return
		}
		errs <- nil
	}()
	go func() {
		if err := h.redis.Ping(ctx).Err(); err != nil {
			errs <- errors.New("redis: " + err.Error())
			return
		}
		errs <- nil
	}()
	var failed []string
	for range 2 {
		if err := <-errs; err != nil {
			failed = append(failed, err.Error())
		}
	}
	if len(failed) > 0 {
		h.log.Warn("not ready", "reasons", failed)
		w.WriteHeader(http.StatusServiceUnavailable)
		h.writeText(w, "not ready: "+strings.Join(failed, "; ")+"\n")
		return
	}
	h.writeText(w, "ready\n")
}

func (h *Handler) writeText(w http.ResponseWriter, s string) {
	if _, err := w.Write([]byte(s)); err != nil {
		h.log.Debug("write response", "err", err)
	}
}

// metrics are the HTTP layer's Prometheus collectors.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	handler  http.Handler
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lobang_http_requests_total", Help: "HTTP requests by route, method and status class.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lobang_http_request_duration_seconds", Help: "Time to answer HTTP requests, by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	return m
}

// measure counts and times requests of one route pattern.
func (h *Handler) measure(pattern string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rw := &statusWriter{ResponseWriter: w}
			next.ServeHTTP(rw, r)
			code := rw.status
			if code == 0 {
				code = http.StatusOK
			}
			h.metrics.requests.WithLabelValues(pattern, r.Method, statusClass(code)).Inc()
			h.metrics.duration.WithLabelValues(pattern).Observe(time.Since(start).Seconds())
		})
	}
}

func statusClass(code int) string {
	return string(rune('0'+code/100)) + "xx"
}

// Metrics serves Prometheus text, behind a bearer token when one is set.
func (h *Handler) Metrics(w http.ResponseWriter, r *http.Request) {
	if tok := h.cfg.MetricsToken; tok != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(tok)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
	}
	h.metrics.handler.ServeHTTP(w, r)
}
