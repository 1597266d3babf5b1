package handlers

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/cachepolicy"
)

func TestHotelPages(t *testing.T) {
	t.Parallel()
	w := newHotelWorld(t)
	hotel := w.hotels[0]
	id := strconv.FormatInt(hotel.ID, 10)
	canonical := "/hotels/" + id + "/" + hotel.Slug
	public := cachepolicy.For(cachepolicy.PublicPage).CacheControl

	t.Run("content", func(t *testing.T) {
		rec := w.do(t, canonical)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		assert.Equal(t, public, rec.Header().Get("Cache-Control"))
		assert.Empty(t, rec.Result().Header.Values("Set-Cookie"))
		assert.LessOrEqual(t, rec.Body.Len(), 60<<10, "HTML at most 60 KB")
		doc := htmlDoc(t, rec)
		assert.Equal(t, hotel.Name, doc.Find(`[data-testid="hotel-name"]`).Text())
		assert.Equal(t, "https://lobang.example"+canonical, doc.Find(`link[rel="canonical"]`).AttrOr("href", ""))
		assert.Equal(t, 0, doc.Find(`meta[name="robots"]`).Length(), "the canonical page is indexable")
		assert.NotEmpty(t, doc.Find(`meta[name="description"]`).AttrOr("content", ""))
		assert.Equal(t, hotel.Name, doc.Find(`meta[property="og:title"]`).AttrOr("content", ""))
		assert.Equal(t, "https://lobang.example"+canonical, doc.Find(`meta[property="og:url"]`).AttrOr("content", ""))
		assert.Contains(t, doc.Find(`[data-testid="hotel-suppliers"]`).Text(), hotel.Suppliers[0])
		assert.Positive(t, doc.Find(`[data-testid="hotel-amenities"] h3`).Length(), "amenities are grouped")
		assert.Equal(t, 0, doc.Find(`[data-testid="offers"]`).Length(), "no offers without a stay")
		assert.NotContains(t, rec.Body.String(), "SGD ", "no prices in the public page")
		assert.NotContains(t, rec.Body.String(), "style=", "the CSP forbids inline styles")

		imgs := doc.Find(`[data-testid="hotel-gallery"] img`)
		require.Positive(t, imgs.Length())
		imgs.Each(func(i int, s *goquery.Selection) {
			assert.NotEmpty(t, s.AttrOr("width", ""))
			assert.NotEmpty(t, s.AttrOr("height", ""))
			assert.Equal(t, i > 0, s.AttrOr("loading", "") == "lazy", "image %d", i)
		})

		svg := doc.Find(`svg[data-testid="hotel-map"]`)
		require.Equal(t, 1, svg.Length())
		assert.Positive(t, svg.Find("a").Length(), "nearby hotels link from the map")
		svg.Find("a").Each(func(_ int, s *goquery.Selection) {
			assert.True(t, strings.HasPrefix(s.AttrOr("href", ""), "/hotels/"))
		})
	})

	t.Run("json-ld", func(t *testing.T) {
		doc := htmlDoc(t, w.do(t, canonical))
		scripts := doc.Find(`script[type="application/ld+json"]`)
		require.Equal(t, 1, scripts.Length())
		var ld map[string]any
		require.NoError(t, json.Unmarshal([]byte(scripts.Text()), &ld))
		assert.Equal(t, "https://schema.org", ld["@context"])
		assert.Equal(t, "Hotel", ld["@type"])
		assert.Equal(t, hotel.Name, ld["name"])
		addr, _ := ld["address"].(map[string]any)
		assert.Equal(t, "PostalAddress", addr["@type"])
		assert.Equal(t, "CH", addr["addressCountry"])
		geo, _ := ld["geo"].(map[string]any)
		assert.Equal(t, "GeoCoordinates", geo["@type"])
		assert.InDelta(t, hotel.Lat, geo["latitude"], 1e-9)
		star, _ := ld["starRating"].(map[string]any)
		assert.Equal(t, "Rating", star["@type"])
		rating, _ := ld["aggregateRating"].(map[string]any)
		assert.Equal(t, "AggregateRating", rating["@type"])
		assert.EqualValues(t, hotel.ReviewCount, rating["reviewCount"])
		assert.NotEmpty(t, ld["image"])
		features, _ := ld["amenityFeature"].([]any)
		require.NotEmpty(t, features)
		assert.Equal(t, "LocationFeatureSpecification", features[0].(map[string]any)["@type"])
	})

	t.Run("etag and 304", func(t *testing.T) {
		first := w.do(t, canonical)
		etag := first.Header().Get("ETag")
		require.NotEmpty(t, etag)
		assert.Equal(t, etag, w.do(t, canonical).Header().Get("ETag"), "the same bytes, the same ETag")
		rec := w.do(t, canonical, "If-None-Match", etag)
		assert.Equal(t, http.StatusNotModified, rec.Code)
		assert.Empty(t, rec.Body.String())
		assert.Equal(t, http.StatusOK, w.do(t, canonical, "If-None-Match", `"other"`).Code)
	})

	t.Run("redirects and 404s", func(t *testing.T) {
		for _, tc := range []struct{ target, want string }{
			{"/hotels/" + id, canonical},
			{"/hotels/" + id + "/wrong-slug", canonical},
			{"/hotels/" + id + "/wrong-slug?checkin=2030-01-01&x=1", canonical + "?checkin=2030-01-01&x=1"},
		} {
			rec := w.do(t, tc.target)
			assert.Equal(t, http.StatusMovedPermanently, rec.Code, tc.target)
			assert.Equal(t, tc.want, rec.Header().Get("Location"), tc.target)
		}
		for _, target := range []string{"/hotels/999999999", "/hotels/999999999/x", "/hotels/abc", "/hotels/abc/x", "/hotels/0" + id + "/" + hotel.Slug, "/hotels/-1"} {
			rec := w.do(t, target)
			assert.Equal(t, http.StatusNotFound, rec.Code, target)
			assert.Equal(t, "private, no-store", rec.Header().Get("Cache-Control"), target)
		}
	})

	t.Run("with a stay", func(t *testing.T) {
		stay := stayIn(30, 2) + "&currency=EUR"
		rec := w.do(t, canonical+"?"+stay)
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, public, rec.Header().Get("Cache-Control"))
		doc := htmlDoc(t, rec)
		offers := doc.Find(`[data-testid="offers"]`)
		require.Equal(t, 1, offers.Length())
		roomsURL := offers.AttrOr("hx-get", "")
		assert.True(t, strings.HasPrefix(roomsURL, "/hotels/"+id+"/rooms?"), roomsURL)
		assert.Equal(t, "load", offers.AttrOr("hx-trigger", ""))
		assert.Equal(t, roomsURL, doc.Find(`[data-testid="show-rooms"]`).AttrOr("href", ""))
		assert.Equal(t, "EUR", doc.Find(`#stay-currency option[selected]`).AttrOr("value", ""))
		assert.NotEmpty(t, doc.Find(`#stay-checkin`).AttrOr("value", ""))
		assert.Equal(t, "https://lobang.example"+canonical, doc.Find(`link[rel="canonical"]`).AttrOr("href", ""))
		assert.Equal(t, "noindex,follow", doc.Find(`meta[name="robots"]`).AttrOr("content", ""))

		bad := htmlDoc(t, w.do(t, canonical+"?checkin=nope"))
		assert.Equal(t, 0, bad.Find(`[data-testid="offers"]`).Length(), "no offers for an invalid stay")
	})

	t.Run("rendered once per content", func(t *testing.T) {
		before := w.h.pages.len()
		for range 5 {
			require.Equal(t, http.StatusOK, w.do(t, canonical).Code)
		}
		assert.Equal(t, before, w.h.pages.len())
		p, ok := w.h.pages.get(id + "|")
		require.True(t, ok)
		assert.Equal(t, p.etag, w.do(t, canonical).Header().Get("ETag"))
	})
}
