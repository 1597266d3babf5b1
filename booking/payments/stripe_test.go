package payments

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/fx"
)

// fakeStripe answers Stripe's API paths with the JSON fixtures in testdata/stripe, in the
// order given per route (the last answer repeats), and records every request.
type fakeStripe struct {
	srv *httptest.Server

	mu     sync.Mutex
	routes map[string][]reply
	reqs   []seen
}

type reply struct {
	status  int
	fixture string
}

type seen struct {
	method, path, idem, auth string
	form                     url.Values
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "stripe", name+".json"))
	require.NoError(t, err)
	return b
}

func newFakeStripe(t *testing.T, routes map[string][]reply) *fakeStripe {
	t.Helper()
	f := &fakeStripe{routes: routes}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		f.mu.Lock()
		f.reqs = append(f.reqs, seen{method: r.Method, path: r.URL.Path, idem: r.Header.Get("Idempotency-Key"),
			auth: r.Header.Get("Authorization"), form: r.Form})
		key := r.Method + " " + r.URL.Path
		answers := f.routes[key]
		rep := reply{http.StatusNotFound, "error_resource_missing"}
		if len(answers) > 0 {
			rep = answers[0]
			if len(answers) > 1 {
				f.routes[key] = answers[1:]
			}
		}
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Request-Id", "req_fake")
		w.WriteHeader(rep.status)
		w.Write(fixture(t, rep.fixture)) //nolint:errcheck // test server
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeStripe) provider() Provider {
	return NewStripe(StripeConfig{SecretKey: "sk_test_lobang", WebhookSecret: "whsec_test_lobang",
		APIURL: f.srv.URL, HTTPClient: &http.Client{Timeout: 5 * time.Second}})
}

func (f *fakeStripe) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen{}, f.reqs...)
}

const (
	testSession = "cs_test_a1B2c3D4e5F6g7H8"
	testPI      = "pi_3QaBcDeFgHiJkLmN0aBcDeFg"
)

func TestStripeCreateCheckout(t *testing.T) {
	t.Parallel()
	f := newFakeStripe(t, map[string][]reply{"POST /v1/checkout/sessions": {{200, "checkout_session_created"}}})
	co, err := f.provider().CreateCheckout(context.Background(), checkoutReq("b1"))
	require.NoError(t, err)
	assert.Equal(t, testSession, co.SessionID)
	assert.True(t, strings.HasPrefix(co.URL, "https://checkout.stripe.com/"))

	reqs := f.requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, "Bearer sk_test_lobang", r.auth)
	assert.Equal(t, "lobang:b1:checkout", r.idem, "the key derives from the booking and the operation")
	for k, want := range map[string]string{
		"mode":                                "payment",
		"payment_intent_data[capture_method]": "manual",
		"payment_intent_data[metadata][booking_id]": "b1",
		"line_items[0][price_data][currency]":       "sgd",
		"line_items[0][price_data][unit_amount]":    "88000",
		"line_items[0][quantity]":                   "1",
		"client_reference_id":                       "LB-B1",
		"metadata[booking_id]":                      "b1",
		"cancel_url":                                "https://lobang.test/bookings/b1",
		"success_url":                               "https://lobang.test/bookings/b1/return?session_id={CHECKOUT_SESSION_ID}",
	} {
		assert.Equal(t, want, r.form.Get(k), k)
	}
}

func TestStripeSession(t *testing.T) {
	t.Parallel()
	f := newFakeStripe(t, map[string][]reply{
		"GET /v1/checkout/sessions/" + testSession: {{200, "checkout_session_created"}, {200, "checkout_session_complete"}},
	})
	p := f.provider()
	s, err := p.Session(context.Background(), testSession)
	require.NoError(t, err)
	assert.Equal(t, SessionOpen, s.Status)
	assert.Empty(t, s.PaymentID)

	s, err = p.Session(context.Background(), testSession)
	require.NoError(t, err)
	assert.Equal(t, Session{ID: testSession, Status: SessionAuthorized, Reference: "LB-B1", BookingID: "b1",
		Amount: sgd(88_000), PaymentID: testPI, PaymentStatus: PaymentAuthorized,
		Card: Card{Brand: "visa", Last4: "4242"}}, s)
	assert.Contains(t, f.requests()[1].form["expand[0]"], "payment_intent.latest_charge")

	_, err = p.Session(context.Background(), "cs_test_missing")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestStripeCaptureTwiceChargesOnce(t *testing.T) {
	t.Parallel()
	f := newFakeStripe(t, map[string][]reply{
		"POST /v1/payment_intents/" + testPI + "/capture": {{200, "payment_intent_captured"}, {400, "error_unexpected_state"}},
		"GET /v1/payment_intents/" + testPI:               {{200, "payment_intent_captured"}},
	})
	p := f.provider()
	ctx := context.Background()
	first, err := p.Capture(ctx, testPI, fx.Money{}, IdempotencyKey("b1", "capture"))
	require.NoError(t, err)
	assert.Equal(t, PaymentCaptured, first.Status)
	assert.Equal(t, sgd(88_000), first.Captured)
	assert.Equal(t, Card{Brand: "visa", Last4: "4242"}, first.Card)

	second, err := p.Capture(ctx, testPI, sgd(88_000), IdempotencyKey("b1", "capture-2"))
	require.NoError(t, err, "already captured for this amount: answered as captured")
	assert.Equal(t, first, second)

	_, err = p.Capture(ctx, testPI, sgd(50_000), IdempotencyKey("b1", "capture-3"))
	require.ErrorIs(t, err, ErrConflict, "a different amount on a captured payment")
	var pe *Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "payment_intent_unexpected_state", pe.Code)

	reqs := f.requests()
	assert.Equal(t, "lobang:b1:capture", reqs[0].idem)
	assert.Empty(t, reqs[0].form.Get("amount_to_capture"), "a zero amount captures all")
	assert.Equal(t, "88000", reqs[1].form.Get("amount_to_capture"))
}

func TestStripeVoidAndRefund(t *testing.T) {
	t.Parallel()
	const voidPI = "pi_3QvOiDeFgHiJkLmN0aBcDeFg"
	f := newFakeStripe(t, map[string][]reply{
		"POST /v1/payment_intents/" + voidPI + "/cancel": {{200, "payment_intent_canceled"}, {400, "error_unexpected_state"}},
		"GET /v1/payment_intents/" + voidPI:              {{200, "payment_intent_canceled"}},
		"POST /v1/refunds":                               {{200, "refund_created"}, {400, "error_amount_too_large"}},
	})
	p := f.provider()
	ctx := context.Background()
	v, err := p.Void(ctx, voidPI, IdempotencyKey("b2", "void"))
	require.NoError(t, err)
	assert.Equal(t, PaymentVoided, v.Status)
	assert.Equal(t, fx.Money{Amount: 52_000, Currency: "EUR"}, v.Amount)
	assert.Equal(t, Card{Brand: "mastercard", Last4: "4444"}, v.Card)
	again, err := p.Void(ctx, voidPI, IdempotencyKey("b2", "void-2"))
	require.NoError(t, err, "voiding a voided payment answers it")
	assert.Equal(t, PaymentVoided, again.Status)

	r, err := p.Refund(ctx, testPI, sgd(8_000), IdempotencyKey("b1", "refund-1"))
	require.NoError(t, err)
	assert.Equal(t, Refund{ID: "re_3QaBcDeFgHiJkLmN0rEfUnD1", PaymentID: testPI, Amount: sgd(8_000), Status: "succeeded"}, r)
	_, err = p.Refund(ctx, testPI, sgd(90_000), IdempotencyKey("b1", "refund-2"))
	assert.ErrorIs(t, err, ErrInvalid)

	var refundReq seen
	for _, q := range f.requests() {
		if q.path == "/v1/refunds" {
			refundReq = q
			break
		}
	}
	assert.Equal(t, testPI, refundReq.form.Get("payment_intent"))
	assert.Equal(t, "8000", refundReq.form.Get("amount"))
	assert.Equal(t, "lobang:b1:refund-1", refundReq.idem)
}

func TestStripeErrors(t *testing.T) {
	t.Parallel()
	f := newFakeStripe(t, map[string][]reply{
		"POST /v1/payment_intents/pi_declined/capture": {{402, "error_card_declined"}},
		"POST /v1/payment_intents/pi_broken/capture":   {{500, "error_api"}},
	})
	p := f.provider()
	ctx := context.Background()
	_, err := p.Capture(ctx, "pi_declined", fx.Money{}, "k1")
	assert.ErrorIs(t, err, ErrDeclined)
	_, err = p.Capture(ctx, "pi_broken", fx.Money{}, "k2")
	assert.ErrorIs(t, err, ErrUnavailable)
	_, err = p.Void(ctx, "pi_unknown", "k3")
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = p.Capture(ctx, "", fx.Money{}, "k4")
	assert.ErrorIs(t, err, ErrInvalid)
	_, err = p.CreateCheckout(ctx, CheckoutRequest{BookingID: "b", Reference: "r", Amount: sgd(0), SuccessURL: "a", CancelURL: "b"})
	assert.ErrorIs(t, err, ErrInvalid)

	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(slow.Close)
	sp := NewStripe(StripeConfig{SecretKey: "sk_test_x", APIURL: slow.URL})
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = sp.Capture(short, "pi_1", fx.Money{}, "k5")
	assert.ErrorIs(t, err, ErrTimeout)

	close(release)
	slow.Close()
	_, err = sp.Capture(ctx, "pi_1", fx.Money{}, "k6")
	assert.ErrorIs(t, err, ErrUnavailable)
}

func TestStripeWebhooks(t *testing.T) {
	t.Parallel()
	p := NewStripe(StripeConfig{SecretKey: "sk_test_x", WebhookSecret: "whsec_test_lobang"})
	now := time.Unix(1_750_001_000, 0)
	signed := func(body []byte, at time.Time) http.Header {
		h := http.Header{}
		h.Set(StripeSignatureHeader, SignPayload("whsec_test_lobang", at, body))
		return h
	}
	cases := []struct {
		fixture string
		want    Event
	}{
		{"event_checkout_session_completed", Event{ID: "evt_1QcSeSsIoNcOmPlEtEd0001", Type: EventAuthorized,
			ProviderType: "checkout.session.completed", Created: time.Unix(1750000200, 0).UTC(), SessionID: testSession,
			PaymentID: testPI, Reference: "LB-B1", BookingID: "b1", Amount: sgd(88_000)}},
		{"event_payment_intent_amount_capturable_updated", Event{ID: "evt_3QaBcDeFgHiJkLmN0cApAb01", Type: EventAuthorized,
			ProviderType: "payment_intent.amount_capturable_updated", Created: time.Unix(1750000190, 0).UTC(),
			PaymentID: testPI, Reference: "LB-B1", BookingID: "b1", Amount: sgd(88_000)}},
		{"event_payment_intent_succeeded", Event{ID: "evt_3QaBcDeFgHiJkLmN0sUcCe01", Type: EventCaptured,
			ProviderType: "payment_intent.succeeded", Created: time.Unix(1750000300, 0).UTC(),
			PaymentID: testPI, Reference: "LB-B1", BookingID: "b1", Amount: sgd(80_000)}},
		{"event_payment_intent_canceled", Event{ID: "evt_3QvOiDeFgHiJkLmN0cAnCe01", Type: EventVoided,
			ProviderType: "payment_intent.canceled", Created: time.Unix(1750000500, 0).UTC(),
			PaymentID: "pi_3QvOiDeFgHiJkLmN0aBcDeFg", Reference: "LB-B2", BookingID: "b2", Amount: fx.Money{Amount: 52_000, Currency: "EUR"}}},
		{"event_payment_intent_payment_failed", Event{ID: "evt_3QfAiLeDgHiJkLmN0fAiL001", Type: EventFailed,
			ProviderType: "payment_intent.payment_failed", Created: time.Unix(1750000150, 0).UTC(),
			PaymentID: testPI, Reference: "LB-B1", BookingID: "b1", Amount: sgd(88_000)}},
		{"event_refund_created", Event{ID: "evt_3QaBcDeFgHiJkLmN0rEfUn01", Type: EventRefunded,
			ProviderType: "refund.created", Created: time.Unix(1750000900, 0).UTC(),
			PaymentID: testPI, RefundID: "re_3QaBcDeFgHiJkLmN0rEfUnD1", Amount: sgd(8_000)}},
		{"event_customer_created", Event{ID: "evt_1QcUsToMeRcReAtEd000001", Type: EventOther,
			ProviderType: "customer.created", Created: time.Unix(1750000000, 0).UTC()}},
	}
	for _, c := range cases {
		body := fixture(t, c.fixture)
		ev, err := p.VerifyWebhook(body, signed(body, now.Add(-10*time.Second)), now)
		require.NoError(t, err, c.fixture)
		assert.Equal(t, c.want, ev, c.fixture)
	}

	body := fixture(t, "event_payment_intent_succeeded")
	_, err := p.VerifyWebhook(body, signed(body, now.Add(-6*time.Minute)), now)
	assert.ErrorIs(t, err, ErrBadSignature, "too old")
	tampered := []byte(strings.Replace(string(body), `"amount_received": 80000`, `"amount_received": 1`, 1))
	require.NotEqual(t, body, tampered)
	_, err = p.VerifyWebhook(tampered, signed(body, now), now)
	assert.ErrorIs(t, err, ErrBadSignature, "tampered body")
	h := http.Header{}
	h.Set(SimSignatureHeader, SignPayload("whsec_test_lobang", now, body))
	_, err = p.VerifyWebhook(body, h, now)
	assert.ErrorIs(t, err, ErrBadSignature, "Stripe signs in Stripe-Signature")
	other := NewStripe(StripeConfig{SecretKey: "sk_test_x", WebhookSecret: "whsec_other"})
	_, err = other.VerifyWebhook(body, signed(body, now), now)
	assert.ErrorIs(t, err, ErrBadSignature, "wrong secret")
}
