package catalog_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator/catalog"
	"lobang/db"
	"lobang/db/dbtest"
	"lobang/suppliersim"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// zurich has every hard case and few enough hotels for the embedded server.
const zurich = "7OrW"

func TestSyncThroughRealParts(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	pool := dbtest.MySQL(t)
	cat := catalog.New(pool, w.sups, quietLog())
	ctx := context.Background()

	first, err := cat.SyncDestination(ctx, zurich)
	require.NoError(t, err)
	require.Empty(t, first.Failed)
	t.Logf("first sync: %+v", first)
	assert.Greater(t, first.Hotels, 20)
	assert.Equal(t, first.Hotels, first.New)
	assert.Positive(t, first.Queued, "the renamed hotel is doubtful")
	before, err := db.MappingsForDestination(ctx, pool, zurich)
	require.NoError(t, err)

	t.Run("idempotent", func(t *testing.T) {
		again, err := cat.SyncDestination(ctx, zurich)
		require.NoError(t, err)
		assert.Zero(t, again.New)
		assert.Zero(t, again.Updated)
		assert.Zero(t, again.Deactivated)
		assert.Equal(t, first.Hotels, again.Hotels)
		after, err := db.MappingsForDestination(ctx, pool, zurich)
		require.NoError(t, err)
		assert.Equal(t, before, after)
	})

	t.Run("listing and hotel", func(t *testing.T) {
		hs, total, err := db.HotelsByDestination(ctx, pool, zurich, "popular", 10, 0)
		require.NoError(t, err)
		assert.Equal(t, first.Hotels, total)
		require.Len(t, hs, 10)
		for i := 1; i < len(hs); i++ {
			assert.GreaterOrEqual(t, hs[i-1].ReviewCount, hs[i].ReviewCount)
		}
		h, err := db.GetHotel(ctx, pool, hs[0].ID)
		require.NoError(t, err)
		assert.Equal(t, "Europe/Zurich", h.TimeZone)
		assert.NotEmpty(t, h.Sources["name"])
		assert.NotEmpty(t, h.Slug)
		sups, err := db.HotelSuppliers(ctx, pool, h.ID)
		require.NoError(t, err)
		assert.Len(t, sups, len(h.Suppliers))
		_, err = db.GetHotel(ctx, pool, 1<<40)
		assert.ErrorIs(t, err, db.ErrNotFound)
		dests, err := db.DestinationsWithHotels(ctx, pool)
		require.NoError(t, err)
		require.Len(t, dests, 1)
		assert.Equal(t, first.Hotels, dests[0].Hotels)
	})

	t.Run("reviews for grey pairs", func(t *testing.T) {
		reviews, err := db.ReviewsForDestination(ctx, pool, zurich)
		require.NoError(t, err)
		require.NotEmpty(t, reviews)
		renamed := map[db.SupplierHotelKey]bool{}
		for _, h := range w.truth(t, zurich) {
			for _, c := range h.Cases {
				if c == "renamed" {
					for s, id := range h.Suppliers {
						renamed[key(s, id)] = true
					}
				}
			}
		}
		found := false
		for _, r := range reviews {
			assert.Equal(t, db.ReviewOpen, r.Status)
			assert.GreaterOrEqual(t, r.Score, catalog.ReviewThreshold)
			assert.Less(t, r.Score, catalog.MergeThreshold)
			found = found || (renamed[r.A] && renamed[r.B])
		}
		assert.True(t, found, "the renamed hotel's pair is queued for review")
	})

	t.Run("staff decisions survive a re-sync", func(t *testing.T) {
		reviews, err := db.ReviewsForDestination(ctx, pool, zurich)
		require.NoError(t, err)
		r := reviews[0]
		require.NoError(t, db.DecideReview(ctx, pool, zurich, r.A, r.B, db.ReviewMerged, "staff@lobang", time.Now()))
		// Pin one well-matched supplier hotel to a hotel of its own.
		var pinned db.SupplierHotelKey
		for k := range before {
			if k.Supplier == "bedcom" && k != r.A && k != r.B && (pinned.ID == "" || k.ID < pinned.ID) {
				pinned = k
			}
		}
		other, err := db.InsertHotel(ctx, pool, db.Hotel{DestinationUID: zurich, Name: "Staff hotel", Slug: "staff-hotel",
			ContentHash: "x", ContentUpdatedAt: time.Now(), CreatedAt: time.Now(), Active: true})
		require.NoError(t, err)
		require.NoError(t, db.SetStaffMapping(ctx, pool, zurich, pinned, other, time.Now()))

		for range 2 {
			_, err := cat.SyncDestination(ctx, zurich)
			require.NoError(t, err)
			m, err := db.MappingsForDestination(ctx, pool, zurich)
			require.NoError(t, err)
			assert.Equal(t, other, m[pinned], "staff mapping kept")
			assert.Equal(t, m[r.A], m[r.B], "merged review pair is one hotel")
			all, err := db.ReviewsForDestination(ctx, pool, zurich)
			require.NoError(t, err)
			for _, x := range all {
				if x.A == r.A && x.B == r.B {
					assert.Equal(t, db.ReviewMerged, x.Status)
				}
			}
		}
	})

	t.Run("failing supplier keeps its content", func(t *testing.T) {
		mBefore, err := db.MappingsForDestination(ctx, pool, zurich)
		require.NoError(t, err)
		require.NoError(t, w.sim.SetKnobs("wgl", suppliersim.Knobs{ErrorRate: 1}))
		defer func() { require.NoError(t, w.sim.SetKnobs("wgl", suppliersim.Knobs{})) }()
		rep, err := cat.SyncDestination(ctx, zurich)
		require.NoError(t, err)
		assert.Contains(t, rep.Failed, "wgl")
		assert.Zero(t, rep.New)
		assert.Zero(t, rep.Deactivated)
		assert.Positive(t, rep.Mapped["wgl"])
		mAfter, err := db.MappingsForDestination(ctx, pool, zurich)
		require.NoError(t, err)
		assert.Equal(t, mBefore, mAfter)
	})
}
