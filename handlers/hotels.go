package handlers

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"lobang/cachepolicy"
	"lobang/db"
	"lobang/views"
)

// maxStayKey bounds the stay part of a page cache key; a longer query is
// rendered without caching (nobody types that much into a date form).
const maxStayKey = 256

// HotelPage is a hotel's public page. /hotels/{id} and wrong slugs answer
// 301 to the canonical URL (query kept); unknown ids are 404. The rendered
// bytes and their ETag are cached in-process per (hotel, stay query) and
// re-rendered only when the hotel's content changes, so a request usually
// costs a map look-up.
func (h *Handler) HotelPage(w http.ResponseWriter, r *http.Request) {
	id, ok := hotelID(r.PathValue("id"))
	if !ok {
		h.notFound(w, r)
		return
	}
	stay, cacheable := stayKey(r)
	key := strconv.FormatInt(id, 10) + "|" + stay
	if !cacheable {
		key = ""
	}
	page, err := h.hotelPage(r.Context(), id, key, r.URL.Query())
	switch {
	case errors.Is(err, db.ErrNotFound):
		h.notFound(w, r)
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	if r.URL.Path != page.path {
		target := page.path
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	h.writeCachedPage(w, r, page)
}

// hotelPage returns the rendered page for key, from the cache while it is
// fresh, else after checking (and if need be re-rendering) the content.
// An empty key renders without caching.
func (h *Handler) hotelPage(ctx context.Context, id int64, key string, q url.Values) (*cachedPage, error) {
	now := time.Now()
	if key == "" {
		return h.renderHotelPage(ctx, id, "", q, now)
	}
	if p, ok := h.pages.get(key); ok && now.Sub(p.checked) < pageFresh {
		h.countPageCache(true)
		return p, nil
	}
	v, err, _ := h.pages.group.Do(key, func() (any, error) {
		// Shared by every waiting request: one leaving must not fail the others.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		return h.renderHotelPage(rctx, id, key, q, now)
	})
	if err != nil {
		return nil, err
	}
	return v.(*cachedPage), nil
}

// renderHotelPage loads the hotel and renders its page unless the cached
// one was rendered from the same content today.
func (h *Handler) renderHotelPage(ctx context.Context, id int64, key string, q url.Values, now time.Time) (*cachedPage, error) {
	if h.db == nil {
		return nil, fmt.Errorf("hotel %d: %w", id, db.ErrNotFound)
	}
	hotel, err := db.GetHotel(ctx, h.db, id)
	if err != nil {
		return nil, err
	}
	version := hotel.ContentHash + "|" + hotel.ContentUpdatedAt.UTC().Format(time.RFC3339Nano)
	if old, ok := h.pages.get(key); ok && old.version == version &&
		now.Sub(old.rendered) < pageMaxAge && sameDay(old.rendered, now) {
		fresh := *old
		fresh.checked = now
		h.pages.put(&fresh)
		h.countPageCache(true)
		return &fresh, nil
	}
	v, err := h.hotelView(ctx, hotel, q, now)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := views.HotelPage(v).Render(ctx, &buf); err != nil {
		return nil, fmt.Errorf("render hotel %d: %w", id, err)
	}
	p := newCachedPage(key, hotelPath(hotel), version, buf.Bytes(), now)
	h.countPageCache(false)
	if key != "" {
		h.pages.put(p)
	}
	return p, nil
}

// hotelID reads a hotel id from the path: a positive decimal number.
func hotelID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != s {
		return 0, false
	}
	return id, true
}

// hotelPath is the canonical path of a hotel page.
func hotelPath(hotel db.Hotel) string {
	return "/hotels/" + strconv.FormatInt(hotel.ID, 10) + "/" + cmp.Or(hotel.Slug, "hotel")
}

// stayKey is the stay part of the address as a cache key: the stay
// parameters in a fixed order, raw. Other parameters do not change the
// page and are left out. It reports false for an oversized query.
func stayKey(r *http.Request) (string, bool) {
	if r.URL.RawQuery == "" {
		return "", true
	}
	q := r.URL.Query()
	var b strings.Builder
	for _, k := range cachepolicy.StayKeys {
		for _, v := range q[k] {
			b.WriteString(k)
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
			b.WriteByte('&')
		}
	}
	return b.String(), b.Len() <= maxStayKey
}

// hasStay reports whether the address asks for a stay at all.
func hasStay(q url.Values) bool {
	for _, k := range cachepolicy.StayKeys {
		if q.Has(k) {
			return true
		}
	}
	return false
}

func sameDay(a, b time.Time) bool {
	return a.UTC().Format(time.DateOnly) == b.UTC().Format(time.DateOnly)
}
