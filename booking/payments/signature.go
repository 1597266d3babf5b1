package payments

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// maxSignatureHeader bounds the header we are willing to parse.
const maxSignatureHeader = 4096

// SignPayload returns a signature header value in the scheme both providers use:
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<payload>" under secret>". Lobang verifies
// with it; tests sign their own webhooks with it.
func SignPayload(secret string, t time.Time, payload []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, payload))
}

func mac(secret, ts string, payload []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts))  //nolint:errcheck // hash writes never fail
	h.Write([]byte{'.'}) //nolint:errcheck // hash writes never fail
	h.Write(payload)     //nolint:errcheck // hash writes never fail
	return h.Sum(nil)
}

// verifySignature checks a signature header against the payload: one of its v1 signatures
// must match (several appear while a secret is rolled over) and its time must lie within
// tolerance of now, either way, so that a captured delivery cannot be replayed later.
func verifySignature(payload []byte, header, secret string, now time.Time, tolerance time.Duration) error {
	bad := func(why string) error { return fmt.Errorf("verify webhook: %w: %s", ErrBadSignature, why) }
	if secret == "" {
		return bad("no webhook secret configured")
	}
	if header == "" {
		return bad("no signature header")
	}
	if len(header) > maxSignatureHeader {
		return bad("signature header too long")
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return bad("malformed signature header")
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			if sig, err := hex.DecodeString(v); err == nil && len(sig) == sha256.Size {
				sigs = append(sigs, sig)
			}
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || unix <= 0 {
		return bad("no valid timestamp")
	}
	if len(sigs) == 0 {
		return bad("no v1 signature")
	}
	if d := now.Sub(time.Unix(unix, 0)); d > tolerance || d < -tolerance {
		return bad("timestamp outside the tolerance")
	}
	want := mac(secret, ts, payload)
	for _, sig := range sigs {
		if hmac.Equal(sig, want) {
			return nil
		}
	}
	return bad("no signature matches")
}
