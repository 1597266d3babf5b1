package handlers

import (
	"container/list"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"lobang/cachepolicy"
)

// Limits of the in-process page cache. A hotel page is about 30–50 KB, so
// the cache holds at most some tens of megabytes.
const (
	pageCacheSize = 1024
	// pageFresh is how long a cached page is served without asking MySQL
	// whether its content changed.
	pageFresh = 30 * time.Second
	// pageMaxAge re-renders a page even when its own content is unchanged,
	// so that what it shows of others (nearby hotels) follows along.
	pageMaxAge = time.Hour
)

// cachedPage is a rendered page with its ETag, computed once per content
// change instead of once per request.
type cachedPage struct {
	key  string
	body []byte
	etag string
	// path is the page's canonical path; a request for another path of the
	// same resource is redirected there.
	path string
	// version identifies the content the page was rendered from; checked
	// is when it was last confirmed, rendered when the bytes were made.
	version  string
	checked  time.Time
	rendered time.Time
}

// pageCache is a small LRU of rendered pages. Its zero value is ready.
type pageCache struct {
	mu      sync.Mutex
	entries map[string]*list.Element
	order   list.List // front: most recently used
	group   singleflight.Group
}

func newCachedPage(key, path, version string, body []byte, now time.Time) *cachedPage {
	sum := sha256.Sum256(body)
	return &cachedPage{
		key: key, body: body, path: path, version: version, checked: now, rendered: now,
		etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`,
	}
}

func (c *pageCache) get(key string) (*cachedPage, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cachedPage), true
}

func (c *pageCache) put(p *cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]*list.Element{}
	}
	if el, ok := c.entries[p.key]; ok {
		el.Value = p
		c.order.MoveToFront(el)
		return
	}
	c.entries[p.key] = c.order.PushFront(p)
	for c.order.Len() > pageCacheSize {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.entries, last.Value.(*cachedPage).key)
	}
}

// len is the number of cached pages.
func (c *pageCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// writeCachedPage sends a cached page with its precomputed ETag; the
// cache-policy middleware answers a matching If-None-Match with 304.
func (h *Handler) writeCachedPage(w http.ResponseWriter, r *http.Request, p *cachedPage) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("ETag", p.etag)
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(p.body); err != nil {
		h.log.Debug("write cached page", "err", err, "request_id", RequestID(r.Context()))
	}
}

// markPrivate turns the response of a public route private and no-store
// (a destination page without hotels yet must not be cached by anyone).
// Call it before writing the header.
func markPrivate(w http.ResponseWriter) {
	for {
		if pw, ok := w.(*policyWriter); ok {
			pw.p = cachepolicy.For(cachepolicy.Private)
			pw.buf = nil
			return
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		w = u.Unwrap()
	}
}
