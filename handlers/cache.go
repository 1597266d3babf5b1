package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"

	"lobang/cachepolicy"
)

// defaultCache marks every response private and no-store unless its route's
// cache class says otherwise, and tells caches that private responses vary
// with htmx's request headers.
func (h *Handler) defaultCache(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", cachepolicy.For(cachepolicy.Private).CacheControl)
		w.Header().Set("Vary", "HX-Request, HX-Request-Type")
		next.ServeHTTP(w, r)
	})
}

// cachePolicy applies a route's cache class to its successful responses.
// Public responses lose any Set-Cookie (a CDN would cache or strip it) and,
// where the class asks for it, get a strong ETag from their bytes and a 304
// for a matching If-None-Match.
func (h *Handler) cachePolicy(p cachepolicy.Policy) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			pw := &policyWriter{ResponseWriter: w, h: h, r: r, p: p}
			if p.ETag && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
				pw.buf = new(bytes.Buffer)
			}
			next.ServeHTTP(pw, r)
			pw.finish()
		})
	}
}

type policyWriter struct {
	http.ResponseWriter
	h       *Handler
	r       *http.Request
	p       cachepolicy.Policy
	buf     *bytes.Buffer
	status  int
	applied bool
	held    bool // a 200 whose body is being buffered for its ETag
	// unchanged: the handler's own ETag matched If-None-Match, so the 304
	// is sent and the body dropped.
	unchanged bool
}

func (w *policyWriter) apply(code int) {
	if w.applied {
		return
	}
	w.applied = true
	hd := w.Header()
	if code >= 400 {
		// Errors are never stored: the CDN keeps serving the last good copy.
		hd.Set("Cache-Control", cachepolicy.For(cachepolicy.Private).CacheControl)
		return
	}
	hd.Set("Cache-Control", w.p.CacheControl)
	if w.p.Public {
		hd.Del("Vary")
		if len(hd.Values("Set-Cookie")) > 0 {
			hd.Del("Set-Cookie")
			w.h.log.Error("dropped Set-Cookie on a public response", "path", w.r.URL.Path,
				"request_id", RequestID(w.r.Context()))
		}
	}
}

func (w *policyWriter) WriteHeader(code int) {
	w.apply(code)
	if w.buf != nil && code == http.StatusOK {
		etag := w.Header().Get("ETag")
		if etag == "" {
			w.status, w.held = code, true
			return
		}
		// The handler computed its ETag when the content changed (a cached
		// page): nothing to hash, nothing to hold.
		w.buf = nil
		if etagMatches(w.r.Header.Get("If-None-Match"), etag) {
			w.Header().Del("Content-Length")
			w.Header().Del("Content-Type")
			w.status, w.unchanged = http.StatusNotModified, true
			w.ResponseWriter.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *policyWriter) Write(b []byte) (int, error) {
	if !w.applied {
		w.WriteHeader(http.StatusOK)
	}
	if w.held {
		return w.buf.Write(b)
	}
	if w.unchanged {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

func (w *policyWriter) Flush() {
	if w.held {
		return // a buffered page is sent whole, with its ETag
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *policyWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish sends a held 200 with its ETag, or a 304 when the client has it.
func (w *policyWriter) finish() {
	if !w.held {
		return
	}
	sum := sha256.Sum256(w.buf.Bytes())
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	hd := w.Header()
	hd.Set("ETag", etag)
	if etagMatches(w.r.Header.Get("If-None-Match"), etag) {
		hd.Del("Content-Length")
		hd.Del("Content-Type")
		w.ResponseWriter.WriteHeader(http.StatusNotModified)
		return
	}
	w.ResponseWriter.WriteHeader(http.StatusOK)
	if _, err := w.ResponseWriter.Write(w.buf.Bytes()); err != nil {
		w.h.log.Debug("write page", "err", err, "request_id", RequestID(w.r.Context()))
	}
}

// etagMatches implements If-None-Match's weak comparison over a list.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for candidate := range strings.SplitSeq(header, ",") {
		candidate = strings.TrimSpace(candidate)
		if candidate == "*" || strings.TrimPrefix(candidate, "W/") == etag {
			return true
		}
	}
	return false
}
