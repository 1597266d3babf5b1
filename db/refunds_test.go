package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/db"
	"lobang/db/dbtest"
)

func TestRefunds(t *testing.T) {
	t.Parallel()
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a := guestBooking("a2000000000000000000000000000000", "LB-AAAAA2", "t2000000000000000000000000000001", "pay_a2", "a@example.com")
	b := guestBooking("b2000000000000000000000000000000", "LB-BBBBB2", "t2000000000000000000000000000002", "pay_b2", "b@example.com")
	for _, x := range []db.Booking{a, b} {
		require.NoError(t, db.InsertBooking(ctx, pool, x))
	}
	r := db.Refund{BookingID: a.ID, Reason: db.RefundCancellation, Amount: 8_000, Currency: "SGD", FeeAmount: 2_000,
		SupplierFeeAmount: 1_300, SupplierFeeCurrency: "EUR", Status: db.RefundPending, CreatedAt: now, UpdatedAt: now}
	require.NoError(t, db.InsertRefund(ctx, pool, r))
	require.ErrorIs(t, db.InsertRefund(ctx, pool, r), db.ErrDuplicate, "one refund per booking and reason")
	rb := r
	rb.BookingID, rb.Amount = b.ID, 5_000
	require.NoError(t, db.InsertRefund(ctx, pool, rb))
	other := r
	other.Reason = "goodwill"
	require.NoError(t, db.InsertRefund(ctx, pool, other), "another reason is another refund")

	got, err := db.GetRefund(ctx, pool, a.ID, db.RefundCancellation)
	require.NoError(t, err)
	assert.Equal(t, r, got)
	_, err = db.GetRefund(ctx, pool, b.ID, "goodwill")
	require.ErrorIs(t, err, db.ErrNotFound)

	ok, err := db.RecordRefundAttempt(ctx, pool, a.ID, db.RefundCancellation, db.RefundPending, "", "provider down", now.Add(time.Minute))
	require.NoError(t, err)
	assert.True(t, ok)
	pending, err := db.PendingRefunds(ctx, pool, db.RefundCancellation, 10)
	require.NoError(t, err)
	require.Len(t, pending, 2, "of the reason asked for")
	assert.Equal(t, b.ID, pending[0].BookingID, "least recently tried first")
	assert.Equal(t, 1, pending[1].Attempts)
	assert.Equal(t, "provider down", pending[1].LastError.String)

	ok, err = db.RecordRefundAttempt(ctx, pool, a.ID, db.RefundCancellation, db.RefundProcessing, "re_a", "", now.Add(2*time.Minute))
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = db.MarkRefundSucceeded(ctx, pool, "pay_a2", "re_a", 8_000, now.Add(3*time.Minute))
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = db.MarkRefundSucceeded(ctx, pool, "pay_a2", "re_a", 8_000, now.Add(4*time.Minute))
	require.NoError(t, err)
	assert.False(t, ok, "succeeded once")
	ok, err = db.RecordRefundAttempt(ctx, pool, a.ID, db.RefundCancellation, db.RefundPending, "", "late answer", now.Add(5*time.Minute))
	require.NoError(t, err)
	assert.False(t, ok, "a late attempt never undoes a success")
	got, err = db.GetRefund(ctx, pool, a.ID, db.RefundCancellation)
	require.NoError(t, err)
	assert.Equal(t, db.RefundSucceeded, got.Status)
	assert.Equal(t, "re_a", got.ProviderRefundID.String)
	assert.Equal(t, 2, got.Attempts)

	// The provider's answer to b's refund was lost: its webhook finds the
	// refund by payment and amount, and only of that amount.
	ok, err = db.MarkRefundSucceeded(ctx, pool, "pay_b2", "re_b", 4_999, now)
	require.NoError(t, err)
	assert.False(t, ok)
	ok, err = db.MarkRefundSucceeded(ctx, pool, "pay_b2", "re_b", 5_000, now)
	require.NoError(t, err)
	assert.True(t, ok)
	got, err = db.GetRefund(ctx, pool, b.ID, db.RefundCancellation)
	require.NoError(t, err)
	assert.Equal(t, db.RefundSucceeded, got.Status)
	assert.Equal(t, "re_b", got.ProviderRefundID.String)
	pending, err = db.PendingRefunds(ctx, pool, db.RefundCancellation, 10)
	require.NoError(t, err)
	assert.Empty(t, pending)
}
