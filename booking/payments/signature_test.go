package payments

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerifySignature(t *testing.T) {
	t.Parallel()
	const secret = "whsec_unit"
	now := time.Unix(1_750_000_000, 0)
	body := []byte(`{"id":"evt_1","type":"payment.captured"}`)
	good := SignPayload(secret, now.Add(-time.Minute), body)
	_, goodSig, _ := strings.Cut(good, ",v1=")
	ts := "t=" + "1749999940"

	cases := []struct {
		name    string
		body    []byte
		header  string
		secret  string
		now     time.Time
		wantErr bool
	}{
		{"valid", body, good, secret, now, false},
		{"valid with spaces and unknown keys", body, ts + ", v0=abc, v1=" + goodSig, secret, now, false},
		{"rolled secret: one of two signatures matches", body, ts + ",v1=" + strings.Repeat("ab", 32) + ",v1=" + goodSig, secret, now, false},
		{"tampered body", []byte(`{"id":"evt_1","type":"payment.voided"}`), good, secret, now, true},
		{"wrong secret", body, good, "whsec_other", now, true},
		{"no secret configured", body, good, "", now, true},
		{"too old", body, good, secret, now.Add(5 * time.Minute), true},
		{"from the future", body, SignPayload(secret, now.Add(6*time.Minute), body), secret, now, true},
		{"just inside the tolerance", body, SignPayload(secret, now.Add(-WebhookTolerance), body), secret, now, false},
		{"empty header", body, "", secret, now, true},
		{"garbage", body, "garbage", secret, now, true},
		{"no timestamp", body, "v1=" + goodSig, secret, now, true},
		{"bad timestamp", body, "t=yesterday,v1=" + goodSig, secret, now, true},
		{"no signature", body, ts, secret, now, true},
		{"signature not hex", body, ts + ",v1=" + strings.Repeat("zz", 32), secret, now, true},
		{"short signature", body, ts + ",v1=" + goodSig[:10], secret, now, true},
		{"signature of another time", body, "t=1749999941,v1=" + goodSig, secret, now, true},
		{"huge header", body, ts + ",v1=" + strings.Repeat("a", 5000), secret, now, true},
	}
	for _, c := range cases {
		err := verifySignature(c.body, c.header, c.secret, c.now, WebhookTolerance)
		if c.wantErr {
			assert.ErrorIs(t, err, ErrBadSignature, c.name)
		} else {
			assert.NoError(t, err, c.name)
		}
	}
}

func TestVerifyWebhookReadsItsProvidersHeader(t *testing.T) {
	t.Parallel()
	now := time.Now()
	body := []byte(`{"id":"evt_1","object":"event","type":"payment.voided","created":1,"data":{"session_id":"cs_1","reference":"LB-1","payment":{"id":"pay_1","status":"voided","amount":100,"currency":"SGD"}}}`)
	sim := NewSim("http://unused", "sk", "whsec_s", nil)
	h := http.Header{}
	h.Set("Stripe-Signature", SignPayload("whsec_s", now, body))
	_, err := sim.VerifyWebhook(body, h, now)
	require.ErrorIs(t, err, ErrBadSignature, "the simulator signs in Lobang-Signature only")
	h.Set(SimSignatureHeader, SignPayload("whsec_s", now, body))
	ev, err := sim.VerifyWebhook(body, h, now)
	require.NoError(t, err)
	assert.Equal(t, EventVoided, ev.Type)
	assert.Equal(t, "pay_1", ev.PaymentID)

	h = http.Header{}
	h.Set(SimSignatureHeader, SignPayload("whsec_s", now, []byte("not json")))
	_, err = sim.VerifyWebhook([]byte("not json"), h, now)
	assert.ErrorIs(t, err, ErrInvalid, "signed but not an event")
}
