package booking_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/booking"
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
