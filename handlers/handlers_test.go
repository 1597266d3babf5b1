package handlers

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/cachepolicy"
)

func newTestHandler(t *testing.T, cfg Config, logs io.Writer) *Handler {
	t.Helper()
	if logs == nil {
		logs = io.Discard
	}
	if cfg.BaseURL == nil {
		cfg.BaseURL = &url.URL{Scheme: "http", Host: "localhost:8080"}
	}
	return New(Deps{Log: slog.New(slog.NewJSONHandler(logs, nil)), Config: cfg})
}

// TestEveryRouteIsClassified walks the router: every route has a cache
// class, and every class in the table names a real route.
func TestEveryRouteIsClassified(t *testing.T) {
	h := newTestHandler(t, Config{}, nil)
	seen := map[string]bool{}
	err := chi.Walk(h.router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		key := method + " " + route
		seen[key] = true
		assert.NotEqual(t, cachepolicy.Unclassified, cachepolicy.Lookup(method, route), "route %s has no cache class", key)
		return nil
	})
	require.NoError(t, err)
	for key := range cachepolicy.Routes {
		assert.True(t, seen[key], "cache table names %s, which is not a route", key)
	}
}

// TestPublicRoutesNeverSetCookies requests every public route without path
// parameters and checks the answer carries no cookie.
func TestPublicRoutesNeverSetCookies(t *testing.T) {
	h := newTestHandler(t, Config{}, nil)
	app := h.wrap(h.router())
	for key, class := range cachepolicy.Routes {
		method, pattern, _ := strings.Cut(key, " ")
		if !cachepolicy.For(class).Public || strings.ContainsAny(pattern, "{*") {
			continue
		}
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, httptest.NewRequest(method, pattern, nil))
		assert.Equal(t, http.StatusOK, rec.Code, key)
		assert.Empty(t, rec.Result().Header.Values("Set-Cookie"), key)
		assert.Equal(t, cachepolicy.For(class).CacheControl, rec.Header().Get("Cache-Control"), key)
	}
}

func TestPublicResponseCookieIsDropped(t *testing.T) {
	var logs bytes.Buffer
	h := newTestHandler(t, Config{}, &logs)
	r := chi.NewRouter()
	r.With(h.cachePolicy(cachepolicy.For(cachepolicy.PublicPage))).Get("/leaky", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "x"})
		_, _ = io.WriteString(w, "page")
	})
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/leaky", nil))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Empty(t, rec.Result().Header.Values("Set-Cookie"))
	assert.Contains(t, logs.String(), "dropped Set-Cookie")
}

func TestClientIP(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	cases := []struct {
		name, remote, xff, want string
	}{
		{"direct", "203.0.113.5:4000", "", "203.0.113.5"},
		{"untrusted peer's header ignored", "203.0.113.5:4000", "198.51.100.1", "203.0.113.5"},
		{"trusted proxy", "10.1.2.3:4000", "198.51.100.1", "198.51.100.1"},
		{"chain of trusted proxies", "10.1.2.3:4000", "198.51.100.1, 10.9.9.9", "198.51.100.1"},
		{"spoofed left-most entry ignored", "10.1.2.3:4000", "1.1.1.1, 198.51.100.1", "198.51.100.1"},
		{"garbage header", "10.1.2.3:4000", "not-an-ip", "10.1.2.3"},
	}
	h := newTestHandler(t, Config{TrustedProxies: proxies}, nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got netip.Addr
			handler := h.clientIP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = ClientIP(r.Context()) }))
			req := httptest.NewRequest("GET", "/", nil)
			req.RemoteAddr = tc.remote
			if tc.xff != "" {
				req.Header.Set("X-Forwarded-For", tc.xff)
			}
			handler.ServeHTTP(httptest.NewRecorder(), req)
			assert.Equal(t, tc.want, got.String())
		})
	}
}

func TestPanicBecomesLogged500(t *testing.T) {
	var logs bytes.Buffer
	h := newTestHandler(t, Config{}, &logs)
	app := h.requestID(h.recoverPanic(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("kaboom")
	})))
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.Contains(t, rec.Body.String(), `data-testid="error-heading"`)
	assert.NotContains(t, rec.Body.String(), "kaboom", "no panic text reaches the client")
	id := rec.Header().Get("X-Request-Id")
	require.NotEmpty(t, id)
	assert.Contains(t, logs.String(), "kaboom")
	assert.Contains(t, logs.String(), id, "the log line carries the request id")

	// A partial htmx request gets a fragment-sized 500.
	rec = httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/x", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Request-Type", "partial")
	app.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.NotContains(t, rec.Body.String(), "<html")
}

func TestMetricsToken(t *testing.T) {
	h := newTestHandler(t, Config{MetricsToken: "letmein"}, nil)
	app := h.wrap(h.router())
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Authorization", "Bearer letmein")
	rec = httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), "go_goroutines")
}

func TestHSTSOnlyOnHTTPS(t *testing.T) {
	for scheme, want := range map[string]bool{"https": true, "http": false} {
		h := newTestHandler(t, Config{BaseURL: &url.URL{Scheme: scheme, Host: "lobang.example"}}, nil)
		rec := httptest.NewRecorder()
		h.wrap(h.router()).ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		assert.Equal(t, want, rec.Header().Get("Strict-Transport-Security") != "", scheme)
	}
}

func TestReadyzNotReadyUntilAttached(t *testing.T) {
	h := newTestHandler(t, Config{}, nil)
	rec := httptest.NewRecorder()
	h.wrap(h.router()).ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
}
