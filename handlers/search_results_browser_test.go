package handlers

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/internal/browsertest"
)

// stagedLatency makes results arrive in three stages.
var stagedLatency = map[string]int{"ascenda": 0, "bedcom": 300, "wgl": 1200}

// pollJS waits until a JavaScript condition holds.
func pollJS(t *testing.T, b *browsertest.Browser, cond string, timeout time.Duration) {
	t.Helper()
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(timeout))); err != nil {
		t.Fatalf("waiting for %s: %v\nproblems: %v", cond, err, b.Problems())
	}
}

// TestResultsStreamInBrowser walks the customer's path with JavaScript: a
// misspelt destination, the suggestion picked, the search submitted; the
// results then stream in until the progress line says 3 of 3, and no card
// shown after the first results moves while the rest arrive.
func TestResultsStreamInBrowser(t *testing.T) {
	w := newResultsWorld(t, resultsWorldConfig{latency: stagedLatency})
	srv := httptest.NewServer(w.app)
	t.Cleanup(srv.Close)
	b := browsertest.New(t, true)

	q := chromedp.CSS(`#q`)
	in := time.Now().UTC().AddDate(0, 0, 60)
	b.Do(t,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(q),
		chromedp.SendKeys(q, "Zurih"),
	)
	pollJS(t, b, `(() => { const o = document.querySelector('#destination-suggestions [role="option"]'); return !!o && o.dataset.name === "Zürich"; })()`, 10*time.Second)
	b.Do(t, chromedp.SendKeys(q, kb.ArrowDown))
	pressEnter(t, b)
	require.Equal(t, resultsDest, value(t, b, "destination"), "the suggestion was picked")
	b.Do(t,
		chromedp.SetValue(chromedp.CSS(`#checkin`), in.Format(time.DateOnly)),
		chromedp.SetValue(chromedp.CSS(`#checkout`), in.AddDate(0, 0, 2).Format(time.DateOnly)),
	)
	// Note when the first card appears, from the start of the results
	// page's navigation: a script the browser runs before each document
	// (injected through the DevTools protocol, so the page's CSP does not
	// apply to it; the page itself runs no script of ours).
	if _, err := chromedp.Call(b.Ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
		new MutationObserver((_, obs) => {
			if (document.querySelector('[data-testid="hotel-card"]')) { window.__firstCard = performance.now(); obs.disconnect(); }
		}).observe(document, {childList: true, subtree: true});`}); err != nil {
		t.Fatalf("add script: %v", err)
	}
	_, err := chromedp.RunResponse(b.Ctx, chromedp.Click(chromedp.CSS(`[data-testid="search-submit"]`)))
	require.NoError(t, err)
	loc, err := url.Parse(browsertest.Get(t, b, chromedp.Location()))
	require.NoError(t, err)
	assert.Equal(t, "/search", loc.Path)

	pollJS(t, b, `document.querySelectorAll('#cards > [data-testid="hotel-card"]').length > 0`, 10*time.Second)
	initiallyComplete := browsertest.Get(t, b, chromedp.Evaluate[bool](
		`document.querySelector('[data-testid="results-live"]') === null`))
	tops := browsertest.Get(t, b, chromedp.Evaluate[map[string]float64](`(() => {
		const out = {};
		for (const c of document.querySelectorAll('#cards > [data-testid="hotel-card"]')) out[c.id] = c.getBoundingClientRect().top + window.scrollY;
		return out;
	})()`))
	require.NotEmpty(t, tops)

	pollJS(t, b, `document.querySelector('[data-testid="results-progress"]').textContent.includes("3 of 3 suppliers")`, 20*time.Second)
	after := browsertest.Get(t, b, chromedp.Evaluate[map[string]float64](`(() => {
		const out = {};
		for (const c of document.querySelectorAll('#cards > [data-testid="hotel-card"]')) out[c.id] = c.getBoundingClientRect().top + window.scrollY;
		return out;
	})()`))
	for id, top := range tops {
		got, ok := after[id]
		if assert.True(t, ok, "card %s is still shown", id) {
			assert.InDelta(t, top, got, 0.5, "card %s did not move", id)
		}
	}
	assert.GreaterOrEqual(t, len(after), len(tops), "later hotels joined")
	dups := browsertest.Get(t, b, chromedp.Evaluate[int](`(() => {
		const ids = [...document.querySelectorAll('#cards > li')].map(c => c.id);
		return ids.length - new Set(ids).size;
	})()`))
	assert.Zero(t, dups, "a card streamed twice is updated, not duplicated")
	firstCard := browsertest.Get(t, b, chromedp.Evaluate[float64](`window.__firstCard ?? -1`))
	nav := browsertest.Get(t, b, chromedp.Evaluate[float64](`performance.getEntriesByType("navigation")[0].responseEnd`))
	sse := browsertest.Get(t, b, chromedp.Evaluate[float64](`(performance.getEntriesByType("resource").find(e => e.name.includes("/stream")) || {}).responseStart ?? -1`))
	t.Logf("first card at %.0f ms after the results page's navigation start (page response end %.0f ms, stream response start %.0f ms; fastest supplier 0 ms; complete at first render: %v)", firstCard, nav, sse, initiallyComplete)
	// Cards that joined below cheaper ones are offered a re-sort.
	outOfOrder := browsertest.Get(t, b, chromedp.Evaluate[bool](`(() => {
		const p = [...document.querySelectorAll('#cards [data-testid="hotel-price"]')].map(e => Number(e.textContent.replace(/[^0-9]/g, "")));
		return p.some((x, i) => i > 0 && x < p[i - 1]);
	})()`))
	resort := browsertest.Get(t, b, chromedp.Evaluate[string](`document.querySelector('[data-testid="resort"]')?.getAttribute("href") ?? ""`))
	if outOfOrder {
		require.NotEmpty(t, resort, "better prices below are offered a re-sort")
		b.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="resort"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="hotel-card"]`)))
		sorted := browsertest.Get(t, b, chromedp.Evaluate[bool](`(() => {
			const p = [...document.querySelectorAll('#cards [data-testid="hotel-price"]')].map(e => Number(e.textContent.replace(/[^0-9]/g, "")));
			return p.every((x, i) => i === 0 || x >= p[i - 1]);
		})()`))
		assert.True(t, sorted, "re-sorting puts the cheapest first")
	}
	t.Logf("cards out of order before re-sort: %v (re-sort link %q)", outOfOrder, resort)
	assert.Empty(t, b.Problems(), "no console errors or CSP violations")
}

// TestResultsWithoutJavaScriptInBrowser follows an incomplete search with
// JavaScript off: the page refreshes itself until the list is complete,
// then stops refreshing.
func TestResultsWithoutJavaScriptInBrowser(t *testing.T) {
	w := newResultsWorld(t, resultsWorldConfig{latency: map[string]int{"ascenda": 0, "bedcom": 300, "wgl": 2500}})
	srv := httptest.NewServer(w.app)
	t.Cleanup(srv.Close)
	b := browsertest.New(t, false)

	b.Do(t, chromedp.Navigate(srv.URL+resultsStay(61, "")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="results"]`)))
	first := browsertest.Get(t, b, chromedp.Text(chromedp.CSS(`[data-testid="results-progress"]`)))
	assert.NotContains(t, first, "3 of 3", "the first page is incomplete")

	deadline := time.Now().Add(20 * time.Second)
	var progress string
	for time.Now().Before(deadline) {
		// The page may be mid-refresh: a failed read is simply retried.
		text, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](
			`document.querySelector('[data-testid="results-progress"]')?.textContent ?? ""`))
		if err == nil {
			progress = text
		}
		if strings.Contains(progress, "3 of 3 suppliers") {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	require.Contains(t, progress, "3 of 3 suppliers", "the refreshes reached the complete list")
	b.Do(t, chromedp.WaitVisible(chromedp.CSS(`[data-testid="hotel-card"]`)))
	html := browsertest.Get(t, b, chromedp.OuterHTML(chromedp.CSS(`[data-testid="results"]`)))
	assert.NotContains(t, html, "refresh", "the complete page no longer refreshes")
}
