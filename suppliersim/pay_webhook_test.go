package suppliersim

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPayWebhookSignedAndReplayed(t *testing.T) {
	t.Parallel()
	const secret = "whsec_test_only"
	rc := newReceiver(t, secret, 0)
	e := newEnv(t, func(c *Config) { c.PayWebhookURL, c.PayWebhookSecret = rc.srv.URL, secret })
	s := e.newSession(t, "LB-HOOK", 7_700)
	require.Equal(t, http.StatusSeeOther, e.payWithCard(t, s, "4242424242424242").status)

	evs := rc.waitEvents(t, 1)
	ev := evs[0]
	assert.Equal(t, "payment.authorized", ev.Type)
	assert.True(t, strings.HasPrefix(ev.ID, "evt_"))
	assert.InDelta(t, time.Now().Unix(), ev.Created, 5)
	require.NotNil(t, ev.Data.Payment)
	assert.Equal(t, int64(7_700), ev.Data.Payment.Amount)
	assert.Equal(t, "authorized", ev.Data.Payment.Status)
	assert.Equal(t, "4242", ev.Data.Payment.Card.Last4)

	status, b := e.postJSON(t, "/_sim/pay/replay/"+ev.ID, nil)
	require.Equal(t, http.StatusOK, status, "%s", b)
	assert.Equal(t, true, decodeInto[map[string]any](t, b)["delivered"])
	evs = rc.waitEvents(t, 2)
	assert.Equal(t, ev.ID, evs[1].ID, "a replay carries the same event id")
	assert.Equal(t, ev, evs[1], "and the same content")

	status, _ = e.postJSON(t, "/_sim/pay/replay/evt_unknown", nil)
	assert.Equal(t, http.StatusNotFound, status)
	rc.mu.Lock()
	assert.Zero(t, rc.bad, "every delivery carried a valid signature")
	rc.mu.Unlock()

	// The capture and the refund are announced too, with the refund in the data.
	pid := ev.Data.Payment.ID
	st, _, _ := e.payCall(t, http.MethodPost, "/pay/v1/payments/"+pid+"/capture", "", nil)
	require.Equal(t, http.StatusOK, st)
	st, _, _ = e.payCall(t, http.MethodPost, "/pay/v1/payments/"+pid+"/refunds", "", map[string]any{"amount": 700})
	require.Equal(t, http.StatusCreated, st)
	evs = rc.waitEvents(t, 4)
	byType := map[string]payEventJSON{}
	for _, e := range evs[2:] {
		byType[e.Type] = e
	}
	require.Contains(t, byType, "payment.captured")
	require.Contains(t, byType, "refund.succeeded")
	assert.Equal(t, int64(7_700), byType["payment.captured"].Data.Payment.AmountCaptured)
	require.NotNil(t, byType["refund.succeeded"].Data.Refund)
	assert.Equal(t, int64(700), byType["refund.succeeded"].Data.Refund.Amount)
}

func TestPayWebhookRetriedUntilTaken(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, DefaultPayWebhookSecret, 2)
	e := newEnv(t, func(c *Config) { c.PayWebhookURL = rc.srv.URL })
	s := e.newSession(t, "LB-RETRY", 100)
	require.Equal(t, http.StatusSeeOther, e.payWithCard(t, s, "4242424242424242").status)
	evs := rc.waitEvents(t, 1)
	assert.Equal(t, "payment.authorized", evs[0].Type)

	list := e.payEventsWhen(t, url.Values{"type": {"payment.authorized"}}, func(l []payEventSummary) bool {
		return len(l) == 1 && len(l[0].Deliveries) == 3
	})
	assert.True(t, list[0].Delivered)
	require.Len(t, list[0].Deliveries, 3, "two failures, then success")
	assert.Equal(t, []int{500, 500, 204}, []int{list[0].Deliveries[0].Status, list[0].Deliveries[1].Status, list[0].Deliveries[2].Status})
}

func TestPayWebhookGivesUpAndStopsOnClose(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, DefaultPayWebhookSecret, 1000)
	e := newEnv(t, func(c *Config) { c.PayWebhookURL = rc.srv.URL })
	s := e.newSession(t, "LB-GIVEUP", 100)
	require.Equal(t, http.StatusSeeOther, e.payWithCard(t, s, "4242424242424242").status)
	list := e.payEventsWhen(t, nil, func(l []payEventSummary) bool {
		return len(l) == 1 && len(l[0].Deliveries) == payMaxAttempts
	})
	assert.Len(t, list[0].Deliveries, payMaxAttempts, "bounded retries")
	assert.False(t, list[0].Delivered)
	time.Sleep(400 * time.Millisecond)
	_, _, b := e.get(t, "/_sim/pay/events", nil)
	assert.Len(t, decodeInto[[]payEventSummary](t, b)[0].Deliveries, payMaxAttempts, "no attempt after the last")

	// A simulator that closes stops retrying at once.
	rc2 := newReceiver(t, DefaultPayWebhookSecret, 1000)
	e2 := newEnv(t, func(c *Config) { c.PayWebhookURL = rc2.srv.URL; c.Profile = ProfileRealistic })
	s2 := e2.newSession(t, "LB-CLOSE", 100)
	require.Equal(t, http.StatusSeeOther, e2.payWithCard(t, s2, "4242424242424242").status)
	time.Sleep(100 * time.Millisecond)
	e2.sim.Close()
	time.Sleep(100 * time.Millisecond)
	_, _, b = e2.get(t, "/_sim/pay/events", nil)
	assert.Len(t, decodeInto[[]payEventSummary](t, b)[0].Deliveries, 1, "realistic backoff is a second; Close ends it")
}

func TestPayWebhookURLSetAtRuntime(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	rc := newReceiver(t, DefaultPayWebhookSecret, 0)
	status, _ := e.postJSON(t, "/_sim/pay/webhook", map[string]string{"url": "nope"})
	assert.Equal(t, http.StatusBadRequest, status)
	status, _ = e.postJSON(t, "/_sim/pay/webhook", map[string]string{"url": rc.srv.URL})
	require.Equal(t, http.StatusNoContent, status)
	s := e.newSession(t, "LB-LATE", 100)
	require.Equal(t, http.StatusSeeOther, e.payWithCard(t, s, "4242424242424242").status)
	assert.Equal(t, "payment.authorized", rc.waitEvents(t, 1)[0].Type)
}

func TestSignPayloadScheme(t *testing.T) {
	t.Parallel()
	body := []byte(`{"id":"evt_1"}`)
	h := signPayload("whsec_a", time.Unix(1700000000, 0), body)
	ts, sig, ok := strings.Cut(h, ",v1=")
	require.True(t, ok)
	assert.Equal(t, "t="+strconv.Itoa(1700000000), ts)
	assert.Len(t, sig, 64)
	assert.True(t, validSig(h, body, "whsec_a"))
	assert.False(t, validSig(h, body, "whsec_b"))
	assert.False(t, validSig(h, bytes.Replace(body, []byte("1"), []byte("2"), 1), "whsec_a"))
}

// payEventsWhen polls the admin event list until cond holds (or fails after a few seconds).
func (e *testEnv) payEventsWhen(t *testing.T, q url.Values, cond func([]payEventSummary) bool) []payEventSummary {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		status, _, b := e.get(t, "/_sim/pay/events", q)
		require.Equal(t, http.StatusOK, status)
		list := decodeInto[[]payEventSummary](t, b)
		if cond(list) {
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("events never reached the expected state: %+v", list)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
