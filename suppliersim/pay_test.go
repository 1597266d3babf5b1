package suppliersim

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPaySessionLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	s := e.newSession(t, "LB-7K3Q9X", 45_000)
	assert.Equal(t, "open", s.Status)
	assert.Equal(t, "http://sim.test/pay/checkout/"+s.ID, s.URL)
	assert.Nil(t, s.PaymentID)
	assert.Len(t, s.ID, len("cs_")+26, "ids carry 130 random bits")

	done := e.payWithCard(t, s, "4242 4242 4242 4242")
	require.Equal(t, http.StatusSeeOther, done.status, done.body)
	loc, err := url.Parse(done.location)
	require.NoError(t, err)
	assert.Equal(t, "lobang.test", loc.Host)
	assert.Equal(t, "/bookings/b1/paid", loc.Path)
	assert.Equal(t, s.ID, loc.Query().Get("session_id"))
	assert.Equal(t, "1", loc.Query().Get("x"), "success_url's own query is kept")

	got := e.session(t, s.ID)
	assert.Equal(t, "authorized", got.Status)
	require.NotNil(t, got.PaymentID)
	require.NotNil(t, got.Payment)
	p := got.Payment
	assert.Equal(t, "authorized", p.Status)
	assert.Equal(t, int64(45_000), p.Amount)
	assert.Equal(t, "SGD", p.Currency)
	assert.Equal(t, "LB-7K3Q9X", p.Reference)
	require.NotNil(t, p.Card)
	assert.Equal(t, payCard{Brand: "visa", Last4: "4242"}, *p.Card)

	// The page after success says so instead of offering the form again.
	again := e.browse(t, http.MethodGet, checkoutPath(t, s), nil)
	assert.Equal(t, http.StatusOK, again.status)
	assert.Zero(t, again.doc.Find(`[data-testid="card-form"]`).Length())

	status, _, b := e.payCall(t, http.MethodPost, "/pay/v1/payments/"+p.ID+"/capture", "", map[string]any{"amount": 40_000})
	require.Equal(t, http.StatusOK, status, "%s", b)
	c1 := decodeInto[payPaymentJSON](t, b)
	assert.Equal(t, "captured", c1.Status)
	assert.Equal(t, int64(40_000), c1.AmountCaptured)
	require.NotNil(t, c1.CaptureID)

	status, _, b = e.payCall(t, http.MethodPost, "/pay/v1/payments/"+p.ID+"/capture", "", nil)
	require.Equal(t, http.StatusOK, status, "capturing twice answers the capture: %s", b)
	c2 := decodeInto[payPaymentJSON](t, b)
	assert.Equal(t, *c1.CaptureID, *c2.CaptureID)
	assert.Equal(t, int64(40_000), c2.AmountCaptured, "no second charge")

	status, _, b = e.payCall(t, http.MethodPost, "/pay/v1/payments/"+p.ID+"/capture", "", map[string]any{"amount": 45_000})
	assert.Equal(t, http.StatusConflict, status, "%s", b)

	status, _, b = e.payCall(t, http.MethodPost, "/pay/v1/payments/"+p.ID+"/void", "", nil)
	assert.Equal(t, http.StatusConflict, status, "void after capture: %s", b)
	assert.Contains(t, string(b), "already_captured")

	// Refunds are bounded by what was captured and not yet refunded.
	refund := func(amount any) (int, []byte) {
		body := map[string]any{}
		if amount != nil {
			body["amount"] = amount
		}
		status, _, b := e.payCall(t, http.MethodPost, "/pay/v1/payments/"+p.ID+"/refunds", "", body)
		return status, b
	}
	status, b = refund(15_000)
	require.Equal(t, http.StatusCreated, status, "%s", b)
	assert.Equal(t, int64(15_000), decodeInto[payRefundJSON](t, b).Amount)
	status, b = refund(25_001)
	assert.Equal(t, http.StatusBadRequest, status, "more than is left: %s", b)
	status, b = refund(0)
	assert.Equal(t, http.StatusBadRequest, status, "zero: %s", b)
	status, b = refund(nil)
	require.Equal(t, http.StatusCreated, status, "the rest: %s", b)
	assert.Equal(t, int64(25_000), decodeInto[payRefundJSON](t, b).Amount)
	status, b = refund(1)
	assert.Equal(t, http.StatusConflict, status, "nothing left: %s", b)

	final := e.payment(t, p.ID)
	assert.Equal(t, int64(40_000), final.AmountRefunded)
	assert.Len(t, final.Refunds, 2)
}

func TestPayAuthAndValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	status, _, _ := e.do(t, http.MethodPost, "/pay/v1/sessions", "application/json", []byte(`{}`))
	assert.Equal(t, http.StatusUnauthorized, status, "no key")
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+"/pay/v1/sessions/cs_x", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer sk_wrong")
	resp, err := client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "wrong key")

	for name, mod := range map[string]func(map[string]any){
		"zero amount":      func(m map[string]any) { m["amount"] = 0 },
		"negative amount":  func(m map[string]any) { m["amount"] = -5 },
		"unknown currency": func(m map[string]any) { m["currency"] = "XYZ" },
		"no reference":     func(m map[string]any) { delete(m, "reference") },
		"relative success": func(m map[string]any) { m["success_url"] = "/paid" },
		"ftp cancel":       func(m map[string]any) { m["cancel_url"] = "ftp://x/y" },
		"auto capture":     func(m map[string]any) { m["capture"] = "automatic" },
		"unknown field":    func(m map[string]any) { m["amuont"] = 5 },
		"fraction amount":  func(m map[string]any) { m["amount"] = 12.5 },
	} {
		body := sessionBody("LB-1", 100)
		mod(body)
		status, _, b := e.payCall(t, http.MethodPost, "/pay/v1/sessions", "", body)
		assert.Equal(t, http.StatusBadRequest, status, "%s: %s", name, b)
	}
	status, _, _ = e.payCall(t, http.MethodGet, "/pay/v1/sessions/cs_nope", "", nil)
	assert.Equal(t, http.StatusNotFound, status)
	status, _, _ = e.payCall(t, http.MethodPost, "/pay/v1/payments/pay_nope/capture", "", nil)
	assert.Equal(t, http.StatusNotFound, status)
	page := e.browse(t, http.MethodGet, "/pay/checkout/cs_nope", nil)
	assert.Equal(t, http.StatusNotFound, page.status)
}

func TestPayIdempotency(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	body := sessionBody("LB-IDEM", 1000)
	st1, _, b1 := e.payCall(t, http.MethodPost, "/pay/v1/sessions", "bk-1:checkout", body)
	require.Equal(t, http.StatusCreated, st1, "%s", b1)
	st2, h2, b2 := e.payCall(t, http.MethodPost, "/pay/v1/sessions", "bk-1:checkout", body)
	require.Equal(t, http.StatusCreated, st2)
	assert.Equal(t, decodeInto[paySessionJSON](t, b1).ID, decodeInto[paySessionJSON](t, b2).ID)
	assert.Equal(t, "true", h2.Get("Idempotent-Replayed"))

	body["amount"] = 2000
	st3, _, b3 := e.payCall(t, http.MethodPost, "/pay/v1/sessions", "bk-1:checkout", body)
	assert.Equal(t, http.StatusConflict, st3, "same key, different body: %s", b3)
	assert.Contains(t, string(b3), "idempotency_key_reused")

	s := decodeInto[paySessionJSON](t, b1)
	require.Equal(t, http.StatusSeeOther, e.payWithCard(t, s, "4242424242424242").status)
	pid := *e.session(t, s.ID).PaymentID
	_, _, b := e.payCall(t, http.MethodPost, "/pay/v1/payments/"+pid+"/capture", "bk-1:capture", nil)
	require.Equal(t, "captured", decodeInto[payPaymentJSON](t, b).Status)

	r1st, _, r1 := e.payCall(t, http.MethodPost, "/pay/v1/payments/"+pid+"/refunds", "bk-1:refund:1", map[string]any{"amount": 300})
	require.Equal(t, http.StatusCreated, r1st, "%s", r1)
	r2st, _, r2 := e.payCall(t, http.MethodPost, "/pay/v1/payments/"+pid+"/refunds", "bk-1:refund:1", map[string]any{"amount": 300})
	require.Equal(t, http.StatusCreated, r2st, "%s", r2)
	assert.Equal(t, decodeInto[payRefundJSON](t, r1).ID, decodeInto[payRefundJSON](t, r2).ID)
	r3st, _, _ := e.payCall(t, http.MethodPost, "/pay/v1/payments/"+pid+"/refunds", "bk-1:refund:1", map[string]any{"amount": 400})
	assert.Equal(t, http.StatusConflict, r3st)
	assert.Equal(t, int64(300), e.payment(t, pid).AmountRefunded, "refunded once")
}

func TestPayConcurrentCapturesChargeOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	s := e.newSession(t, "LB-RACE", 9_900)
	require.Equal(t, http.StatusSeeOther, e.payWithCard(t, s, "4242424242424242").status)
	pid := *e.session(t, s.ID).PaymentID

	var wg sync.WaitGroup
	ids := make([]string, 16)
	var failed atomic.Int32
	for i := range ids {
		wg.Go(func() {
			status, _, b := e.payCall(t, http.MethodPost, "/pay/v1/payments/"+pid+"/capture", fmt.Sprintf("k%d", i), nil)
			if status != http.StatusOK {
				failed.Add(1)
				return
			}
			ids[i] = *decodeInto[payPaymentJSON](t, b).CaptureID
		})
	}
	wg.Wait()
	require.Zero(t, failed.Load())
	for _, id := range ids {
		assert.Equal(t, ids[0], id)
	}
	status, _, b := e.get(t, "/_sim/pay/events", url.Values{"payment_id": {pid}})
	require.Equal(t, http.StatusOK, status)
	var types []string
	for _, ev := range decodeInto[[]payEventSummary](t, b) {
		types = append(types, ev.Type)
	}
	assert.ElementsMatch(t, []string{"payment.authorized", "payment.captured"}, types, "one capture event")
}

func TestPayVoid(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	s := e.newSession(t, "LB-VOID", 5_000)
	require.Equal(t, http.StatusSeeOther, e.payWithCard(t, s, "5555 5555 5555 4444").status)
	pid := *e.session(t, s.ID).PaymentID
	for range 2 {
		status, _, b := e.payCall(t, http.MethodPost, "/pay/v1/payments/"+pid+"/void", "", nil)
		require.Equal(t, http.StatusOK, status, "%s", b)
		assert.Equal(t, "voided", decodeInto[payPaymentJSON](t, b).Status)
	}
	status, _, _ := e.payCall(t, http.MethodPost, "/pay/v1/payments/"+pid+"/capture", "", nil)
	assert.Equal(t, http.StatusConflict, status, "capture after void")
	status, _, _ = e.payCall(t, http.MethodPost, "/pay/v1/payments/"+pid+"/refunds", "", nil)
	assert.Equal(t, http.StatusConflict, status, "refund of a voided payment")
	assert.Equal(t, "mastercard", e.payment(t, pid).Card.Brand)
}

func TestPayStatsCountPayEndpoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	s := e.newSession(t, "LB-STATS", 100)
	e.session(t, s.ID)
	e.browse(t, http.MethodGet, checkoutPath(t, s), nil)
	status, _, b := e.get(t, "/_sim/stats", nil)
	require.Equal(t, http.StatusOK, status)
	st := decodeInto[map[string]map[string]int64](t, b)
	assert.Equal(t, int64(1), st["pay"]["sessions_create"])
	assert.Equal(t, int64(1), st["pay"]["sessions_get"])
	assert.Equal(t, int64(1), st["pay"]["checkout_page"])
}

func TestPaySessionExpires(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(time.Now().Unix())
	e := newEnv(t, func(c *Config) { c.Now = func() time.Time { return time.Unix(now.Load(), 0) } })
	body := sessionBody("LB-EXP", 100)
	body["expires_in"] = 60
	status, _, b := e.payCall(t, http.MethodPost, "/pay/v1/sessions", "", body)
	require.Equal(t, http.StatusCreated, status, "%s", b)
	s := decodeInto[paySessionJSON](t, b)
	now.Add(61)
	assert.Equal(t, "expired", e.session(t, s.ID).Status)
	page := e.browse(t, http.MethodGet, checkoutPath(t, s), nil)
	assert.Equal(t, http.StatusGone, page.status)
	late := e.browse(t, http.MethodPost, checkoutPath(t, s), url.Values{"card_number": {"4242424242424242"},
		"expiry": {"12/40"}, "cvc": {"123"}, "name": {"A"}})
	assert.Equal(t, http.StatusGone, late.status, "no payment after expiry")
	assert.Nil(t, e.session(t, s.ID).PaymentID)
}

func TestPayConfigFromEnv(t *testing.T) {
	t.Parallel()
	cfg, err := ConfigFromEnv(envOf(map[string]string{"LOBANG_SIM_PAY_WEBHOOK_URL": "http://127.0.0.1:8080/payments/webhook",
		"LOBANG_SIM_PAY_SECRET_KEY": "sk_x", "LOBANG_SIM_PAY_WEBHOOK_SECRET": "whsec_y"}))
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:8080/payments/webhook", cfg.PayWebhookURL)
	assert.Equal(t, "sk_x", cfg.PaySecretKey)
	assert.Equal(t, "whsec_y", cfg.PayWebhookSecret)
	_, err = ConfigFromEnv(envOf(map[string]string{"LOBANG_SIM_PAY_WEBHOOK_URL": "not a url"}))
	require.ErrorIs(t, err, ErrConfig)
	assert.ErrorContains(t, err, "LOBANG_SIM_PAY_WEBHOOK_URL")
}
