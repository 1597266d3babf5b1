package db_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/db"
	"lobang/db/dbtest"
)

func TestBookingChecks(t *testing.T) {
	t.Parallel()
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	mk := func(id, ref, token, status, supplier string) db.Booking {
		b := sampleBooking(id, ref, token)
		b.Status, b.Supplier = status, supplier
		require.NoError(t, db.InsertBooking(ctx, pool, b))
		return b
	}
	a := mk("a0000000000000000000000000000000", "LB-AAAAAA", "t0000000000000000000000000000001", "confirmed", "bedcom")
	b := mk("b0000000000000000000000000000000", "LB-BBBBBB", "t0000000000000000000000000000002", "confirmed", "bedcom")
	mk("c0000000000000000000000000000000", "LB-CCCCCC", "t0000000000000000000000000000003", "quoted", "bedcom")
	mk("d0000000000000000000000000000000", "LB-DDDDDD", "t0000000000000000000000000000004", "confirmed", "wgl")

	due, err := db.DueBookingChecks(ctx, pool, "confirmed", "bedcom", now, 10)
	require.NoError(t, err)
	assert.Equal(t, []string{a.ID, b.ID}, due, "never checked: due at once; one supplier, one status")

	until := now.Add(3 * time.Minute)
	ok, err := db.ClaimBookingCheck(ctx, pool, a.ID, "confirmed", now, until)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = db.ClaimBookingCheck(ctx, pool, a.ID, "confirmed", now, until.Add(time.Second))
	require.NoError(t, err)
	assert.False(t, ok, "claimed already")
	ok, err = db.ClaimBookingCheck(ctx, pool, "c0000000000000000000000000000000", "confirmed", now, until)
	require.NoError(t, err)
	assert.False(t, ok, "not confirmed")
	due, err = db.DueBookingChecks(ctx, pool, "confirmed", "bedcom", now, 10)
	require.NoError(t, err)
	assert.Equal(t, []string{b.ID}, due)

	checked := sql.NullTime{Time: now, Valid: true}
	require.NoError(t, db.FinishBookingCheck(ctx, pool, a.ID, until.Add(time.Second), checked, now.Add(time.Hour)))
	c, err := db.GetBookingCheck(ctx, pool, a.ID)
	require.NoError(t, err)
	assert.False(t, c.CheckedAt.Valid, "another claim's finish writes nothing")
	assert.Equal(t, until, c.NextCheckAt.Time)

	require.NoError(t, db.FinishBookingCheck(ctx, pool, a.ID, until, checked, now.Add(time.Hour)))
	c, err = db.GetBookingCheck(ctx, pool, a.ID)
	require.NoError(t, err)
	assert.Equal(t, now, c.CheckedAt.Time)
	assert.Equal(t, now.Add(time.Hour), c.NextCheckAt.Time)
	due, err = db.DueBookingChecks(ctx, pool, "confirmed", "bedcom", now.Add(2*time.Hour), 10)
	require.NoError(t, err)
	assert.Equal(t, []string{b.ID, a.ID}, due, "never checked before checked")
	due, err = db.DueBookingChecks(ctx, pool, "confirmed", "bedcom", now.Add(2*time.Hour), 1)
	require.NoError(t, err)
	assert.Equal(t, []string{b.ID}, due, "bounded")

	flagged, err := db.FlaggedBookings(ctx, pool, 10)
	require.NoError(t, err)
	assert.Empty(t, flagged)
	long := strings.Repeat("é", 600)
	require.NoError(t, db.FlagBooking(ctx, pool, a.ID, "mismatch", long, now))
	require.NoError(t, db.FlagBooking(ctx, pool, b.ID, "supplier_cancelled", "cancelled at bedcom", now.Add(time.Second)))
	flagged, err = db.FlaggedBookings(ctx, pool, 10)
	require.NoError(t, err)
	require.Len(t, flagged, 2)
	assert.Equal(t, b.ID, flagged[0].ID, "latest flag first")
	assert.Equal(t, "supplier_cancelled", flagged[0].Check.Flag.String)
	assert.Equal(t, a.Reference, flagged[1].Reference)
	assert.Equal(t, long[:1000], flagged[1].Check.FlagDetail.String, "a long detail is cut at 500 characters")
	assert.Equal(t, now, flagged[1].Check.CheckedAt.Time)
	flagged, err = db.FlaggedBookings(ctx, pool, 1)
	require.NoError(t, err)
	assert.Len(t, flagged, 1)

	_, err = db.GetBookingCheck(ctx, pool, "e0000000000000000000000000000000")
	require.ErrorIs(t, err, db.ErrNotFound)
}
