package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/cachepolicy"
	"lobang/suggest"
)

// stay returns checkin and checkout days from now, as the form sends them.
func stay(fromNow, nights int) (string, string) {
	in := time.Now().UTC().AddDate(0, 0, fromNow)
	return in.Format(time.DateOnly), in.AddDate(0, 0, nights).Format(time.DateOnly)
}

// searchURL is /search with a valid stay and the given extra parameters.
func searchURL(extra string) string {
	in, out := stay(14, 2)
	return "/search?checkin=" + in + "&checkout=" + out + "&rooms=1&adults=2&" + extra
}

func TestSearchValid(t *testing.T) {
	t.Parallel()
	app := newSearchHandler(t, nil).Routes()
	in := time.Now().UTC().AddDate(0, 0, 30)
	out := in.AddDate(0, 0, 2)
	target := "/search?destination=i8gS&q=&checkin=" + in.Format(time.DateOnly) + "&checkout=" + out.Format(time.DateOnly) +
		"&rooms=2&adults=2&children=5&children=&children=&children="
	rec := get(t, app, target, false)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, cachepolicy.For(cachepolicy.Private).CacheControl, rec.Header().Get("Cache-Control"))
	assert.Contains(t, rec.Header().Get("Vary"), "HX-Request")

	doc := parse(t, rec)
	title := doc.Find("title").Text()
	assert.True(t, strings.HasPrefix(title, "Hotels in Singapore · "), title)
	assert.Contains(t, title, stayDates(in, out))
	assert.Contains(t, title, "2 rooms · 4 adults, 2 children")
	assert.Equal(t, "noindex", doc.Find(`meta[name="robots"]`).AttrOr("content", ""))
	assert.Equal(t, "Hotels in Singapore", doc.Find(`[data-testid="search-heading"]`).Text())

	results := doc.Find(`section#results[data-testid="results"]`)
	require.Equal(t, 1, results.Length())
	assert.Equal(t, "polite", results.Find(`[data-testid="results-status"]`).AttrOr("aria-live", ""))
	assert.Contains(t, results.Text(), "Searching hotels in Singapore")

	// The form is filled in as searched, with the place's name for q.
	assert.Equal(t, "Singapore", doc.Find(`[data-testid="field-q"]`).AttrOr("value", ""))
	assert.Equal(t, "i8gS", doc.Find(`[data-testid="field-destination"]`).AttrOr("value", ""))
	assert.Equal(t, "2", doc.Find(`[data-testid="field-rooms"] option[selected]`).AttrOr("value", ""))
	assert.Equal(t, "5", doc.Find(`[data-testid="field-child-1"] option[selected]`).AttrOr("value", ""))
	assert.Zero(t, doc.Find(`[data-testid="error-summary"]`).Length())

	// A partial htmx request gets the content without the page around it.
	rec = get(t, app, target, true)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.NotContains(t, rec.Body.String(), "<html")
	assert.Equal(t, 1, parse(t, rec).Find(`#results`).Length())
}

func TestSearchInvalid(t *testing.T) {
	t.Parallel()
	app := newSearchHandler(t, nil).Routes()
	past := time.Now().UTC().AddDate(0, 0, -3).Format(time.DateOnly)
	target := "/search?q=Singapore&destination=i8gS&checkin=" + past + "&checkout=" + past +
		"&rooms=9&adults=7&children=18&currency=XYZ"
	rec := get(t, app, target, false)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.Equal(t, cachepolicy.For(cachepolicy.Private).CacheControl, rec.Header().Get("Cache-Control"))
	doc := parse(t, rec)
	assert.Equal(t, "noindex", doc.Find(`meta[name="robots"]`).AttrOr("content", ""))
	for field, want := range map[string]string{
		"checkin":  "in the past",
		"checkout": "after check-in",
		"rooms":    "between 1 and 8 rooms",
		"adults":   "between 1 and 6 adults",
		"children": "0 to 17",
	} {
		msg := doc.Find(`[data-testid="error-` + field + `"]`)
		require.Equal(t, 1, msg.Length(), "message beside %s", field)
		assert.Contains(t, msg.Text(), want, field)
		assert.Equal(t, field+"-error", msg.AttrOr("id", ""))
	}
	assert.Equal(t, "true", doc.Find(`[data-testid="field-checkin"]`).AttrOr("aria-invalid", ""))
	summary := doc.Find(`[data-testid="error-summary"]`)
	require.Equal(t, 1, summary.Length())
	assert.Contains(t, summary.Text(), "currencies", "a problem with no field of its own is in the summary")
	assert.Zero(t, doc.Find("#results").Length(), "no results for an invalid search")
	// What was typed is kept.
	assert.Equal(t, "Singapore", doc.Find(`[data-testid="field-q"]`).AttrOr("value", ""))
	assert.Equal(t, past, doc.Find(`[data-testid="field-checkin"]`).AttrOr("value", ""))

	// A partial htmx request gets the form fragment alone, still 422.
	rec = get(t, app, target, true)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	body := rec.Body.String()
	assert.NotContains(t, body, "<html")
	assert.NotContains(t, body, "site-header")
	doc = parse(t, rec)
	assert.Equal(t, 1, doc.Find(`[data-testid="search-form-panel"] form[data-testid="search-form"]`).Length())
	assert.Equal(t, 1, doc.Find(`[data-testid="error-checkin"]`).Length())
}

func TestSearchMissingDestination(t *testing.T) {
	t.Parallel()
	app := newSearchHandler(t, nil).Routes()
	rec := get(t, app, searchURL("q=&destination="), false)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.Contains(t, parse(t, rec).Find(`[data-testid="error-q"]`).Text(), "Enter a destination")

	rec = get(t, app, searchURL("destination=nope"), false)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.Equal(t, 1, parse(t, rec).Find(`[data-testid="error-q"]`).Length(), "an unknown uid is an error on q")

	rec = get(t, app, searchURL("q=xqzjwvkk"), false)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.Contains(t, parse(t, rec).Find(`[data-testid="error-q"]`).Text(), "couldn't find")
}

func TestSearchResolvesTypedDestination(t *testing.T) {
	t.Parallel()
	app := newSearchHandler(t, nil).Routes()
	for _, q := range []string{"singapore", "Sinagpore", "  SINGAPORE "} {
		rec := get(t, app, searchURL("q="+url.QueryEscape(q)+"&children=9&children=5&sort=review"), false)
		require.Equal(t, http.StatusSeeOther, rec.Code, q)
		loc, err := url.Parse(rec.Header().Get("Location"))
		require.NoError(t, err)
		assert.Equal(t, "/search", loc.Path)
		got := loc.Query()
		assert.Equal(t, "i8gS", got.Get("destination"), q)
		assert.Equal(t, "Singapore", got.Get("q"), "q becomes the place's name")
		assert.Equal(t, "9,5", got.Get("children"), "children in the list form")
		assert.Equal(t, "review", got.Get("sort"), "the rest of the search is kept")
		assert.Contains(t, rec.Header().Get("Location"), "children=9,5")
	}
}

func TestSearchDidYouMean(t *testing.T) {
	t.Parallel()
	// Two equally likely places whose names differ: neither clearly best.
	ix := suggest.New([]suggest.Entry{
		{Kind: suggest.KindDestination, ID: "i8gS", Name: "Springfield", Context: "Illinois, United States", Popularity: 100_000},
		{Kind: suggest.KindDestination, ID: "i8gT", Name: "Springvale", Context: "Victoria, Australia", Popularity: 100_000},
	})
	app := newSearchHandler(t, ix).Routes()
	rec := get(t, app, searchURL("q=spring&currency=EUR"), false)
	require.Equal(t, http.StatusOK, rec.Code, rec.Header().Get("Location"))
	doc := parse(t, rec)
	assert.Equal(t, "noindex", doc.Find(`meta[name="robots"]`).AttrOr("content", ""))
	opts := doc.Find(`[data-testid="did-you-mean-option"]`)
	require.Equal(t, 2, opts.Length())
	href, ok := opts.First().Attr("href")
	require.True(t, ok)
	u, err := url.Parse(href)
	require.NoError(t, err)
	assert.Equal(t, "/search", u.Path)
	assert.NotEmpty(t, u.Query().Get("destination"))
	assert.Equal(t, "EUR", u.Query().Get("currency"), "the link carries the rest of the query")
	assert.NotEmpty(t, u.Query().Get("checkin"))
	assert.Equal(t, 1, doc.Find(`form[data-testid="search-form"]`).Length(), "the form to search again")

	// With the real destinations, an ambiguous text asks too.
	app = newSearchHandler(t, nil).Routes()
	rec = get(t, app, searchURL("q=san+jo"), false)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Positive(t, parse(t, rec).Find(`[data-testid="did-you-mean-option"]`).Length())
}

// TestSearchNeverPanics sends hostile queries: each gets a 4xx or a redirect
// with a page, never a 500.
func TestSearchNeverPanics(t *testing.T) {
	t.Parallel()
	app := newSearchHandler(t, nil).Routes()
	for _, target := range []string{
		"/search",
		"/search?q=%ff%fe&checkin=%00&checkout=2026-13-45",
		"/search?" + strings.Repeat("children=1&", 500),
		"/search?q=" + strings.Repeat("%E2%82%AC", 300),
		searchURL("q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
	} {
		rec := get(t, app, target, false)
		assert.Less(t, rec.Code, 500, target)
		assert.NotContains(t, rec.Body.String(), "<script>alert", target)
	}
}

func TestStayDatesAndGuests(t *testing.T) {
	t.Parallel()
	d := func(s string) time.Time { return date(s) }
	assert.Equal(t, "3–5 Mar", stayDates(d("2027-03-03"), d("2027-03-05")))
	assert.Equal(t, "30 Mar – 2 Apr", stayDates(d("2027-03-30"), d("2027-04-02")))
	assert.Equal(t, "30 Dec 2026 – 2 Jan 2027", stayDates(d("2026-12-30"), d("2027-01-02")))
	assert.Equal(t, "2 adults", guests(1, 2, 0))
	assert.Equal(t, "1 adult, 1 child", guests(1, 1, 1))
	assert.Equal(t, "3 rooms · 6 adults, 6 children", guests(3, 2, 2))
}
