package booking_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/booking"
	"lobang/booking/payments"
	"lobang/db/dbtest"
)

// TestRacingAuthorizedBooksAndCapturesOnce has 32 callers (returns from the
// checkout, webhooks) race for one paid booking: exactly one of them books
// with the supplier and captures.
func TestRacingAuthorizedBooksAndCapturesOnce(t *testing.T) {
	dbtest.RequireReal(t)
	t.Parallel()
	e := newEnv(t, envOpts{webhook: true}) // the provider's webhook joins the race
	b, u := e.toPayment(t)
	status, _ := pay(t, u, "4242 4242 4242 4242")
	require.Equal(t, http.StatusSeeOther, status)

	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, 32)
	for i := range errs {
		wg.Go(func() {
			<-start
			ref := b.ID
			if i%2 == 1 {
				ref = b.PaymentSessionID.String
			}
			_, errs[i] = e.svc.Authorized(ctxT(t), ref)
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	got, err := e.svc.Get(ctxT(t), b.ID)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusConfirmed, got.Status)
	assert.EqualValues(t, 1, e.sim.Count("bedcom", "book"), "one supplier booking")
	assert.EqualValues(t, 1, e.sim.Count("pay", "payments_capture"), "one capture")
	assert.Equal(t, []string{"quoted", "details", "awaiting_payment", "confirming", "confirmed"}, e.statuses(t, b.ID))
	assert.Len(t, e.outbox(t, b.ID), 1)
}

// TestCustomersRaceForTheLastRooms has 12 paid customers race for a hotel
// with 5 rooms left: 5 bookings are confirmed and captured, the other 7 fail
// with their authorisations voided, and none is left half way.
func TestCustomersRaceForTheLastRooms(t *testing.T) {
	dbtest.RequireReal(t)
	t.Parallel()
	e := newEnv(t, envOpts{webhook: true})
	const customers, rooms = 12, 5
	ids := make([]string, customers)
	var so booking.StoredOffer
	for i := range ids {
		ids[i], so = e.offer(t)
	}
	for d := so.Query.Checkin; d.Before(so.Query.Checkout); d = d.AddDate(0, 0, 1) {
		require.NoError(t, e.sim.SetAllotment("bedcom", so.SupplierHotelID, d.Format(time.DateOnly), rooms))
	}

	bookings := make([]booking.Booking, customers)
	urls := make([]string, customers)
	errs := make([]error, customers)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			b, err := e.svc.Quote(ctxT(t), ids[i])
			if err == nil {
				b, err = e.svc.SaveDetails(ctxT(t), b.ID, b.FormToken, guest)
			}
			if err == nil {
				urls[i], err = e.svc.StartPayment(ctxT(t), b.ID, "https://lobang.test/r", "https://lobang.test/c")
			}
			bookings[i], errs[i] = b, err
		})
	}
	wg.Wait()
	for i := range ids {
		require.NoError(t, errs[i])
		status, _ := pay(t, urls[i], "4242 4242 4242 4242")
		require.Equal(t, http.StatusSeeOther, status)
	}
	for i := range ids {
		wg.Go(func() { _, errs[i] = e.svc.Authorized(ctxT(t), bookings[i].ID) })
	}
	wg.Wait()

	confirmed, failed := 0, 0
	refs := map[string]bool{}
	for i, b := range bookings {
		require.NoError(t, errs[i])
		got, err := e.svc.Get(ctxT(t), b.ID)
		require.NoError(t, err)
		s := e.payment(t, got)
		switch got.Status {
		case booking.StatusConfirmed:
			confirmed++
			assert.Equal(t, payments.PaymentCaptured, s.PaymentStatus)
			assert.False(t, refs[got.SupplierReference.String], "supplier references are distinct")
			refs[got.SupplierReference.String] = true
		case booking.StatusFailed:
			failed++
			assert.Equal(t, payments.PaymentVoided, s.PaymentStatus)
		default:
			t.Errorf("booking %s left in %s", got.Reference, got.Status)
		}
	}
	assert.Equal(t, rooms, confirmed, "every room sold once, none oversold")
	assert.Equal(t, customers-rooms, failed)
	assert.EqualValues(t, rooms, e.sim.Count("pay", "payments_capture"))
}
