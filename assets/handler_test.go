package assets

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func do(t *testing.T, method, target string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, req)
	return rec.Result()
}

func TestHandlerServesFingerprintedFiles(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, contentType string }{
		{"css/app.css", "text/css; charset=utf-8"},
		{"js/htmx-4.0.1.min.js", "text/javascript; charset=utf-8"},
		{"js/hx-sse-4.0.1.min.js", "text/javascript; charset=utf-8"},
		{"img/logo.svg", "image/svg+xml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			res := do(t, http.MethodGet, URL(c.name), nil)
			require.Equal(t, http.StatusOK, res.StatusCode)
			assert.Equal(t, c.contentType, res.Header.Get("Content-Type"))
			assert.Equal(t, "public, max-age=31536000, immutable", res.Header.Get("Cache-Control"))
			assert.NotEmpty(t, res.Header.Get("ETag"))
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, reg.byName[c.name].body, body)
		})
	}
}

func TestHandlerHead(t *testing.T) {
	t.Parallel()
	res := do(t, http.MethodHead, URL("css/app.css"), nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "text/css; charset=utf-8", res.Header.Get("Content-Type"))
	assert.Equal(t, "public, max-age=31536000, immutable", res.Header.Get("Cache-Control"))
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	assert.Empty(t, body)
}

func TestHandlerConditionalGet(t *testing.T) {
	t.Parallel()
	etag := do(t, http.MethodGet, URL("css/app.css"), nil).Header.Get("ETag")
	res := do(t, http.MethodGet, URL("css/app.css"), http.Header{"If-None-Match": {etag}})
	assert.Equal(t, http.StatusNotModified, res.StatusCode)
}

func TestHandlerNotFound(t *testing.T) {
	t.Parallel()
	good := URL("css/app.css")
	hash := strings.Split(good, ".")[1]
	for _, target := range []string{
		"/assets/css/app.css",                          // missing hash
		strings.Replace(good, hash, "0000000000", 1),   // wrong hash
		strings.Replace(good, hash, hash[:8], 1),       // short hash
		"/assets/css/nope." + hash + ".css",            // unknown name
		"/assets/js/VENDORED.md",                       // notes are not served
		"/assets/",                                     // the folder
		"/other" + strings.TrimPrefix(good, "/assets"), // outside the prefix
	} {
		res := do(t, http.MethodGet, target, nil)
		assert.Equal(t, http.StatusNotFound, res.StatusCode, target)
		assert.NotContains(t, res.Header.Get("Cache-Control"), "immutable", target)
		body, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		assert.Less(t, len(body), 100, target)
	}
}

func TestHandlerMethodNotAllowed(t *testing.T) {
	t.Parallel()
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		res := do(t, m, URL("css/app.css"), nil)
		assert.Equal(t, http.StatusMethodNotAllowed, res.StatusCode, m)
		assert.Equal(t, "GET, HEAD", res.Header.Get("Allow"), m)
	}
}
