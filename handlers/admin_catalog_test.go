package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/admin"
	"lobang/db"
	"lobang/db/dbtest"
)

// TestCatalogReviewDecisions: a manager merges a doubtful pair from the
// queue: at once the two are one hotel (the other hotel's page is withdrawn
// from indexing and a new search has one result for both), and a catalog
// sync keeps it; splitting the pair again makes two hotels in pages and
// search results, which a sync keeps too. Agents cannot decide; every
// decision has exactly one audit entry.
func TestCatalogReviewDecisions(t *testing.T) {
	dbtest.RequireReal(t)
	w := newResultsWorld(t, resultsWorldConfig{})
	s := newStaffWorld(t, w.pool, nil, AdminConfig{})
	s.h.AttachSearch(w.agg, w.h.cat)
	ctx := context.Background()

	reviews, err := db.ReviewsForDestination(ctx, w.pool, resultsDest)
	require.NoError(t, err)
	require.NotEmpty(t, reviews, "Zürich's catalog has doubtful pairs")
	rv := reviews[0]
	require.Equal(t, db.ReviewOpen, rv.Status)
	hotelOf := func() (int64, int64) {
		t.Helper()
		m, err := db.MappingsForDestination(ctx, w.pool, resultsDest)
		require.NoError(t, err)
		return m[rv.A], m[rv.B]
	}
	a0, b0 := hotelOf()
	require.NotZero(t, a0)
	require.NotZero(t, b0)
	require.NotEqual(t, a0, b0, "an open review is two hotels")

	page := func(id int64) answer {
		t.Helper()
		b := s.browser(t)
		b.c.CheckRedirect = nil // follow /hotels/{id} to its canonical URL
		p := b.get("/hotels/" + strconv.FormatInt(id, 10))
		require.Equal(t, http.StatusOK, p.status)
		return p
	}
	indexed := func(id int64) bool {
		return !strings.Contains(page(id).doc.Find(`meta[name="robots"]`).AttrOr("content", ""), "noindex")
	}
	require.True(t, indexed(a0))
	require.True(t, indexed(b0)) // both pages are now in the page cache
	days := 60
	results := func() map[int64]bool {
		t.Helper()
		days++ // a new search each time
		sid := w.complete(t, days)
		snap, err := w.agg.Snapshot(ctx, sid)
		require.NoError(t, err)
		out := map[int64]bool{}
		for _, hr := range snap.Hotels {
			out[hr.HotelID] = true
		}
		return out
	}

	agent := s.signedIn(t, s.enrol(t, "agent@lobang.test", admin.Agent))
	assert.Equal(t, http.StatusForbidden, agent.get("/admin/catalog").status)
	manager := s.signedIn(t, s.enrol(t, "manager@lobang.test", admin.Manager))
	q := manager.get("/admin/catalog")
	require.Equal(t, http.StatusOK, q.status, q.body)
	link := q.doc.Find(`a[data-testid="review-link"]`).FilterFunction(func(_ int, l *goquery.Selection) bool {
		return l.AttrOr("href", "") == reviewHref("/admin/catalog/review", rv)
	})
	require.Equal(t, 1, link.Length(), "the pair is in the queue")
	rp := manager.get(link.AttrOr("href", ""))
	require.Equal(t, http.StatusOK, rp.status, rp.body)
	assert.NotEmpty(t, rp.doc.Find(`[data-testid="side-A"] [data-testid="side-name"]`).Text())
	assert.NotEmpty(t, rp.doc.Find(`[data-testid="side-B"] [data-testid="side-name"]`).Text())
	assert.Equal(t, 2, rp.doc.Find(`svg[data-testid="review-map"] circle`).Length(), "both points on the map")
	assert.Contains(t, rp.doc.Find(`[data-testid="review-distance"]`).Text(), " m")

	decide := func(action string) {
		t.Helper()
		assert.Equal(t, http.StatusForbidden, agent.post(reviewHref("/admin/catalog/review/"+action, rv), url.Values{}).status)
		a := manager.confirm(reviewHref("/admin/catalog/review/"+action, rv), nil)
		require.Equal(t, http.StatusSeeOther, a.status, a.body)
	}
	object := rv.DestinationUID + "|" + keyText(rv.A) + "|" + keyText(rv.B)

	decide("merge")
	assert.Equal(t, 1, s.auditCount(t, "catalog.merge", object))
	a1, b1 := hotelOf()
	require.Equal(t, a1, b1, "merged: one hotel")
	loser := a0
	if a1 == a0 {
		loser = b0
	}
	assert.False(t, indexed(loser), "the absorbed hotel's page is withdrawn at once")
	assert.True(t, indexed(a1))
	found := results()
	assert.True(t, found[a1], "the merged hotel is in new results")
	assert.False(t, found[loser], "the absorbed hotel is not")

	_, err = w.h.cat.SyncDestination(ctx, resultsDest)
	require.NoError(t, err)
	a2, b2 := hotelOf()
	assert.Equal(t, a2, b2, "a sync keeps the merge")
	assert.Equal(t, a1, a2)

	decide("split")
	assert.Equal(t, 1, s.auditCount(t, "catalog.split", object))
	a3, b3 := hotelOf()
	require.NotEqual(t, a3, b3, "split: two hotels")
	assert.True(t, indexed(a3))
	assert.True(t, indexed(b3))
	found = results()
	assert.True(t, found[a3] && found[b3], "both hotels are in new results")

	_, err = w.h.cat.SyncDestination(ctx, resultsDest)
	require.NoError(t, err)
	a4, b4 := hotelOf()
	assert.Equal(t, []int64{a3, b3}, []int64{a4, b4}, "a sync keeps the split")
	rows, err := db.ReviewsForDestination(ctx, w.pool, resultsDest)
	require.NoError(t, err)
	for _, r := range rows {
		if r.A == rv.A && r.B == rv.B {
			assert.Equal(t, db.ReviewRejected, r.Status)
			assert.Equal(t, "manager@lobang.test", r.DecidedBy)
		}
	}
}
