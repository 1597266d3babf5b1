// Package payments takes Lobang's card payments at a hosted checkout: the customer pays on the
// provider's page (card numbers never reach Lobang), the provider redirects back and confirms
// with a signed webhook, and Lobang captures, voids or refunds the authorisation.
//
// Provider is what the booking flow uses. Two implementations speak to the outside world only
// by its wire format: NewSim the simulated provider Lobang serves beside its simulated
// suppliers (/pay/…), NewStripe Stripe Checkout with manual capture. Amounts are fx.Money in
// minor units; every call is bounded by its context.
//
// Errors wrap one sentinel each, to branch on with errors.Is: ErrInvalid (a request the
// provider refuses as malformed), ErrConflict (the payment's state forbids it, or an
// idempotency key was reused with a different request), ErrNotFound, ErrDeclined,
// ErrUnavailable (the provider failed or answered nonsense) and ErrTimeout (no answer in
// time). After ErrUnavailable or ErrTimeout the outcome of a mutation is unknown: retry it
// with the same idempotency key, never with a new one.
package payments

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"lobang/fx"
)

// Provider is a hosted-checkout payment provider with manual capture.
type Provider interface {
	// CreateCheckout opens a checkout session the customer is redirected to.
	CreateCheckout(ctx context.Context, req CheckoutRequest) (Checkout, error)
	// Session tells how a checkout session stands, with its payment once the customer paid.
	Session(ctx context.Context, sessionID string) (Session, error)
	// Capture takes an authorised payment: all of it when amount is zero, else that part.
	// Capturing a captured payment again answers the first capture; it never charges twice.
	Capture(ctx context.Context, paymentID string, amount fx.Money, idempotencyKey string) (Payment, error)
	// Void releases an authorisation that was not captured (ErrConflict after capture).
	Void(ctx context.Context, paymentID, idempotencyKey string) (Payment, error)
	// Refund gives back part (amount) or, with a zero amount, all of what is left captured.
	Refund(ctx context.Context, paymentID string, amount fx.Money, idempotencyKey string) (Refund, error)
	// VerifyWebhook checks a webhook's signature (at most WebhookTolerance old at now) and
	// decodes its event; a forged, altered or stale one is ErrBadSignature.
	VerifyWebhook(payload []byte, header http.Header, now time.Time) (Event, error)
}

// WebhookTolerance is how far a webhook's signed time may lie from now: older deliveries are
// refused as possible replays by a third party (the provider re-signs every retry).
const WebhookTolerance = 5 * time.Minute

// CheckoutRequest asks for a checkout session for one booking.
type CheckoutRequest struct {
	BookingID  string   // our booking id: stored with the payment, the base of idempotency keys
	Reference  string   // the customer-facing booking reference, e.g. LB-7K3Q9X
	Amount     fx.Money // what to authorise
	SuccessURL string   // where the customer returns after paying (session_id is added)
	CancelURL  string   // where the customer returns on cancel
	// IdempotencyKey makes a retried create return the same session; empty means
	// IdempotencyKey(BookingID, "checkout").
	IdempotencyKey string
}

// Checkout is an opened session: redirect the customer to URL.
type Checkout struct {
	SessionID string
	URL       string
}

// SessionStatus is where a checkout session stands.
type SessionStatus string

// The states of a checkout session.
const (
	SessionOpen       SessionStatus = "open"       // the customer has not paid (yet)
	SessionAuthorized SessionStatus = "authorized" // paid: the payment is authorised (or later captured)
	SessionExpired    SessionStatus = "expired"    // closed without payment
)

// PaymentStatus is where a payment stands.
type PaymentStatus string

// The states of a payment.
const (
	PaymentPending    PaymentStatus = "pending"    // waiting for the customer (card, 3-D Secure)
	PaymentFailed     PaymentStatus = "failed"     // the last attempt failed; the customer may retry
	PaymentAuthorized PaymentStatus = "authorized" // money held, to capture or void
	PaymentCaptured   PaymentStatus = "captured"   // money taken (refunds may follow)
	PaymentVoided     PaymentStatus = "voided"     // authorisation released, nothing taken
)

// Card is all Lobang keeps of a card.
type Card struct {
	Brand string
	Last4 string
}

// Session is a checkout session and, once the customer paid, its payment.
type Session struct {
	ID            string
	Status        SessionStatus
	Reference     string
	BookingID     string
	Amount        fx.Money
	PaymentID     string        // empty until the customer tried to pay
	PaymentStatus PaymentStatus // empty without a payment
	Card          Card
}

// Payment is a payment after a change or look-up.
type Payment struct {
	ID        string
	Status    PaymentStatus
	Amount    fx.Money // authorised
	Captured  fx.Money
	Refunded  fx.Money
	Reference string
	Card      Card
}

// Refund is one refund of a captured payment.
type Refund struct {
	ID        string
	PaymentID string
	Amount    fx.Money
	Status    string // succeeded, pending or failed (Stripe refunds may take a while)
}

// EventType is what a webhook event announces, the same for every provider.
type EventType string

// The events the booking flow acts on; anything else arrives as EventOther.
const (
	EventAuthorized EventType = "payment.authorized"
	EventFailed     EventType = "payment.failed"
	EventCaptured   EventType = "payment.captured"
	EventVoided     EventType = "payment.voided"
	EventRefunded   EventType = "refund.succeeded"
	EventOther      EventType = "other"
)

// Event is a verified webhook event. ID is the provider's event id: de-duplicate on it, since
// providers deliver at least once.
type Event struct {
	ID           string
	Type         EventType
	ProviderType string // the provider's own name of the event
	Created      time.Time
	SessionID    string
	PaymentID    string
	Reference    string
	BookingID    string
	Amount       fx.Money // authorised, captured or refunded, by Type
	Card         Card
	RefundID     string
}

// The sentinel errors of every Provider.
var (
	ErrInvalid      = errors.New("payment request invalid")
	ErrConflict     = errors.New("payment state conflict")
	ErrNotFound     = errors.New("payment not found")
	ErrDeclined     = errors.New("payment declined")
	ErrUnavailable  = errors.New("payment provider unavailable")
	ErrTimeout      = errors.New("payment provider timed out")
	ErrBadSignature = errors.New("webhook signature invalid")
)

// Error is a provider's refusal: the sentinel it falls under and what the provider said.
type Error struct {
	Op      string // what we asked, e.g. "capture pay_123"
	Status  int    // HTTP status, 0 without an answer
	Code    string // the provider's error code
	Message string
	Kind    error // one of the sentinels
}

func (e *Error) Error() string {
	s := e.Op + ": " + e.Kind.Error()
	if e.Status != 0 {
		s += fmt.Sprintf(" (%d", e.Status)
		if e.Code != "" {
			s += " " + e.Code
		}
		s += ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Unwrap lets errors.Is find the sentinel.
func (e *Error) Unwrap() error { return e.Kind }

// kindOfStatus maps an HTTP error status to its sentinel.
func kindOfStatus(status int) error {
	switch {
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusConflict:
		return ErrConflict
	case status == http.StatusPaymentRequired:
		return ErrDeclined
	case status == http.StatusRequestTimeout || status == http.StatusGatewayTimeout:
		return ErrTimeout
	case status == http.StatusTooManyRequests || status >= 500:
		return ErrUnavailable
	}
	return ErrInvalid
}

// transportError classifies a failure without an answer: a deadline or cancellation leaves
// the outcome unknown (ErrTimeout), anything else is ErrUnavailable.
func transportError(op string, err error) error {
	var te interface{ Timeout() bool }
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		(errors.As(err, &te) && te.Timeout()) {
		return fmt.Errorf("%s: %w: %w", op, ErrTimeout, err)
	}
	return fmt.Errorf("%s: %w: %w", op, ErrUnavailable, err)
}

// IdempotencyKey derives the key of one operation on one booking, e.g.
// IdempotencyKey("b_123", "capture"): the same operation retried for the same booking can
// never act twice at the provider.
func IdempotencyKey(bookingID, op string) string {
	return "lobang:" + bookingID + ":" + op
}

// checkRequest validates a checkout request and fills its default key.
func checkRequest(req *CheckoutRequest) error {
	req.Amount.Currency = strings.ToUpper(strings.TrimSpace(req.Amount.Currency))
	var why string
	switch {
	case req.BookingID == "":
		why = "booking id required"
	case req.Reference == "":
		why = "reference required"
	case req.Amount.Amount <= 0:
		why = "amount must be positive"
	case req.SuccessURL == "" || req.CancelURL == "":
		why = "success and cancel URLs required"
	}
	if _, ok := fx.MinorUnits(req.Amount.Currency); why == "" && !ok {
		why = "unknown currency " + req.Amount.Currency
	}
	if why != "" {
		return &Error{Op: "create checkout", Message: why, Kind: ErrInvalid}
	}
	if req.IdempotencyKey == "" {
		req.IdempotencyKey = IdempotencyKey(req.BookingID, "checkout")
	}
	return nil
}

// needID refuses an empty id before it turns into a different URL.
func needID(op, id string) error {
	if strings.TrimSpace(id) == "" {
		return &Error{Op: op, Message: "id required", Kind: ErrInvalid}
	}
	return nil
}
