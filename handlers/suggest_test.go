package handlers

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/cachepolicy"
	"lobang/suggest"
	"lobang/views"
)

// sharedIndex is the destination index, built once for the package's tests.
var sharedIndex = sync.OnceValue(newSuggestIndex)

// newSearchHandler is a handler over the real destinations; a fresh index
// when hotels are to be added, else the shared one.
func newSearchHandler(t testing.TB, ix *suggest.Index) *Handler {
	t.Helper()
	if ix == nil {
		ix = sharedIndex()
	}
	return New(Deps{
		Log:     slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Config:  Config{BaseURL: &url.URL{Scheme: "http", Host: "localhost:8080"}},
		Suggest: ix,
	})
}

// get requests target from app, as htmx would when partial is set.
func get(t testing.TB, app http.Handler, target string, partial bool) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if partial {
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Request-Type", "partial")
	}
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	return rec
}

func parse(t testing.TB, rec *httptest.ResponseRecorder) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
	require.NoError(t, err)
	return doc
}

func TestDestinationSuggest(t *testing.T) {
	t.Parallel()
	app := newSearchHandler(t, nil).Routes()
	cases := []struct {
		q, first, context string
	}{
		{"Sinagpore", "Singapore", "Singapore"},
		{"Zurich", "Zürich", "Switzerland"},
		{"kuala lumpr", "Kuala Lumpur", "Malaysia"},
		{"sing", "Singapore", "Singapore"},
	}
	for _, tc := range cases {
		t.Run(tc.q, func(t *testing.T) {
			rec := get(t, app, "/destinations/suggest?q="+url.QueryEscape(tc.q), true)
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, cachepolicy.For(cachepolicy.PublicShort).CacheControl, rec.Header().Get("Cache-Control"))
			assert.Empty(t, rec.Result().Header.Values("Set-Cookie"))
			assert.NotEmpty(t, rec.Header().Get("ETag"))
			assert.Empty(t, rec.Header().Get("Vary"), "a public URL never varies by htmx headers")

			doc := parse(t, rec)
			list := doc.Find(`[role="listbox"]#destination-suggestions`)
			require.Equal(t, 1, list.Length(), rec.Body.String())
			opts := list.Find(`[role="option"]`)
			require.Positive(t, opts.Length())
			assert.LessOrEqual(t, opts.Length(), maxSuggestions)
			first := opts.First()
			assert.Equal(t, tc.first, first.AttrOr("data-name", ""))
			assert.Equal(t, tc.first, strings.TrimSpace(first.Find(".suggest__name").Text()))
			assert.Equal(t, tc.context, first.Find(".suggest__context").Text())
			opts.Each(func(i int, o *goquery.Selection) {
				assert.NotEmpty(t, o.AttrOr("id", ""), "option %d has an id", i)
				assert.NotEmpty(t, o.AttrOr("data-value", ""), "option %d carries a uid", i)
			})
		})
	}

	// Singapore's uid, and the typed part emphasised.
	doc := parse(t, get(t, app, "/destinations/suggest?q=sing", false))
	first := doc.Find(`[role="option"]`).First()
	assert.Equal(t, "i8gS", first.AttrOr("data-value", ""))
	assert.Equal(t, "Sing", first.Find("mark").Text())
}

func TestDestinationSuggestEmpty(t *testing.T) {
	t.Parallel()
	app := newSearchHandler(t, nil).Routes()
	for _, target := range []string{
		"/destinations/suggest",
		"/destinations/suggest?q=",
		"/destinations/suggest?q=s",
		"/destinations/suggest?q=%20%20",
		"/destinations/suggest?q=xqzjwv",
		"/destinations/suggest?q=%ff%fe",
		"/destinations/suggest?q=" + strings.Repeat("a", 5000),
	} {
		rec := get(t, app, target, true)
		assert.Equal(t, http.StatusOK, rec.Code, target)
		assert.Empty(t, rec.Result().Header.Values("Set-Cookie"))
		doc := parse(t, rec)
		assert.Equal(t, 1, doc.Find(`[role="listbox"]`).Length(), target)
		assert.Zero(t, doc.Find(`[role="option"]`).Length(), target)
	}
}

// TestDestinationSuggestSameForHtmx: the cached URL answers the same bytes
// to htmx and to a plain GET.
func TestDestinationSuggestSameForHtmx(t *testing.T) {
	t.Parallel()
	app := newSearchHandler(t, nil).Routes()
	plain := get(t, app, "/destinations/suggest?q=paris", false)
	partial := get(t, app, "/destinations/suggest?q=paris", true)
	assert.Equal(t, plain.Body.String(), partial.Body.String())
	assert.Equal(t, plain.Header().Get("ETag"), partial.Header().Get("ETag"))
	assert.NotContains(t, plain.Body.String(), "<html")

	// And a revalidation is a 304.
	req := httptest.NewRequest(http.MethodGet, "/destinations/suggest?q=paris", nil)
	req.Header.Set("If-None-Match", plain.Header().Get("ETag"))
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusNotModified, rec.Code)
}

func TestDestinationSuggestHotels(t *testing.T) {
	t.Parallel()
	h := newSearchHandler(t, newSuggestIndex())
	h.AddSuggestions(suggest.Entry{
		Kind: suggest.KindHotel, ID: "h-raffles", Name: "Raffles Hotel", Context: "Hotel · Singapore",
		Popularity: 5e6, DestinationUID: "i8gS",
	})
	doc := parse(t, get(t, h.Routes(), "/destinations/suggest?q=raffles+hot", true))
	var hotel *goquery.Selection
	doc.Find(`[role="option"]`).EachWithBreak(func(_ int, o *goquery.Selection) bool {
		if o.AttrOr("data-name", "") == "Raffles Hotel" {
			hotel = o
			return false
		}
		return true
	})
	require.NotNil(t, hotel, "the hotel is suggested")
	assert.Equal(t, "i8gS", hotel.AttrOr("data-value", ""), "choosing a hotel searches its destination")
	assert.Equal(t, "Hotel", hotel.Find(`[data-testid="suggestion-kind"]`).Text())
}

func TestHighlight(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		words []string
		want  string // matched parts in [brackets]
	}{
		{"Singapore", []string{"sing"}, "[Sing]apore"},
		{"Zürich", []string{"zu"}, "[Zü]rich"},
		{"Kuala Lumpur", []string{"kuala", "l"}, "[Kuala] [L]umpur"},
		{"Kuala Lumpur", []string{"lum"}, "Kuala [Lum]pur"},
		{"Sinagpore", nil, "Sinagpore"},
		{"Singapore", []string{"sinagpore"}, "Singapore"},
		{"Großbeeren", []string{"gros"}, "[Groß]beeren"},
		{"Ra's al Khaimah", []string{"ra", "kh"}, "[Ra]'s al [Kh]aimah"},
		{"São Paulo", []string{"sao", "pa"}, "[São] [Pa]ulo"},
	}
	for _, tc := range cases {
		var b strings.Builder
		for _, p := range highlight(tc.name, tc.words) {
			if p.Match {
				b.WriteString("[" + p.Text + "]")
			} else {
				b.WriteString(p.Text)
			}
		}
		assert.Equal(t, tc.want, b.String(), "%s %v", tc.name, tc.words)
	}
	assert.Equal(t, []views.TextPart{{Text: "Paris"}}, highlight("Paris", []string{"x"}))
}

// BenchmarkDestinationSuggest is the server time of one autocomplete
// request through the whole middleware stack, cycling through a mix of
// prefixes, whole names, accents and typos.
func BenchmarkDestinationSuggest(b *testing.B) {
	app := newSearchHandler(b, nil).Routes()
	targets := make([]string, len(suggestBenchQueries))
	for i, q := range suggestBenchQueries {
		targets[i] = "/destinations/suggest?q=" + url.QueryEscape(q)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			rec := httptest.NewRecorder()
			app.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, targets[i%len(targets)], nil))
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
			i++
		}
	})
}

// BenchmarkDestinationSuggestLatency serves the query mix one request at a
// time and reports the 50th and 99th percentile and the worst server time.
func BenchmarkDestinationSuggestLatency(b *testing.B) {
	app := newSearchHandler(b, nil).Routes()
	durs := make([]time.Duration, 0, 1<<16)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/destinations/suggest?q="+url.QueryEscape(suggestBenchQueries[i%len(suggestBenchQueries)]), nil)
		rec := httptest.NewRecorder()
		t0 := time.Now()
		app.ServeHTTP(rec, req)
		durs = append(durs, time.Since(t0))
		i++
	}
	b.StopTimer()
	slices.Sort(durs)
	pct := func(p float64) float64 { return float64(durs[int(p*float64(len(durs)-1))].Microseconds()) }
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	b.ReportMetric(pct(1), "max-µs")
}

// suggestBenchQueries is what customers type, as the load test sends it.
var suggestBenchQueries = []string{
	"si", "sin", "sing", "singapore", "sinagpore", "ku", "kual", "kuala l", "kuala lumpr",
	"lon", "london", "londn", "par", "paris", "pariss", "ba", "bang", "bangkok", "bangkock",
	"zurich", "zürich", "sao paulo", "new york", "tokio", "mumbay", "jakartaa", "xqzt",
}
