package booking_test

import (
	"log/slog"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator/suppliers"
	"lobang/booking"
	"lobang/fx"
	"lobang/suppliersim"
)

// TestNotifyHearsConfirmedAndFailed: Deps.Notify hears a booking once when
// it is confirmed and once when it fails, and of no other step.
func TestNotifyHearsConfirmedAndFailed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	var mu sync.Mutex
	var heard []booking.Booking
	svc := booking.New(booking.Deps{Logger: slog.New(slog.DiscardHandler), DB: e.pool, Redis: e.rdb, RedisPrefix: e.prefix,
		Suppliers: []suppliers.Supplier{e.sup}, Payments: e.pay, Rates: fx.NewSource(e.srv.URL, nil, "", nil), Now: e.now,
		Notify: func(b booking.Booking) {
			mu.Lock()
			heard = append(heard, b)
			mu.Unlock()
		}}, booking.Config{})

	ok, u := e.toPayment(t)
	status, _ := pay(t, u, "4242 4242 4242 4242")
	require.Equal(t, http.StatusSeeOther, status)
	got, err := svc.Authorized(ctxT(t), ok.ID)
	require.NoError(t, err)
	require.Equal(t, booking.StatusConfirmed, got.Status)
	_, err = svc.Authorized(ctxT(t), ok.ID) // a repeat changes nothing
	require.NoError(t, err)

	bad, u := e.toPayment(t)
	status, _ = pay(t, u, "4242 4242 4242 4242")
	require.Equal(t, http.StatusSeeOther, status)
	require.NoError(t, e.sim.SetKnobs("bedcom", suppliersim.Knobs{SoldOutRate: 1}))
	got, err = svc.Authorized(ctxT(t), bad.ID)
	require.NoError(t, err)
	require.Equal(t, booking.StatusFailed, got.Status)

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, heard, 2)
	assert.Equal(t, ok.Reference, heard[0].Reference)
	assert.Equal(t, booking.StatusConfirmed, heard[0].Status)
	assert.Equal(t, bad.Reference, heard[1].Reference)
	assert.Equal(t, booking.StatusFailed, heard[1].Status)
}
