package payments

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/fx"
	"lobang/suppliersim"
)

// hook is a webhook endpoint that verifies with the provider under test.
type hook struct {
	srv *httptest.Server
	mu  sync.Mutex
	evs []Event
	bad int
}

func newHook(t *testing.T, p func() Provider) *hook {
	t.Helper()
	h := &hook{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		ev, err := p().VerifyWebhook(body, r.Header, time.Now())
		h.mu.Lock()
		defer h.mu.Unlock()
		if err != nil {
			h.bad++
			http.Error(w, "bad signature", http.StatusBadRequest)
			return
		}
		h.evs = append(h.evs, ev)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// wait returns the events once there are n (de-duplicated by id when dedupe is set).
func (h *hook) wait(t *testing.T, n int) []Event {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		h.mu.Lock()
		evs := append([]Event{}, h.evs...)
		h.mu.Unlock()
		if len(evs) >= n {
			return evs
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d webhook events, want %d", len(evs), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type simEnv struct {
	p   Provider
	srv *httptest.Server
	h   *hook
}

func newSimEnv(t *testing.T) *simEnv {
	t.Helper()
	e := &simEnv{}
	e.h = newHook(t, func() Provider { return e.p })
	sim, err := suppliersim.New(suppliersim.Config{Profile: suppliersim.ProfileTest, Admin: true,
		PayWebhookURL: e.h.srv.URL, PaySecretKey: "sk_sim_test", PayWebhookSecret: "whsec_sim_test"})
	require.NoError(t, err)
	e.srv = httptest.NewServer(sim.Handler())
	t.Cleanup(func() {
		sim.Close()
		e.srv.Close()
	})
	e.p = NewSim(e.srv.URL+"/pay", "sk_sim_test", "whsec_sim_test", &http.Client{Timeout: 10 * time.Second})
	return e
}

var customer = &http.Client{Timeout: 10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// pay walks the hosted checkout as a customer without JavaScript: it fills the card form
// and, for a 3-D Secure card, presses a button on the challenge page. It returns the final
// redirect's Location (or "" with the last status when there was none).
func pay(t *testing.T, checkoutURL, number, challenge string) (string, int) {
	t.Helper()
	doc := func(resp *http.Response) *goquery.Document {
		defer resp.Body.Close()
		d, err := goquery.NewDocumentFromReader(resp.Body)
		require.NoError(t, err)
		return d
	}
	u, err := url.Parse(checkoutURL)
	require.NoError(t, err)
	resp, err := customer.Get(checkoutURL)
	require.NoError(t, err)
	form := doc(resp).Find("form")
	action, _ := form.Attr("action")
	values := url.Values{}
	form.Find("input").Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		values.Set(name, map[string]string{"card_number": number, "expiry": "12/39", "cvc": "123", "name": "Siti"}[name])
	})
	resp, err = customer.PostForm(u.ResolveReference(&url.URL{Path: action}).String(), values)
	require.NoError(t, err)
	if resp.StatusCode != http.StatusSeeOther {
		resp.Body.Close()
		return "", resp.StatusCode
	}
	loc := resp.Header.Get("Location")
	resp.Body.Close()
	if challenge == "" {
		return loc, resp.StatusCode
	}
	resp, err = customer.Get(u.ResolveReference(&url.URL{Path: loc}).String())
	require.NoError(t, err)
	btn := doc(resp).Find(`button[value="` + challenge + `"]`)
	require.Equal(t, 1, btn.Length(), "challenge page offers %s", challenge)
	action, _ = btn.Closest("form").Attr("action")
	resp, err = customer.PostForm(u.ResolveReference(&url.URL{Path: action}).String(), url.Values{"action": {challenge}})
	require.NoError(t, err)
	resp.Body.Close()
	return resp.Header.Get("Location"), resp.StatusCode
}

func sgd(n int64) fx.Money { return fx.Money{Amount: n, Currency: "SGD"} }

func checkoutReq(booking string) CheckoutRequest {
	return CheckoutRequest{BookingID: booking, Reference: "LB-" + strings.ToUpper(booking), Amount: sgd(88_000),
		SuccessURL: "https://lobang.test/bookings/" + booking + "/return", CancelURL: "https://lobang.test/bookings/" + booking}
}

func TestSimProviderHappyPath(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t)
	ctx := context.Background()
	co, err := e.p.CreateCheckout(ctx, checkoutReq("b1"))
	require.NoError(t, err)
	again, err := e.p.CreateCheckout(ctx, checkoutReq("b1"))
	require.NoError(t, err)
	assert.Equal(t, co, again, "the booking id keys the create: a retry gets the same session")

	s, err := e.p.Session(ctx, co.SessionID)
	require.NoError(t, err)
	assert.Equal(t, SessionOpen, s.Status)
	assert.Equal(t, "b1", s.BookingID)
	assert.Equal(t, sgd(88_000), s.Amount)
	assert.Empty(t, s.PaymentID)

	loc, status := pay(t, co.URL, "4242 4242 4242 4242", "")
	require.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, "https://lobang.test/bookings/b1/return?session_id="+co.SessionID, loc)

	s, err = e.p.Session(ctx, co.SessionID)
	require.NoError(t, err)
	assert.Equal(t, SessionAuthorized, s.Status)
	assert.Equal(t, PaymentAuthorized, s.PaymentStatus)
	assert.Equal(t, Card{Brand: "visa", Last4: "4242"}, s.Card)

	key := IdempotencyKey("b1", "capture")
	p1, err := e.p.Capture(ctx, s.PaymentID, fx.Money{}, key)
	require.NoError(t, err)
	assert.Equal(t, PaymentCaptured, p1.Status)
	assert.Equal(t, sgd(88_000), p1.Captured)
	p2, err := e.p.Capture(ctx, s.PaymentID, fx.Money{}, IdempotencyKey("b1", "capture-retry"))
	require.NoError(t, err)
	assert.Equal(t, p1, p2, "a second capture answers the first")

	_, err = e.p.Void(ctx, s.PaymentID, IdempotencyKey("b1", "void"))
	require.ErrorIs(t, err, ErrConflict, "void after capture")
	var pe *Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "already_captured", pe.Code)

	_, err = e.p.Refund(ctx, s.PaymentID, sgd(88_001), IdempotencyKey("b1", "refund-1"))
	require.ErrorIs(t, err, ErrInvalid, "more than was captured")
	r1, err := e.p.Refund(ctx, s.PaymentID, sgd(8_000), IdempotencyKey("b1", "refund-1"))
	require.NoError(t, err)
	assert.Equal(t, sgd(8_000), r1.Amount)
	assert.Equal(t, "succeeded", r1.Status)
	r1again, err := e.p.Refund(ctx, s.PaymentID, sgd(8_000), IdempotencyKey("b1", "refund-1"))
	require.NoError(t, err)
	assert.Equal(t, r1.ID, r1again.ID, "same key, same refund")

	evs := e.h.wait(t, 3)
	byType := map[EventType]Event{}
	for _, ev := range evs {
		byType[ev.Type] = ev
	}
	require.Contains(t, byType, EventAuthorized)
	assert.Equal(t, s.PaymentID, byType[EventAuthorized].PaymentID)
	assert.Equal(t, "b1", byType[EventAuthorized].BookingID)
	assert.Equal(t, "LB-B1", byType[EventAuthorized].Reference)
	assert.Equal(t, co.SessionID, byType[EventAuthorized].SessionID)
	assert.Equal(t, Card{Brand: "visa", Last4: "4242"}, byType[EventAuthorized].Card)
	assert.Equal(t, sgd(88_000), byType[EventCaptured].Amount)
	assert.Equal(t, sgd(8_000), byType[EventRefunded].Amount)
	assert.Equal(t, r1.ID, byType[EventRefunded].RefundID)
	e.h.mu.Lock()
	assert.Zero(t, e.h.bad)
	e.h.mu.Unlock()

	// A replayed event arrives with the same id: the receiver de-duplicates on it.
	resp, err := http.Post(e.srv.URL+"/_sim/pay/replay/"+byType[EventAuthorized].ID, "application/json", nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	evs = e.h.wait(t, 4)
	assert.Equal(t, byType[EventAuthorized].ID, evs[3].ID)
}

func TestSimProviderDeclineThreeDSAndVoid(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t)
	ctx := context.Background()
	co, err := e.p.CreateCheckout(ctx, checkoutReq("b2"))
	require.NoError(t, err)

	_, status := pay(t, co.URL, "4000000000000002", "")
	assert.Equal(t, http.StatusPaymentRequired, status)
	s, err := e.p.Session(ctx, co.SessionID)
	require.NoError(t, err)
	assert.Equal(t, SessionOpen, s.Status)
	assert.Equal(t, PaymentFailed, s.PaymentStatus)

	loc, status := pay(t, co.URL, "4000 0027 6000 3184", "approve")
	require.Equal(t, http.StatusSeeOther, status)
	assert.Contains(t, loc, "session_id="+co.SessionID)
	s, err = e.p.Session(ctx, co.SessionID)
	require.NoError(t, err)
	assert.Equal(t, PaymentAuthorized, s.PaymentStatus)
	assert.Equal(t, "3184", s.Card.Last4)

	v, err := e.p.Void(ctx, s.PaymentID, IdempotencyKey("b2", "void"))
	require.NoError(t, err)
	assert.Equal(t, PaymentVoided, v.Status)
	_, err = e.p.Capture(ctx, s.PaymentID, fx.Money{}, IdempotencyKey("b2", "capture"))
	assert.ErrorIs(t, err, ErrConflict, "capture after void")

	types := map[EventType]int{}
	for _, ev := range e.h.wait(t, 3) {
		types[ev.Type]++
	}
	assert.Equal(t, map[EventType]int{EventFailed: 1, EventAuthorized: 1, EventVoided: 1}, types)
}

func TestSimProviderPartialCapture(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t)
	ctx := context.Background()
	co, err := e.p.CreateCheckout(ctx, checkoutReq("b3"))
	require.NoError(t, err)
	_, status := pay(t, co.URL, "4242424242424242", "")
	require.Equal(t, http.StatusSeeOther, status)
	s, err := e.p.Session(ctx, co.SessionID)
	require.NoError(t, err)
	_, err = e.p.Capture(ctx, s.PaymentID, sgd(88_001), "k-over")
	require.ErrorIs(t, err, ErrInvalid, "more than authorised")
	p, err := e.p.Capture(ctx, s.PaymentID, sgd(50_000), "k-part")
	require.NoError(t, err)
	assert.Equal(t, sgd(50_000), p.Captured)
	assert.Equal(t, sgd(88_000), p.Amount)
	_, err = e.p.Refund(ctx, s.PaymentID, sgd(50_001), "r-over")
	assert.ErrorIs(t, err, ErrInvalid, "more than captured")
	r, err := e.p.Refund(ctx, s.PaymentID, fx.Money{}, "r-all")
	require.NoError(t, err)
	assert.Equal(t, sgd(50_000), r.Amount, "a zero amount refunds the rest")
}

func TestSimProviderErrors(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t)
	ctx := context.Background()

	_, err := e.p.Session(ctx, "cs_missing")
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = e.p.Session(ctx, "")
	assert.ErrorIs(t, err, ErrInvalid)
	_, err = e.p.Capture(ctx, "../sessions", fx.Money{}, "")
	assert.ErrorIs(t, err, ErrNotFound, "ids are path-escaped")

	bad := checkoutReq("b4")
	bad.Amount = fx.Money{Amount: 100, Currency: "XXQ"}
	_, err = e.p.CreateCheckout(ctx, bad)
	assert.ErrorIs(t, err, ErrInvalid)
	bad = checkoutReq("b4")
	bad.SuccessURL = "/relative"
	_, err = e.p.CreateCheckout(ctx, bad)
	assert.ErrorIs(t, err, ErrInvalid, "refused by the provider")

	wrongKey := NewSim(e.srv.URL+"/pay", "sk_wrong", "whsec_sim_test", nil)
	_, err = wrongKey.CreateCheckout(ctx, checkoutReq("b4"))
	assert.ErrorIs(t, err, ErrInvalid)

	first := checkoutReq("b5")
	_, err = e.p.CreateCheckout(ctx, first)
	require.NoError(t, err)
	first.Amount = sgd(1)
	_, err = e.p.CreateCheckout(ctx, first)
	assert.ErrorIs(t, err, ErrConflict, "the same booking's key with a different amount")

	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	_, err = NewSim(downURL+"/pay", "k", "s", nil).Session(ctx, "cs_1")
	assert.ErrorIs(t, err, ErrUnavailable, "nobody listening")

	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/pay/v1/sessions/cs_slow":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		case "/pay/v1/sessions/cs_garbled":
			w.Write([]byte(`{"id":`)) //nolint:errcheck // test server
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(flaky.Close)
	fp := NewSim(flaky.URL+"/pay", "k", "s", nil)
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = fp.Session(short, "cs_slow")
	assert.ErrorIs(t, err, ErrTimeout)
	_, err = fp.Session(ctx, "cs_garbled")
	assert.ErrorIs(t, err, ErrUnavailable)
	_, err = fp.Capture(ctx, "pay_1", fx.Money{}, "k")
	assert.ErrorIs(t, err, ErrUnavailable)
	var pe *Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, http.StatusServiceUnavailable, pe.Status)
}

func TestSimEventShape(t *testing.T) {
	t.Parallel()
	now := time.Now()
	body, err := json.Marshal(map[string]any{"id": "evt_9", "type": "something.new", "created": now.Unix(), "data": map[string]any{}})
	require.NoError(t, err)
	h := http.Header{}
	h.Set(SimSignatureHeader, SignPayload("w", now, body))
	ev, err := NewSim("http://x", "k", "w", nil).VerifyWebhook(body, h, now)
	require.NoError(t, err)
	assert.Equal(t, EventOther, ev.Type)
	assert.Equal(t, "something.new", ev.ProviderType)
	assert.Equal(t, now.Unix(), ev.Created.Unix())
}
