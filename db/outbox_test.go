package db_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/db"
	"lobang/db/dbtest"
)

func enqueueTestMail(t *testing.T, pool db.DBTX, booking string, nextAt time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, db.EnqueueOutbox(ctx, pool, db.OutboxMessage{BookingID: booking, Kind: "confirmation",
		To: "ada@example.com", Subject: "Booking confirmed", Body: "Hello", NextAt: nextAt, CreatedAt: nextAt}))
	msgs, err := db.OutboxOf(ctx, pool, booking)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	return msgs[0].ID
}

func TestOutboxClaimAndFinish(t *testing.T) {
	t.Parallel()
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	lease := 5 * time.Minute

	early := enqueueTestMail(t, pool, "a0000000000000000000000000000000", now.Add(-time.Hour))
	due := enqueueTestMail(t, pool, "b0000000000000000000000000000000", now)
	later := enqueueTestMail(t, pool, "c0000000000000000000000000000000", now.Add(time.Minute))

	ids, err := db.DueOutboxIDs(ctx, pool, now, 10)
	require.NoError(t, err)
	assert.Equal(t, []int64{early, due}, ids, "due ones, longest waiting first")

	m, ok, err := db.ClaimOutbox(ctx, pool, early, now, now.Add(lease))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, db.OutboxSending, m.Status)
	assert.Equal(t, 1, m.Attempts)
	assert.True(t, m.NextAt.Equal(now.Add(lease)), "next_at is the lease: %v", m.NextAt)

	_, ok, err = db.ClaimOutbox(ctx, pool, early, now, now.Add(lease))
	require.NoError(t, err)
	assert.False(t, ok, "a leased message cannot be claimed twice")
	_, ok, err = db.ClaimOutbox(ctx, pool, later, now, now.Add(lease))
	require.NoError(t, err)
	assert.False(t, ok, "a message not yet due cannot be claimed")

	ids, err = db.DueOutboxIDs(ctx, pool, now, 10)
	require.NoError(t, err)
	assert.Equal(t, []int64{due}, ids)

	// The first claimant stalls: once the lease passed the message is due
	// again, and the stale claim can no longer finish it.
	afterLease := now.Add(lease)
	ids, err = db.DueOutboxIDs(ctx, pool, afterLease, 10)
	require.NoError(t, err)
	assert.Equal(t, []int64{due, later, early}, ids)
	m2, ok, err := db.ClaimOutbox(ctx, pool, early, afterLease, afterLease.Add(lease))
	require.NoError(t, err)
	require.True(t, ok, "a stuck sending message is claimed after its lease")
	assert.Equal(t, 2, m2.Attempts)
	ok, err = db.MarkOutboxSent(ctx, pool, early, m.Attempts, afterLease)
	require.NoError(t, err)
	assert.False(t, ok, "the stale claim lost the message")
	ok, err = db.MarkOutboxSent(ctx, pool, early, m2.Attempts, afterLease)
	require.NoError(t, err)
	assert.True(t, ok)
	got, err := db.GetOutbox(ctx, pool, early)
	require.NoError(t, err)
	assert.Equal(t, db.OutboxSent, got.Status)
	_, ok, err = db.ClaimOutbox(ctx, pool, early, afterLease.Add(time.Hour), afterLease.Add(2*time.Hour))
	require.NoError(t, err)
	assert.False(t, ok, "a sent message is never claimed again")

	m, ok, err = db.ClaimOutbox(ctx, pool, due, now, now.Add(lease))
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = db.RetryOutbox(ctx, pool, due, m.Attempts, now.Add(time.Minute))
	require.NoError(t, err)
	assert.True(t, ok)
	got, err = db.GetOutbox(ctx, pool, due)
	require.NoError(t, err)
	assert.Equal(t, db.OutboxPending, got.Status)
	assert.Equal(t, 1, got.Attempts)
	assert.True(t, got.NextAt.Equal(now.Add(time.Minute)))

	m, ok, err = db.ClaimOutbox(ctx, pool, later, now.Add(time.Minute), now.Add(lease))
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = db.FailOutbox(ctx, pool, later, m.Attempts, now.Add(time.Minute))
	require.NoError(t, err)
	assert.True(t, ok)

	failed, err := db.ListOutbox(ctx, pool, db.OutboxFailed, 10, 0)
	require.NoError(t, err)
	require.Len(t, failed, 1)
	assert.Equal(t, later, failed[0].ID)
	all, err := db.ListOutbox(ctx, pool, "", 2, 0)
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, []int64{later, due}, []int64{all[0].ID, all[1].ID}, "newest first")

	_, err = db.GetOutbox(ctx, pool, 999_999)
	require.ErrorIs(t, err, db.ErrNotFound)
}

func TestOutboxRequeue(t *testing.T) {
	t.Parallel()
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	id := enqueueTestMail(t, pool, "a0000000000000000000000000000000", now)

	m, ok, err := db.ClaimOutbox(ctx, pool, id, now, now.Add(time.Minute))
	require.NoError(t, err)
	require.True(t, ok)
	require.ErrorIs(t, db.RequeueOutbox(ctx, pool, id, now), db.ErrOutboxBusy, "a live lease is left alone")
	ok, err = db.FailOutbox(ctx, pool, id, m.Attempts, now)
	require.NoError(t, err)
	require.True(t, ok)

	resend := now.Add(time.Hour)
	require.NoError(t, db.RequeueOutbox(ctx, pool, id, resend))
	got, err := db.GetOutbox(ctx, pool, id)
	require.NoError(t, err)
	assert.Equal(t, db.OutboxPending, got.Status)
	assert.Equal(t, 0, got.Attempts)
	assert.True(t, got.NextAt.Equal(resend))
	require.NoError(t, db.RequeueOutbox(ctx, pool, id, resend), "requeueing a pending message changes nothing")

	ids, err := db.DueOutboxIDs(ctx, pool, resend, 10)
	require.NoError(t, err)
	assert.Equal(t, []int64{id}, ids)

	require.ErrorIs(t, db.RequeueOutbox(ctx, pool, 999_999, now), db.ErrNotFound)
}

// TestOutboxClaimIsExclusive lets several claimants race for the same due
// messages: each message goes to exactly one of them.
func TestOutboxClaimIsExclusive(t *testing.T) {
	t.Parallel()
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const messages, claimants = 8, 4
	for i := range messages {
		enqueueTestMail(t, pool, fmt.Sprintf("%032d", i), now)
	}
	ids, err := db.DueOutboxIDs(ctx, pool, now, 100)
	require.NoError(t, err)
	require.Len(t, ids, messages)

	var mu sync.Mutex
	claims := map[int64]int{}
	var wg sync.WaitGroup
	errs := make(chan error, claimants)
	for range claimants {
		wg.Go(func() {
			for _, id := range ids {
				_, ok, err := db.ClaimOutbox(ctx, pool, id, now, now.Add(time.Minute))
				if err != nil {
					errs <- err
					return
				}
				if ok {
					mu.Lock()
					claims[id]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Len(t, claims, messages)
	for id, n := range claims {
		assert.Equal(t, 1, n, "message %d claimed %d times", id, n)
	}
}
