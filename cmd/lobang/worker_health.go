package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// circuitsOpen counts the suppliers whose circuit breaker is open in this
// process (gauge lobang_supplier_circuits_open).
func (s *services) circuitsOpen() int {
	n := 0
	for _, sup := range s.suppliers {
		if s.agg.BreakerState(sup.Name()) == "open" {
			n++
		}
	}
	return n
}

// healthcheckAddr is where `lobang healthcheck` asks for /healthz: the
// worker's health address when one is set (the worker task), else the web
// server's LOBANG_ADDR.
func (c Config) healthcheckAddr() string {
	if c.WorkerHealthAddr != "" {
		return c.WorkerHealthAddr
	}
	return c.Addr
}

// workerHealth serves the worker's /healthz and /metrics, so that the
// container health check and a scraper can see it although it takes its
// work from Redis and listens nowhere else.
type workerHealth struct {
	srv  *http.Server
	done chan error
}

// startWorkerHealth listens on cfg.WorkerHealthAddr; with none set it
// returns nil and serves nothing.
func startWorkerHealth(ctx context.Context, cfg Config, svc *services, log *slog.Logger) (*workerHealth, error) {
	if cfg.WorkerHealthAddr == "" {
		return nil, nil
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.WorkerHealthAddr)
	if err != nil {
		return nil, fmt.Errorf("LOBANG_WORKER_HEALTH_ADDR: listen on %s: %w", cfg.WorkerHealthAddr, err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "lobang_supplier_circuits_open",
			Help: "Suppliers whose circuit breaker is open in this process.",
		}, func() float64 { return float64(svc.circuitsOpen()) }),
	)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if _, err := io.WriteString(w, "ok\n"); err != nil {
			log.Debug("write healthz", "err", err)
		}
	})
	mux.Handle("GET /metrics", bearer(cfg.MetricsToken, promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))
	wh := &workerHealth{
		srv: &http.Server{
			Handler:           mux,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      10 * time.Second,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
		done: make(chan error, 1),
	}
	go func() { wh.done <- wh.srv.Serve(ln) }()
	log.Info("worker health endpoints", "addr", ln.Addr().String())
	return wh, nil
}

// Close stops the health endpoints; safe on nil (none configured).
func (wh *workerHealth) Close() error {
	if wh == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := wh.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("worker health: %w", err)
	}
	if err := <-wh.done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("worker health: %w", err)
	}
	return nil
}

// bearer guards next with a bearer token when one is set.
func bearer(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
