package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/booking"
	"lobang/booking/payments"
	"lobang/db"
	"lobang/db/dbtest"
	"lobang/fx"
	"lobang/suppliersim"
)

// TestBookingFlowOverHTTP walks the booking flow as customers without
// JavaScript do, through Lobang's real router, the simulated suppliers and
// the simulated hosted checkout, in every way it can go.
func TestBookingFlowOverHTTP(t *testing.T) {
	dbtest.RequireReal(t)
	w := newBookingWorld(t, booking.Config{CallTimeout: 10 * time.Second})
	hotel := func(i int) db.Hotel { return w.hotels[i%len(w.hotels)] }

	t.Run("success", func(t *testing.T) {
		path, checkout := w.toCheckout(t, w.offer(t, hotel(0), stayOf(30, 1), "bedcom"))
		final := w.payAndReturn(t, checkout, cardOK)
		assert.Equal(t, path, final)
		p := fetch(t, http.MethodGet, w.abs(final), nil)
		require.Equal(t, http.StatusOK, p.status)
		assert.Equal(t, "private, no-store", p.header.Get("Cache-Control"))
		b := w.booking(t, path)
		assert.Equal(t, booking.StatusConfirmed, b.Status)
		assert.Regexp(t, `^LB-[0-9A-Z]{6}$`, b.Reference)
		assert.Equal(t, b.Reference, strings.TrimSpace(p.doc.Find(`[data-testid="booking-reference"]`).Text()))
		assert.Equal(t, b.SupplierReference.String, strings.TrimSpace(p.doc.Find(`[data-testid="supplier-reference"]`).Text()))
		assert.Equal(t, "Visa ending 4242", strings.TrimSpace(p.doc.Find(`[data-testid="card"]`).Text()))
		assert.Contains(t, p.doc.Find(`[data-testid="booking-summary"]`).Text(), hotel(0).Name)
		assert.NotEmpty(t, strings.TrimSpace(p.doc.Find(`[data-testid="booking-cancellation"]`).Text()))
		assert.Equal(t, money(fx.Money{Amount: b.ChargeAmount, Currency: b.ChargeCurrency}), strings.TrimSpace(p.doc.Find(`[data-testid="paid"]`).Text()))
		assert.Equal(t, []string{"quoted", "details", "awaiting_payment", "confirming", "confirmed"}, w.statuses(t, b.ID))
		s := w.session(t, b)
		assert.Equal(t, payments.PaymentCaptured, s.PaymentStatus)
		msgs, err := db.OutboxOf(context.Background(), w.pool, b.ID)
		require.NoError(t, err)
		require.Len(t, msgs, 1, "one confirmation email")
		assert.Equal(t, "siti.rahman@example.com", msgs[0].To)
		assert.Contains(t, msgs[0].Subject, b.Reference)
		// Refresh and back never break it: the page and the return answer again.
		assert.Equal(t, http.StatusOK, fetch(t, http.MethodGet, w.abs(path), nil).status)
		again := fetch(t, http.MethodGet, w.abs(path+"/return?session_id="+b.PaymentSessionID.String), nil)
		assert.Equal(t, http.StatusSeeOther, again.status)
		assert.Len(t, w.statuses(t, b.ID), 5, "a second return changes nothing")
	})

	t.Run("decline then success", func(t *testing.T) {
		path, checkout := w.toCheckout(t, w.offer(t, hotel(1), stayOf(31, 1), "bedcom"))
		p := w.pay(t, checkout, cardDecline)
		assert.NotEqual(t, http.StatusSeeOther, p.status, "a declined card stays on the checkout")
		assert.Contains(t, p.doc.Find(`[data-testid="payment-error"]`).Text(), "declined")
		assert.Equal(t, booking.StatusAwaitingPayment, w.booking(t, path).Status)
		final := w.payAndReturn(t, checkout, cardOK)
		assert.Equal(t, booking.StatusConfirmed, w.booking(t, final).Status)
	})

	t.Run("3-D Secure", func(t *testing.T) {
		path, checkout := w.toCheckout(t, w.offer(t, hotel(2), stayOf(32, 1), "bedcom"))
		p := w.pay(t, checkout, card3DS)
		require.Equal(t, http.StatusSeeOther, p.status)
		require.Contains(t, p.location, "/3ds")
		challenge := fetch(t, http.MethodGet, w.simURL+p.location, nil)
		require.Equal(t, http.StatusOK, challenge.status)
		action := challenge.doc.Find(`button[value="approve"]`).Closest("form").AttrOr("action", "")
		require.NotEmpty(t, action, "the challenge can be approved")
		done := fetch(t, http.MethodPost, w.simURL+action, url.Values{"action": {"approve"}})
		require.Equal(t, http.StatusSeeOther, done.status)
		back := fetch(t, http.MethodGet, done.location, nil)
		require.Equal(t, http.StatusSeeOther, back.status)
		b := w.booking(t, path)
		assert.Equal(t, booking.StatusConfirmed, b.Status)
		assert.Equal(t, payments.PaymentCaptured, w.session(t, b).PaymentStatus)
	})

	t.Run("price changed and accepted", func(t *testing.T) {
		offer := w.offer(t, hotel(3), stayOf(33, 1), "bedcom")
		require.NoError(t, w.sim.SetKnobs("bedcom", suppliersim.Knobs{PriceDrift: 0.05}))
		path := w.book(t, offer)
		require.NoError(t, w.sim.SetKnobs("bedcom", suppliersim.Knobs{}))
		p := fetch(t, http.MethodGet, w.abs(path), nil)
		require.Equal(t, http.StatusOK, p.status)
		old, now := p.doc.Find(`[data-testid="old-price"]`).Text(), p.doc.Find(`[data-testid="new-price"]`).Text()
		require.NotEmpty(t, old)
		assert.NotEqual(t, old, now, "old and new prices side by side")
		b := w.booking(t, path)
		assert.Greater(t, b.ChargeAmount, b.PreviousChargeAmount, "5% more")
		assert.Equal(t, 0, p.doc.Find(`form[data-testid="guest-details"]`).Length(), "no details before the price is accepted")
		acc := fetch(t, http.MethodPost, w.abs(path+"/price"), url.Values{"decision": {"accept"}})
		require.Equal(t, http.StatusSeeOther, acc.status)
		d := w.details(t, path, guestForm)
		require.Equal(t, http.StatusSeeOther, d.status)
		w.payAndReturn(t, d.location, cardOK)
		b = w.booking(t, path)
		assert.Equal(t, booking.StatusConfirmed, b.Status)
		assert.Equal(t, b.ChargeAmount, w.session(t, b).Amount.Amount, "charged the accepted price")
	})

	t.Run("price changed and refused", func(t *testing.T) {
		offer := w.offer(t, hotel(4), stayOf(34, 1), "bedcom")
		require.NoError(t, w.sim.SetKnobs("bedcom", suppliersim.Knobs{PriceDrift: 0.05}))
		path := w.book(t, offer)
		require.NoError(t, w.sim.SetKnobs("bedcom", suppliersim.Knobs{}))
		dec := fetch(t, http.MethodPost, w.abs(path+"/price"), url.Values{"decision": {"decline"}})
		require.Equal(t, http.StatusSeeOther, dec.status)
		assert.Contains(t, dec.location, "/rooms?", "back to the hotel's other offers")
		assert.Equal(t, booking.StatusExpired, w.booking(t, path).Status)
		p := fetch(t, http.MethodGet, w.abs(path), nil)
		assert.Equal(t, 0, p.doc.Find(`form[data-testid="guest-details"]`).Length())
	})

	t.Run("sold out", func(t *testing.T) {
		h, s := hotel(5), stayOf(35, 1)
		offer := w.offer(t, h, s, "bedcom")
		w.setRooms(t, h, s, 0)
		p := fetch(t, http.MethodPost, w.app.URL+"/bookings", url.Values{"offer": {offer}})
		assert.Equal(t, http.StatusConflict, p.status)
		assert.Contains(t, p.doc.Find("h1").Text(), "sold out")
		back := p.doc.Find(`[data-testid="back"]`).AttrOr("href", "")
		assert.Contains(t, back, "/rooms?", "leads to the hotel's other offers")
	})

	t.Run("supplier time-out resolved by the reconciler", func(t *testing.T) {
		path, checkout := w.toCheckout(t, w.offer(t, hotel(6), stayOf(36, 1), "bedcom"))
		require.NoError(t, w.sim.SetKnobs("bedcom", suppliersim.Knobs{TimeoutRate: 1}))
		final := w.payAndReturn(t, checkout, cardOK)
		require.NoError(t, w.sim.SetKnobs("bedcom", suppliersim.Knobs{}))
		b := w.booking(t, final)
		require.Equal(t, booking.StatusConfirming, b.Status, "a time-out is not a failure")
		p := fetch(t, http.MethodGet, w.abs(final), nil)
		assert.Equal(t, "confirming", p.doc.Find(`[data-testid="booking"]`).AttrOr("data-status", ""))
		assert.Equal(t, 1, p.doc.Find(`meta[http-equiv="refresh"]`).Length(), "the page refreshes until final")
		assert.Equal(t, payments.PaymentAuthorized, w.session(t, b).PaymentStatus, "not captured before the supplier confirms")
		// The lease of the timed-out attempt was released; the reconciler
		// finds no booking at the supplier and books it.
		_, err := w.svc.Reconcile(context.Background())
		require.NoError(t, err)
		b = w.booking(t, path)
		assert.Equal(t, booking.StatusConfirmed, b.Status)
		assert.Equal(t, payments.PaymentCaptured, w.session(t, b).PaymentStatus)
	})

	t.Run("webhook replayed", func(t *testing.T) {
		path, checkout := w.toCheckout(t, w.offer(t, hotel(7), stayOf(37, 1), "bedcom"))
		p := w.pay(t, checkout, cardOK)
		require.Equal(t, http.StatusSeeOther, p.status)
		// The customer never comes back: the webhook alone confirms.
		b := w.booking(t, path)
		require.Eventually(t, func() bool {
			return w.booking(t, path).Status == booking.StatusConfirmed
		}, 30*time.Second, 50*time.Millisecond, "the webhook confirms the booking")
		b = w.booking(t, path)
		events := w.payEvents(t, b.PaymentID.String)
		require.NotEmpty(t, events)
		before := len(w.statuses(t, b.ID))
		for _, ev := range events {
			resp, err := http.Post(w.simURL+"/_sim/pay/replay/"+ev.ID, "application/json", nil)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
		}
		for _, ev := range w.payEvents(t, b.PaymentID.String) {
			assert.True(t, ev.Delivered, "event %s acknowledged", ev.ID)
		}
		assert.Len(t, w.statuses(t, b.ID), before, "a replayed webhook changes nothing")
		assert.Equal(t, payments.PaymentCaptured, w.session(t, b).PaymentStatus)
		// A forged webhook is refused.
		resp, err := http.Post(w.app.URL+"/payments/webhook", "application/json", strings.NewReader(`{"id":"evt_forged"}`))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	})

	t.Run("double submit", func(t *testing.T) {
		offer := w.offer(t, hotel(8), stayOf(38, 1), "bedcom")
		first := w.book(t, offer)
		assert.Equal(t, first, w.book(t, offer), "the same offer twice is the same booking")
		p := fetch(t, http.MethodGet, w.abs(first), nil)
		token := p.doc.Find(`input[name="token"]`).AttrOr("value", "")
		form := url.Values{"token": {token}}
		for k, v := range guestForm {
			form[k] = v
		}
		a := fetch(t, http.MethodPost, w.abs(first+"/details"), form)
		b := fetch(t, http.MethodPost, w.abs(first+"/details"), form)
		require.Equal(t, http.StatusSeeOther, a.status)
		require.Equal(t, http.StatusSeeOther, b.status)
		assert.Equal(t, a.location, b.location, "the replay leads to the same checkout")
		assert.Equal(t, []string{"quoted", "details", "awaiting_payment"}, w.statuses(t, w.booking(t, first).ID))
		// A forged token does nothing.
		form.Set("token", strings.Repeat("0", 32))
		forged := fetch(t, http.MethodPost, w.abs(first+"/details"), form)
		assert.Equal(t, http.StatusSeeOther, forged.status)
		assert.Len(t, w.statuses(t, w.booking(t, first).ID), 3)
		var n int
		require.NoError(t, w.pool.QueryRow("SELECT COUNT(*) FROM bookings WHERE offer_key = ?", w.booking(t, first).OfferKey).Scan(&n))
		assert.Equal(t, 1, n, "one booking")
	})

	t.Run("invalid details", func(t *testing.T) {
		path := w.book(t, w.offer(t, hotel(9), stayOf(39, 1), "bedcom"))
		bad := url.Values{"first_name": {"Siti"}, "email": {"not-an-email"}, "phone": {"call me"},
			"special_requests": {"Quiet room"}}
		p := w.details(t, path, bad)
		assert.Equal(t, http.StatusUnprocessableEntity, p.status)
		for _, f := range []string{"last_name", "email", "phone", "billing_address"} {
			assert.NotEmpty(t, p.doc.Find(`[data-testid="error-`+f+`"]`).Text(), "a message beside %s", f)
			assert.Equal(t, "true", p.doc.Find("#"+f).AttrOr("aria-invalid", ""), f)
		}
		assert.Equal(t, "Siti", p.doc.Find("#first_name").AttrOr("value", ""), "what was typed stays")
		assert.Equal(t, "Quiet room", p.doc.Find("#special_requests").Text())
		assert.Equal(t, booking.StatusQuoted, w.booking(t, path).Status)
		ok := w.details(t, path, guestForm)
		assert.Equal(t, http.StatusSeeOther, ok.status, "the token was not used up by the invalid submit")
	})

	t.Run("two rooms where the second fails", func(t *testing.T) {
		h, s := hotel(10), stayOf(40, 2)
		path, checkout := w.toCheckout(t, w.offer(t, h, s, "bedcom"))
		b := w.booking(t, path)
		require.Contains(t, b.Query, `"Rooms":2`)
		// One room left when the customer pays: the supplier books every
		// room of the offer in one call, so the first is not kept either.
		w.setRooms(t, h, s, 1)
		final := w.payAndReturn(t, checkout, cardOK)
		b = w.booking(t, final)
		if b.Status == booking.StatusConfirming {
			// A call that outlasted CallTimeout on a loaded machine leaves
			// the outcome to the reconciler, as in production.
			_, err := w.svc.Reconcile(context.Background())
			require.NoError(t, err)
			b = w.booking(t, final)
		}
		assert.Equal(t, booking.StatusFailed, b.Status)
		assert.Equal(t, payments.PaymentVoided, w.session(t, b).PaymentStatus, "nothing charged")
		p := fetch(t, http.MethodGet, w.abs(final), nil)
		assert.Contains(t, p.doc.Find(`[data-testid="booking-ended"]`).Text(), "not been charged")
		// The one room left is still for sale: a one-room booking gets it.
		one := w.offer(t, h, strings.Replace(s, "rooms=2", "rooms=1", 1), "bedcom")
		_, co := w.toCheckout(t, one)
		assert.Equal(t, booking.StatusConfirmed, w.booking(t, w.payAndReturn(t, co, cardOK)).Status)
	})

	t.Run("unguessable", func(t *testing.T) {
		raw := make([]byte, 16)
		_, _ = rand.Read(raw)
		for _, p := range []string{"/bookings/" + hex.EncodeToString(raw), "/bookings/LB-AAAAAA", "/bookings/1",
			"/bookings/" + strings.Repeat("z", 32)} {
			assert.Equal(t, http.StatusNotFound, fetch(t, http.MethodGet, w.app.URL+p, nil).status, p)
			assert.Equal(t, http.StatusNotFound, fetch(t, http.MethodPost, w.app.URL+p+"/pay", nil).status, p)
		}
		expired := fetch(t, http.MethodPost, w.app.URL+"/bookings", url.Values{"offer": {hex.EncodeToString(raw)}})
		assert.Equal(t, http.StatusGone, expired.status)
	})

	t.Run("cross-site posts are refused", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodPost, w.app.URL+"/bookings", strings.NewReader("offer=x"))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := customer.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})

	// Every log line Lobang wrote in all of the above.
	t.Run("no card number, CVC or email in the logs", func(t *testing.T) {
		logs := w.logs.String()
		require.NotEmpty(t, logs)
		for _, run := range digitRun.FindAllString(logs, -1) {
			assert.False(t, luhn(run), "a card number in the logs: %s", run)
		}
		assert.NotContains(t, logs, "siti.rahman@example.com")
		assert.NotContains(t, logs, `"cvc"`)
		assert.NotContains(t, logs, "12/39", "no expiry date")
	})
}
