package handlers

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator"
	"lobang/db"
	"lobang/destinations"
)

var cardIDPattern = regexp.MustCompile(`^hotel-(\d+)$`)

// cardIDs are the hotel ids of the cards in a document, in order.
func cardIDs(t testing.TB, sel *goquery.Selection) []int64 {
	t.Helper()
	var ids []int64
	sel.Find(`[data-testid="hotel-card"]`).Each(func(_ int, s *goquery.Selection) {
		m := cardIDPattern.FindStringSubmatch(s.AttrOr("id", ""))
		require.NotNil(t, m, "card id %q", s.AttrOr("id", ""))
		id, err := strconv.ParseInt(m[1], 10, 64)
		require.NoError(t, err)
		ids = append(ids, id)
	})
	return ids
}

// cardPrices are the headline prices of the cards in minor units.
func cardPrices(t testing.TB, sel *goquery.Selection, currency string) []int64 {
	t.Helper()
	var out []int64
	sel.Find(`[data-testid="hotel-price"]`).Each(func(_ int, s *goquery.Selection) {
		text := strings.TrimSpace(s.Text())
		amount, ok := strings.CutPrefix(text, currency+" ")
		require.True(t, ok, "price %q in %s", text, currency)
		n, err := strconv.ParseInt(strings.NewReplacer(",", "", ".", "").Replace(amount), 10, 64)
		require.NoError(t, err, text)
		out = append(out, n)
	})
	return out
}

func TestResultsPageComplete(t *testing.T) {
	t.Parallel()
	w := newResultsWorld(t, resultsWorldConfig{})
	w.complete(t, 40)

	rec := w.get(t, resultsStay(40, ""))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	doc := parse(t, rec)
	results := doc.Find(`section#results`)
	require.Equal(t, 1, results.Length())
	assert.Zero(t, doc.Find(`[data-testid="results-live"]`).Length(), "a complete search opens no stream")
	assert.NotContains(t, rec.Body.String(), `http-equiv="refresh"`, "a complete search does not refresh")
	assert.Equal(t, "polite", doc.Find(`[data-testid="results-status"]`).AttrOr("aria-live", ""))
	progress := doc.Find(`[data-testid="results-progress"]`).Text()
	assert.Contains(t, progress, "3 of 3 suppliers")
	assert.Regexp(t, `\d+ hotels`, progress)
	assert.Contains(t, doc.Find(`[data-testid="sort-note"]`).Text(), "Sorted by lowest total price, taxes and fees included")

	ids := cardIDs(t, results)
	require.Len(t, ids, perPage, "a full first page")
	prices := cardPrices(t, results, "SGD")
	assert.True(t, slices.IsSorted(prices), "cheapest total first: %v", prices)

	first := results.Find(`[data-testid="hotel-card"]`).First()
	link, err := url.Parse(first.Find(`[data-testid="hotel-link"]`).AttrOr("href", ""))
	require.NoError(t, err)
	assert.Regexp(t, `^/hotels/\d+/[a-z0-9-]+$`, link.Path)
	in := resultsQuery(40).Checkin.Format("2006-01-02")
	assert.Equal(t, in, link.Query().Get("checkin"))
	assert.Equal(t, "2", link.Query().Get("adults"))
	assert.Equal(t, "SGD", link.Query().Get("currency"))
	img := first.Find("img")
	if img.Length() > 0 {
		assert.Equal(t, "240", img.AttrOr("width", ""))
		assert.Equal(t, "160", img.AttrOr("height", ""))
	}
	assert.NotEmpty(t, first.Find(`[data-testid="hotel-quote"]`).Length(), "every supplier's price")
	assert.Contains(t, first.Find(`[data-testid="hotel-distance"]`).Text(), "from the centre")
	assert.Equal(t, "lazy", results.Find(`[data-testid="hotel-card"] img`).Last().AttrOr("loading", ""))

	more := doc.Find(`[data-testid="results-more"]`)
	assert.Equal(t, "revealed", more.AttrOr("hx-trigger", ""))
	assert.Equal(t, "outerHTML", more.AttrOr("hx-swap", ""))
	assert.Contains(t, more.AttrOr("hx-get", ""), "page=2")
	assert.Contains(t, more.Find(`[data-testid="load-more"]`).AttrOr("href", ""), "page=2")

	// Per night on request: the headline halves (2 nights), the total stays.
	rec = w.get(t, resultsStay(40, "per_night=1"))
	require.Equal(t, http.StatusOK, rec.Code)
	card := parse(t, rec).Find(`[data-testid="hotel-card"]`).First()
	assert.Contains(t, card.Text(), "per night")
	assert.Equal(t, formatMoney(prices[0], "SGD")+" total", strings.TrimSpace(card.Find(`[data-testid="hotel-total"]`).Text()))
}

func TestResultsCurrency(t *testing.T) {
	t.Parallel()
	w := newResultsWorld(t, resultsWorldConfig{})
	q := resultsQuery(41)
	q.Currency = "JPY"
	ctx := context.Background()
	sid, err := w.agg.Start(ctx, q, "")
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		s, err := w.agg.Snapshot(ctx, sid)
		return err == nil && s.Progress.Complete
	}, 30e9, 20e6)
	rec := w.get(t, resultsStay(41, "currency=JPY"))
	require.Equal(t, http.StatusOK, rec.Code)
	doc := parse(t, rec)
	for _, p := range doc.Find(`[data-testid="hotel-price"]`).Map(func(_ int, s *goquery.Selection) string { return s.Text() }) {
		assert.Regexp(t, `^JPY \d{1,3}(,\d{3})*$`, p, "yen have no minor unit")
	}
	assert.Equal(t, "JPY", doc.Find(`[data-testid="filter-currency"] option[selected]`).AttrOr("value", ""))
}

func TestResultsPageIncomplete(t *testing.T) {
	t.Parallel()
	w := newResultsWorld(t, resultsWorldConfig{noWorkers: true})
	rec := w.get(t, resultsStay(42, "sort=review&stars=4,5"))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	doc := parse(t, rec)
	live := doc.Find(`[data-testid="results-live"]`)
	require.Equal(t, 1, live.Length(), "an incomplete search follows its stream")
	assert.Equal(t, "done", live.AttrOr("hx-sse:close", ""))
	stream, err := url.Parse(live.AttrOr("hx-sse:connect", ""))
	require.NoError(t, err)
	sid := aggregator.SID(resultsQuery(42))
	assert.Equal(t, "/search/"+sid+"/stream", stream.Path)
	assert.True(t, aggregator.ValidEventID(stream.Query().Get("after")))
	assert.NotEmpty(t, stream.Query().Get("after"), "the stream starts after what the page shows")
	assert.Equal(t, "review", stream.Query().Get("sort"), "the stream knows the page's order")
	assert.Equal(t, "4,5", stream.Query().Get("stars"))
	assert.Contains(t, rec.Body.String(), `<noscript><meta http-equiv="refresh" content="2"></noscript>`)
	assert.Contains(t, doc.Find(`[data-testid="results-progress"]`).Text(), "0 of 3 suppliers")

	// A refresh of a running search does not count as a new one.
	rec = w.get(t, resultsStay(42, ""))
	require.Equal(t, http.StatusOK, rec.Code)
}

func TestResultsFragments(t *testing.T) {
	t.Parallel()
	w := newResultsWorld(t, resultsWorldConfig{})
	w.complete(t, 43)
	partial := []string{"HX-Request", "true", "HX-Request-Type", "partial"}

	// The filter form: the results region alone.
	rec := w.get(t, resultsStay(43, "stars=3"), partial...)
	require.Equal(t, http.StatusOK, rec.Code)
	body := rec.Body.String()
	assert.NotContains(t, body, "<html")
	assert.NotContains(t, body, `data-testid="search-form"`)
	assert.True(t, strings.HasPrefix(strings.TrimSpace(body), `<section class="results" id="results"`), body[:min(len(body), 200)])
	doc := parse(t, rec)
	assert.Equal(t, "3", doc.Find(`[data-testid="filter-stars-3"][checked]`).AttrOr("value", ""))

	// Load more: the next cards placed by id, and the next sentinel.
	full := parse(t, w.get(t, resultsStay(43, "")))
	matched := full.Find(`[data-testid="results-progress"]`).Text()
	rec = w.get(t, resultsStay(43, "page=2&part=more"), partial...)
	require.Equal(t, http.StatusOK, rec.Code)
	body = rec.Body.String()
	assert.NotContains(t, body, "<html")
	assert.True(t, strings.HasPrefix(strings.TrimSpace(body), `<div id="results-more"`), "the sentinel is the main content")
	assert.Contains(t, body, `<hx-upsert hx-target="#cards" key="data-k">`)
	doc = parse(t, rec)
	page2 := cardIDs(t, doc.Selection)
	require.NotEmpty(t, page2, "Zürich has more than one page (%s)", matched)
	assert.Empty(t, intersect(page2, cardIDs(t, full.Selection)), "page 2 shows other hotels")
	assert.Equal(t, 1, doc.Find(`[data-testid="results-end"]`).Length(), "the last page ends the list")

	// Without htmx, page 2 is a whole page with a way back.
	rec = w.get(t, resultsStay(43, "page=2"))
	require.Equal(t, http.StatusOK, rec.Code)
	doc = parse(t, rec)
	assert.Contains(t, rec.Body.String(), "<html")
	assert.Equal(t, page2, cardIDs(t, doc.Selection))
	assert.Equal(t, 1, doc.Find(`[data-testid="prev-page"]`).Length())
}

func intersect(a, b []int64) []int64 {
	var out []int64
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func TestResultsFiltersAndSorts(t *testing.T) {
	t.Parallel()
	w := newResultsWorld(t, resultsWorldConfig{})
	w.complete(t, 44)
	all := resultsAll(t, w, "")
	require.Greater(t, len(all), perPage)
	hotels, err := db.HotelsByIDs(context.Background(), w.pool, all)
	require.NoError(t, err)
	dest, _ := destinations.Lookup(resultsDest)
	prices := resultsPrices(t, w, "")
	sorted := slices.Sorted(maps.Values(prices))
	median := sorted[len(sorted)/2] / 100 // whole SGD
	bound := strconv.FormatInt(median, 10)

	cases := []struct {
		name  string
		query string
		keep  func(db.Hotel, int64) bool // nil: every hotel
		order func(a, b db.Hotel) bool   // nil: cheapest first; else a may not come before b when order(b, a)
	}{
		{name: "stars", query: "stars=3,4", keep: func(h db.Hotel, _ int64) bool { return int(h.Stars) == 3 || int(h.Stars) == 4 }},
		{name: "review", query: "min_review=8", keep: func(h db.Hotel, _ int64) bool { return h.ReviewScore >= 8 }},
		{name: "amenity", query: "amenities=pool", keep: func(h db.Hotel, _ int64) bool { return slices.Contains(h.Amenities, "pool") }},
		{name: "max price", query: "max_price=" + bound, keep: func(_ db.Hotel, price int64) bool { return price <= median*100 }},
		{name: "min price", query: "min_price=" + bound, keep: func(_ db.Hotel, price int64) bool { return price >= median*100 }},
		{name: "sort review", query: "sort=review", order: func(a, b db.Hotel) bool { return a.ReviewScore > b.ReviewScore }},
		{name: "sort stars", query: "sort=stars", order: func(a, b db.Hotel) bool { return a.Stars > b.Stars }},
		{name: "sort distance", query: "sort=distance", order: func(a, b db.Hotel) bool {
			return aggregator.DistanceMetres(dest.Lat, dest.Lng, a.Lat, a.Lng) < aggregator.DistanceMetres(dest.Lat, dest.Lng, b.Lat, b.Lng)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := resultsAll(t, w, c.query)
			if c.keep != nil {
				var want []int64
				for _, id := range all {
					if c.keep(hotels[id], prices[id]) {
						want = append(want, id)
					}
				}
				require.NotEmpty(t, want, "the filter keeps some hotels")
				require.Less(t, len(want), len(all), "the filter drops some hotels")
				assert.ElementsMatch(t, want, got)
				return
			}
			assert.ElementsMatch(t, all, got, "sorting keeps every hotel")
			for i := 1; i < len(got); i++ {
				assert.False(t, c.order(hotels[got[i]], hotels[got[i-1]]), "%d sorts before %d", got[i], got[i-1])
			}
		})
	}

	// Free cancellation: every card kept carries the badge.
	rec := w.get(t, resultsStay(44, "free_cancellation=1"))
	doc := parse(t, rec)
	cards := doc.Find(`[data-testid="hotel-card"]`)
	require.Positive(t, cards.Length())
	assert.Equal(t, cards.Length(), doc.Find(`[data-testid="hotel-free-cancellation"]`).Length())
	assert.Contains(t, doc.Find(`[data-testid="results-progress"]`).Text(), "match your filters")
}

// resultsAll reads every page of a search's results and returns the ids.
func resultsAll(t testing.TB, w *resultsWorld, query string) []int64 {
	t.Helper()
	var ids []int64
	for page := 1; page < 20; page++ {
		q := "page=" + strconv.Itoa(page)
		if query != "" {
			q += "&" + query
		}
		rec := w.get(t, resultsStay(44, q))
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		doc := parse(t, rec)
		ids = append(ids, cardIDs(t, doc.Selection)...)
		if doc.Find(`[data-testid="load-more"]`).Length() == 0 {
			return ids
		}
	}
	t.Fatal("too many pages")
	return nil
}

// resultsPrices maps each hotel to its cheapest total in minor units.
func resultsPrices(t testing.TB, w *resultsWorld, query string) map[int64]int64 {
	t.Helper()
	out := map[int64]int64{}
	for page := 1; page < 20; page++ {
		rec := w.get(t, resultsStay(44, "page="+strconv.Itoa(page)+query))
		doc := parse(t, rec)
		ids, prices := cardIDs(t, doc.Selection), cardPrices(t, doc.Selection, "SGD")
		for i, id := range ids {
			out[id] = prices[i]
		}
		if doc.Find(`[data-testid="load-more"]`).Length() == 0 {
			break
		}
	}
	return out
}

func TestResultsMapView(t *testing.T) {
	t.Parallel()
	w := newResultsWorld(t, resultsWorldConfig{})
	w.complete(t, 45)
	rec := w.get(t, resultsStay(45, "view=map"))
	require.Equal(t, http.StatusOK, rec.Code)
	doc := parse(t, rec)
	svg := doc.Find(`[data-testid="results-map"] svg`)
	require.Equal(t, 1, svg.Length())
	pins := doc.Find(`[data-testid="map-pin"]`)
	assert.Equal(t, perPage, pins.Length()+countMissing(doc))
	pins.Each(func(_ int, p *goquery.Selection) {
		assert.Regexp(t, `^/hotels/\d+/`, p.AttrOr("href", ""))
		assert.Regexp(t, `^SGD [\d,]+\.\d\d$`, p.Find("text").Text())
		x, _ := strconv.Atoi(p.Find("circle").AttrOr("cx", ""))
		y, _ := strconv.Atoi(p.Find("circle").AttrOr("cy", ""))
		assert.True(t, x >= 0 && x <= 800 && y >= 0 && y <= 520, "pin inside the map: %d,%d", x, y)
	})
	assert.Zero(t, doc.Find(`[data-testid="hotel-card"]`).Length())
	assert.Equal(t, "map", doc.Find(`form[data-testid="filters"] input[name="view"]`).AttrOr("value", ""))
	assert.NotContains(t, rec.Body.String(), "<script>", "no script of its own")
}

func countMissing(doc *goquery.Document) int {
	if strings.Contains(doc.Find("figcaption").Text(), "want of a location") {
		m := regexp.MustCompile(`(\d+) hotel`).FindStringSubmatch(doc.Find("figcaption").Text())
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

func TestResultsRateLimited(t *testing.T) {
	t.Parallel()
	w := newResultsWorld(t, resultsWorldConfig{noWorkers: true, agg: aggregator.Config{RateLimit: 1}})
	rec := w.get(t, resultsStay(46, ""))
	require.Equal(t, http.StatusOK, rec.Code)
	rec = w.get(t, resultsStay(46, "sort=stars"))
	require.Equal(t, http.StatusOK, rec.Code, "the same search again is not a new one")

	rec = w.get(t, resultsStay(47, ""))
	require.Equal(t, http.StatusTooManyRequests, rec.Code)
	assert.Equal(t, "60", rec.Header().Get("Retry-After"))
	assert.Contains(t, rec.Body.String(), "<html", "a whole page")
	assert.Contains(t, rec.Body.String(), "Too many requests")

	rec = w.get(t, resultsStay(48, ""), "HX-Request", "true", "HX-Request-Type", "partial")
	require.Equal(t, http.StatusTooManyRequests, rec.Code)
	assert.NotContains(t, rec.Body.String(), "<html", "a fragment for htmx")
}
