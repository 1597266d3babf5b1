package booking_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator/suppliers"
	"lobang/booking"
	"lobang/booking/payments"
	"lobang/db"
	"lobang/fx"
	"lobang/suppliersim"
)

// freeUntilAhead picks an offer cancellable free until at least two days
// before check-in, so that a fee of one night applies after the deadline.
func freeUntilAhead(o suppliers.Offer) bool {
	c := o.Cancellation
	return c.Refundable && !c.FreeUntil.IsZero() && c.FreeUntil.Before(stay().Checkin.AddDate(0, 0, -2)) &&
		c.FreeUntil.After(time.Now().Add(24*time.Hour))
}

func nonRefundable(o suppliers.Offer) bool { return !o.Cancellation.Refundable }

// storeOfferWhere stores, as the rooms page does, the first bedcom offer in
// Singapore that pick accepts, for the hotel hotelID.
func (e *env) storeOfferWhere(t *testing.T, pick func(suppliers.Offer) bool, hotelID int64) string {
	t.Helper()
	truth, ok := e.sim.Truth(singapore)
	require.True(t, ok)
	q := stay()
	for _, h := range truth.Hotels {
		sid, ok := h.Suppliers["bedcom"]
		if !ok {
			continue
		}
		offers, err := e.sup.Offers(ctxT(t), sid, q)
		require.NoError(t, err)
		for _, o := range offers {
			if !pick(o) {
				continue
			}
			so := booking.StoredOffer{ID: randomID(t), Supplier: "bedcom", SupplierHotelID: sid, HotelID: hotelID,
				Query: q, Offer: o, Display: o.Total, CreatedAt: time.Now().UTC()}
			raw, err := json.Marshal(so)
			require.NoError(t, err)
			require.NoError(t, e.rdb.Set(ctxT(t), e.prefix+"offer:"+so.ID, raw, 30*time.Minute).Err())
			return so.ID
		}
	}
	t.Fatal("no bedcom offer in Singapore fits")
	return ""
}

// bookedWith walks an offer that pick accepts to a confirmed booking for a
// guest with details d.
func (e *env) bookedWith(t *testing.T, pick func(suppliers.Offer) bool, d booking.Details, hotelID int64) booking.Booking {
	t.Helper()
	b, err := e.svc.Quote(ctxT(t), e.storeOfferWhere(t, pick, hotelID))
	require.NoError(t, err)
	b, err = e.svc.SaveDetails(ctxT(t), b.ID, b.FormToken, d)
	require.NoError(t, err)
	u, err := e.svc.StartPayment(ctxT(t), b.ID, "https://lobang.test/bookings/"+b.ID+"/return",
		"https://lobang.test/bookings/"+b.ID)
	require.NoError(t, err)
	status, _ := pay(t, u, "4242 4242 4242 4242")
	require.Equal(t, http.StatusSeeOther, status)
	b, err = e.svc.Authorized(ctxT(t), b.ID)
	require.NoError(t, err)
	require.Equal(t, booking.StatusConfirmed, b.Status)
	return b
}

// rewire rebuilds the service over other suppliers and payments, to put a
// fault between the service and the simulator.
func (e *env) rewire(sup suppliers.Supplier, pay payments.Provider) {
	e.svc = booking.New(booking.Deps{DB: e.pool, Redis: e.rdb, RedisPrefix: e.prefix,
		Suppliers: []suppliers.Supplier{sup}, Payments: pay, Rates: fx.NewSource(e.srv.URL, nil, "", nil),
		Now: e.now}, booking.Config{})
}

// clockAt moves the service's and the simulator's clock to at.
func (e *env) clockAt(at time.Time) { e.skew.Store(int64(time.Until(at))) }

// paymentOf looks a booking's payment up at the provider's API.
func (e *env) paymentOf(t *testing.T, b booking.Booking) payments.Payment {
	t.Helper()
	req, err := http.NewRequestWithContext(ctxT(t), http.MethodGet,
		e.srv.URL+"/pay/v1/payments/"+url.PathEscape(b.PaymentID.String), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+secretKey)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var p struct {
		Captured int64  `json:"amount_captured"`
		Refunded int64  `json:"amount_refunded"`
		Currency string `json:"currency"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&p))
	return payments.Payment{Captured: fx.Money{Amount: p.Captured, Currency: p.Currency},
		Refunded: fx.Money{Amount: p.Refunded, Currency: p.Currency}}
}

func (e *env) refundOf(t *testing.T, id string) booking.Refund {
	t.Helper()
	r, err := e.svc.RefundOf(ctxT(t), id)
	require.NoError(t, err)
	return r
}

// convertedDown is the test's own conversion of a supplier fee into the
// booking's currency at its rate, rounded down.
func convertedDown(t *testing.T, b booking.Booking, m fx.Money) int64 {
	t.Helper()
	if m.Amount == 0 || m.Currency == b.ChargeCurrency {
		return m.Amount
	}
	rate, ok := new(big.Rat).SetString(b.FXRate)
	require.True(t, ok)
	dFrom, _ := fx.MinorUnits(m.Currency)
	dTo, _ := fx.MinorUnits(b.ChargeCurrency)
	v := new(big.Rat).Mul(new(big.Rat).SetInt64(m.Amount), rate)
	v.Mul(v, new(big.Rat).SetFrac(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(dTo)), nil),
		new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(dFrom)), nil)))
	return new(big.Int).Quo(v.Num(), v.Denom()).Int64()
}

func TestCancelInsideTheFreeWindow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	_, err := db.EnsureDestination(ctxT(t), e.pool, singapore)
	require.NoError(t, err)
	hotel, err := db.InsertHotel(ctxT(t), e.pool, db.Hotel{DestinationUID: singapore, Slug: "lobang-test-hotel",
		Name: "Lobang Test Hotel", Active: true, ContentHash: strings.Repeat("a", 64),
		ContentUpdatedAt: time.Now().UTC(), CreatedAt: time.Now().UTC()})
	require.NoError(t, err)
	b := e.bookedWith(t, freeUntilAhead, guest, hotel)

	q, err := e.svc.CancellationQuote(ctxT(t), b.ID)
	require.NoError(t, err)
	assert.Zero(t, q.Fee.Amount, "free until the deadline")
	assert.Equal(t, fx.Money{Amount: b.ChargeAmount, Currency: b.ChargeCurrency}, q.Refund)
	assert.Equal(t, q.Paid, q.Refund)
	assert.True(t, q.FreeUntil.After(time.Now()), "the deadline is shown: %v", q.FreeUntil)
	assert.True(t, q.ExpiresAt.After(time.Now()))
	assert.NotEmpty(t, q.Token)
	refundsBefore := e.sim.Count("pay", "refunds_create")

	got, err := e.svc.Cancel(ctxT(t), b.ID, q.Token)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusCancelled, got.Status)
	assert.Equal(t, []string{"quoted", "details", "awaiting_payment", "confirming", "confirmed", "cancelled"},
		e.statuses(t, b.ID))
	sb, err := e.sup.Retrieve(ctxT(t), b.Reference)
	require.NoError(t, err)
	assert.Equal(t, suppliers.StatusCancelled, sb.Status, "cancelled at the supplier")

	r := e.refundOf(t, b.ID)
	assert.Equal(t, b.ChargeAmount, r.Amount, "refunded in full")
	assert.Zero(t, r.FeeAmount)
	assert.Equal(t, db.RefundSucceeded, r.Status)
	assert.NotEmpty(t, r.ProviderRefundID.String)
	assert.Equal(t, b.ChargeAmount, e.paymentOf(t, b).Refunded.Amount, "the provider gave it all back")

	msgs := e.outbox(t, b.ID)
	require.Len(t, msgs, 2)
	mail := msgs[1]
	assert.Equal(t, "cancellation", mail.Kind)
	assert.Equal(t, guest.Email, mail.To)
	assert.Contains(t, mail.Subject, b.Reference)
	for _, want := range []string{b.Reference, "Hotel: Lobang Test Hotel", "Cancellation fee: SGD 0.00",
		"Refund: " + q.Refund.Display(), "Currency: SGD"} {
		assert.Contains(t, mail.Body, want)
	}

	again, err := e.svc.Cancel(ctxT(t), b.ID, q.Token)
	require.NoError(t, err, "a repeated confirm answers the cancellation")
	assert.Equal(t, booking.StatusCancelled, again.Status)
	assert.Equal(t, refundsBefore+1, e.sim.Count("pay", "refunds_create"), "one refund")
	_, err = e.svc.CancellationQuote(ctxT(t), b.ID)
	require.ErrorIs(t, err, booking.ErrNotAllowed)
}

func TestCancelAfterTheDeadline(t *testing.T) {
	t.Parallel()
	t.Run("a night's fee", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOpts{})
		b := e.bookedWith(t, freeUntilAhead, guest, 42)
		before, err := e.svc.CancellationQuote(ctxT(t), b.ID)
		require.NoError(t, err)
		e.clockAt(before.FreeUntil.Add(time.Hour))

		q, err := e.svc.CancellationQuote(ctxT(t), b.ID)
		require.NoError(t, err)
		assert.Equal(t, before.FreeUntil, q.FreeUntil)
		require.Positive(t, q.Fee.Amount, "the deadline has passed")
		assert.Less(t, q.Fee.Amount, b.ChargeAmount, "one night, not the stay")
		assert.Equal(t, b.NetCurrency, q.SupplierFee.Currency)
		assert.Equal(t, convertedDown(t, b, q.SupplierFee), q.Fee.Amount, "converted at the booking's rate, rounded down")
		assert.Equal(t, b.ChargeAmount-q.Fee.Amount, q.Refund.Amount)

		got, err := e.svc.Cancel(ctxT(t), b.ID, q.Token)
		require.NoError(t, err)
		assert.Equal(t, booking.StatusCancelled, got.Status)
		r := e.refundOf(t, b.ID)
		assert.Equal(t, q.Fee.Amount, r.FeeAmount, "the fee charged is the fee shown")
		assert.Equal(t, q.Refund.Amount, r.Amount)
		assert.Equal(t, q.SupplierFee.Amount, r.SupplierFeeAmount)
		assert.Equal(t, db.RefundSucceeded, r.Status)
		p := e.paymentOf(t, b)
		assert.Equal(t, b.ChargeAmount, p.Captured.Amount)
		assert.Equal(t, b.ChargeAmount-q.Fee.Amount, p.Refunded.Amount, "the provider refunded the charge less the fee")
		evs, err := e.svc.Events(ctxT(t), b.ID)
		require.NoError(t, err)
		assert.Contains(t, evs[len(evs)-1].Cause, "fee "+q.Fee.String())
		assert.Contains(t, evs[len(evs)-1].Cause, "refund "+q.Refund.String())
		msgs := e.outbox(t, b.ID)
		require.Len(t, msgs, 2)
		assert.Contains(t, msgs[1].Body, "Cancellation fee: "+q.Fee.Display())
	})
	t.Run("non-refundable", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOpts{})
		b := e.bookedWith(t, nonRefundable, guest, 42)
		q, err := e.svc.CancellationQuote(ctxT(t), b.ID)
		require.NoError(t, err)
		assert.True(t, q.FreeUntil.IsZero(), "never free")
		assert.Equal(t, b.ChargeAmount, q.Fee.Amount, "the fee is what was paid, at most")
		assert.Zero(t, q.Refund.Amount)
		refunds := e.sim.Count("pay", "refunds_create")

		got, err := e.svc.Cancel(ctxT(t), b.ID, q.Token)
		require.NoError(t, err)
		assert.Equal(t, booking.StatusCancelled, got.Status)
		assert.Equal(t, refunds, e.sim.Count("pay", "refunds_create"), "no refund call for nothing")
		r := e.refundOf(t, b.ID)
		assert.Equal(t, db.RefundNone, r.Status)
		assert.Zero(t, r.Amount)
		assert.Zero(t, e.paymentOf(t, b).Refunded.Amount)
	})
}

func TestCancelRefusesAFeeThatChanged(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	b := e.bookedWith(t, freeUntilAhead, guest, 42)
	first, err := e.svc.CancellationQuote(ctxT(t), b.ID)
	require.NoError(t, err)
	e.clockAt(first.FreeUntil.Add(-2 * time.Minute))
	shown, err := e.svc.CancellationQuote(ctxT(t), b.ID)
	require.NoError(t, err)
	require.Zero(t, shown.Fee.Amount)

	e.clockAt(first.FreeUntil.Add(time.Minute)) // the deadline passes while the page is open
	_, err = e.svc.Cancel(ctxT(t), b.ID, shown.Token)
	require.ErrorIs(t, err, booking.ErrFeeChanged)
	var fc *booking.FeeChangedError
	require.ErrorAs(t, err, &fc)
	assert.Positive(t, fc.Quote.Fee.Amount, "the new fee to show")
	assert.Equal(t, b.ChargeAmount-fc.Quote.Fee.Amount, fc.Quote.Refund.Amount)
	got, err := e.svc.Get(ctxT(t), b.ID)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusConfirmed, got.Status)
	sb, err := e.sup.Retrieve(ctxT(t), b.Reference)
	require.NoError(t, err)
	assert.Equal(t, suppliers.StatusConfirmed, sb.Status, "not cancelled at the supplier")
	_, err = e.svc.RefundOf(ctxT(t), b.ID)
	require.ErrorIs(t, err, booking.ErrNotFound, "no refund recorded")

	_, err = e.svc.Cancel(ctxT(t), b.ID, "not a token")
	require.ErrorIs(t, err, booking.ErrBadToken)
	e.skew.Add(int64(16 * time.Minute)) // the new quote runs out unused
	_, err = e.svc.Cancel(ctxT(t), b.ID, fc.Quote.Token)
	require.ErrorIs(t, err, booking.ErrFeeChanged, "an expired quote holds no more")
	require.ErrorAs(t, err, &fc)

	got, err = e.svc.Cancel(ctxT(t), b.ID, fc.Quote.Token)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusCancelled, got.Status)
	assert.Equal(t, fc.Quote.Fee.Amount, e.refundOf(t, b.ID).FeeAmount)
}

// faultySupplier loses the supplier's cancel answers or makes its calls fail.
type faultySupplier struct {
	suppliers.Supplier
	cancelDone   atomic.Bool // cancel at the supplier, then time out
	cancelNot    atomic.Bool // time out without reaching the supplier
	retrieveDown atomic.Bool // look-ups time out
}

func (f *faultySupplier) Cancel(ctx context.Context, reference string) (suppliers.Cancellation, error) {
	switch {
	case f.cancelNot.Load():
		return suppliers.Cancellation{}, fmt.Errorf("bedcom cancel: %w", suppliers.ErrTimeout)
	case f.cancelDone.Load():
		if _, err := f.Supplier.Cancel(ctx, reference); err != nil {
			return suppliers.Cancellation{}, err
		}
		return suppliers.Cancellation{}, fmt.Errorf("bedcom cancel: %w", suppliers.ErrTimeout)
	}
	return f.Supplier.Cancel(ctx, reference)
}

func (f *faultySupplier) Retrieve(ctx context.Context, reference string) (suppliers.Booking, error) {
	if f.retrieveDown.Load() {
		return suppliers.Booking{}, fmt.Errorf("bedcom retrieve: %w", suppliers.ErrTimeout)
	}
	return f.Supplier.Retrieve(ctx, reference)
}

func TestCancelWhenTheSupplierFails(t *testing.T) {
	t.Parallel()
	// stillConfirmed checks a failed cancel left everything as it was.
	stillConfirmed := func(t *testing.T, e *env, b booking.Booking) {
		t.Helper()
		got, err := e.svc.Get(ctxT(t), b.ID)
		require.NoError(t, err)
		assert.Equal(t, booking.StatusConfirmed, got.Status)
		_, err = e.svc.RefundOf(ctxT(t), b.ID)
		require.ErrorIs(t, err, booking.ErrNotFound, "no refund")
		assert.Zero(t, e.paymentOf(t, b).Refunded.Amount)
		assert.Len(t, e.outbox(t, b.ID), 1, "no cancellation email")
	}
	t.Run("supplier down", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOpts{})
		b := e.bookedWith(t, freeUntilAhead, guest, 42)
		q, err := e.svc.CancellationQuote(ctxT(t), b.ID)
		require.NoError(t, err)
		require.NoError(t, e.sim.SetKnobs("bedcom", suppliersim.Knobs{ErrorRate: 1}))
		_, err = e.svc.Cancel(ctxT(t), b.ID, q.Token)
		require.ErrorIs(t, err, booking.ErrCancelFailed)
		assert.Contains(t, err.Error(), "stays confirmed")
		require.NoError(t, e.sim.SetKnobs("bedcom", suppliersim.Knobs{}))
		stillConfirmed(t, e, b)
		sb, err := e.sup.Retrieve(ctxT(t), b.Reference)
		require.NoError(t, err)
		assert.Equal(t, suppliers.StatusConfirmed, sb.Status)
	})
	t.Run("no answer, not cancelled", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOpts{})
		f := &faultySupplier{Supplier: e.sup}
		e.rewire(f, e.pay)
		b := e.bookedWith(t, freeUntilAhead, guest, 42)
		q, err := e.svc.CancellationQuote(ctxT(t), b.ID)
		require.NoError(t, err)
		f.cancelNot.Store(true)
		_, err = e.svc.Cancel(ctxT(t), b.ID, q.Token)
		require.ErrorIs(t, err, booking.ErrCancelFailed, "the look-up finds it confirmed")
		stillConfirmed(t, e, b)
	})
	t.Run("no answer, look-up fails", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOpts{})
		f := &faultySupplier{Supplier: e.sup}
		e.rewire(f, e.pay)
		b := e.bookedWith(t, freeUntilAhead, guest, 42)
		q, err := e.svc.CancellationQuote(ctxT(t), b.ID)
		require.NoError(t, err)
		f.cancelNot.Store(true)
		f.retrieveDown.Store(true)
		_, err = e.svc.Cancel(ctxT(t), b.ID, q.Token)
		require.ErrorIs(t, err, booking.ErrCancelUnconfirmed)
		assert.Contains(t, err.Error(), "could not confirm the cancellation")
		stillConfirmed(t, e, b)
	})
	t.Run("answer lost, cancelled", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOpts{})
		f := &faultySupplier{Supplier: e.sup}
		e.rewire(f, e.pay)
		b := e.bookedWith(t, freeUntilAhead, guest, 42)
		q, err := e.svc.CancellationQuote(ctxT(t), b.ID)
		require.NoError(t, err)
		f.cancelDone.Store(true)
		got, err := e.svc.Cancel(ctxT(t), b.ID, q.Token)
		require.NoError(t, err, "the look-up finds it cancelled")
		assert.Equal(t, booking.StatusCancelled, got.Status)
		r := e.refundOf(t, b.ID)
		assert.Equal(t, q.Refund.Amount, r.Amount, "at the fee shown")
		assert.Equal(t, db.RefundSucceeded, r.Status)
	})
}

// flakyPayments fails refunds while down, and reports the refunds it lets
// through as still pending while slow (as Stripe may), both without
// changing what the provider does.
type flakyPayments struct {
	payments.Provider
	down, slow atomic.Bool
}

func (f *flakyPayments) Refund(ctx context.Context, paymentID string, amount fx.Money, key string) (payments.Refund, error) {
	if f.down.Load() {
		return payments.Refund{}, &payments.Error{Op: "refund " + paymentID, Status: http.StatusServiceUnavailable,
			Kind: payments.ErrUnavailable}
	}
	r, err := f.Provider.Refund(ctx, paymentID, amount, key)
	if err == nil && f.slow.Load() {
		r.Status = "pending"
	}
	return r, err
}

func TestRefundFailureIsRetriedByReconcile(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	f := &flakyPayments{Provider: e.pay}
	e.rewire(e.sup, f)
	b := e.bookedWith(t, freeUntilAhead, guest, 42)
	q, err := e.svc.CancellationQuote(ctxT(t), b.ID)
	require.NoError(t, err)
	f.down.Store(true)

	got, err := e.svc.Cancel(ctxT(t), b.ID, q.Token)
	require.NoError(t, err, "the cancellation stands")
	assert.Equal(t, booking.StatusCancelled, got.Status)
	r := e.refundOf(t, b.ID)
	assert.Equal(t, db.RefundPending, r.Status)
	assert.Equal(t, q.Refund.Amount, r.Amount)
	assert.Equal(t, 1, r.Attempts)
	assert.Contains(t, r.LastError.String, "unavailable")
	assert.Zero(t, e.paymentOf(t, b).Refunded.Amount)

	res, err := e.svc.Reconcile(ctxT(t))
	require.Error(t, err, "the provider is still down")
	assert.Zero(t, res.Refunded)
	assert.Equal(t, db.RefundPending, e.refundOf(t, b.ID).Status)

	f.down.Store(false)
	res, err = e.svc.Reconcile(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, 1, res.Refunded)
	r = e.refundOf(t, b.ID)
	assert.Equal(t, db.RefundSucceeded, r.Status)
	assert.Equal(t, 3, r.Attempts)
	assert.Equal(t, q.Refund.Amount, e.paymentOf(t, b).Refunded.Amount)

	res, err = e.svc.Reconcile(ctxT(t))
	require.NoError(t, err)
	assert.Zero(t, res.Refunded, "nothing left to retry")
	assert.EqualValues(t, 1, e.sim.Count("pay", "refunds_create"))
}

// simAdmin posts a JSON body to the simulator's admin API and decodes its answer.
func (e *env) simAdmin(t *testing.T, path string, body, out any) {
	t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	resp, err := http.Post(e.srv.URL+path, "application/json", bytes.NewReader(raw))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Less(t, resp.StatusCode, 300, path)
	if out != nil {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
	}
}

func TestRefundWebhookMarksTheRefundSucceeded(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	f := &flakyPayments{Provider: e.pay}
	f.slow.Store(true)
	e.rewire(e.sup, f)
	b := e.bookedWith(t, freeUntilAhead, guest, 42)
	q, err := e.svc.CancellationQuote(ctxT(t), b.ID)
	require.NoError(t, err)
	_, err = e.svc.Cancel(ctxT(t), b.ID, q.Token)
	require.NoError(t, err)
	r := e.refundOf(t, b.ID)
	require.Equal(t, db.RefundProcessing, r.Status, "the provider has not finished")
	require.NotEmpty(t, r.ProviderRefundID.String)

	// The provider's refund.succeeded event, delivered now and replayed.
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body bytes.Buffer
		if _, err := body.ReadFrom(r.Body); err != nil {
			http.Error(w, "read", http.StatusBadRequest)
			return
		}
		if err := e.svc.HandleWebhook(r.Context(), body.Bytes(), r.Header); err != nil {
			http.Error(w, "not handled", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hook.Close)
	e.simAdmin(t, "/_sim/pay/webhook", map[string]string{"url": hook.URL}, nil)
	resp, err := http.Get(e.srv.URL + "/_sim/pay/events?type=refund.succeeded&payment_id=" +
		url.QueryEscape(b.PaymentID.String))
	require.NoError(t, err)
	var evs []struct {
		ID string `json:"id"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&evs))
	resp.Body.Close()
	require.Len(t, evs, 1)

	var answer struct {
		Delivered bool `json:"delivered"`
		Status    int  `json:"status"`
	}
	e.simAdmin(t, "/_sim/pay/replay/"+evs[0].ID, nil, &answer)
	require.True(t, answer.Delivered, "status %d", answer.Status)
	done := e.refundOf(t, b.ID)
	assert.Equal(t, db.RefundSucceeded, done.Status)
	assert.Equal(t, r.ProviderRefundID, done.ProviderRefundID)

	for range 2 {
		e.simAdmin(t, "/_sim/pay/replay/"+evs[0].ID, nil, &answer)
		require.True(t, answer.Delivered, "a replay is accepted")
	}
	again := e.refundOf(t, b.ID)
	assert.Equal(t, done, again, "marked once")
	var seen int
	require.NoError(t, e.pool.QueryRowContext(ctxT(t), `SELECT COUNT(*) FROM payment_webhook_events
		WHERE event_id = ? AND processed_at IS NOT NULL`, evs[0].ID).Scan(&seen))
	assert.Equal(t, 1, seen)
	assert.Equal(t, booking.StatusCancelled, e.statusOf(t, b.ID))
}

func (e *env) statusOf(t *testing.T, id string) string {
	t.Helper()
	b, err := e.svc.Get(ctxT(t), id)
	require.NoError(t, err)
	return b.Status
}
