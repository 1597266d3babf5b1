package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/db/dbtest"
	"lobang/suppliersim"
)

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// TestWorkerHealth runs `lobang worker` with LOBANG_WORKER_HEALTH_ADDR:
// /healthz answers, /metrics carries the supplier circuit gauge behind the
// metrics token, `lobang healthcheck` with the worker's environment passes
// while it runs and fails once it has stopped.
func TestWorkerHealth(t *testing.T) {
	dbtest.RequireReal(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sim, err := startSim(ctx, suppliersim.Config{Profile: suppliersim.ProfileTest}, "127.0.0.1:0", slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(sim.Close)

	addr := freeAddr(t)
	var suppliers []string
	for _, s := range sim.supplierURLs() {
		suppliers = append(suppliers, s.Name+"="+s.BaseURL.String())
	}
	env := map[string]string{
		"LOBANG_MYSQL_DSN":          dbtest.NewDatabase(t),
		"LOBANG_REDIS_URL":          os.Getenv("LOBANG_TEST_REDIS_URL"),
		"LOBANG_REDIS_PREFIX":       "t:cmd:" + t.Name() + ":",
		"LOBANG_SESSION_KEYS":       strings.Repeat("7a", 32),
		"LOBANG_SUPPLIERS":          strings.Join(suppliers, ","),
		"LOBANG_FX_URL":             sim.URL + "/fx",
		"LOBANG_WORKER_HEALTH_ADDR": addr,
		"LOBANG_METRICS_TOKEN":      "scrape-me",
	}
	getenv := func(k string) string { return env[k] }
	require.NoError(t, run(ctx, []string{"migrate", "up"}, getenv, io.Discard, io.Discard))

	workCtx, stopWorker := context.WithCancel(ctx)
	logs := &lockedBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(workCtx, []string{"worker"}, getenv, io.Discard, logs) }()

	require.Eventually(t, func() bool {
		return run(ctx, []string{"healthcheck"}, getenv, io.Discard, io.Discard) == nil
	}, 60*time.Second, 100*time.Millisecond, "healthcheck passes once the worker runs\nlogs:\n%s", logs)

	resp, err := http.Get("http://" + addr + "/metrics")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the metrics token guards the worker's /metrics too")

	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer scrape-me")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "\nlobang_supplier_circuits_open 0\n")

	stopWorker()
	select {
	case err := <-done:
		require.NoError(t, err, "logs:\n%s", logs)
	case <-time.After(60 * time.Second):
		t.Fatalf("worker did not stop\nlogs:\n%s", logs)
	}
	assert.Error(t, run(ctx, []string{"healthcheck"}, getenv, io.Discard, io.Discard), "nothing answers once the worker stopped")
}

// TestHealthcheckAddress: the web task's healthcheck asks LOBANG_ADDR, the
// worker task's the worker's health address; a bad address is refused.
func TestHealthcheckAddress(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, ":8080"},
		{map[string]string{"LOBANG_ADDR": ":9090"}, ":9090"},
		{map[string]string{"LOBANG_WORKER_HEALTH_ADDR": "127.0.0.1:8081"}, "127.0.0.1:8081"},
	} {
		cfg, err := loadConfig(func(k string) string { return c.env[k] })
		require.NoError(t, err)
		assert.Equal(t, c.want, cfg.healthcheckAddr(), "%v", c.env)
	}
	_, err := loadConfig(func(k string) string {
		return map[string]string{"LOBANG_WORKER_HEALTH_ADDR": "8081"}[k]
	})
	assert.ErrorContains(t, err, "LOBANG_WORKER_HEALTH_ADDR")
}
