package payments

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"lobang/fx"
)

// SimSignatureHeader carries the simulated provider's webhook signature.
const SimSignatureHeader = "Lobang-Signature"

// maxAnswer bounds what we read of one provider answer.
const maxAnswer = 1 << 20

// simProvider speaks the simulated provider's dialect (JSON under /pay/v1/, amounts in minor
// units, bearer secret key) over HTTP. It knows the provider only by that wire format.
type simProvider struct {
	base          string
	secretKey     string
	webhookSecret string
	client        *http.Client
}

// NewSim returns the Provider of the simulated hosted checkout at baseURL (the simulator's
// /pay, e.g. "http://127.0.0.1:8081/pay", as its suppliers live under /ascenda, /bedcom…). A nil client means one with a 30 s time-out; callers'
// contexts bound every call in any case.
func NewSim(baseURL, secretKey, webhookSecret string, client *http.Client) Provider {
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	return &simProvider{base: strings.TrimRight(baseURL, "/"), secretKey: secretKey,
		webhookSecret: webhookSecret, client: client}
}

type simCard struct {
	Brand string `json:"brand"`
	Last4 string `json:"last4"`
}

type simPayment struct {
	ID             string            `json:"id"`
	Status         string            `json:"status"`
	Amount         int64             `json:"amount"`
	AmountCaptured int64             `json:"amount_captured"`
	AmountRefunded int64             `json:"amount_refunded"`
	Currency       string            `json:"currency"`
	Reference      string            `json:"reference"`
	SessionID      string            `json:"session_id"`
	Card           *simCard          `json:"card"`
	Metadata       map[string]string `json:"metadata"`
}

type simSession struct {
	ID        string            `json:"id"`
	URL       string            `json:"url"`
	Status    string            `json:"status"`
	Amount    int64             `json:"amount"`
	Currency  string            `json:"currency"`
	Reference string            `json:"reference"`
	PaymentID *string           `json:"payment_id"`
	Payment   *simPayment       `json:"payment"`
	Metadata  map[string]string `json:"metadata"`
}

type simRefund struct {
	ID        string `json:"id"`
	PaymentID string `json:"payment_id"`
	Amount    int64  `json:"amount"`
	Currency  string `json:"currency"`
	Status    string `json:"status"`
}

type simError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// call makes one request and decodes a 2xx answer into out.
func (p *simProvider) call(ctx context.Context, op, method, path, idemKey string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("%s: encode: %w", op, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.base+path, rd)
	if err != nil {
		return &Error{Op: op, Message: err.Error(), Kind: ErrInvalid}
	}
	req.Header.Set("Authorization", "Bearer "+p.secretKey)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return transportError(op, err)
	}
	defer resp.Body.Close() //nolint:errcheck // read-only body
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return transportError(op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		var se simError
		if json.Unmarshal(raw, &se) != nil {
			se.Error.Message = "unreadable error answer"
		}
		return &Error{Op: op, Status: resp.StatusCode, Code: se.Error.Code, Message: se.Error.Message,
			Kind: kindOfStatus(resp.StatusCode)}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &Error{Op: op, Status: resp.StatusCode, Message: "malformed answer: " + err.Error(), Kind: ErrUnavailable}
	}
	return nil
}

// CreateCheckout opens a session with manual capture.
func (p *simProvider) CreateCheckout(ctx context.Context, req CheckoutRequest) (Checkout, error) {
	if err := checkRequest(&req); err != nil {
		return Checkout{}, err
	}
	body := map[string]any{"amount": req.Amount.Amount, "currency": req.Amount.Currency,
		"reference": req.Reference, "success_url": req.SuccessURL, "cancel_url": req.CancelURL,
		"capture": "manual", "metadata": map[string]string{"booking_id": req.BookingID}}
	var s simSession
	op := "create checkout for " + req.Reference
	if err := p.call(ctx, op, http.MethodPost, "/v1/sessions", req.IdempotencyKey, body, &s); err != nil {
		return Checkout{}, err
	}
	if s.ID == "" || s.URL == "" {
		return Checkout{}, &Error{Op: op, Message: "answer without id or url", Kind: ErrUnavailable}
	}
	return Checkout{SessionID: s.ID, URL: s.URL}, nil
}

// Session looks a session up with its payment.
func (p *simProvider) Session(ctx context.Context, sessionID string) (Session, error) {
	op := "get session " + sessionID
	if err := needID(op, sessionID); err != nil {
		return Session{}, err
	}
	var s simSession
	if err := p.call(ctx, op, http.MethodGet, "/v1/sessions/"+url.PathEscape(sessionID), "", nil, &s); err != nil {
		return Session{}, err
	}
	out := Session{ID: s.ID, Status: SessionStatus(s.Status), Reference: s.Reference,
		BookingID: s.Metadata["booking_id"], Amount: money(s.Amount, s.Currency)}
	if s.Payment != nil {
		pay := s.Payment.toPayment()
		out.PaymentID, out.PaymentStatus, out.Card = pay.ID, pay.Status, pay.Card
	}
	return out, nil
}

func money(amount int64, currency string) fx.Money {
	return fx.Money{Amount: amount, Currency: strings.ToUpper(currency)}
}

// simPaymentStatus maps the simulator's payment states onto ours.
func simPaymentStatus(s string) PaymentStatus {
	switch s {
	case "authorized":
		return PaymentAuthorized
	case "captured":
		return PaymentCaptured
	case "voided":
		return PaymentVoided
	case "failed":
		return PaymentFailed
	}
	return PaymentPending
}

func (sp *simPayment) toPayment() Payment {
	p := Payment{ID: sp.ID, Status: simPaymentStatus(sp.Status), Amount: money(sp.Amount, sp.Currency),
		Captured: money(sp.AmountCaptured, sp.Currency), Refunded: money(sp.AmountRefunded, sp.Currency),
		Reference: sp.Reference}
	if sp.Card != nil {
		p.Card = Card{Brand: sp.Card.Brand, Last4: sp.Card.Last4}
	}
	return p
}

// amountBody is the optional {amount} of captures and refunds; a zero amount means "all".
func amountBody(m fx.Money) map[string]any {
	if m.Amount == 0 {
		return map[string]any{}
	}
	return map[string]any{"amount": m.Amount}
}

// paymentCall posts to /pay/v1/payments/{id}/{verb} and decodes the payment answered.
func (p *simProvider) paymentCall(ctx context.Context, verb, paymentID, idemKey string, body any) (Payment, error) {
	op := verb + " " + paymentID
	if err := needID(op, paymentID); err != nil {
		return Payment{}, err
	}
	var sp simPayment
	path := "/v1/payments/" + url.PathEscape(paymentID) + "/" + verb
	if err := p.call(ctx, op, http.MethodPost, path, idemKey, body, &sp); err != nil {
		return Payment{}, err
	}
	return sp.toPayment(), nil
}

// Capture captures all (zero amount) or part of an authorisation.
func (p *simProvider) Capture(ctx context.Context, paymentID string, amount fx.Money, idempotencyKey string) (Payment, error) {
	if amount.Amount < 0 {
		return Payment{}, &Error{Op: "capture " + paymentID, Message: "negative amount", Kind: ErrInvalid}
	}
	return p.paymentCall(ctx, "capture", paymentID, idempotencyKey, amountBody(amount))
}

// Void releases an authorisation.
func (p *simProvider) Void(ctx context.Context, paymentID, idempotencyKey string) (Payment, error) {
	return p.paymentCall(ctx, "void", paymentID, idempotencyKey, map[string]any{})
}

// Refund refunds part or (zero amount) all of what is left captured.
func (p *simProvider) Refund(ctx context.Context, paymentID string, amount fx.Money, idempotencyKey string) (Refund, error) {
	op := "refund " + paymentID
	if err := needID(op, paymentID); err != nil {
		return Refund{}, err
	}
	if amount.Amount < 0 {
		return Refund{}, &Error{Op: op, Message: "negative amount", Kind: ErrInvalid}
	}
	var r simRefund
	path := "/v1/payments/" + url.PathEscape(paymentID) + "/refunds"
	if err := p.call(ctx, op, http.MethodPost, path, idempotencyKey, amountBody(amount), &r); err != nil {
		return Refund{}, err
	}
	return Refund{ID: r.ID, PaymentID: r.PaymentID, Amount: money(r.Amount, r.Currency), Status: r.Status}, nil
}

type simEvent struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Created int64  `json:"created"`
	Data    struct {
		SessionID string      `json:"session_id"`
		Reference string      `json:"reference"`
		Payment   *simPayment `json:"payment"`
		Refund    *simRefund  `json:"refund"`
	} `json:"data"`
}

// VerifyWebhook verifies the Lobang-Signature header and decodes the event.
func (p *simProvider) VerifyWebhook(payload []byte, header http.Header, now time.Time) (Event, error) {
	if err := verifySignature(payload, header.Get(SimSignatureHeader), p.webhookSecret, now, WebhookTolerance); err != nil {
		return Event{}, err
	}
	var se simEvent
	if err := json.Unmarshal(payload, &se); err != nil || se.ID == "" || se.Type == "" {
		return Event{}, &Error{Op: "decode webhook", Message: "signed but not an event", Kind: ErrInvalid}
	}
	ev := Event{ID: se.ID, Type: EventType(se.Type), ProviderType: se.Type, Created: time.Unix(se.Created, 0).UTC(),
		SessionID: se.Data.SessionID, Reference: se.Data.Reference}
	switch ev.Type {
	case EventAuthorized, EventFailed, EventCaptured, EventVoided, EventRefunded:
	default:
		ev.Type = EventOther
	}
	if sp := se.Data.Payment; sp != nil {
		pay := sp.toPayment()
		ev.PaymentID, ev.Card, ev.BookingID, ev.Amount = pay.ID, pay.Card, sp.Metadata["booking_id"], pay.Amount
		if ev.Type == EventCaptured {
			ev.Amount = pay.Captured
		}
	}
	if r := se.Data.Refund; r != nil && ev.Type == EventRefunded {
		ev.RefundID, ev.Amount = r.ID, money(r.Amount, r.Currency)
	}
	return ev, nil
}
