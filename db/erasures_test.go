package db_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/db"
	"lobang/db/dbtest"
)

// guestBooking is a paid booking with every personal field filled.
func guestBooking(id, ref, token, payment, email string) db.Booking {
	b := sampleBooking(id, ref, token)
	b.Status = "confirmed"
	str := func(s string) sql.NullString { return sql.NullString{String: s, Valid: true} }
	b.Title, b.FirstName, b.LastName, b.Email = str("Dr"), str("Ada"), str("Lovelace"), str(email)
	b.Phone, b.ArrivalTime, b.SpecialRequests = str("+65 6000 1111"), str("14:00"), str("Quiet room")
	b.BillingAddress, b.CardBrand, b.CardLast4 = str("12 Marina Way"), str("visa"), str("4242")
	b.SupplierReference, b.PaymentSessionID, b.PaymentID = str("BC-"+ref), str("cs_"+ref), str(payment)
	return b
}

func TestEraseBookingsOf(t *testing.T) {
	t.Parallel()
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a := guestBooking("a1000000000000000000000000000000", "LB-AAAAA1", "t1000000000000000000000000000001", "pay_a", "ada@example.com")
	b := guestBooking("b1000000000000000000000000000000", "LB-BBBBB1", "t1000000000000000000000000000002", "pay_b", "Ada@Example.com")
	other := guestBooking("c1000000000000000000000000000000", "LB-CCCCC1", "t1000000000000000000000000000003", "pay_c", "grace@example.com")
	for _, x := range []db.Booking{a, b, other} {
		require.NoError(t, db.InsertBooking(ctx, pool, x))
	}
	enqueue := func(booking, kind, to string) int64 {
		require.NoError(t, db.EnqueueOutbox(ctx, pool, db.OutboxMessage{BookingID: booking, Kind: kind, To: to,
			Subject: "Booking " + kind, Body: "Dear Ada Lovelace", NextAt: now, CreatedAt: now}))
		msgs, err := db.OutboxOf(ctx, pool, booking)
		require.NoError(t, err)
		return msgs[len(msgs)-1].ID
	}
	sent := enqueue(a.ID, "confirmation", "ada@example.com")
	m, ok, err := db.ClaimOutbox(ctx, pool, sent, now, now.Add(time.Minute))
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = db.MarkOutboxSent(ctx, pool, sent, m.Attempts, now)
	require.NoError(t, err)
	require.True(t, ok)
	enqueue(a.ID, "cancellation", "ada@example.com")
	enqueue(b.ID, "confirmation", "ada@example.com")
	otherMsg := enqueue(other.ID, "confirmation", "grace@example.com")

	var counts db.ErasedCounts
	require.NoError(t, db.WithTx(ctx, pool, func(tx *sql.Tx) error {
		locked, err := db.LockBookingsOf(ctx, tx, " ADA@example.com ")
		require.NoError(t, err)
		require.Len(t, locked, 2, "found without regard to case")
		counts, err = db.EraseBookingsOf(ctx, tx, "ada@example.com")
		return err
	}))
	assert.Equal(t, db.ErasedCounts{"bookings": 2, "outbox": 1, "outbox_deleted": 2}, counts)

	for _, want := range []db.Booking{a, b} {
		got, err := db.GetBooking(ctx, pool, want.ID)
		require.NoError(t, err)
		for name, f := range map[string]sql.NullString{"title": got.Title, "first name": got.FirstName,
			"last name": got.LastName, "email": got.Email, "phone": got.Phone, "arrival": got.ArrivalTime,
			"requests": got.SpecialRequests, "billing": got.BillingAddress, "card": got.CardLast4} {
			assert.False(t, f.Valid, "%s of %s erased", name, want.Reference)
		}
		assert.Equal(t, want.Reference, got.Reference)
		assert.Equal(t, want.ChargeAmount, got.ChargeAmount)
		assert.Equal(t, want.ChargeCurrency, got.ChargeCurrency)
		assert.Equal(t, want.NetAmount, got.NetAmount)
		assert.Equal(t, want.PaymentID, got.PaymentID)
		assert.Equal(t, want.SupplierReference, got.SupplierReference)
		assert.Equal(t, want.Status, got.Status)
	}
	got, err := db.GetBooking(ctx, pool, other.ID)
	require.NoError(t, err)
	assert.Equal(t, other, got, "another guest's booking is untouched")

	msgs, err := db.OutboxOf(ctx, pool, a.ID)
	require.NoError(t, err)
	require.Len(t, msgs, 1, "the unsent cancellation is deleted")
	assert.Equal(t, sent, msgs[0].ID, "the sent one is kept")
	assert.Empty(t, msgs[0].To)
	assert.Empty(t, msgs[0].Body)
	assert.Equal(t, db.OutboxSent, msgs[0].Status)
	msgs, err = db.OutboxOf(ctx, pool, b.ID)
	require.NoError(t, err)
	assert.Empty(t, msgs)
	kept, err := db.GetOutbox(ctx, pool, otherMsg)
	require.NoError(t, err)
	assert.Equal(t, "grace@example.com", kept.To)
	assert.Equal(t, "Dear Ada Lovelace", kept.Body, "another guest's email is untouched")

	require.NoError(t, db.WithTx(ctx, pool, func(tx *sql.Tx) error {
		counts, err = db.EraseBookingsOf(ctx, tx, "ada@example.com")
		return err
	}))
	assert.Equal(t, db.ErasedCounts{"bookings": 0, "outbox": 0, "outbox_deleted": 0}, counts, "nothing is left")
	_, err = db.EraseBookingsOf(ctx, pool, "  ")
	require.Error(t, err, "an empty address would match every erased email")
}

func TestRecordErasure(t *testing.T) {
	t.Parallel()
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	counts := db.ErasedCounts{"bookings": 2}
	counts.Add(db.ErasedCounts{"accounts": 1, "bookings": 1})
	assert.Equal(t, "accounts=1 bookings=3", counts.String())

	id, err := db.RecordErasure(ctx, pool, at, counts)
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9a-f]{32}$`, id)
	other, err := db.RecordErasure(ctx, pool, at, nil)
	require.NoError(t, err)
	assert.NotEqual(t, id, other, "each erasure has its own random id")

	e, err := db.GetErasure(ctx, pool, id)
	require.NoError(t, err)
	assert.Equal(t, counts, e.Counts)
	assert.True(t, at.Equal(e.ErasedAt))
	rows, err := pool.QueryContext(ctx, "SELECT * FROM erasures LIMIT 1")
	require.NoError(t, err)
	columns, err := rows.Columns()
	require.NoError(t, err)
	require.NoError(t, rows.Close())
	assert.Equal(t, []string{"id", "erased_at", "counts"}, columns, "nothing that says whose")
	_, err = db.GetErasure(ctx, pool, "0123456789abcdef0123456789abcdef")
	require.ErrorIs(t, err, db.ErrNotFound)
}
