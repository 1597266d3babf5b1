package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"lobang/suppliersim"
)

// simServer is a simulated supplier world served over HTTP.
type simServer struct {
	URL   string
	sim   *suppliersim.Sim
	srv   *http.Server
	errCh chan error
}

// startSim serves the simulated world on addr ("127.0.0.1:0" for an
// ephemeral port) and returns once it accepts connections.
func startSim(ctx context.Context, simCfg suppliersim.Config, addr string, log *slog.Logger) (*simServer, error) {
	sim, err := suppliersim.New(simCfg)
	if err != nil {
		return nil, fmt.Errorf("suppliersim: %w", err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		sim.Close()
		return nil, fmt.Errorf("LOBANG_SIM_ADDR: listen on %s: %w", addr, err)
	}
	s := &simServer{
		URL: "http://" + ln.Addr().String(),
		sim: sim,
		srv: &http.Server{
			Handler:           sim.Handler(),
			ReadHeaderTimeout: 5 * time.Second,
			IdleTimeout:       120 * time.Second,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
		errCh: make(chan error, 1),
	}
	go func() { s.errCh <- s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the simulator, releasing requests it is holding.
func (s *simServer) Close() {
	s.sim.Close() // first: black-holed requests would hold Shutdown
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.srv.Close()
	}
}

// supplierURLs are the base URLs of the three simulated suppliers.
func (s *simServer) supplierURLs() []Supplier {
	var out []Supplier
	for _, name := range suppliersim.Suppliers {
		out = append(out, Supplier{Name: name, BaseURL: mustURL(s.URL + "/" + name)})
	}
	return out
}

// simulate runs `lobang suppliersim`: the whole simulated world on
// LOBANG_SIM_ADDR until SIGINT/SIGTERM.
func simulate(ctx context.Context, cfg Config, getenv func(string) string, log *slog.Logger, stdout io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	simCfg, err := suppliersim.ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	s, err := startSim(ctx, simCfg, cfg.SimAddr, log)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(stdout, "Simulated suppliers (%s profile) serving %s: /ascenda /bedcom /wgl /pay /fx /images\n", simCfg.Profile, s.URL)
	select {
	case err := <-s.errCh:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("suppliersim: %w", err)
		}
	case <-ctx.Done():
	}
	return nil
}

// inProcessSimConfig is the simulator's configuration when Lobang runs it
// in-process: the LOBANG_SIM_* variables, with the profile defaulting to
// Lobang's (demo) rather than the simulator's own (realistic) and the
// payment webhooks going to webhookURL unless LOBANG_SIM_PAY_WEBHOOK_URL
// says otherwise.
func inProcessSimConfig(cfg Config, getenv func(string) string, webhookURL string) (suppliersim.Config, error) {
	return suppliersim.ConfigFromEnv(func(k string) string {
		switch k {
		case "LOBANG_SIM_PROFILE":
			return cfg.SimProfile
		case "LOBANG_SIM_PAY_WEBHOOK_URL":
			if v := getenv(k); v != "" {
				return v
			}
			return webhookURL
		}
		return getenv(k)
	})
}

// localURL is the http URL of a listener as this host reaches it.
func localURL(a net.Addr) string {
	_, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	return "http://" + net.JoinHostPort("127.0.0.1", port)
}
