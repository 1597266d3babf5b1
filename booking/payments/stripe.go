package payments

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"

	"lobang/fx"
)

// StripeSignatureHeader carries Stripe's webhook signature.
const StripeSignatureHeader = "Stripe-Signature"

// StripeConfig configures the Stripe provider.
type StripeConfig struct {
	SecretKey     string // sk_live_… or sk_test_…
	WebhookSecret string // whsec_… of the webhook endpoint
	// HTTPClient makes the calls; nil means one with a 30 s time-out.
	HTTPClient *http.Client
	// APIURL is Stripe's API root; empty means https://api.stripe.com (tests point it elsewhere).
	APIURL string
	// MaxNetworkRetries lets the client retry network failures itself (with the same
	// idempotency key); zero leaves retries to the caller.
	MaxNetworkRetries int64
}

// stripeProvider is Stripe Checkout with manual capture: the PaymentIntent behind a Checkout
// Session is our payment.
type stripeProvider struct {
	c             *stripe.Client
	webhookSecret string
}

// NewStripe returns the Provider of Stripe Checkout.
func NewStripe(cfg StripeConfig) Provider {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.APIURL == "" {
		cfg.APIURL = stripe.APIURL
	}
	backends := stripe.NewBackendsWithConfig(&stripe.BackendConfig{
		HTTPClient:        cfg.HTTPClient,
		URL:               stripe.String(strings.TrimRight(cfg.APIURL, "/")),
		MaxNetworkRetries: stripe.Int64(cfg.MaxNetworkRetries),
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull}, // we log errors ourselves, once
	})
	return &stripeProvider{c: stripe.NewClient(cfg.SecretKey, stripe.WithBackends(backends)),
		webhookSecret: cfg.WebhookSecret}
}

// stripeError maps an error of the Stripe client onto our sentinels.
func stripeError(op string, err error) error {
	var se *stripe.Error
	if !errors.As(err, &se) || se.HTTPStatusCode == 0 {
		return transportError(op, err)
	}
	kind := kindOfStatus(se.HTTPStatusCode)
	switch {
	case se.Type == stripe.ErrorTypeCard:
		kind = ErrDeclined
	case se.Type == stripe.ErrorTypeIdempotency, se.Code == stripe.ErrorCodePaymentIntentUnexpectedState,
		se.Code == stripe.ErrorCodeChargeAlreadyRefunded, se.Code == stripe.ErrorCodeChargeAlreadyCaptured:
		kind = ErrConflict
	case se.Code == stripe.ErrorCodeResourceMissing:
		kind = ErrNotFound
	}
	return &Error{Op: op, Status: se.HTTPStatusCode, Code: string(se.Code), Message: se.Msg, Kind: kind}
}

// stripeMoney turns Stripe's amount and lower-case currency into Money. Stripe counts in the
// currency's smallest unit, as we do (its few exceptions, such as HUF and TWD, which it
// charges in whole units only, need amounts divisible by 100).
func stripeMoney(amount int64, c stripe.Currency) fx.Money {
	return fx.Money{Amount: amount, Currency: strings.ToUpper(string(c))}
}

// withSessionParam adds session_id={CHECKOUT_SESSION_ID}, which Stripe fills in, to a URL.
func withSessionParam(u string) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + "session_id={CHECKOUT_SESSION_ID}"
}

// CreateCheckout creates a Checkout Session in payment mode whose PaymentIntent captures
// manually; the booking id and reference travel as metadata to every later event.
func (p *stripeProvider) CreateCheckout(ctx context.Context, req CheckoutRequest) (Checkout, error) {
	if err := checkRequest(&req); err != nil {
		return Checkout{}, err
	}
	meta := map[string]string{"booking_id": req.BookingID, "reference": req.Reference}
	params := &stripe.CheckoutSessionCreateParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		SuccessURL:        stripe.String(withSessionParam(req.SuccessURL)),
		CancelURL:         stripe.String(req.CancelURL),
		ClientReferenceID: stripe.String(req.Reference),
		Metadata:          meta,
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:    stripe.String(strings.ToLower(req.Amount.Currency)),
				UnitAmount:  stripe.Int64(req.Amount.Amount),
				ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String("Lobang booking " + req.Reference)},
			},
		}},
		PaymentIntentData: &stripe.CheckoutSessionCreatePaymentIntentDataParams{
			CaptureMethod: stripe.String(string(stripe.PaymentIntentCaptureMethodManual)),
			Description:   stripe.String("Lobang booking " + req.Reference),
			Metadata:      meta,
		},
	}
	params.SetIdempotencyKey(req.IdempotencyKey)
	op := "create checkout for " + req.Reference
	s, err := p.c.V1CheckoutSessions.Create(ctx, params)
	if err != nil {
		return Checkout{}, stripeError(op, err)
	}
	if s.ID == "" || s.URL == "" {
		return Checkout{}, &Error{Op: op, Message: "answer without id or url", Kind: ErrUnavailable}
	}
	return Checkout{SessionID: s.ID, URL: s.URL}, nil
}

// stripePaymentStatus maps a PaymentIntent's status onto ours.
func stripePaymentStatus(pi *stripe.PaymentIntent) PaymentStatus {
	switch pi.Status {
	case stripe.PaymentIntentStatusRequiresCapture:
		return PaymentAuthorized
	case stripe.PaymentIntentStatusSucceeded:
		return PaymentCaptured
	case stripe.PaymentIntentStatusCanceled:
		return PaymentVoided
	case stripe.PaymentIntentStatusRequiresPaymentMethod:
		if pi.LastPaymentError != nil {
			return PaymentFailed
		}
	}
	return PaymentPending
}

// toPayment maps a PaymentIntent (with latest_charge expanded for the card and refunds).
func toPayment(pi *stripe.PaymentIntent) Payment {
	p := Payment{ID: pi.ID, Status: stripePaymentStatus(pi), Amount: stripeMoney(pi.Amount, pi.Currency),
		Captured: stripeMoney(pi.AmountReceived, pi.Currency), Refunded: stripeMoney(0, pi.Currency),
		Reference: pi.Metadata["reference"]}
	if ch := pi.LatestCharge; ch != nil {
		p.Refunded.Amount = ch.AmountRefunded
		if d := ch.PaymentMethodDetails; d != nil && d.Card != nil {
			p.Card = Card{Brand: string(d.Card.Brand), Last4: d.Card.Last4}
		}
	}
	return p
}

// Session retrieves a Checkout Session with its PaymentIntent and latest charge.
func (p *stripeProvider) Session(ctx context.Context, sessionID string) (Session, error) {
	op := "get session " + sessionID
	if err := needID(op, sessionID); err != nil {
		return Session{}, err
	}
	params := &stripe.CheckoutSessionRetrieveParams{}
	params.AddExpand("payment_intent.latest_charge")
	s, err := p.c.V1CheckoutSessions.Retrieve(ctx, sessionID, params)
	if err != nil {
		return Session{}, stripeError(op, err)
	}
	out := Session{ID: s.ID, Reference: s.ClientReferenceID, BookingID: s.Metadata["booking_id"],
		Amount: stripeMoney(s.AmountTotal, s.Currency)}
	switch s.Status {
	case stripe.CheckoutSessionStatusComplete:
		out.Status = SessionAuthorized
	case stripe.CheckoutSessionStatusExpired:
		out.Status = SessionExpired
	default:
		out.Status = SessionOpen
	}
	if pi := s.PaymentIntent; pi != nil && pi.ID != "" {
		out.PaymentID = pi.ID
		if pi.Status != "" { // expanded
			pay := toPayment(pi)
			out.PaymentStatus, out.Card = pay.Status, pay.Card
		}
	}
	return out, nil
}

// retrieve fetches a PaymentIntent with its latest charge.
func (p *stripeProvider) retrieve(ctx context.Context, op, id string) (*stripe.PaymentIntent, error) {
	params := &stripe.PaymentIntentRetrieveParams{}
	params.AddExpand("latest_charge")
	pi, err := p.c.V1PaymentIntents.Retrieve(ctx, id, params)
	if err != nil {
		return nil, stripeError(op, err)
	}
	return pi, nil
}

// Capture captures the PaymentIntent. Stripe refuses a second capture; a payment already
// captured for the amount asked (or with no amount asked) is answered as captured instead,
// so that a retry after a lost answer succeeds without charging twice.
func (p *stripeProvider) Capture(ctx context.Context, paymentID string, amount fx.Money, idempotencyKey string) (Payment, error) {
	op := "capture " + paymentID
	if err := needID(op, paymentID); err != nil {
		return Payment{}, err
	}
	if amount.Amount < 0 {
		return Payment{}, &Error{Op: op, Message: "negative amount", Kind: ErrInvalid}
	}
	params := &stripe.PaymentIntentCaptureParams{}
	if amount.Amount > 0 {
		params.AmountToCapture = stripe.Int64(amount.Amount)
	}
	params.AddExpand("latest_charge")
	params.SetIdempotencyKey(idempotencyKey)
	pi, err := p.c.V1PaymentIntents.Capture(ctx, paymentID, params)
	if err == nil {
		return toPayment(pi), nil
	}
	err = stripeError(op, err)
	if !errors.Is(err, ErrConflict) {
		return Payment{}, err
	}
	cur, rerr := p.retrieve(ctx, op, paymentID)
	if rerr != nil {
		return Payment{}, err
	}
	if cur.Status == stripe.PaymentIntentStatusSucceeded && (amount.Amount == 0 || amount.Amount == cur.AmountReceived) {
		return toPayment(cur), nil
	}
	return Payment{}, err
}

// Void cancels the PaymentIntent; one already cancelled is answered as voided.
func (p *stripeProvider) Void(ctx context.Context, paymentID, idempotencyKey string) (Payment, error) {
	op := "void " + paymentID
	if err := needID(op, paymentID); err != nil {
		return Payment{}, err
	}
	params := &stripe.PaymentIntentCancelParams{}
	params.AddExpand("latest_charge")
	params.SetIdempotencyKey(idempotencyKey)
	pi, err := p.c.V1PaymentIntents.Cancel(ctx, paymentID, params)
	if err == nil {
		return toPayment(pi), nil
	}
	err = stripeError(op, err)
	if !errors.Is(err, ErrConflict) {
		return Payment{}, err
	}
	if cur, rerr := p.retrieve(ctx, op, paymentID); rerr == nil && cur.Status == stripe.PaymentIntentStatusCanceled {
		return toPayment(cur), nil
	}
	return Payment{}, err
}

// Refund refunds the PaymentIntent's charge, in part or (zero amount) in full.
func (p *stripeProvider) Refund(ctx context.Context, paymentID string, amount fx.Money, idempotencyKey string) (Refund, error) {
	op := "refund " + paymentID
	if err := needID(op, paymentID); err != nil {
		return Refund{}, err
	}
	if amount.Amount < 0 {
		return Refund{}, &Error{Op: op, Message: "negative amount", Kind: ErrInvalid}
	}
	params := &stripe.RefundCreateParams{PaymentIntent: stripe.String(paymentID)}
	if amount.Amount > 0 {
		params.Amount = stripe.Int64(amount.Amount)
	}
	params.SetIdempotencyKey(idempotencyKey)
	r, err := p.c.V1Refunds.Create(ctx, params)
	if err != nil {
		return Refund{}, stripeError(op, err)
	}
	out := Refund{ID: r.ID, PaymentID: paymentID, Amount: stripeMoney(r.Amount, r.Currency), Status: string(r.Status)}
	if r.PaymentIntent != nil && r.PaymentIntent.ID != "" {
		out.PaymentID = r.PaymentIntent.ID
	}
	return out, nil
}

type stripeEvent struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Created int64  `json:"created"`
	Data    struct {
		Object json.RawMessage `json:"object"`
	} `json:"data"`
}

// VerifyWebhook verifies the Stripe-Signature header and maps the event onto ours:
// checkout.session.completed and payment_intent.amount_capturable_updated are
// EventAuthorized, payment_intent.succeeded EventCaptured, payment_intent.canceled
// EventVoided, payment_intent.payment_failed EventFailed, a succeeded refund.created or
// refund.updated EventRefunded; anything else EventOther. Events carry no card: ask Session.
func (p *stripeProvider) VerifyWebhook(payload []byte, header http.Header, now time.Time) (Event, error) {
	if err := verifySignature(payload, header.Get(StripeSignatureHeader), p.webhookSecret, now, WebhookTolerance); err != nil {
		return Event{}, err
	}
	var se stripeEvent
	if err := json.Unmarshal(payload, &se); err != nil || se.ID == "" || se.Type == "" {
		return Event{}, &Error{Op: "decode webhook", Message: "signed but not an event", Kind: ErrInvalid}
	}
	ev := Event{ID: se.ID, Type: EventOther, ProviderType: se.Type, Created: time.Unix(se.Created, 0).UTC()}
	bad := func(err error) (Event, error) {
		return Event{}, &Error{Op: "decode webhook " + se.Type, Message: err.Error(), Kind: ErrInvalid}
	}
	switch se.Type {
	case "checkout.session.completed":
		var s stripe.CheckoutSession
		if err := json.Unmarshal(se.Data.Object, &s); err != nil {
			return bad(err)
		}
		ev.Type, ev.SessionID, ev.Reference = EventAuthorized, s.ID, s.ClientReferenceID
		ev.BookingID, ev.Amount = s.Metadata["booking_id"], stripeMoney(s.AmountTotal, s.Currency)
		if s.PaymentIntent != nil {
			ev.PaymentID = s.PaymentIntent.ID
		}
	case "payment_intent.amount_capturable_updated", "payment_intent.succeeded",
		"payment_intent.canceled", "payment_intent.payment_failed":
		var pi stripe.PaymentIntent
		if err := json.Unmarshal(se.Data.Object, &pi); err != nil {
			return bad(err)
		}
		ev.Type = map[string]EventType{"payment_intent.amount_capturable_updated": EventAuthorized,
			"payment_intent.succeeded": EventCaptured, "payment_intent.canceled": EventVoided,
			"payment_intent.payment_failed": EventFailed}[se.Type]
		ev.PaymentID, ev.Reference, ev.BookingID = pi.ID, pi.Metadata["reference"], pi.Metadata["booking_id"]
		ev.Amount = stripeMoney(pi.Amount, pi.Currency)
		if ev.Type == EventCaptured {
			ev.Amount.Amount = pi.AmountReceived
		}
	case "refund.created", "refund.updated":
		var r stripe.Refund
		if err := json.Unmarshal(se.Data.Object, &r); err != nil {
			return bad(err)
		}
		if r.Status == stripe.RefundStatusSucceeded {
			ev.Type = EventRefunded
		}
		ev.RefundID, ev.Amount = r.ID, stripeMoney(r.Amount, r.Currency)
		if r.PaymentIntent != nil {
			ev.PaymentID = r.PaymentIntent.ID
		}
	}
	return ev, nil
}
