package booking_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator/suppliers"
	"lobang/booking"
	"lobang/booking/payments"
	"lobang/fx"
	"lobang/suppliersim"
)

func TestHappyPathToConfirmed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	id, so := e.offer(t)
	b, err := e.svc.Quote(ctxT(t), id)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusQuoted, b.Status)
	assert.Regexp(t, `^LB-[2-9A-HJ-NP-Z]{6}$`, b.Reference)
	assert.Len(t, b.ID, 32)
	assert.Equal(t, "SGD", b.ChargeCurrency)
	assert.Equal(t, "EUR", b.NetCurrency)
	assert.Positive(t, b.ChargeAmount)
	assert.NotEmpty(t, b.FXRate)
	assert.NotEqual(t, "1", b.FXRate)
	assert.Equal(t, so.Offer.Net.Amount, b.NetAmount, "bedcom states its net price")
	assert.Positive(t, b.MarginAmount, "we sell above the supplier's net")
	assert.Less(t, b.MarginAmount, b.ChargeAmount)
	assert.WithinDuration(t, b.CreatedAt.Add(15*time.Minute), b.QuoteExpiresAt, time.Second)

	_, err = e.svc.SaveDetails(ctxT(t), b.ID, b.FormToken, booking.Details{Email: "not-an-email", Phone: "call me"})
	var verr *booking.ValidationError
	require.ErrorAs(t, err, &verr)
	for _, f := range []string{"first_name", "last_name", "email", "phone", "billing_address"} {
		assert.NotEmpty(t, verr.Fields[f], f)
	}
	_, err = e.svc.SaveDetails(ctxT(t), b.ID, "0123456789abcdef0123456789abcdef", guest)
	require.ErrorIs(t, err, booking.ErrBadToken)

	b, err = e.svc.SaveDetails(ctxT(t), b.ID, b.FormToken, guest)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusDetails, b.Status)
	assert.Equal(t, "siti@example.com", b.Email.String)

	ret := "https://lobang.test/bookings/" + b.ID + "/return"
	u1, err := e.svc.StartPayment(ctxT(t), b.ID, ret, "https://lobang.test/bookings/"+b.ID)
	require.NoError(t, err)
	u2, err := e.svc.StartPayment(ctxT(t), b.ID, ret, "https://lobang.test/bookings/"+b.ID)
	require.NoError(t, err)
	assert.Equal(t, u1, u2, "one checkout session per booking")
	b, err = e.svc.Get(ctxT(t), b.ID)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusAwaitingPayment, b.Status)
	assert.Equal(t, b.ChargeAmount, e.payment(t, b).Amount.Amount, "the provider authorises the quoted charge")

	_, err = e.svc.Authorized(ctxT(t), b.PaymentSessionID.String)
	require.ErrorIs(t, err, booking.ErrNotPaid, "returning before paying changes nothing")

	status, loc := pay(t, u1, "4242 4242 4242 4242")
	require.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, ret+"?session_id="+b.PaymentSessionID.String, loc)

	b, err = e.svc.Authorized(ctxT(t), b.PaymentSessionID.String)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusConfirmed, b.Status)
	assert.NotEmpty(t, b.SupplierReference.String)
	assert.Equal(t, "visa", b.CardBrand.String)
	assert.Equal(t, "4242", b.CardLast4.String)
	assert.False(t, b.WorkUntil.Valid, "the lease is given back")

	again, err := e.svc.Authorized(ctxT(t), b.ID)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusConfirmed, again.Status)
	assert.Equal(t, []string{"quoted", "details", "awaiting_payment", "confirming", "confirmed"}, e.statuses(t, b.ID))

	sb, err := e.sup.Retrieve(ctxT(t), b.Reference)
	require.NoError(t, err)
	assert.Equal(t, suppliers.StatusConfirmed, sb.Status)
	assert.Equal(t, b.SupplierReference.String, sb.SupplierReference)
	assert.EqualValues(t, 1, e.sim.Count("bedcom", "book"))
	s := e.payment(t, b)
	assert.Equal(t, payments.PaymentCaptured, s.PaymentStatus)
	assert.EqualValues(t, 1, e.sim.Count("pay", "payments_capture"))

	msgs := e.outbox(t, b.ID)
	require.Len(t, msgs, 1)
	assert.Equal(t, "siti@example.com", msgs[0].To)
	assert.Contains(t, msgs[0].Subject, b.Reference)
	assert.Contains(t, msgs[0].Body, "Visa ending 4242")
	assert.NotContains(t, msgs[0].Body, "4242 4242", "no card number")

	_, err = e.svc.Get(ctxT(t), strings.Repeat("ab", 16))
	require.ErrorIs(t, err, booking.ErrNotFound)
	_, err = e.svc.Get(ctxT(t), "../etc")
	require.ErrorIs(t, err, booking.ErrNotFound)
}

func TestDeclineThenSuccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	b, u := e.toPayment(t)
	status, _ := pay(t, u, "4000 0000 0000 0002")
	require.Equal(t, http.StatusPaymentRequired, status)
	got, err := e.svc.Authorized(ctxT(t), b.PaymentSessionID.String)
	require.ErrorIs(t, err, booking.ErrNotPaid)
	assert.Equal(t, booking.StatusAwaitingPayment, got.Status)

	status, _ = pay(t, u, "5555 5555 5555 4444")
	require.Equal(t, http.StatusSeeOther, status)
	got, err = e.svc.Authorized(ctxT(t), b.ID)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusConfirmed, got.Status)
	assert.Equal(t, "4444", got.CardLast4.String)
}

func TestPriceChanged(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	id, _ := e.offer(t)
	refusedID, _ := e.offer(t)
	require.NoError(t, e.sim.SetKnobs("bedcom", suppliersim.Knobs{PriceDrift: 0.05}))

	b, err := e.svc.Quote(ctxT(t), id)
	require.ErrorIs(t, err, booking.ErrPriceChanged)
	r, err := e.svc.Quote(ctxT(t), refusedID)
	require.ErrorIs(t, err, booking.ErrPriceChanged)
	assert.Equal(t, booking.StatusPriceChanged, b.Status)
	assert.Positive(t, b.PreviousChargeAmount)
	assert.Greater(t, b.ChargeAmount, b.PreviousChargeAmount, "old and new are both kept")
	_, err = e.svc.SaveDetails(ctxT(t), b.ID, b.FormToken, guest)
	require.ErrorIs(t, err, booking.ErrNotAllowed, "no details before the new price is accepted")

	t.Run("accepted", func(t *testing.T) {
		got, err := e.svc.AcceptPrice(ctxT(t), b.ID)
		require.NoError(t, err)
		assert.Equal(t, booking.StatusQuoted, got.Status)
		_, err = e.svc.SaveDetails(ctxT(t), b.ID, b.FormToken, guest)
		require.NoError(t, err)
		u, err := e.svc.StartPayment(ctxT(t), b.ID, "https://lobang.test/r", "https://lobang.test/c")
		require.NoError(t, err)
		status, _ := pay(t, u, "4242 4242 4242 4242")
		require.Equal(t, http.StatusSeeOther, status)
		got, err = e.svc.Authorized(ctxT(t), b.ID)
		require.NoError(t, err)
		assert.Equal(t, booking.StatusConfirmed, got.Status, "booked at the accepted price")
		assert.Equal(t, b.ChargeAmount, e.payment(t, got).Amount.Amount)
	})
	t.Run("refused", func(t *testing.T) {
		got, err := e.svc.DeclinePrice(ctxT(t), r.ID)
		require.NoError(t, err)
		assert.Equal(t, booking.StatusExpired, got.Status)
		_, err = e.svc.AcceptPrice(ctxT(t), r.ID)
		require.ErrorIs(t, err, booking.ErrQuoteExpired)
		assert.Equal(t, []string{"price_changed", "expired"}, e.statuses(t, r.ID))
	})
}

func TestSoldOutAtRecheck(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	id, so := e.offer(t)
	for d := so.Query.Checkin; d.Before(so.Query.Checkout); d = d.AddDate(0, 0, 1) {
		require.NoError(t, e.sim.SetAllotment("bedcom", so.SupplierHotelID, d.Format(time.DateOnly), 0))
	}
	_, err := e.svc.Quote(ctxT(t), id)
	require.ErrorIs(t, err, booking.ErrSoldOut)
	var n int
	require.NoError(t, e.pool.QueryRow("SELECT COUNT(*) FROM bookings").Scan(&n))
	assert.Zero(t, n, "no booking for a sold-out room")

	_, err = e.svc.Quote(ctxT(t), randomID(t))
	require.ErrorIs(t, err, booking.ErrOfferExpired)
}

func TestSupplierRefusalVoidsThePayment(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	b, u := e.toPayment(t)
	status, _ := pay(t, u, "4242 4242 4242 4242")
	require.Equal(t, http.StatusSeeOther, status)
	require.NoError(t, e.sim.SetKnobs("bedcom", suppliersim.Knobs{SoldOutRate: 1}))
	got, err := e.svc.Authorized(ctxT(t), b.ID)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusFailed, got.Status)
	assert.Equal(t, payments.PaymentVoided, e.payment(t, got).PaymentStatus)
	assert.Empty(t, e.outbox(t, b.ID))
	assert.Equal(t, []string{"quoted", "details", "awaiting_payment", "confirming", "failed"}, e.statuses(t, b.ID))
}

func TestSupplierTimeoutResolvedByReconcile(t *testing.T) {
	t.Parallel()
	t.Run("no answer in time", func(t *testing.T) {
		t.Parallel()
		logs := &syncBuffer{}
		e := newEnv(t, envOpts{cfg: booking.Config{CallTimeout: 500 * time.Millisecond}, log: logs})
		b, u := e.toPayment(t)
		status, _ := pay(t, u, "4242 4242 4242 4242")
		require.Equal(t, http.StatusSeeOther, status)
		slow := 3000
		require.NoError(t, e.sim.SetKnobs("bedcom", suppliersim.Knobs{LatencyMS: &slow}))
		got, err := e.svc.Authorized(ctxT(t), b.ID)
		require.NoError(t, err)
		assert.Equal(t, booking.StatusConfirming, got.Status, "a time-out is never a failure")
		assert.Equal(t, payments.PaymentAuthorized, e.payment(t, got).PaymentStatus)

		require.NoError(t, e.sim.SetKnobs("bedcom", suppliersim.Knobs{}))
		res, err := e.svc.Reconcile(ctxT(t))
		require.NoError(t, err)
		assert.Equal(t, 1, res.Confirmed)
		got, err = e.svc.Get(ctxT(t), b.ID)
		require.NoError(t, err)
		assert.Equal(t, booking.StatusConfirmed, got.Status)
		assert.Equal(t, payments.PaymentCaptured, e.payment(t, got).PaymentStatus)
		assert.Len(t, e.outbox(t, b.ID), 1)

		out := logs.String()
		assert.Contains(t, out, "booking stays confirming", "the time-out is logged")
		assert.NotContains(t, out, guest.Email, "no email address in logs")
		assert.NotRegexp(t, `4242[ -]?4242`, out, "no card number in logs")
	})
	t.Run("answer lost", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOpts{})
		b, u := e.toPayment(t)
		status, _ := pay(t, u, "4242 4242 4242 4242")
		require.Equal(t, http.StatusSeeOther, status)
		e.sup.loseNext.Store(true)
		got, err := e.svc.Authorized(ctxT(t), b.ID)
		require.NoError(t, err)
		assert.Equal(t, booking.StatusConfirming, got.Status)

		res, err := e.svc.Reconcile(ctxT(t))
		require.NoError(t, err)
		assert.Equal(t, 1, res.Confirmed)
		got, err = e.svc.Get(ctxT(t), b.ID)
		require.NoError(t, err)
		assert.Equal(t, booking.StatusConfirmed, got.Status)
		assert.NotEmpty(t, got.SupplierReference.String)
		assert.EqualValues(t, 1, e.sim.Count("bedcom", "book"), "found by reference, not booked again")
	})
	t.Run("never booked, grace over", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOpts{cfg: booking.Config{CallTimeout: 500 * time.Millisecond, Grace: time.Minute}})
		b, u := e.toPayment(t)
		status, _ := pay(t, u, "4242 4242 4242 4242")
		require.Equal(t, http.StatusSeeOther, status)
		slow := 3000
		require.NoError(t, e.sim.SetKnobs("bedcom", suppliersim.Knobs{LatencyMS: &slow}))
		got, err := e.svc.Authorized(ctxT(t), b.ID)
		require.NoError(t, err)
		require.Equal(t, booking.StatusConfirming, got.Status)
		require.NoError(t, e.sim.SetKnobs("bedcom", suppliersim.Knobs{}))
		e.skew.Store(int64(2 * time.Minute))
		res, err := e.svc.Reconcile(ctxT(t))
		require.NoError(t, err)
		assert.Equal(t, 1, res.Failed)
		got, err = e.svc.Get(ctxT(t), b.ID)
		require.NoError(t, err)
		assert.Equal(t, booking.StatusFailed, got.Status)
		assert.Equal(t, payments.PaymentVoided, e.payment(t, got).PaymentStatus)
	})
}

func TestQuoteExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	id1, _ := e.offer(t)
	id2, _ := e.offer(t)
	b1, err := e.svc.Quote(ctxT(t), id1)
	require.NoError(t, err)
	b2, err := e.svc.Quote(ctxT(t), id2)
	require.NoError(t, err)
	e.skew.Store(int64(16 * time.Minute))

	got, err := e.svc.SaveDetails(ctxT(t), b1.ID, b1.FormToken, guest)
	require.ErrorIs(t, err, booking.ErrQuoteExpired)
	assert.Equal(t, booking.StatusExpired, got.Status)

	res, err := e.svc.Reconcile(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, 1, res.Expired)
	got, err = e.svc.Get(ctxT(t), b2.ID)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusExpired, got.Status)
	assert.Equal(t, []string{"quoted", "expired"}, e.statuses(t, b2.ID))
}

func TestDoubleSubmitOfDetails(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	id, _ := e.offer(t)
	b, err := e.svc.Quote(ctxT(t), id)
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = e.svc.SaveDetails(ctxT(t), b.ID, b.FormToken, guest)
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	other := guest
	other.FirstName = "Someone"
	got, err := e.svc.SaveDetails(ctxT(t), b.ID, b.FormToken, other)
	require.NoError(t, err, "a replay answers as the first submit did")
	assert.Equal(t, "Siti", got.FirstName.String, "the first submit stands")
	assert.Equal(t, []string{"quoted", "details"}, e.statuses(t, b.ID))
}

func TestWebhookConfirmsAndReplayIsOneTransition(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{webhook: true})
	b, u := e.toPayment(t)
	status, _ := pay(t, u, "4242 4242 4242 4242")
	require.Equal(t, http.StatusSeeOther, status)

	var got booking.Booking
	require.Eventually(t, func() bool {
		var err error
		got, err = e.svc.Get(ctxT(t), b.ID)
		return err == nil && got.Status == booking.StatusConfirmed
	}, 10*time.Second, 20*time.Millisecond, "the webhook alone confirms the booking")

	e.hookMu.Lock()
	bodies, hdrs := e.hookBody, e.hookHdr
	e.hookMu.Unlock()
	require.NotEmpty(t, bodies)
	before := e.statuses(t, b.ID)
	for i := range bodies {
		require.NoError(t, e.svc.HandleWebhook(ctxT(t), bodies[i], hdrs[i]), "a replay is accepted and ignored")
	}
	assert.Equal(t, before, e.statuses(t, b.ID))
	assert.EqualValues(t, 1, e.sim.Count("bedcom", "book"))
	assert.EqualValues(t, 1, e.sim.Count("pay", "payments_capture"))

	forged := append([]byte{}, bodies[0]...)
	forged[len(forged)-2] ^= 1
	err := e.svc.HandleWebhook(ctxT(t), forged, hdrs[0])
	require.ErrorIs(t, err, booking.ErrBadWebhook)
	err = e.svc.HandleWebhook(ctxT(t), bodies[0], http.Header{})
	require.True(t, errors.Is(err, booking.ErrBadWebhook))
	got, err = e.svc.Authorized(ctxT(t), b.PaymentSessionID.String)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusConfirmed, got.Status)
}

func TestThreeDSecure(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	b, u := e.toPayment(t)
	status, loc := pay(t, u, "4000 0027 6000 3184")
	require.Equal(t, http.StatusSeeOther, status)
	require.Contains(t, loc, "/3ds")
	_, err := e.svc.Authorized(ctxT(t), b.ID)
	require.ErrorIs(t, err, booking.ErrNotPaid, "not paid while the challenge is pending")

	status, _ = challenge(t, u, loc, "fail")
	require.NotEqual(t, 0, status)
	_, err = e.svc.Authorized(ctxT(t), b.ID)
	require.ErrorIs(t, err, booking.ErrNotPaid, "a failed challenge pays nothing")

	status, loc = pay(t, u, "4000 0027 6000 3184")
	require.Equal(t, http.StatusSeeOther, status)
	status, loc = challenge(t, u, loc, "approve")
	require.Equal(t, http.StatusSeeOther, status)
	assert.Contains(t, loc, "session_id="+b.PaymentSessionID.String)
	got, err := e.svc.Authorized(ctxT(t), b.PaymentSessionID.String)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusConfirmed, got.Status)
}

// TestReconcileFinishesCheckoutsNobodyReturnedFrom: one customer paid and
// closed the tab (no return, no webhook), another never paid and the
// checkout session ran out; after the quote's time both end in a final state.
func TestReconcileFinishesCheckoutsNobodyReturnedFrom(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	paid, u := e.toPayment(t)
	status, _ := pay(t, u, "4242 4242 4242 4242")
	require.Equal(t, http.StatusSeeOther, status)
	open, _ := e.toPayment(t)

	res, err := e.svc.Reconcile(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, booking.ReconcileResult{}, res, "nothing is due before the quote runs out")

	e.skew.Store(int64(16 * time.Minute))
	res, err = e.svc.Reconcile(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, 1, res.Confirmed)
	got, err := e.svc.Get(ctxT(t), paid.ID)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusConfirmed, got.Status)
	got, err = e.svc.Get(ctxT(t), open.ID)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusAwaitingPayment, got.Status, "its checkout is still open: the customer may pay")

	e.skew.Store(int64(2 * time.Hour))
	res, err = e.svc.Reconcile(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, 1, res.Expired)
	got, err = e.svc.Get(ctxT(t), open.ID)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusExpired, got.Status, "its checkout session ran out")
	assert.Equal(t, []string{"quoted", "details", "awaiting_payment", "expired"}, e.statuses(t, open.ID))
}

// TestCapturedButCancelledAtSupplierIsRefunded: a worker captured and then
// died before confirming; meanwhile the supplier's booking was cancelled.
// Reconcile cannot void a captured payment, so it refunds it.
func TestCapturedButCancelledAtSupplierIsRefunded(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	b, u := e.toPayment(t)
	status, _ := pay(t, u, "4242 4242 4242 4242")
	require.Equal(t, http.StatusSeeOther, status)
	e.sup.loseNext.Store(true)
	got, err := e.svc.Authorized(ctxT(t), b.ID)
	require.NoError(t, err)
	require.Equal(t, booking.StatusConfirming, got.Status)
	_, err = e.pay.Capture(ctxT(t), got.PaymentID.String, fx.Money{}, payments.IdempotencyKey(b.ID, "capture"))
	require.NoError(t, err)
	_, err = e.sup.Cancel(ctxT(t), b.Reference)
	require.NoError(t, err)

	res, err := e.svc.Reconcile(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, 1, res.Failed)
	got, err = e.svc.Get(ctxT(t), b.ID)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusFailed, got.Status)
	evs, err := e.svc.Events(ctxT(t), b.ID)
	require.NoError(t, err)
	assert.Contains(t, evs[len(evs)-1].Cause, "payment refunded")
	p, err := e.pay.Refund(ctxT(t), got.PaymentID.String, fx.Money{}, payments.IdempotencyKey(b.ID, "refund"))
	require.NoError(t, err, "the same refund again answers the first")
	assert.Equal(t, b.ChargeAmount, p.Amount.Amount, "refunded in full")
	assert.Empty(t, e.outbox(t, b.ID))
}
