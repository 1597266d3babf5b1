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

func sampleBooking(id, ref, token string) db.Booking {
	now := time.Now().UTC().Truncate(time.Microsecond)
	return db.Booking{ID: id, Reference: ref, Status: "quoted", HotelID: 7, Supplier: "bedcom", SupplierHotelID: "B1",
		OfferKey: "k", Offer: "{}", Query: "{}", ChargeAmount: 10_000, ChargeCurrency: "SGD", NetAmount: 6_000,
		NetCurrency: "EUR", FXRate: "1.5", MarginAmount: 1_000, QuoteExpiresAt: now.Add(15 * time.Minute),
		FormToken: token, CreatedAt: now, UpdatedAt: now}
}

func TestBookingStore(t *testing.T) {
	t.Parallel()
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	a := sampleBooking("a0000000000000000000000000000000", "LB-AAAAAA", "t0000000000000000000000000000001")
	require.NoError(t, db.InsertBooking(ctx, pool, a))

	got, err := db.GetBooking(ctx, pool, a.ID)
	require.NoError(t, err)
	assert.Equal(t, a, got)
	_, err = db.GetBooking(ctx, pool, "b0000000000000000000000000000000")
	require.ErrorIs(t, err, db.ErrNotFound)

	for name, dup := range map[string]db.Booking{
		"reference":  sampleBooking("c0000000000000000000000000000000", a.Reference, "t0000000000000000000000000000002"),
		"form token": sampleBooking("d0000000000000000000000000000000", "LB-BBBBBB", a.FormToken),
		"id":         sampleBooking(a.ID, "LB-CCCCCC", "t0000000000000000000000000000003"),
	} {
		require.ErrorIs(t, db.InsertBooking(ctx, pool, dup), db.ErrDuplicate, name)
	}

	b := sampleBooking("e0000000000000000000000000000000", "LB-DDDDDD", "t0000000000000000000000000000004")
	require.NoError(t, db.InsertBooking(ctx, pool, b))
	a.Status, a.PaymentID = "confirming", sql.NullString{String: "pay_1", Valid: true}
	a.Email = sql.NullString{String: "ada@example.com", Valid: true}
	require.NoError(t, db.UpdateBooking(ctx, pool, a))
	got, err = db.GetBooking(ctx, pool, a.ID)
	require.NoError(t, err)
	assert.Equal(t, a, got)
	b.PaymentID = a.PaymentID
	require.ErrorIs(t, db.UpdateBooking(ctx, pool, b), db.ErrDuplicate, "one booking per payment")

	ids, err := db.BookingIDsInStatus(ctx, pool, []string{"quoted"}, time.Time{}, 10)
	require.NoError(t, err)
	assert.Equal(t, []string{b.ID}, ids)
	ids, err = db.BookingIDsInStatus(ctx, pool, []string{"quoted", "confirming"}, time.Now(), 10)
	require.NoError(t, err)
	assert.Empty(t, ids, "no quote expired yet")

	for _, to := range []string{"details", "awaiting_payment"} {
		require.NoError(t, db.AddBookingEvent(ctx, pool, db.BookingEvent{BookingID: a.ID, At: time.Now(), From: "x", To: to, Cause: "test"}))
	}
	long := strings.Repeat("é", 600)
	require.NoError(t, db.AddBookingEvent(ctx, pool, db.BookingEvent{BookingID: b.ID, At: time.Now(), To: "quoted", Cause: long}))
	evs, err := db.BookingEvents(ctx, pool, b.ID)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, long[:1000], evs[0].Cause, "a long cause is cut at 500 characters")

	evs, err = db.BookingEvents(ctx, pool, a.ID)
	require.NoError(t, err)
	require.Len(t, evs, 2)
	assert.Equal(t, []int{1, 2}, []int{evs[0].Seq, evs[1].Seq})
	assert.Equal(t, "awaiting_payment", evs[1].To)
}

func TestWebhookEventsAndOutbox(t *testing.T) {
	t.Parallel()
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	fresh, err := db.RecordWebhookEvent(ctx, pool, "evt_1", "payment.authorized", time.Now())
	require.NoError(t, err)
	assert.True(t, fresh)
	fresh, err = db.RecordWebhookEvent(ctx, pool, "evt_1", "payment.authorized", time.Now())
	require.NoError(t, err)
	assert.True(t, fresh, "seen but not processed: act again")
	require.NoError(t, db.MarkWebhookProcessed(ctx, pool, "evt_1", time.Now()))
	fresh, err = db.RecordWebhookEvent(ctx, pool, "evt_1", "payment.authorized", time.Now())
	require.NoError(t, err)
	assert.False(t, fresh, "processed: skip")

	m := db.OutboxMessage{BookingID: "a0000000000000000000000000000000", Kind: "confirmation", To: "ada@example.com",
		Subject: "Booking confirmed", Body: "Hello", NextAt: time.Now(), CreatedAt: time.Now()}
	require.NoError(t, db.EnqueueOutbox(ctx, pool, m))
	require.ErrorIs(t, db.EnqueueOutbox(ctx, pool, m), db.ErrDuplicate, "one confirmation per booking")
	msgs, err := db.OutboxOf(ctx, pool, m.BookingID)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	assert.Equal(t, "pending", msgs[0].Status)
}
