package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/db/dbtest"
)

// TestServeRealServers migrates a fresh database twice (the second run is a
// no-op) and serves against real MariaDB/MySQL and Redis.
func TestServeRealServers(t *testing.T) {
	dbtest.RequireReal(t)
	dsn := dbtest.NewDatabase(t)
	env := map[string]string{
		"LOBANG_MYSQL_DSN":    dsn,
		"LOBANG_REDIS_URL":    os.Getenv("LOBANG_TEST_REDIS_URL"),
		"LOBANG_SESSION_KEYS": strings.Repeat("5e", 32),
		"LOBANG_REDIS_PREFIX": "t:cmd:" + t.Name() + ":",
		"LOBANG_LOG_FORMAT":   "json",
	}
	getenv := func(k string) string { return env[k] }

	var out strings.Builder
	require.NoError(t, run(context.Background(), []string{"migrate", "up"}, getenv, &out, io.Discard))
	assert.NotContains(t, out.String(), "applied 0 ", "the first run applies the schema")
	out.Reset()
	require.NoError(t, run(context.Background(), []string{"migrate", "up"}, getenv, &out, io.Discard))
	assert.Contains(t, out.String(), "applied 0 migration steps", "migrations are idempotent")
	out.Reset()
	require.NoError(t, run(context.Background(), []string{"migrate", "status"}, getenv, &out, io.Discard))
	assert.Contains(t, out.String(), "applied 20")
	assert.NotContains(t, out.String(), "pending")

	s := startServer(t, env)
	for _, p := range []string{"/", "/healthz", "/readyz"} {
		r, _ := do(t, "GET", s.URL+p, nil)
		assert.Equal(t, http.StatusOK, r.StatusCode, p)
	}
	assert.NotContains(t, s.logs.String(), "EMBEDDED", "real servers, not the dev stack")
}

// TestGracefulShutdown sends SIGTERM while a request is in flight: readiness
// turns 503 at once, the request still completes, and run returns cleanly.
func TestGracefulShutdown(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	testHookHandler = func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/test/slow" {
				close(entered)
				<-release
				_, _ = io.WriteString(w, "finished") // the test reads what arrived
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	t.Cleanup(func() { testHookHandler = nil })

	s := startServer(t, map[string]string{"LOBANG_DRAIN_DELAY": "3s", "LOBANG_LOG_FORMAT": "json"})
	r, _ := do(t, "GET", s.URL+"/readyz", nil)
	require.Equal(t, http.StatusOK, r.StatusCode)

	type result struct {
		status int
		body   string
		err    error
	}
	slow := make(chan result, 1)
	go func() {
		resp, err := http.Get(s.URL + "/test/slow")
		if err != nil {
			slow <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		slow <- result{status: resp.StatusCode, body: string(b), err: err}
	}()
	<-entered

	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
	require.Eventually(t, func() bool {
		resp, err := http.Get(s.URL + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusServiceUnavailable
	}, 2*time.Second, 20*time.Millisecond, "readiness turns false as soon as SIGTERM arrives")

	close(release)
	got := <-slow
	require.NoError(t, got.err)
	assert.Equal(t, http.StatusOK, got.status)
	assert.Equal(t, "finished", got.body, "the in-flight request completed")

	select {
	case err := <-s.done:
		require.NoError(t, err)
		s.done <- err
	case <-time.After(20 * time.Second):
		t.Fatal("server did not exit after SIGTERM")
	}
	assert.Contains(t, s.logs.String(), "shutdown complete")
}

// TestWorkerNeedsRealServers: a worker only makes sense next to other
// processes, through real shared servers.
func TestWorkerNeedsRealServers(t *testing.T) {
	err := run(context.Background(), []string{"worker"}, func(string) string { return "" }, io.Discard, io.Discard)
	require.ErrorContains(t, err, "LOBANG_MYSQL_DSN")
}
