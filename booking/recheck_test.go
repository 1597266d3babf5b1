package booking_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
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

// confirmed walks a booking through payment to confirmed.
func (e *env) confirmed(t *testing.T) booking.Booking {
	t.Helper()
	b, u := e.toPayment(t)
	status, _ := pay(t, u, "4242 4242 4242 4242")
	require.Equal(t, http.StatusSeeOther, status)
	b, err := e.svc.Authorized(ctxT(t), b.ID)
	require.NoError(t, err)
	require.Equal(t, booking.StatusConfirmed, b.Status)
	return b
}

func (e *env) check(t *testing.T, id string) db.BookingCheck {
	t.Helper()
	c, err := db.GetBookingCheck(ctxT(t), e.pool, id)
	require.NoError(t, err)
	return c
}

// stayOf returns the stay a booking was made for.
func stayOf(t *testing.T, b booking.Booking) suppliers.Query {
	t.Helper()
	var q suppliers.Query
	require.NoError(t, json.Unmarshal([]byte(b.Query), &q))
	return q
}

// lookups counts the booking look-ups bedcom received.
func (e *env) lookups() int64 { return e.sim.Count("bedcom", "booking") }

// reconcile runs one pass that must not fail.
func (e *env) reconcile(t *testing.T) booking.ReconcileResult {
	t.Helper()
	res, err := e.svc.Reconcile(ctxT(t))
	require.NoError(t, err)
	return res
}

// setClock moves the service's and the simulator's clock to at.
func (e *env) setClock(at time.Time) { e.skew.Store(int64(time.Until(at))) }

// notes returns a booking's events that kept its status.
func (e *env) notes(t *testing.T, id string) []db.BookingEvent {
	t.Helper()
	evs, err := e.svc.Events(ctxT(t), id)
	require.NoError(t, err)
	var out []db.BookingEvent
	for _, ev := range evs {
		if ev.From == ev.To {
			out = append(out, ev)
		}
	}
	return out
}

func TestRecheckOfMatchingBookingRecordsTheCheck(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	b := e.confirmed(t)
	before := e.lookups()

	res := e.reconcile(t)
	assert.Equal(t, booking.ReconcileResult{Checked: 1}, res)
	assert.Equal(t, before+1, e.lookups(), "one look-up at the supplier")
	c := e.check(t, b.ID)
	require.True(t, c.CheckedAt.Valid, "the check time is recorded")
	assert.False(t, c.Flag.Valid, "not flagged")
	assert.Equal(t, c.CheckedAt.Time.Add(6*time.Hour), c.NextCheckAt.Time, "next due after the default interval")
	assert.Empty(t, e.notes(t, b.ID))
	got, err := e.svc.Get(ctxT(t), b.ID)
	require.NoError(t, err)
	assert.Equal(t, booking.StatusConfirmed, got.Status)
}

func TestRecheckFlagsSupplierCancellation(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		behindOurBack func(t *testing.T, e *env, b booking.Booking)
		detail        string
	}{
		"cancelled at the supplier": {
			behindOurBack: func(t *testing.T, e *env, b booking.Booking) {
				_, err := e.sup.Cancel(ctxT(t), b.Reference)
				require.NoError(t, err)
			},
			detail: "cancelled at bedcom",
		},
		"unknown at the supplier": {
			behindOurBack: func(t *testing.T, e *env, b booking.Booking) {
				// Our reference no longer matches any booking of theirs.
				b.Reference = "LB-ZZZZZZ"
				require.NoError(t, db.UpdateBooking(ctxT(t), e.pool, b))
			},
			detail: "no booking under LB-ZZZZZZ at bedcom",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOpts{})
			b := e.confirmed(t)
			tc.behindOurBack(t, e, b)

			res := e.reconcile(t)
			assert.Equal(t, booking.ReconcileResult{Checked: 1, Flagged: 1}, res)
			got, err := e.svc.Get(ctxT(t), b.ID)
			require.NoError(t, err)
			assert.Equal(t, booking.StatusConfirmed, got.Status, "staff decide; the status stays")
			c := e.check(t, b.ID)
			assert.Equal(t, booking.FlagSupplierCancelled, c.Flag.String)
			assert.Equal(t, tc.detail, c.FlagDetail.String)
			assert.Equal(t, c.CheckedAt, c.FlaggedAt)
			notes := e.notes(t, b.ID)
			require.Len(t, notes, 1, "one event for the flag")
			assert.Equal(t, booking.StatusConfirmed, notes[0].From)
			assert.Contains(t, notes[0].Cause, booking.FlagSupplierCancelled)
			assert.Equal(t, payments.PaymentCaptured, e.payment(t, got).PaymentStatus, "nothing refunded here")

			flagged, err := db.FlaggedBookings(ctxT(t), e.pool, 10)
			require.NoError(t, err)
			require.Len(t, flagged, 1)
			assert.Equal(t, b.ID, flagged[0].ID)
			assert.Equal(t, booking.FlagSupplierCancelled, flagged[0].Check.Flag.String)

			// Still cancelled at the next check: checked again, no second event.
			e.setClock(c.NextCheckAt.Time.Add(time.Minute))
			res = e.reconcile(t)
			assert.Equal(t, booking.ReconcileResult{Checked: 1}, res)
			assert.Len(t, e.notes(t, b.ID), 1)
			assert.True(t, e.check(t, b.ID).CheckedAt.Time.After(c.CheckedAt.Time))
		})
	}
}

// reshaped is a supplier whose bookings come back altered, as if changed
// at the supplier's end.
type reshaped struct {
	suppliers.Supplier
	alter func(*suppliers.Booking)
}

func (r reshaped) Retrieve(ctx context.Context, reference string) (suppliers.Booking, error) {
	b, err := r.Supplier.Retrieve(ctx, reference)
	if err == nil {
		r.alter(&b)
	}
	return b, err
}

func TestRecheckFlagsMismatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	b := e.confirmed(t)
	q := stayOf(t, b)
	svc := booking.New(booking.Deps{DB: e.pool, Redis: e.rdb, RedisPrefix: e.prefix, Payments: e.pay,
		Rates: fx.NewSource(e.srv.URL, nil, "", nil), Now: e.now,
		Suppliers: []suppliers.Supplier{reshaped{Supplier: e.sup, alter: func(sb *suppliers.Booking) {
			sb.Checkout = sb.Checkout.AddDate(0, 0, 1)
			sb.SupplierHotelID = "OTHER"
		}}}}, booking.Config{})

	res, err := svc.Reconcile(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, booking.ReconcileResult{Checked: 1, Flagged: 1}, res)
	c := e.check(t, b.ID)
	assert.Equal(t, booking.FlagMismatch, c.Flag.String)
	assert.Equal(t, "check-out "+q.Checkout.AddDate(0, 0, 1).Format(time.DateOnly)+", ours "+
		q.Checkout.Format(time.DateOnly)+"; hotel OTHER, ours "+b.SupplierHotelID, c.FlagDetail.String)
	notes := e.notes(t, b.ID)
	require.Len(t, notes, 1)
	assert.Contains(t, notes[0].Cause, c.FlagDetail.String)
}

func TestRecheckSupplierFailureFlagsNothing(t *testing.T) {
	t.Parallel()
	slow := 3000
	for name, knobs := range map[string]suppliersim.Knobs{
		"time-out":    {LatencyMS: &slow},
		"unavailable": {ErrorRate: 1},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOpts{cfg: booking.Config{CallTimeout: 500 * time.Millisecond}})
			first, second := e.confirmed(t), e.confirmed(t)
			require.NoError(t, e.sim.SetKnobs("bedcom", knobs))
			before := e.lookups()

			res := e.reconcile(t)
			assert.Equal(t, booking.ReconcileResult{}, res)
			assert.Equal(t, before+1, e.lookups(), "a supplier that fails is asked once per pass")
			for _, id := range []string{first.ID, second.ID} {
				c := e.check(t, id)
				assert.False(t, c.Flag.Valid, "not flagged")
				assert.False(t, c.CheckedAt.Valid, "no answer, no check")
				assert.Empty(t, e.notes(t, id))
			}

			require.NoError(t, e.sim.SetKnobs("bedcom", suppliersim.Knobs{}))
			res = e.reconcile(t)
			assert.Equal(t, booking.ReconcileResult{Checked: 2}, res, "both tried again the next pass")
		})
	}
}

func TestRecheckWaitsForItsTime(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	b := e.confirmed(t)
	require.Equal(t, 1, e.reconcile(t).Checked)
	first := e.check(t, b.ID)
	before := e.lookups()

	assert.Zero(t, e.reconcile(t).Checked, "checked moments ago")
	e.setClock(first.CheckedAt.Time.Add(5 * time.Hour))
	assert.Zero(t, e.reconcile(t).Checked, "five hours on")
	assert.Equal(t, before, e.lookups(), "the supplier was not asked")

	e.setClock(first.NextCheckAt.Time.Add(time.Minute))
	assert.Equal(t, 1, e.reconcile(t).Checked, "due after six hours")
	assert.Equal(t, before+1, e.lookups())

	// In the last 48 hours before check-in: every hour.
	e.setClock(stayOf(t, b).Checkin.Add(-30 * time.Hour))
	assert.Equal(t, 1, e.reconcile(t).Checked)
	c := e.check(t, b.ID)
	assert.Equal(t, c.CheckedAt.Time.Add(time.Hour), c.NextCheckAt.Time)
}

func TestRecheckSkipsPastStays(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	b := e.confirmed(t)
	before := e.lookups()

	q := stayOf(t, b)
	e.setClock(q.Checkout.Add(time.Hour))
	assert.Zero(t, e.reconcile(t).Checked)
	e.setClock(q.Checkout.AddDate(0, 1, 0))
	assert.Zero(t, e.reconcile(t).Checked)
	assert.Equal(t, before, e.lookups(), "the supplier was not asked")
	c := e.check(t, b.ID)
	assert.False(t, c.CheckedAt.Valid)
	assert.False(t, c.Flag.Valid)
}

// TestRecheckOnceWhenWorkersRace: passes running at the same time (serve
// and worker) check a booking once between them.
func TestRecheckOnceWhenWorkersRace(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	e.confirmed(t)
	before := e.lookups()

	const workers = 4
	results := make([]booking.ReconcileResult, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			res, err := e.svc.Reconcile(context.Background())
			assert.NoError(t, err)
			results[i] = res
		})
	}
	wg.Wait()
	total := 0
	for _, r := range results {
		total += r.Checked
	}
	assert.Equal(t, 1, total)
	assert.Equal(t, before+1, e.lookups())
}
