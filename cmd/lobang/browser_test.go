package main

import (
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/internal/browsertest"
)

// TestHomeSearchFormInBrowser fills and submits the home page's search form
// in a real browser, with JavaScript on and off: the form is a plain GET
// that carries every field to /search either way.
func TestHomeSearchFormInBrowser(t *testing.T) {
	s := startServer(t, map[string]string{"LOBANG_LOG_FORMAT": "json"})
	for _, js := range []bool{true, false} {
		name := map[bool]string{true: "js-on", false: "js-off"}[js]
		t.Run(name, func(t *testing.T) {
			b := browsertest.New(t, js)
			b.Do(t,
				chromedp.Navigate(s.URL+"/"),
				chromedp.WaitVisible(chromedp.CSS(`form[data-testid="search-form"]`)),
			)
			title := browsertest.Get(t, b, chromedp.Title())
			assert.Contains(t, title, "Lobang")
			htmx := browsertest.Get(t, b, chromedp.Evaluate[bool](`typeof window.htmx === "object"`))
			assert.Equal(t, js, htmx, "htmx runs exactly when JavaScript is on (and under the CSP)")

			b.Do(t,
				chromedp.SendKeys(chromedp.CSS(`input[name="q"]`), "Singapore"),
				chromedp.SetValue(chromedp.CSS(`input[name="checkin"]`), "2030-03-01"),
				chromedp.SetValue(chromedp.CSS(`input[name="checkout"]`), "2030-03-04"),
				chromedp.SetValue(chromedp.CSS(`select[name="adults"]`), "3"),
				chromedp.SetValue(chromedp.CSS(`#child-1`), "7"),
			)
			_, err := chromedp.RunResponse(b.Ctx, chromedp.Click(chromedp.CSS(`[data-testid="search-submit"]`)))
			require.NoError(t, err, "submitting the form navigates")
			location := browsertest.Get(t, b, chromedp.Location())
			u, err := url.Parse(location)
			require.NoError(t, err)
			assert.Equal(t, "/search", u.Path)
			q := u.Query()
			assert.Equal(t, "Singapore", q.Get("q"))
			assert.Equal(t, "2030-03-01", q.Get("checkin"))
			assert.Equal(t, "2030-03-04", q.Get("checkout"))
			assert.Equal(t, "3", q.Get("adults"))
			assert.Contains(t, q["children"], "7")
		})
	}
}
