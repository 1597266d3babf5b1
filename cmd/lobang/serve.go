package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"lobang/aggregator"
	"lobang/db"
	"lobang/destinations"
	"lobang/handlers"
)

// attribution credits the open data every page shows (footer).
const attribution = destinations.Attribution + " " + destinations.TimeZoneAttribution

// embeddedSeedDestinations is how many destinations the dev stack loads at
// start.
const embeddedSeedDestinations = 2000

// testHookHandler, when set by a test, wraps the application handler (for
// example to add a deliberately slow route). Always nil in production.
var testHookHandler func(http.Handler) http.Handler

// backends are the stateful services the server talks to.
type backends struct {
	db       *sql.DB
	redis    *redis.Client
	embedded bool
	close    func()
}

// openBackends connects to the configured MySQL and Redis, or starts the
// embedded dev stack when neither is configured, and applies migrations.
func openBackends(ctx context.Context, cfg Config, log *slog.Logger) (*backends, error) {
	b := &backends{close: func() {}}
	mysqlDSN, redisURL := cfg.MySQLDSN, cfg.RedisURL
	opt := db.Options{}
	if cfg.Embedded() {
		st, err := startEmbedded(ctx, log)
		if err != nil {
			return nil, err
		}
		mysqlDSN, redisURL, b.close, b.embedded = st.mysqlDSN, st.redisURL, st.close, true
		opt.MaxOpenConns = 1 // the embedded server does not isolate transactions
		log.Warn("EMBEDDED DEV STACK: in-process MySQL and Redis, nothing is persisted; NOT FOR PRODUCTION")
	}
	pool, err := db.Open(ctx, mysqlDSN, opt)
	if err != nil {
		b.close()
		return nil, fmt.Errorf("mysql: %w", err)
	}
	b.db = pool
	ropt, err := redis.ParseURL(redisURL)
	if err != nil {
		b.shutdown()
		return nil, fmt.Errorf("redis url: %w", err)
	}
	ropt.DialTimeout, ropt.ReadTimeout, ropt.WriteTimeout = 2*time.Second, 3*time.Second, 3*time.Second
	// Blocking stream reads (one per active search, one for jobs) hold
	// connections: leave room for everything else.
	ropt.PoolSize = max(ropt.PoolSize, 128)
	b.redis = redis.NewClient(ropt)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := b.redis.Ping(pingCtx).Err(); err != nil {
		b.shutdown()
		return nil, fmt.Errorf("redis at %s: %w", ropt.Addr, err)
	}
	if b.embedded {
		if _, err := db.MigrateUp(ctx, pool, log); err != nil {
			b.shutdown()
			return nil, fmt.Errorf("migrate embedded database: %w", err)
		}
		// The embedded server indexes slowly: seed the most populous places
		// now; any other destination is added when first used.
		all := destinations.All()
		if _, err := db.SeedDestinations(ctx, pool, all[:min(len(all), embeddedSeedDestinations)]); err != nil {
			b.shutdown()
			return nil, fmt.Errorf("seed embedded database: %w", err)
		}
	}
	return b, nil
}

func (b *backends) shutdown() {
	if b.redis != nil {
		if err := b.redis.Close(); err != nil {
			slog.Default().Debug("close redis", "err", err)
		}
	}
	if b.db != nil {
		if err := b.db.Close(); err != nil {
			slog.Default().Debug("close mysql", "err", err)
		}
	}
	b.close()
}

// serve runs the web server until ctx ends or SIGINT/SIGTERM arrives, then
// drains: readiness turns false at once, streams are told to reconnect,
// in-flight requests finish, and the process exits.
func serve(ctx context.Context, cfg Config, getenv func(string) string, log *slog.Logger, stdout io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	// Listen first so that /healthz answers while the rest starts.
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("LOBANG_ADDR: listen on %s: %w", cfg.Addr, err)
	}
	if cfg.baseURLDefault {
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		cfg.BaseURL.Host = net.JoinHostPort(cfg.BaseURL.Hostname(), port)
	}

	if len(cfg.Suppliers) == 0 {
		// No suppliers configured: run the simulated world in-process.
		simCfg, err := inProcessSimConfig(cfg, getenv, localURL(ln.Addr())+"/payments/webhook")
		if err != nil {
			ln.Close()
			return err
		}
		sim, err := startSim(ctx, simCfg, "127.0.0.1:0", log)
		if err != nil {
			ln.Close()
			return err
		}
		defer sim.Close()
		cfg.Suppliers, cfg.FXURL = sim.supplierURLs(), sim.URL+"/fx"
		if cfg.PayURL == "" && cfg.StripeSecretKey == "" {
			cfg.PayURL = sim.URL + "/pay"
		}
		log.Warn("simulated suppliers in-process", "url", sim.URL, "profile", simCfg.Profile)
	}

	reg := prometheus.NewRegistry()
	h := handlers.New(handlers.Deps{
		Log:     log,
		Metrics: reg,
		Config: handlers.Config{
			BaseURL:        cfg.BaseURL,
			TrustedProxies: cfg.TrustedProxies,
			MetricsToken:   cfg.MetricsToken,
			Attribution:    attribution,
			ImageOrigins:   imageOrigins(cfg.Suppliers),
			FormOrigins:    checkoutOrigins(cfg),
			RedisPrefix:    cfg.RedisPrefix,
		},
	})
	var app http.Handler = h.Routes()
	if testHookHandler != nil {
		app = testHookHandler(app)
	}
	srv := &http.Server{
		Handler:           app,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second, // streams extend their own deadline
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	srv.RegisterOnShutdown(h.Drain)

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	b, err := openBackends(ctx, cfg, log)
	if err != nil {
		srv.Close()
		return err
	}
	defer b.shutdown()
	svc, err := newServices(cfg, b, log, instanceName(ln.Addr().String()))
	if err != nil {
		srv.Close()
		return err
	}
	if b.embedded {
		svc.syncStartup(ctx, log)
	}
	// Search workers run in every serve process; they stop taking jobs when
	// the process drains, leaving unfinished ones for other instances.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	var background sync.WaitGroup
	background.Go(func() {
		if err := svc.agg.Run(workCtx); err != nil {
			log.Error("search workers", "err", err)
		}
	})
	defer func() {
		stopWork()
		background.Wait()
	}()

	h.Attach(b.db, b.redis)
	customers, err := customerSessions(cfg, b)
	if err != nil {
		srv.Close()
		return err
	}
	h.AttachSessions(customers)
	accts, err := customerAccounts(cfg, b, log)
	if err != nil {
		srv.Close()
		return err
	}
	h.AttachAccounts(accts)
	staff, staffCfg, err := staffAdmin(cfg, getenv, b, log)
	if err != nil {
		srv.Close()
		return err
	}
	h.AttachAdmin(staff, staffCfg)
	h.AttachSearch(svc.agg, svc.catalog)
	h.AttachSuppliers(svc.suppliers, aggregator.FXConverter{Source: svc.fx})
	h.AttachMarkups(svc.markups)
	h.AttachOps(svc.health, svc.switches, svc.agg.Suppliers(), svc.agg.BreakerState)
	h.RegisterOpsMetrics(svc.circuitsOpen)
	if bookings := newBookings(cfg, b, svc, log); bookings != nil {
		h.AttachBooking(bookings)
		// The reconciler runs beside every web process too, so that the dev
		// stack needs no worker; its work is leased per booking.
		background.Go(func() { reconcile(workCtx, bookings, log) })
		sender, err := newMailSender(cfg, b, log)
		if err != nil {
			srv.Close()
			return err
		}
		background.Go(func() {
			if err := sender.Run(workCtx); err != nil {
				log.Error("email sender", "err", err)
			}
		})
	}
	go keepHotelSuggestions(workCtx, h, b.db, log)
	h.SetReady(true)
	log.Info("lobang serving", "url", cfg.BaseURL.String(), "config", cfg)
	fmt.Fprintf(stdout, "Lobang is serving %s\n", cfg.BaseURL)
	if b.embedded {
		fmt.Fprintln(stdout, "Embedded dev stack (in-process MySQL and Redis): for development only, not for production.")
	}

	select {
	case err := <-serveErr:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}

	log.Info("shutting down: readiness off, draining")
	h.Drain()
	if cfg.DrainDelay > 0 {
		time.Sleep(cfg.DrainDelay) // let the load balancer see /readyz fail
	}
	shCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shCtx); err != nil {
		log.Warn("graceful shutdown timed out; closing connections", "err", err)
		if cerr := srv.Close(); cerr != nil {
			log.Warn("close server", "err", cerr)
		}
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http server: %w", err)
	}
	log.Info("shutdown complete")
	return nil
}

// imageOrigins are the origins of the suppliers' APIs, whose images pages
// show, plus any https origin (suppliers serve photos from their CDNs).
func imageOrigins(sups []Supplier) []string {
	out := []string{"https:"}
	for _, s := range sups {
		out = append(out, s.BaseURL.Scheme+"://"+s.BaseURL.Host)
	}
	return out
}

// healthcheck asks the local server for /healthz; the container image has no
// shell or curl, so the orchestrator runs `lobang healthcheck`.
func healthcheck(ctx context.Context, cfg Config) error {
	host, port, err := net.SplitHostPort(cfg.healthcheckAddr())
	if err != nil {
		return fmt.Errorf("LOBANG_ADDR: %w", err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: /healthz answered %s", resp.Status)
	}
	return nil
}

// migrate applies or lists migrations against the configured database.
func migrate(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if cfg.Embedded() {
		return errors.New("LOBANG_MYSQL_DSN: migrate needs a real database (the embedded stack migrates itself)")
	}
	if len(args) != 1 || (args[0] != "up" && args[0] != "status") {
		return errors.New("usage: lobang migrate up|status")
	}
	pool, err := db.Open(ctx, cfg.MySQLDSN, db.Options{MaxOpenConns: 2})
	if err != nil {
		return err
	}
	defer pool.Close()
	if args[0] == "up" {
		n, err := db.MigrateUp(ctx, pool, log)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "applied %d migration steps\n", n)
		seeded, err := db.SeedDestinations(ctx, pool, destinations.All())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "loaded %d destinations\n", seeded)
		return nil
	}
	states, err := db.MigrationStatus(ctx, pool)
	if err != nil {
		return err
	}
	for _, s := range states {
		status := "pending"
		if s.Applied() {
			status = "applied " + s.AppliedAt.Format(time.RFC3339)
		} else if s.StepsApplied > 0 {
			status = fmt.Sprintf("partial (%d of %d steps)", s.StepsApplied, len(s.Statements))
		}
		fmt.Fprintf(stdout, "%04d %-40s %s\n", s.Version, s.Name, status)
	}
	return nil
}
