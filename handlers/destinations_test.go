package handlers

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/cachepolicy"
	"lobang/destinations"
)

func TestDestinationPages(t *testing.T) {
	t.Parallel()
	w := newHotelWorld(t)
	zurich, ok := destinations.Lookup(zurichUID)
	require.True(t, ok)
	path := "/destinations/" + zurichUID + "/" + zurich.Slug()

	t.Run("first page", func(t *testing.T) {
		rec := w.do(t, path)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		assert.Equal(t, cachepolicy.For(cachepolicy.PublicPage).CacheControl, rec.Header().Get("Cache-Control"))
		doc := htmlDoc(t, rec)
		assert.Equal(t, destinationPageSize, doc.Find(`[data-testid="hotel-card"]`).Length())
		assert.Equal(t, "/hotels/"+strconv.FormatInt(w.hotels[0].ID, 10)+"/"+w.hotels[0].Slug,
			doc.Find(`[data-testid="hotel-card"] h2 a`).First().AttrOr("href", ""), "most reviewed first")
		assert.Equal(t, zurichUID, doc.Find(`[data-testid="field-destination"]`).AttrOr("value", ""))
		assert.Equal(t, "Zürich", doc.Find(`[data-testid="field-q"]`).AttrOr("value", ""))
		assert.Equal(t, "https://lobang.example"+path, doc.Find(`link[rel="canonical"]`).AttrOr("href", ""))
		assert.Equal(t, 0, doc.Find(`meta[name="robots"]`).Length())
		next := doc.Find(`a[rel="next"]`).AttrOr("href", "")
		assert.Equal(t, path+"?page=2", next)
		assert.Contains(t, doc.Find("title").Text(), "Zürich")
	})

	t.Run("second page and sorting", func(t *testing.T) {
		doc := htmlDoc(t, w.do(t, path+"?page=2"))
		assert.Equal(t, len(w.hotels)-destinationPageSize, doc.Find(`[data-testid="hotel-card"]`).Length())
		assert.Equal(t, "noindex,follow", doc.Find(`meta[name="robots"]`).AttrOr("content", ""))
		assert.Equal(t, "https://lobang.example"+path, doc.Find(`link[rel="canonical"]`).AttrOr("href", ""))
		first := htmlDoc(t, w.do(t, path)).Find("title").Text()
		assert.NotEqual(t, first, doc.Find("title").Text(), "titles are unique per page")

		sorted := htmlDoc(t, w.do(t, path+"?sort=stars"))
		assert.Equal(t, "noindex,follow", sorted.Find(`meta[name="robots"]`).AttrOr("content", ""))
		var stars []string
		sorted.Find(`[data-testid="hotel-card"] .stars`).Each(func(_ int, s *goquery.Selection) {
			stars = append(stars, s.AttrOr("aria-label", ""))
		})
		require.NotEmpty(t, stars)
		assert.GreaterOrEqual(t, stars[0], stars[len(stars)-1], "most stars first")
	})

	t.Run("redirects and errors", func(t *testing.T) {
		for target, want := range map[string]string{
			"/destinations/" + zurichUID:                   path,
			"/destinations/" + zurichUID + "/zurich-wrong": path,
			"/destinations/" + zurichUID + "/x?page=2":     path + "?page=2",
		} {
			rec := w.do(t, target)
			assert.Equal(t, http.StatusMovedPermanently, rec.Code, target)
			assert.Equal(t, want, rec.Header().Get("Location"), target)
		}
		assert.Equal(t, http.StatusNotFound, w.do(t, "/destinations/zzzzzz/x").Code)
		assert.Equal(t, http.StatusNotFound, w.do(t, path+"?page=9").Code)
		assert.Equal(t, http.StatusBadRequest, w.do(t, path+"?page=x").Code)
		assert.Equal(t, http.StatusBadRequest, w.do(t, path+"?sort=price").Code)
	})

	t.Run("a destination without hotels yet is private", func(t *testing.T) {
		// No catalog attached: nothing syncs, so Singapore has no hotels here.
		h := New(Deps{DB: w.pool, Log: w.h.log, Suggest: w.h.suggest(), Config: w.h.cfg})
		sg, _ := destinations.Lookup("i8gS")
		rec := httptestGet(h, "/destinations/i8gS/"+sg.Slug())
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, "private, no-store", rec.Header().Get("Cache-Control"))
		assert.Empty(t, rec.Header().Get("ETag"))
		assert.Equal(t, 1, htmlDoc(t, rec).Find(`[data-testid="destination-pending"]`).Length())
	})

	t.Run("home links popular destinations", func(t *testing.T) {
		rec := w.do(t, "/")
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, cachepolicy.For(cachepolicy.PublicPage).CacheControl, rec.Header().Get("Cache-Control"))
		link := htmlDoc(t, rec).Find(`[data-testid="popular-destination"]`)
		require.Equal(t, 1, link.Length())
		assert.Equal(t, path, link.AttrOr("href", ""))
		assert.Contains(t, link.Text(), strconv.Itoa(len(w.hotels))+" hotels")
	})
}

// httptestGet requests target from h's full router.
func httptestGet(h *Handler, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.Routes().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}
