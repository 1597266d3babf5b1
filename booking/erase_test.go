package booking_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/booking"
	"lobang/db"
	"lobang/db/dbtest"
)

// traces counts, per table and column, the rows of every text column of
// the test's database that contain any of values.
func (e *env) traces(t *testing.T, values ...string) map[string]int {
	t.Helper()
	rows, err := e.pool.QueryContext(ctxT(t), `SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS
		WHERE TABLE_SCHEMA = DATABASE()
		AND DATA_TYPE IN ('char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'json', 'enum', 'set')`)
	require.NoError(t, err)
	type column struct{ table, name string }
	var cols []column
	for rows.Next() {
		var c column
		require.NoError(t, rows.Scan(&c.table, &c.name))
		cols = append(cols, c)
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	require.Greater(t, len(cols), 20, "the scan sees the schema")
	found := map[string]int{}
	for _, c := range cols {
		for _, v := range values {
			var n int
			require.NoError(t, e.pool.QueryRowContext(ctxT(t), fmt.Sprintf(
				"SELECT COUNT(*) FROM `%s` WHERE LOWER(`%s`) LIKE ?", c.table, c.name),
				"%"+strings.ToLower(v)+"%").Scan(&n))
			if n > 0 {
				found[c.table+"."+c.name+" has "+v] += n
			}
		}
	}
	return found
}

// ledger is what accounting needs of some bookings: their charges,
// references, and the refunds and fees of their cancellations.
func (e *env) ledger(t *testing.T, ids ...string) []string {
	t.Helper()
	var out []string
	for _, id := range ids {
		b, err := e.svc.Get(ctxT(t), id)
		require.NoError(t, err)
		line := fmt.Sprintf("%s %s %s %d %s net %d %s pay %s", b.ID, b.Reference, b.Status, b.ChargeAmount,
			b.ChargeCurrency, b.NetAmount, b.NetCurrency, b.PaymentID.String)
		if r, err := e.svc.RefundOf(ctxT(t), id); err == nil {
			line += fmt.Sprintf(" refund %d fee %d %s %s", r.Amount, r.FeeAmount, r.Currency, r.Status)
		}
		out = append(out, line)
	}
	return out
}

func TestEraseGuest(t *testing.T) {
	// Scanning information_schema on the embedded server disturbs the
	// sessions of tests running beside it.
	dbtest.RequireReal(t)
	t.Parallel()
	e := newEnv(t, envOpts{})
	tag := randomID(t)[:8]
	person := booking.Details{Title: "Mx", FirstName: "Zephyrine", LastName: "Quillfeather", Email: "zq." + tag + "@example.com",
		Phone: "+65 6999 4321", ArrivalTime: "21:45", SpecialRequests: "Oat milk " + tag,
		BillingAddress: "77 Bukit Timah Rd " + tag}
	cancelled := e.bookedWith(t, freeUntilAhead, person, 42)
	upcoming := e.bookedWith(t, freeUntilAhead, person, 42)
	someoneElse := e.bookedWith(t, freeUntilAhead, guest, 42)
	q, err := e.svc.CancellationQuote(ctxT(t), cancelled.ID)
	require.NoError(t, err)
	_, err = e.svc.Cancel(ctxT(t), cancelled.ID, q.Token)
	require.NoError(t, err)
	personal := []string{person.FirstName, person.LastName, person.Email, person.Phone, person.SpecialRequests,
		person.BillingAddress}
	require.NotEmpty(t, e.traces(t, personal...), "the scan finds the person before the erasure")

	_, err = e.svc.EraseGuest(ctxT(t), strings.ToUpper(person.Email))
	require.ErrorIs(t, err, booking.ErrUpcomingBookings)
	var ue *booking.UpcomingBookingsError
	require.ErrorAs(t, err, &ue)
	require.Len(t, ue.Bookings, 1, "the cancelled booking is not to come")
	assert.Equal(t, upcoming.Reference, ue.Bookings[0].Reference)
	assert.Equal(t, stay().Checkout, ue.Bookings[0].Checkout)
	assert.Contains(t, err.Error(), upcoming.Reference)
	got, err := e.svc.Get(ctxT(t), upcoming.ID)
	require.NoError(t, err)
	assert.Equal(t, person.Email, got.Email.String, "nothing is erased while a stay is to come")

	// The stay is over the day after check-out.
	e.clockAt(stay().Checkout.Add(25 * time.Hour))
	before := e.ledger(t, cancelled.ID, upcoming.ID)
	erasure, err := e.svc.EraseGuest(ctxT(t), person.Email)
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9a-f]{32}$`, erasure.ID)
	assert.Equal(t, db.ErasedCounts{"bookings": 2, "outbox": 0, "outbox_deleted": 3}, erasure.Counts,
		"two bookings; two confirmations and a cancellation email, none sent")

	assert.Empty(t, e.traces(t, personal...), "no table holds the person's data")
	assert.Equal(t, before, e.ledger(t, cancelled.ID, upcoming.ID), "amounts, references and refunds stay")
	kept, err := e.svc.Get(ctxT(t), someoneElse.ID)
	require.NoError(t, err)
	assert.Equal(t, guest.Email, kept.Email.String, "another guest's booking is untouched")
	assert.Len(t, e.outbox(t, someoneElse.ID), 1)
	recorded, err := db.GetErasure(ctxT(t), e.pool, erasure.ID)
	require.NoError(t, err)
	assert.Equal(t, erasure.Counts, recorded.Counts)

	again, err := e.svc.EraseGuest(ctxT(t), person.Email)
	require.NoError(t, err, "erasing again finds nothing")
	assert.Equal(t, db.ErasedCounts{"bookings": 0, "outbox": 0, "outbox_deleted": 0}, again.Counts)
	assert.NotEqual(t, erasure.ID, again.ID)
}

func TestEraseGuestKeepsSentEmailsWithoutTheirAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	person := guest
	person.Email = "kept." + randomID(t)[:8] + "@example.com"
	b := e.bookedWith(t, nonRefundable, person, 42)
	msgs := e.outbox(t, b.ID)
	require.Len(t, msgs, 1)
	now := time.Now().UTC()
	m, ok, err := db.ClaimOutbox(ctxT(t), e.pool, msgs[0].ID, now, now.Add(time.Minute))
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = db.MarkOutboxSent(ctxT(t), e.pool, m.ID, m.Attempts, now)
	require.NoError(t, err)
	require.True(t, ok)
	q, err := e.svc.CancellationQuote(ctxT(t), b.ID)
	require.NoError(t, err)
	_, err = e.svc.Cancel(ctxT(t), b.ID, q.Token)
	require.NoError(t, err)

	erasure, err := e.svc.EraseGuest(ctxT(t), person.Email)
	require.NoError(t, err)
	assert.Equal(t, db.ErasedCounts{"bookings": 1, "outbox": 1, "outbox_deleted": 1}, erasure.Counts)
	msgs = e.outbox(t, b.ID)
	require.Len(t, msgs, 1, "the sent confirmation stays; the unsent cancellation email goes")
	assert.Equal(t, "confirmation", msgs[0].Kind)
	assert.Equal(t, db.OutboxSent, msgs[0].Status)
	assert.Empty(t, msgs[0].To)
	assert.Empty(t, msgs[0].Body)
	assert.Contains(t, msgs[0].Subject, b.Reference, "the subject names only the reference")
	var left int
	require.NoError(t, e.pool.QueryRowContext(ctxT(t), "SELECT COUNT(*) FROM bookings WHERE email = ?",
		person.Email).Scan(&left))
	assert.Zero(t, left)
}
