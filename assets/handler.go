package assets

import (
	"bytes"
	"net/http"
	"strings"
	"time"
)

// cacheForever is the Cache-Control of a fingerprinted file: its URL changes with its content.
const cacheForever = "public, max-age=31536000, immutable"

// Handler serves GET and HEAD requests for /assets/<fingerprinted path>. It expects the full
// request path (the router mounts it at /assets/*). A name it does not know, or a known name
// with a wrong or missing hash, is 404; any other method is 405. Conditional requests
// (If-None-Match) and ranges are answered by http.ServeContent.
func Handler() http.Handler {
	return http.HandlerFunc(serve)
}

func serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		plainError(w, http.StatusMethodNotAllowed)
		return
	}
	f, ok := reg.byFingerprint[strings.TrimPrefix(r.URL.Path, Prefix)]
	if !ok || !strings.HasPrefix(r.URL.Path, Prefix) {
		plainError(w, http.StatusNotFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", cacheForever)
	h.Set("ETag", f.etag)
	http.ServeContent(w, r, f.fingerprint, time.Time{}, bytes.NewReader(f.body))
}

// plainError answers with a short text body that no cache keeps: a file missing now (during a
// blue/green switch, say) may exist a minute later.
func plainError(w http.ResponseWriter, status int) {
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, http.StatusText(status), status)
}
