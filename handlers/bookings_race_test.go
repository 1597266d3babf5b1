package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator/suppliers"
	"lobang/booking"
	"lobang/booking/payments"
	"lobang/db"
	"lobang/db/dbtest"
	"lobang/suppliersim"
)

// TestCustomersRaceForAHotel has 64 customers book the same room of one
// hotel at once over HTTP, one in ten replaying every submit (a double
// click, a refresh that re-posts), while the hotel has fewer rooms than
// customers. Nothing may be oversold, duplicated, captured twice or left
// half way, and money and bookings must match both ways.
func TestCustomersRaceForAHotel(t *testing.T) {
	dbtest.RequireReal(t)
	const customers, rooms = 64, 20
	w := newBookingWorld(t, booking.Config{CallTimeout: 20 * time.Second})
	hotel, s := w.hotels[0], stayOf(60, 1)
	w.setRooms(t, hotel, s, rooms)

	type outcome struct {
		path    string // the booking's page; empty when the quote found it sold out
		soldOut bool
		err     error
	}
	outcomes := make([]outcome, customers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range customers {
		replays := i%10 == 0
		wg.Go(func() {
			<-start
			outcomes[i].path, outcomes[i].soldOut, outcomes[i].err = w.race(t, hotel, s, replays)
		})
	}
	close(start)
	wg.Wait()

	paths := map[string]int{}
	soldOut := 0
	for i, o := range outcomes {
		require.NoError(t, o.err, "customer %d", i)
		if o.soldOut {
			soldOut++
			continue
		}
		paths[o.path]++
	}
	assert.Len(t, paths, customers-soldOut, "every customer has a booking of their own: no two share one")

	// Whatever a time-out left open, the reconciler finishes.
	ctx := context.Background()
	for range 5 {
		if _, err := w.svc.Reconcile(ctx); err != nil {
			t.Logf("reconcile: %v", err)
		}
	}

	var n int
	require.NoError(t, w.pool.QueryRow("SELECT COUNT(*) FROM bookings").Scan(&n))
	assert.Equal(t, len(paths), n, "no duplicate bookings: one row per customer who got a quote")

	bedcom := w.supplier(t, "bedcom")
	confirmed, captured, atSupplier := 0, 0, 0
	refs := map[string]bool{}
	for path := range paths {
		b := w.booking(t, path)
		assert.True(t, booking.Final(b.Status), "booking %s left in %s", b.Reference, b.Status)
		assert.False(t, refs[b.Reference], "references are unique")
		refs[b.Reference] = true
		sess := w.session(t, b)
		if sess.PaymentID != "" {
			if p := w.paymentOf(t, sess.PaymentID); p.Captured > 0 {
				captured++
				assert.Equal(t, b.ChargeAmount, p.Captured, "captured exactly once, the quoted amount")
				assert.Equal(t, booking.StatusConfirmed, b.Status, "a captured payment has a confirmed booking")
			}
		}
		sb, err := bedcom.Retrieve(ctx, b.Reference)
		switch {
		case err == nil && sb.Status == suppliers.StatusConfirmed:
			atSupplier++
			assert.Equal(t, booking.StatusConfirmed, b.Status, "a room held at the supplier belongs to a confirmed booking")
		case err != nil && !errors.Is(err, suppliers.ErrNotFound):
			t.Errorf("retrieve %s: %v", b.Reference, err)
		}
		if b.Status == booking.StatusConfirmed {
			confirmed++
			assert.Equal(t, payments.PaymentCaptured, sess.PaymentStatus, "a confirmed booking was paid")
		} else {
			assert.NotEqual(t, payments.PaymentCaptured, sess.PaymentStatus, "%s is %s but captured", b.Reference, b.Status)
		}
	}
	t.Logf("%d customers: %d confirmed, %d sold out at the quote, %d failed after paying (voided)",
		customers, confirmed, soldOut, len(paths)-confirmed)
	assert.LessOrEqual(t, atSupplier, rooms, "no night oversold at the supplier")
	assert.Equal(t, rooms, confirmed, "every room sold, once")
	assert.Equal(t, confirmed, atSupplier, "every confirmed booking holds a room at the supplier")
	assert.Equal(t, confirmed, captured, "every captured payment is a confirmed booking and vice versa")
}

// race is one customer's whole booking; with replays every submit goes
// twice at once. It answers the booking's page, or soldOut when the quote
// found no room.
func (w *bookingWorld) race(tb testing.TB, hotel db.Hotel, s string, replays bool) (path string, soldOut bool, err error) {
	t := &collectT{TB: tb}
	defer func() {
		if r := recover(); r != nil {
			if r != errCollectT {
				panic(r)
			}
			err = t.err
		}
	}()
	twice := func(f func() answer) answer {
		if !replays {
			return f()
		}
		var a, b answer
		var wg sync.WaitGroup
		wg.Go(func() { t.run(func() { a = f() }) })
		wg.Go(func() { t.run(func() { b = f() }) })
		wg.Wait()
		if t.failed() {
			t.FailNow()
		}
		if a.status != b.status || a.location != b.location {
			t.Errorf("a replayed submit answered differently: %d %s vs %d %s", a.status, a.location, b.status, b.location)
		}
		return a
	}
	offer := w.offer(t, hotel, s, "bedcom")
	created := twice(func() answer {
		return fetch(t, http.MethodPost, w.app.URL+"/bookings", url.Values{"offer": {offer}})
	})
	if created.status == http.StatusConflict {
		return "", true, nil
	}
	if created.status != http.StatusSeeOther {
		t.Errorf("POST /bookings answered %d", created.status)
	}
	path = created.location
	p := fetch(t, http.MethodGet, w.abs(path), nil)
	form := url.Values{"token": {p.doc.Find(`input[name="token"]`).AttrOr("value", "")}}
	for k, v := range guestForm {
		form[k] = v
	}
	d := twice(func() answer { return fetch(t, http.MethodPost, w.abs(path+"/details"), form) })
	if d.status != http.StatusSeeOther {
		t.Errorf("details answered %d", d.status)
	}
	paid := w.pay(t, d.location, cardOK)
	if paid.status != http.StatusSeeOther {
		t.Errorf("checkout answered %d", paid.status)
	}
	twice(func() answer { return fetch(t, http.MethodGet, paid.location, nil) })
	return path, false, t.err
}

// supplier is the world's adapter of a supplier.
func (w *bookingWorld) supplier(t testing.TB, name string) suppliers.Supplier {
	t.Helper()
	for _, s := range w.sups {
		if s.Name() == name {
			return s
		}
	}
	t.Fatalf("no supplier %s", name)
	return nil
}

// simPayment is a payment as the simulated provider's API tells it.
type simPayment struct {
	Status   string `json:"status"`
	Amount   int64  `json:"amount"`
	Captured int64  `json:"amount_captured"`
	Refunded int64  `json:"amount_refunded"`
}

// paymentOf asks the provider's API for a payment.
func (w *bookingWorld) paymentOf(t testing.TB, id string) simPayment {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, w.simURL+"/pay/v1/payments/"+url.PathEscape(id), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+suppliersim.DefaultPaySecretKey)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var p simPayment
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&p))
	return p
}

// errCollectT is the panic with which collectT stops a failed customer.
var errCollectT = errors.New("customer failed")

// collectT lets the helpers that take a testing.TB run in goroutines other
// than the test's: failures are collected and FailNow unwinds with a panic
// that the goroutine recovers.
type collectT struct {
	testing.TB
	mu  sync.Mutex
	err error
}

func (c *collectT) Helper() {}

func (c *collectT) Errorf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.err = errors.Join(c.err, fmt.Errorf(format, args...))
}

func (c *collectT) Error(args ...any) { c.Errorf("%s", fmt.Sprint(args...)) }

func (c *collectT) Fatalf(format string, args ...any) {
	c.Errorf(format, args...)
	c.FailNow()
}

func (c *collectT) Fatal(args ...any) {
	c.Error(args...)
	c.FailNow()
}

func (c *collectT) FailNow() { panic(errCollectT) }

func (c *collectT) failed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err != nil
}

// run calls f, turning FailNow's panic back into a recorded failure.
func (c *collectT) run(f func()) {
	defer func() {
		if r := recover(); r != nil && r != errCollectT {
			panic(r)
		}
	}()
	f()
}
