package handlers

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/cachepolicy"
)

const sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

type xmlIndex struct {
	XMLName  xml.Name `xml:"sitemapindex"`
	Sitemaps []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"sitemap"`
}

type xmlURLSet struct {
	XMLName xml.Name `xml:"urlset"`
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
}

func TestRobotsTxt(t *testing.T) {
	t.Parallel()
	h := newTestHandler(t, Config{BaseURL: &url.URL{Scheme: "https", Host: "lobang.example"}}, nil)
	rec := httptestGet(h, "/robots.txt")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "text/plain; charset=utf-8", rec.Header().Get("Content-Type"))
	assert.Equal(t, cachepolicy.For(cachepolicy.PublicPage).CacheControl, rec.Header().Get("Cache-Control"))
	lines := strings.Split(rec.Body.String(), "\n")
	assert.Equal(t, "User-agent: *", lines[0])
	for _, p := range []string{"/search", "/bookings", "/manage", "/account", "/admin"} {
		assert.Contains(t, lines, "Disallow: "+p)
	}
	assert.Contains(t, lines, "Sitemap: https://lobang.example/sitemap.xml")
	for _, l := range lines {
		assert.NotEqual(t, "Disallow: /", l, "the site itself stays crawlable")
	}
}

func TestSitemaps(t *testing.T) {
	t.Parallel()
	w := newHotelWorld(t)

	rec := w.do(t, "/sitemap.xml")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "application/xml; charset=utf-8", rec.Header().Get("Content-Type"))
	assert.Equal(t, cachepolicy.For(cachepolicy.PublicPage).CacheControl, rec.Header().Get("Cache-Control"))
	require.True(t, strings.HasPrefix(rec.Body.String(), `<?xml version="1.0" encoding="UTF-8"?>`))
	var index xmlIndex
	require.NoError(t, xml.Unmarshal(rec.Body.Bytes(), &index))
	assert.Equal(t, sitemapNS, index.XMLName.Space)
	require.Len(t, index.Sitemaps, 2, "destinations and one hotel sitemap")

	hotelLocs := map[string]bool{}
	destLocs := map[string]bool{}
	for _, sm := range index.Sitemaps {
		u, err := url.Parse(sm.Loc)
		require.NoError(t, err)
		assert.Equal(t, "https", u.Scheme)
		assert.Equal(t, "lobang.example", u.Host)
		_, err = time.Parse(time.RFC3339, sm.LastMod)
		assert.NoError(t, err, "lastmod is W3C datetime")

		child := w.do(t, u.Path)
		require.Equal(t, http.StatusOK, child.Code, u.Path)
		assert.LessOrEqual(t, child.Body.Len(), 50<<20)
		var set xmlURLSet
		require.NoError(t, xml.Unmarshal(child.Body.Bytes(), &set), u.Path)
		assert.Equal(t, sitemapNS, set.XMLName.Space)
		assert.LessOrEqual(t, len(set.URLs), sitemapMaxURLs)
		for _, e := range set.URLs {
			loc, err := url.Parse(e.Loc)
			require.NoError(t, err)
			assert.True(t, loc.IsAbs(), e.Loc)
			assert.Empty(t, loc.RawQuery, "only canonical URLs")
			if strings.HasPrefix(loc.Path, "/hotels/") {
				hotelLocs[loc.Path] = true
			} else {
				destLocs[loc.Path] = true
			}
			_, err = time.Parse(time.RFC3339, e.LastMod)
			assert.NoError(t, err)
		}
	}
	assert.Len(t, hotelLocs, len(w.hotels), "every hotel page")
	for _, h := range w.hotels {
		assert.True(t, hotelLocs[hotelPath(h)], hotelPath(h))
		// Every listed URL answers 200 without a redirect.
		assert.Equal(t, http.StatusOK, w.do(t, hotelPath(h)).Code)
	}
	assert.Len(t, destLocs, 1)
	for p := range destLocs {
		assert.Equal(t, http.StatusOK, w.do(t, p).Code)
	}

	assert.Equal(t, http.StatusNotFound, w.do(t, "/sitemaps/hotels-2.xml").Code)
	assert.Equal(t, http.StatusNotFound, w.do(t, "/sitemaps/other.xml").Code)
}

func TestSitemapEscapesAndChunks(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 1, chunks(0, sitemapMaxURLs))
	assert.Equal(t, 1, chunks(sitemapMaxURLs, sitemapMaxURLs))
	assert.Equal(t, 2, chunks(sitemapMaxURLs+1, sitemapMaxURLs))

	// A base URL with characters XML must escape still gives well-formed XML.
	h := newTestHandler(t, Config{BaseURL: &url.URL{Scheme: "https", Host: "lobang.example", Path: "/a&b<c>"}}, nil)
	h.sitemaps.built = time.Now()
	h.sitemaps.dests = []sitemapEntry{{path: "/destinations/x/it's-\"here\"", lastMod: time.Now()}}
	rec := httptestGet(h, "/sitemaps/destinations.xml")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), "&amp;")
	assert.NotContains(t, rec.Body.String(), "a&b")
	var set xmlURLSet
	require.NoError(t, xml.Unmarshal(rec.Body.Bytes(), &set))
	require.Len(t, set.URLs, 1)
	assert.Contains(t, set.URLs[0].Loc, "a&b")
}
