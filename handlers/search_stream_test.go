package handlers

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator"
	"lobang/cachepolicy"
	"lobang/db"
)

// eventIDs are every event id of a search, in order.
func eventIDs(t testing.TB, agg *aggregator.Aggregator, sid string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ch, err := agg.Subscribe(ctx, sid, "")
	require.NoError(t, err)
	var ids []string
	for e := range ch {
		ids = append(ids, e.ID)
		if e.Type == aggregator.EventDone {
			break
		}
	}
	return ids
}

// messageCards parses the cards a stream message places and refreshes.
func messageCards(t testing.TB, data string) (placed, refreshed []int64) {
	t.Helper()
	// Parse as htmx does: the custom tags become templates.
	html := strings.NewReplacer("<hx-upsert", "<div data-upsert", "</hx-upsert>", "</div>",
		"<hx-partial", "<div data-partial", "</hx-partial>", "</div>").Replace(data)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	require.NoError(t, err)
	placed = cardIDs(t, doc.Find(`[data-upsert]`))
	doc.Find(`[hx-swap-oob]`).Each(func(_ int, s *goquery.Selection) {
		refreshed = append(refreshed, cardIDs(t, s.Parent())...)
	})
	return placed, refreshed
}

func TestResultsStream(t *testing.T) {
	t.Parallel()
	w := newResultsWorld(t, resultsWorldConfig{})
	sid := w.complete(t, 50)
	ids := eventIDs(t, w.agg, sid)
	require.GreaterOrEqual(t, len(ids), 5, "start, prices, three suppliers, done")
	base := "/search/" + sid + "/stream?currency=SGD"

	// From the page's first event: every later one, then the close event.
	rec := w.get(t, base+"&after="+ids[0])
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "text/event-stream", rec.Header().Get("Content-Type"))
	assert.Equal(t, cachepolicy.For(cachepolicy.Private).CacheControl, rec.Header().Get("Cache-Control"))
	evs, _ := readSSE(t, rec.Body)
	require.GreaterOrEqual(t, len(evs), 2)
	assert.Equal(t, "done", evs[len(evs)-1].Event, "the stream ends with the close event")
	msgs := evs[:len(evs)-1]
	var placed []int64
	prev := ids[0]
	for _, m := range msgs {
		assert.Contains(t, ids, m.ID, "message ids are event ids")
		assert.True(t, eventBefore(prev, m.ID), "ids increase: %s then %s", prev, m.ID)
		prev = m.ID
		assert.Contains(t, m.Data, `<hx-partial hx-target="#results-status">`)
		p, _ := messageCards(t, m.Data)
		placed = append(placed, p...)
	}
	assert.Contains(t, msgs[len(msgs)-1].Data, "3 of 3 suppliers")
	assert.Equal(t, ids[len(ids)-1], msgs[len(msgs)-1].ID)
	assert.NotEmpty(t, placed, "cards were placed")
	page := parse(t, w.get(t, resultsStay(50, "")))
	for _, id := range cardIDs(t, page.Selection) {
		assert.Contains(t, placed, id, "every card of the complete page was streamed")
	}

	// After a later event: only what came after it.
	mid := ids[len(ids)/2]
	evs, _ = readSSE(t, w.get(t, base+"&after="+mid).Body)
	require.NotEmpty(t, evs)
	assert.Equal(t, "done", evs[len(evs)-1].Event)
	for _, m := range evs[:len(evs)-1] {
		assert.True(t, eventBefore(mid, m.ID), "%s comes after %s", m.ID, mid)
	}

	// A reconnect: Last-Event-ID wins over after.
	evs, _ = readSSE(t, w.get(t, base+"&after="+ids[0], "Last-Event-ID", mid).Body)
	require.NotEmpty(t, evs)
	assert.Equal(t, "done", evs[len(evs)-1].Event)
	for _, m := range evs[:len(evs)-1] {
		assert.True(t, eventBefore(mid, m.ID), "resumed after %s, got %s", mid, m.ID)
	}

	// Nothing after the last event: only the close event.
	evs, _ = readSSE(t, w.get(t, base+"&after="+ids[len(ids)-1]).Body)
	require.Len(t, evs, 1)
	assert.Equal(t, "done", evs[0].Event)
}

func TestResultsStreamKeepsToTheFilters(t *testing.T) {
	t.Parallel()
	w := newResultsWorld(t, resultsWorldConfig{})
	sid := w.complete(t, 51)
	ids := eventIDs(t, w.agg, sid)
	rec := w.get(t, "/search/"+sid+"/stream?currency=SGD&stars=4&sort=review&after="+ids[0])
	require.Equal(t, http.StatusOK, rec.Code)
	evs, _ := readSSE(t, rec.Body)
	var sent []int64
	for _, m := range evs {
		p, r := messageCards(t, m.Data)
		sent = append(sent, p...)
		sent = append(sent, r...)
	}
	require.NotEmpty(t, sent)
	hotels, err := db.HotelsByIDs(context.Background(), w.pool, sent)
	require.NoError(t, err)
	for _, id := range sent {
		assert.Equal(t, 4, int(hotels[id].Stars), "hotel %d passes the filter", id)
	}
}

func TestResultsStreamBadInput(t *testing.T) {
	t.Parallel()
	w := newResultsWorld(t, resultsWorldConfig{noWorkers: true})
	sid := aggregator.SID(resultsQuery(52))
	for _, c := range []struct {
		target string
		header []string
		want   int
	}{
		{target: "/search/not-a-sid/stream", want: http.StatusBadRequest},
		{target: "/search/" + sid + "/stream?after=yesterday", want: http.StatusBadRequest},
		{target: "/search/" + sid + "/stream", header: []string{"Last-Event-ID", "<script>"}, want: http.StatusBadRequest},
		{target: "/search/" + sid + "/stream?sort=cheapest", want: http.StatusBadRequest},
		{target: "/search/" + sid + "/stream", want: http.StatusNotFound}, // never started
	} {
		rec := w.get(t, c.target, c.header...)
		assert.Equal(t, c.want, rec.Code, c.target)
		assert.NotEqual(t, "text/event-stream", rec.Header().Get("Content-Type"))
	}
}

// TestResultsStreamLive follows a search that does not progress: the
// headers arrive at once, and draining the instance ends the stream without
// the close event, so the browser reconnects elsewhere.
func TestResultsStreamLive(t *testing.T) {
	t.Parallel()
	w := newResultsWorld(t, resultsWorldConfig{noWorkers: true})
	srv := httptest.NewServer(w.app)
	t.Cleanup(srv.Close)
	page := parse(t, w.get(t, resultsStay(53, "")))
	stream := page.Find(`[data-testid="results-live"]`).AttrOr("hx-sse:connect", "")
	require.NotEmpty(t, stream)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+stream, nil)
	require.NoError(t, err)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Less(t, time.Since(start), time.Second, "headers are flushed at once")
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))

	time.AfterFunc(200*time.Millisecond, w.h.Drain)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err, "the stream ends cleanly")
	assert.NotContains(t, string(body), "event: done", "no close event when draining")
}

func TestSSEMessage(t *testing.T) {
	t.Parallel()
	got := string(sseMessage("1-2", []byte("<p>a</p>\n<p>b</p>")))
	assert.Equal(t, "id: 1-2\ndata: <p>a</p>\ndata: <p>b</p>\n\n", got)
}

func TestBetterPrices(t *testing.T) {
	t.Parallel()
	// Ranks 0..4 are hotels 10..14; 12 and 10 changed after the page was
	// rendered, in that order. The list as shown: 11, 13, 14 (unchanged),
	// then 12, then 10: both changed ones sit below a card they beat.
	rk := ranking{rank: map[int64]int{}}
	for i := range 5 {
		id := int64(10 + i)
		rk.hotels = append(rk.hotels, aggregator.HotelResult{HotelID: id})
		rk.rank[id] = i
	}
	assert.Equal(t, 2, betterPrices(rk, 0, []int64{12, 10}))
	assert.Equal(t, 0, betterPrices(rk, 0, []int64{14}), "the last one changed: still in order")
	assert.Equal(t, 0, betterPrices(rk, 0, nil))
	assert.Equal(t, 1, betterPrices(rk, 0, []int64{14, 13}), "13 was appended below 14")
}
