package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testServer is a Lobang process started in-process by run.
type testServer struct {
	URL    string
	cancel context.CancelFunc
	done   chan error
	logs   *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServer runs `lobang serve` with env (plus a free port) and waits for
// the line that says where it serves.
func startServer(t *testing.T, env map[string]string) *testServer {
	t.Helper()
	getenv := func(k string) string {
		if k == "LOBANG_ADDR" {
			if v, ok := env[k]; ok {
				return v
			}
			return "127.0.0.1:0"
		}
		return env[k]
	}
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	s := &testServer{cancel: cancel, done: make(chan error, 1), logs: &lockedBuffer{}}
	go func() {
		err := run(ctx, []string{"serve"}, getenv, pw, s.logs)
		pw.CloseWithError(io.EOF)
		s.done <- err
	}()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "Lobang is serving "); ok {
				found <- u
			}
		}
	}()
	select {
	case s.URL = <-found:
	case err := <-s.done:
		t.Fatalf("server exited before serving: %v\nlogs:\n%s", err, s.logs.String())
	case <-time.After(90 * time.Second):
		t.Fatalf("server did not start in time\nlogs:\n%s", s.logs.String())
	}
	t.Cleanup(func() { s.stop(t) })
	return s
}

func (s *testServer) stop(t *testing.T) {
	s.cancel()
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("server exit: %v", err)
		}
		s.done <- err // let a second stop see it too
	case <-time.After(30 * time.Second):
		t.Error("server did not stop")
	}
}

var noRedirect = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func do(t *testing.T, method, u string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

func assertSecurityHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	assert.Contains(t, csp, "script-src 'self'", what)
	assert.NotContains(t, csp, "unsafe-inline", what)
	assert.NotContains(t, csp, "unsafe-eval", what)
	assert.Contains(t, csp, "frame-ancestors 'none'", what)
	assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"), what)
	assert.NotEmpty(t, h.Get("Referrer-Policy"), what)
	assert.NotEmpty(t, h.Get("X-Request-Id"), what)
}

var fingerprinted = regexp.MustCompile(`^/assets/css/app\.[0-9a-f]{8,}\.css$`)

func TestServeEmbeddedStack(t *testing.T) {
	s := startServer(t, map[string]string{"LOBANG_LOG_FORMAT": "json"})

	// The home page has a usable search form.
	resp, body := do(t, "GET", s.URL+"/", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assertSecurityHeaders(t, "home", resp.Header)
	assert.Contains(t, resp.Header.Get("Cache-Control"), "s-maxage=600")
	assert.Empty(t, resp.Header.Values("Set-Cookie"), "public pages never set cookies")
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	require.NoError(t, err)
	form := doc.Find(`form[data-testid="search-form"]`)
	require.Equal(t, 1, form.Length(), "one search form")
	assert.Equal(t, "/search", form.AttrOr("action", ""))
	assert.Equal(t, "get", strings.ToLower(form.AttrOr("method", "")))
	for _, name := range []string{"q", "destination", "checkin", "checkout", "rooms", "adults", "children"} {
		assert.Positive(t, form.Find(`[name="`+name+`"]`).Length(), "field %s", name)
	}

	// ETag and 304 on the public page.
	etag := resp.Header.Get("ETag")
	require.NotEmpty(t, etag)
	resp304, body304 := do(t, "GET", s.URL+"/", map[string]string{"If-None-Match": etag})
	assert.Equal(t, http.StatusNotModified, resp304.StatusCode)
	assert.Empty(t, body304)

	// HEAD answers like GET without a body.
	head, headBody := do(t, "HEAD", s.URL+"/", nil)
	assert.Equal(t, http.StatusOK, head.StatusCode)
	assert.Empty(t, headBody)
	assert.Equal(t, etag, head.Header.Get("ETag"))

	// Fingerprinted, immutable assets; a wrong hash is 404.
	css := doc.Find(`link[rel="stylesheet"]`).AttrOr("href", "")
	require.Regexp(t, fingerprinted, css)
	aresp, abody := do(t, "GET", s.URL+css, nil)
	require.Equal(t, http.StatusOK, aresp.StatusCode)
	assert.Equal(t, "public, max-age=31536000, immutable", aresp.Header.Get("Cache-Control"))
	assert.Contains(t, aresp.Header.Get("Content-Type"), "text/css")
	assert.NotEmpty(t, abody)
	assertSecurityHeaders(t, "asset", aresp.Header)
	wrong := regexp.MustCompile(`\.[0-9a-f]+\.css$`).ReplaceAllString(css, ".00000000.css")
	wresp, _ := do(t, "GET", s.URL+wrong, nil)
	assert.Equal(t, http.StatusNotFound, wresp.StatusCode)
	assert.NotContains(t, wresp.Header.Get("Cache-Control"), "immutable")
	ahead, _ := do(t, "HEAD", s.URL+css, nil)
	assert.Equal(t, http.StatusOK, ahead.StatusCode)

	// Health, readiness, metrics.
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		r, _ := do(t, "GET", s.URL+p, nil)
		assert.Equal(t, http.StatusOK, r.StatusCode, p)
		assert.Equal(t, "no-store", r.Header.Get("Cache-Control"), p)
	}
	_, metrics := do(t, "GET", s.URL+"/metrics", nil)
	assert.Contains(t, metrics, `lobang_http_requests_total{code="2xx",method="GET",route="/"}`)

	// An unknown URL gets the 404 page in the layout, with security headers.
	nf, nfBody := do(t, "GET", s.URL+"/no/such/page", nil)
	assert.Equal(t, http.StatusNotFound, nf.StatusCode)
	assertSecurityHeaders(t, "404", nf.Header)
	assert.Equal(t, "private, no-store", nf.Header.Get("Cache-Control"))
	nfDoc, err := goquery.NewDocumentFromReader(strings.NewReader(nfBody))
	require.NoError(t, err)
	assert.Equal(t, 1, nfDoc.Find(`[data-testid="error-heading"]`).Length())
	assert.Contains(t, nfDoc.Find(`[data-testid="attribution"]`).Text(), "GeoNames", "rendered in the site layout")

	// A partial htmx request that fails gets a fragment, not a page.
	pf, pfBody := do(t, "GET", s.URL+"/no/such/fragment", map[string]string{"HX-Request": "true", "HX-Request-Type": "partial"})
	assert.Equal(t, http.StatusNotFound, pf.StatusCode)
	assert.NotContains(t, pfBody, "<html")
	assert.Contains(t, pfBody, `data-testid="error-fragment"`)

	// Cross-site writes are refused on any path, with the security headers.
	for _, hdr := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "https://evil.example"},
	} {
		r, _ := do(t, "POST", s.URL+"/bookings", hdr)
		assert.Equal(t, http.StatusForbidden, r.StatusCode, "%v", hdr)
		assertSecurityHeaders(t, "403", r.Header)
		r2, _ := do(t, "POST", s.URL+"/", hdr)
		assert.Equal(t, http.StatusForbidden, r2.StatusCode, "%v", hdr)
	}
	// A same-origin POST to a GET-only page is 405, not 403.
	same, _ := do(t, "POST", s.URL+"/", map[string]string{"Sec-Fetch-Site": "same-origin"})
	assert.Equal(t, http.StatusMethodNotAllowed, same.StatusCode)

	// The pages linked from the footer exist.
	for _, p := range []string{"/terms", "/privacy"} {
		r, _ := do(t, "GET", s.URL+p, nil)
		assert.Equal(t, http.StatusOK, r.StatusCode, p)
	}

	// healthcheck finds the server by LOBANG_ADDR.
	u, err := url.Parse(s.URL)
	require.NoError(t, err)
	env := map[string]string{"LOBANG_ADDR": u.Host}
	require.NoError(t, run(context.Background(), []string{"healthcheck"}, func(k string) string { return env[k] }, io.Discard, io.Discard))
}

func TestHealthcheckFailsWithoutServer(t *testing.T) {
	env := map[string]string{"LOBANG_ADDR": "127.0.0.1:1"}
	err := run(context.Background(), []string{"healthcheck"}, func(k string) string { return env[k] }, io.Discard, io.Discard)
	require.Error(t, err)
}

// TestSuppliersimCommand serves the simulated world on its own address and
// answers each dialect.
func TestSuppliersimCommand(t *testing.T) {
	env := map[string]string{"LOBANG_SIM_ADDR": "127.0.0.1:0", "LOBANG_SIM_PROFILE": "test"}
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"suppliersim"}, func(k string) string { return env[k] }, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	base := regexp.MustCompile(`http://[0-9.]+:[0-9]+`).FindString(line)
	require.NotEmpty(t, base, line)
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	r, body := do(t, "GET", base+"/ascenda/api/hotels?destination_id=i8gS", nil)
	assert.Equal(t, http.StatusOK, r.StatusCode)
	assert.True(t, strings.HasPrefix(body, "["), "ascenda answers a bare array")
	r, _ = do(t, "GET", base+"/fx", nil)
	assert.Equal(t, http.StatusOK, r.StatusCode)
	cancel()
	require.NoError(t, <-done)
}

// TestDevStackHasContent: the dev stack syncs popular destinations before it
// is ready, so hotels are suggested by name at once.
func TestDevStackHasContent(t *testing.T) {
	s := startServer(t, map[string]string{"LOBANG_LOG_FORMAT": "json", "LOBANG_SIM_PROFILE": "test"})
	require.Eventually(t, func() bool {
		_, body := do(t, "GET", s.URL+"/destinations/suggest?q=singapore", nil)
		return strings.Contains(body, "Hotel")
	}, 30*time.Second, 200*time.Millisecond, "hotels of Singapore are suggested")
}
