package suppliersim

// The simulated hosted-checkout payment provider, served under /pay/. JSON over HTTP, amounts
// in minor units, errors {"error":{"code","message"}}.
//
// Server to server (Authorization: Bearer <secret key>; 401 otherwise). Mutations honour an
// Idempotency-Key header: the same key with the same request answers the first success again
// (header Idempotent-Replayed: true), with a different request 409 idempotency_key_reused.
//
//	POST /pay/v1/sessions {amount, currency, reference, success_url, cancel_url,
//	     capture:"manual", expires_in?, metadata?}      → 201 {id, url, status:"open", …}
//	GET  /pay/v1/sessions/{id}                          → session with payment_id and payment
//	GET  /pay/v1/payments/{id}                          → {id, status, amount, amount_captured,
//	     amount_refunded, currency, reference, session_id, card:{brand,last4}, last_error, refunds}
//	POST /pay/v1/payments/{id}/capture {amount?}        → payment; partial ≤ authorised; a
//	     captured payment answers the same capture again (409 only for a different amount)
//	POST /pay/v1/payments/{id}/void                     → payment; 409 already_captured
//	POST /pay/v1/payments/{id}/refunds {amount?}        → 201 refund; ≤ captured − refunded
//
// Payment states: requires_action (3-D Secure pending), failed (declined; the customer may try
// another card), authorized, captured, voided. Sessions: open, authorized, expired.
//
// The customer pays at url = /pay/checkout/{id}: a server-rendered form (card number, expiry
// MM/YY, CVC, name). Test cards: 4242 4242 4242 4242 succeeds (also 5555 5555 5555 4444 and
// 3782 822463 10005), 4000 0000 0000 0002 is declined (4000 0000 0000 9995: insufficient
// funds), 4000 0027 6000 3184 asks for 3-D Secure at /pay/checkout/{id}/3ds (Approve / Fail).
// On authorisation the customer is redirected 303 to success_url?session_id={id}; the Cancel
// link goes to cancel_url. Only brand and last four of a card are kept.
//
// Webhooks: payment.authorized, payment.failed, payment.captured, payment.voided and
// refund.succeeded are POSTed as {id:"evt_…", object:"event", type, created, data:{session_id,
// reference, payment, refund?}} to Config.PayWebhookURL with the header
// Lobang-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the webhook secret>,
// retried up to 5 times with doubling backoff until a 2xx answer (or Close).
//
// Secrets: Config.PaySecretKey and PayWebhookSecret (LOBANG_SIM_PAY_SECRET_KEY,
// LOBANG_SIM_PAY_WEBHOOK_SECRET) default to DefaultPaySecretKey and DefaultPayWebhookSecret,
// well-known development values. LOBANG_SIM_PAY_WEBHOOK_URL sets where events go.
//
// Admin (Config.Admin): GET /_sim/pay/events[?payment_id=&type=] lists events with their
// delivery attempts; POST /_sim/pay/replay/{event_id} sends one again now and answers
// {id, delivered, status, error}; POST /_sim/pay/webhook {"url"} changes the webhook URL.
// Request counts appear under "pay" in GET /_sim/stats.

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// The dev defaults of the payment provider's secrets: well known, so that a fresh checkout of
// Lobang talks to its simulator without configuration. Never use them outside development.
const (
	DefaultPaySecretKey     = "sk_sim_lobang_dev_secret_key"
	DefaultPayWebhookSecret = "whsec_sim_lobang_dev_webhook_secret"
)

// PaySignatureHeader carries the signature of every webhook the payment provider sends.
const PaySignatureHeader = "Lobang-Signature"

const (
	paySessionTTL    = time.Hour // how long an unpaid checkout session stays open by default
	payMaxAmount     = 10_000_000_000
	payMaxReference  = 200
	payMaxURL        = 2048
	payMaxIdemKeyLen = 255
)

// The states of a checkout session and of a payment.
const (
	payOpen       = "open"
	payAuthorized = "authorized"
	payExpired    = "expired"
	payPending    = "requires_action" // a 3-D Secure challenge is waiting for the customer
	payFailed     = "failed"          // the last attempt was declined; another card may follow
	payCaptured   = "captured"
	payVoided     = "voided"
)

// payProvider is the simulated hosted-checkout provider: sessions, payments, refunds and the
// events it signs and delivers. One mutex guards all of it: each change, with its idempotency
// record, happens whole under it; it is never held while waiting on another server.
type payProvider struct {
	s             *Sim
	secretKey     string
	webhookSecret string
	client        *http.Client

	mu         sync.Mutex
	webhookURL string
	sessions   map[string]*paySession
	payments   map[string]*payPayment
	idem       map[string]idemEntry
	events     map[string]*payEvent
	eventOrder []string
}

type paySession struct {
	id, currency, reference string
	successURL, cancelURL   string
	amount                  int64
	metadata                map[string]string
	created, expires        time.Time
	status                  string
	paymentID               string
	lastError               string // shown on the checkout page after a failed attempt
	challengePending        bool   // a 3-D Secure challenge waits for the customer
}

type payCard struct {
	Brand string `json:"brand"`
	Last4 string `json:"last4"`
}

type payError struct {
	Code        string `json:"code"`
	DeclineCode string `json:"decline_code,omitempty"`
	Message     string `json:"message"`
}

type payPayment struct {
	id, sessionID, reference, currency string
	metadata                           map[string]string
	amount, captured, refunded         int64
	status                             string
	card                               payCard
	lastError                          *payError
	created                            time.Time
	authorizedAt, capturedAt, voidedAt time.Time
	captureID                          string
	refunds                            []*payRefund
}

type payRefund struct {
	id, paymentID, currency string
	amount                  int64
	created                 time.Time
}

type idemEntry struct {
	fingerprint string
	status      int
	body        []byte
}

// payRoutes registers the provider under /pay/ (and its admin endpoints under /_sim/pay/).
func (s *Sim) payRoutes(m *http.ServeMux) {
	p := newPayProvider(s)
	m.Handle("POST /pay/v1/sessions", p.api("sessions_create", p.sessionCreate))
	m.Handle("GET /pay/v1/sessions/{id}", p.api("sessions_get", p.sessionGet))
	m.Handle("GET /pay/v1/payments/{id}", p.api("payments_get", p.paymentGet))
	m.Handle("POST /pay/v1/payments/{id}/capture", p.api("payments_capture", p.paymentCapture))
	m.Handle("POST /pay/v1/payments/{id}/void", p.api("payments_void", p.paymentVoid))
	m.Handle("POST /pay/v1/payments/{id}/refunds", p.api("refunds_create", p.refundCreate))
	m.Handle("GET /pay/checkout/{id}", p.page("checkout_page", p.checkoutPage))
	m.Handle("POST /pay/checkout/{id}", p.page("checkout_submit", p.checkoutSubmit))
	m.Handle("GET /pay/checkout/{id}/3ds", p.page("challenge_page", p.challengePage))
	m.Handle("POST /pay/checkout/{id}/3ds", p.page("challenge_submit", p.challengeSubmit))
	m.HandleFunc("GET /pay/checkout.css", p.css)
	if s.cfg.Admin {
		m.HandleFunc("GET /_sim/pay/events", p.adminEvents)
		m.HandleFunc("POST /_sim/pay/replay/{event_id}", p.adminReplay)
		m.HandleFunc("POST /_sim/pay/webhook", p.adminWebhook)
	}
}

func newPayProvider(s *Sim) *payProvider {
	p := &payProvider{
		s: s, secretKey: s.cfg.PaySecretKey, webhookSecret: s.cfg.PayWebhookSecret,
		webhookURL: s.cfg.PayWebhookURL,
		client:     &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		sessions:   map[string]*paySession{}, payments: map[string]*payPayment{},
		idem: map[string]idemEntry{}, events: map[string]*payEvent{},
	}
	if p.secretKey == "" {
		p.secretKey = DefaultPaySecretKey
	}
	if p.webhookSecret == "" {
		p.webhookSecret = DefaultPayWebhookSecret
	}
	return p
}

// newPayID returns a prefixed id with 130 bits of randomness: checkout URLs must not be guessable.
func newPayID(prefix string) string { return prefix + strings.ToLower(rand.Text()) }

// payAPIError writes the provider's error body {"error":{"code","message"}}.
func payAPIError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]payError{"error": {Code: code, Message: msg}})
}

// api wraps a server-to-server endpoint: request counting, a body limit and the bearer key.
func (p *payProvider) api(name string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.s.stats.add("pay", name)
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		w.Header().Set("Cache-Control", "no-store")
		key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(key), []byte(p.secretKey)) != 1 {
			payAPIError(w, http.StatusUnauthorized, "unauthorized", "missing or invalid secret key")
			return
		}
		h(w, r)
	})
}

// decodePayBody reads an optional JSON body into v; an empty body leaves v as it is.
func decodePayBody(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("body must be a JSON object: %w", err)
	}
	return nil
}

// result is what a mutation answers: a status and a value to render as JSON.
type result struct {
	status int
	value  any
}

// mutate runs fn under the provider's lock, honouring the Idempotency-Key header: the same
// key with the same request replays the first successful answer, with a different request it
// is a 409. Failed answers are not stored, so a retry after an error runs again.
func (p *payProvider) mutate(w http.ResponseWriter, r *http.Request, req any, fn func() result) {
	key := r.Header.Get("Idempotency-Key")
	if len(key) > payMaxIdemKeyLen {
		payAPIError(w, http.StatusBadRequest, "invalid_request", "Idempotency-Key longer than 255 characters")
		return
	}
	canon, err := json.Marshal(req)
	if err != nil {
		payAPIError(w, http.StatusInternalServerError, "api_error", "cannot encode request")
		return
	}
	sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"\n"), canon...))
	status, body, replayed := p.mutateLocked(key, hex.EncodeToString(sum[:]), fn)
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body) //nolint:errcheck // the client may have gone
}

// mutateLocked is the part of mutate that holds the lock: the idempotency check, the change
// and remembering its answer. Writing the answer happens after.
func (p *payProvider) mutateLocked(key, fp string, fn func() result) (status int, body []byte, replayed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.idem[key]; key != "" && ok {
		if e.fingerprint != fp {
			return http.StatusConflict, []byte(`{"error":{"code":"idempotency_key_reused",` +
				`"message":"this Idempotency-Key was used with a different request"}}`), false
		}
		return e.status, e.body, true
	}
	res := fn()
	body, err := json.Marshal(res.value)
	if err != nil {
		return http.StatusInternalServerError, []byte(`{"error":{"code":"api_error","message":"cannot encode answer"}}`), false
	}
	if key != "" && res.status < 300 {
		p.idem[key] = idemEntry{fingerprint: fp, status: res.status, body: body}
	}
	return res.status, body, false
}

// failure builds a result carrying the provider's error body.
func failure(status int, code, msg string) result {
	return result{status, map[string]payError{"error": {Code: code, Message: msg}}}
}

// validWebhookURL accepts an empty URL (no webhooks) or an absolute http(s) URL.
func validWebhookURL(raw string) error {
	if raw == "" {
		return nil
	}
	return validRedirectURL(raw)
}

// validRedirectURL accepts absolute http(s) URLs of a sane length.
func validRedirectURL(raw string) error {
	if len(raw) > payMaxURL {
		return errors.New("URL too long")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("parse URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("want an absolute http or https URL")
	}
	return nil
}

// state returns a session's status at now: an open session past its expiry is expired.
func (ps *paySession) state(now time.Time) string {
	if ps.status == payOpen && !now.Before(ps.expires) {
		return payExpired
	}
	return ps.status
}
