package handlers

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"lobang/db"
	"lobang/destinations"
)

// Sitemap protocol limits: at most 50,000 URLs and 50 MB per file.
const (
	sitemapMaxURLs = 50_000
	// sitemapTTL is how long the list of sitemap entries is reused; the
	// catalog changes at most a few times a day.
	sitemapTTL = 10 * time.Minute
)

// Robots serves /robots.txt: private areas are disallowed and the sitemap
// index is named with its absolute URL.
func (h *Handler) Robots(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	for _, p := range []string{"/search", "/bookings", "/manage", "/account", "/admin"} {
		b.WriteString("Disallow: " + p + "\n")
	}
	b.WriteString("Disallow: /hotels/*/rooms\n")
	b.WriteString("\nSitemap: " + h.absURL("/sitemap.xml") + "\n")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	h.writeBody(w, r, []byte(b.String()))
}

// sitemapEntry is one URL of a sitemap.
type sitemapEntry struct {
	path    string
	lastMod time.Time
}

// sitemapSet is every URL the sitemaps list, built at most every sitemapTTL.
type sitemapSet struct {
	mu       sync.Mutex
	built    time.Time
	hotels   []sitemapEntry
	dests    []sitemapEntry
	building sync.Mutex
}

// sitemapEntries returns the hotel and destination URLs, rebuilding them
// from the catalog when older than sitemapTTL.
func (h *Handler) sitemapEntries(ctx context.Context) ([]sitemapEntry, []sitemapEntry, error) {
	s := &h.sitemaps
	s.building.Lock() // one build at a time; the others wait and reuse it
	defer s.building.Unlock()
	s.mu.Lock()
	if time.Since(s.built) < sitemapTTL {
		hs, ds := s.hotels, s.dests
		s.mu.Unlock()
		return hs, ds, nil
	}
	s.mu.Unlock()
	if h.db == nil {
		return nil, nil, nil // not attached yet: empty but valid sitemaps
	}
	ds, err := db.DestinationsWithHotels(ctx, h.db)
	if err != nil {
		return nil, nil, err
	}
	var hotels, dests []sitemapEntry
	for _, d := range ds {
		dest, ok := destinations.Lookup(d.UID)
		if !ok {
			continue
		}
		dests = append(dests, sitemapEntry{path: destinationPath(dest), lastMod: d.LastMod})
		hs, _, err := db.HotelsByDestination(ctx, h.db, d.UID, "popular", d.Hotels+1000, 0)
		if err != nil {
			return nil, nil, err
		}
		for _, ht := range hs {
			hotels = append(hotels, sitemapEntry{path: hotelPath(ht), lastMod: ht.ContentUpdatedAt})
		}
	}
	// Paths start with the id: a stable order, so that a hotel stays in its child sitemap.
	slices.SortFunc(hotels, func(a, b sitemapEntry) int { return strings.Compare(a.path, b.path) })
	hotels = slices.CompactFunc(hotels, func(a, b sitemapEntry) bool { return a.path == b.path })
	s.mu.Lock()
	s.hotels, s.dests, s.built = hotels, dests, time.Now()
	s.mu.Unlock()
	return hotels, dests, nil
}

// SitemapIndex serves /sitemap.xml: an index over the destinations sitemap
// and the hotel sitemaps of at most sitemapMaxURLs URLs each.
func (h *Handler) SitemapIndex(w http.ResponseWriter, r *http.Request) {
	hotels, dests, err := h.sitemapEntries(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	type sitemap struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod,omitempty"`
	}
	index := struct {
		XMLName  xml.Name  `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
		Sitemaps []sitemap `xml:"sitemap"`
	}{}
	index.Sitemaps = append(index.Sitemaps, sitemap{Loc: h.absURL("/sitemaps/destinations.xml"), LastMod: newest(dests)})
	for i := range chunks(len(hotels), sitemapMaxURLs) {
		part := hotels[i*sitemapMaxURLs : min(len(hotels), (i+1)*sitemapMaxURLs)]
		index.Sitemaps = append(index.Sitemaps, sitemap{
			Loc:     h.absURL("/sitemaps/hotels-" + strconv.Itoa(i+1) + ".xml"),
			LastMod: newest(part),
		})
	}
	h.writeXML(w, r, index)
}

// Sitemap serves a child sitemap: /sitemaps/destinations.xml or
// /sitemaps/hotels-N.xml.
func (h *Handler) Sitemap(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	hotels, dests, err := h.sitemapEntries(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	var entries []sitemapEntry
	switch {
	case name == "destinations.xml":
		entries = dests
	case strings.HasPrefix(name, "hotels-") && strings.HasSuffix(name, ".xml"):
		n, ok := hotelID(strings.TrimSuffix(strings.TrimPrefix(name, "hotels-"), ".xml"))
		if !ok || int(n) > chunks(len(hotels), sitemapMaxURLs) {
			h.notFound(w, r)
			return
		}
		i := int(n) - 1
		entries = hotels[i*sitemapMaxURLs : min(len(hotels), (i+1)*sitemapMaxURLs)]
	default:
		h.notFound(w, r)
		return
	}
	type url struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod,omitempty"`
	}
	set := struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []url    `xml:"url"`
	}{URLs: make([]url, 0, len(entries))}
	for _, e := range entries {
		set.URLs = append(set.URLs, url{Loc: h.absURL(e.path), LastMod: lastMod(e.lastMod)})
	}
	h.writeXML(w, r, set)
}

// chunks is the number of files n URLs need at size per file (at least
// one, so that an empty catalog still has a valid, empty hotel sitemap).
func chunks(n, size int) int { return max(1, (n+size-1)/size) }

func newest(es []sitemapEntry) string {
	var t time.Time
	for _, e := range es {
		if e.lastMod.After(t) {
			t = e.lastMod
		}
	}
	return lastMod(t)
}

func lastMod(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// absURL is path on the public origin.
func (h *Handler) absURL(path string) string {
	if h.cfg.BaseURL == nil {
		return path
	}
	return h.cfg.BaseURL.JoinPath(path).String()
}

// writeXML encodes v (escaping every text) after the XML declaration.
func (h *Handler) writeXML(w http.ResponseWriter, r *http.Request, v any) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		h.serverError(w, r, fmt.Errorf("encode sitemap: %w", err))
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	h.writeBody(w, r, buf.Bytes())
}

func (h *Handler) writeBody(w http.ResponseWriter, r *http.Request, b []byte) {
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(b); err != nil {
		h.log.Debug("write response", "err", err, "request_id", RequestID(r.Context()))
	}
}
