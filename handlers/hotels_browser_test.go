package handlers

import (
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/internal/browsertest"
)

// TestHotelPageOffersInBrowser opens a hotel page with dates: with
// JavaScript the offers region loads the rooms by itself; without, the
// "Show rooms and prices" link leads to the same offers as a page. Neither
// produces a console error or CSP violation (the JSON-LD is data).
func TestHotelPageOffersInBrowser(t *testing.T) {
	t.Parallel()
	w := newHotelWorld(t)
	srv := httptest.NewServer(w.app)
	t.Cleanup(srv.Close)
	page := srv.URL + hotelPath(w.hotels[0]) + "?" + stayIn(21, 2)

	t.Run("javascript on", func(t *testing.T) {
		b := browsertest.New(t, true)
		b.Do(t,
			chromedp.Navigate(page),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="offers"] [data-testid="rate"]`)),
		)
		n := browsertest.Get(t, b, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="rate"] button[data-testid="book"]').length`))
		assert.Positive(t, n)
		loc, err := url.Parse(browsertest.Get(t, b, chromedp.Location()))
		require.NoError(t, err)
		assert.Equal(t, hotelPath(w.hotels[0]), loc.Path, "the offers load into the hotel page")
		assert.Empty(t, b.Problems(), "no console errors or CSP violations")
	})

	t.Run("javascript off", func(t *testing.T) {
		b := browsertest.New(t, false)
		b.Do(t,
			chromedp.Navigate(page),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="show-rooms"]`)),
		)
		_, err := chromedp.RunResponse(b.Ctx, chromedp.Click(chromedp.CSS(`[data-testid="show-rooms"]`)))
		require.NoError(t, err)
		b.Do(t, chromedp.WaitVisible(chromedp.CSS(`[data-testid="rate"]`)))
		loc, err := url.Parse(browsertest.Get(t, b, chromedp.Location()))
		require.NoError(t, err)
		assert.Regexp(t, `^/hotels/\d+/rooms$`, loc.Path)
		assert.Empty(t, b.Problems())
	})
}
