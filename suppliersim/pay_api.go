package suppliersim

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"time"

	"lobang/fx"
)

type paySessionRequest struct {
	Amount     int64             `json:"amount"`
	Currency   string            `json:"currency"`
	Reference  string            `json:"reference"`
	SuccessURL string            `json:"success_url"`
	CancelURL  string            `json:"cancel_url"`
	Capture    string            `json:"capture,omitempty"`
	ExpiresIn  int               `json:"expires_in,omitempty"` // seconds, 60–86400; default one hour
	Metadata   map[string]string `json:"metadata,omitempty"`
}

type paySessionJSON struct {
	ID         string            `json:"id"`
	Object     string            `json:"object"`
	URL        string            `json:"url"`
	Status     string            `json:"status"`
	Amount     int64             `json:"amount"`
	Currency   string            `json:"currency"`
	Reference  string            `json:"reference"`
	SuccessURL string            `json:"success_url"`
	CancelURL  string            `json:"cancel_url"`
	Capture    string            `json:"capture"`
	PaymentID  *string           `json:"payment_id"`
	Payment    *payPaymentJSON   `json:"payment"`
	Metadata   map[string]string `json:"metadata"`
	Created    int64             `json:"created"`
	ExpiresAt  int64             `json:"expires_at"`
}

type payRefundJSON struct {
	ID        string `json:"id"`
	Object    string `json:"object"`
	PaymentID string `json:"payment_id"`
	Amount    int64  `json:"amount"`
	Currency  string `json:"currency"`
	Status    string `json:"status"`
	Created   int64  `json:"created"`
}

type payPaymentJSON struct {
	ID             string            `json:"id"`
	Object         string            `json:"object"`
	Status         string            `json:"status"`
	Amount         int64             `json:"amount"`
	AmountCaptured int64             `json:"amount_captured"`
	AmountRefunded int64             `json:"amount_refunded"`
	Currency       string            `json:"currency"`
	Reference      string            `json:"reference"`
	SessionID      string            `json:"session_id"`
	Card           *payCard          `json:"card"`
	LastError      *payError         `json:"last_error"`
	CaptureID      *string           `json:"capture_id"`
	Refunds        []payRefundJSON   `json:"refunds"`
	Metadata       map[string]string `json:"metadata"`
	Created        int64             `json:"created"`
	AuthorizedAt   *int64            `json:"authorized_at"`
	CapturedAt     *int64            `json:"captured_at"`
	VoidedAt       *int64            `json:"voided_at"`
}

func unixOrNil(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	u := t.Unix()
	return &u
}

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (rf *payRefund) view() payRefundJSON {
	return payRefundJSON{ID: rf.id, Object: "refund", PaymentID: rf.paymentID, Amount: rf.amount,
		Currency: rf.currency, Status: "succeeded", Created: rf.created.Unix()}
}

func (pp *payPayment) view() *payPaymentJSON {
	v := &payPaymentJSON{ID: pp.id, Object: "payment", Status: pp.status, Amount: pp.amount,
		AmountCaptured: pp.captured, AmountRefunded: pp.refunded, Currency: pp.currency,
		Reference: pp.reference, SessionID: pp.sessionID, LastError: pp.lastError,
		CaptureID: strOrNil(pp.captureID), Refunds: []payRefundJSON{}, Metadata: pp.metadata,
		Created: pp.created.Unix(), AuthorizedAt: unixOrNil(pp.authorizedAt),
		CapturedAt: unixOrNil(pp.capturedAt), VoidedAt: unixOrNil(pp.voidedAt)}
	if pp.card.Last4 != "" {
		c := pp.card
		v.Card = &c
	}
	for _, rf := range pp.refunds {
		v.Refunds = append(v.Refunds, rf.view())
	}
	return v
}

// sessionView renders a session; the caller holds p.mu.
func (p *payProvider) sessionView(ps *paySession, base string) paySessionJSON {
	v := paySessionJSON{ID: ps.id, Object: "checkout_session", URL: base + "/pay/checkout/" + ps.id,
		Status: ps.state(p.s.now()), Amount: ps.amount, Currency: ps.currency, Reference: ps.reference,
		SuccessURL: ps.successURL, CancelURL: ps.cancelURL, Capture: "manual",
		PaymentID: strOrNil(ps.paymentID), Metadata: ps.metadata, Created: ps.created.Unix(),
		ExpiresAt: ps.expires.Unix()}
	if pp := p.payments[ps.paymentID]; pp != nil {
		v.Payment = pp.view()
	}
	return v
}

// validate checks a session request and normalises its currency.
func (req *paySessionRequest) validate() (string, string) {
	req.Currency = strings.ToUpper(strings.TrimSpace(req.Currency))
	switch {
	case req.Amount <= 0 || req.Amount > payMaxAmount:
		return "amount", fmt.Sprintf("amount must be a positive integer in minor units, at most %d", int64(payMaxAmount))
	case len(req.Currency) != 3:
		return "currency", "currency must be an ISO 4217 code"
	case req.Reference == "" || len(req.Reference) > payMaxReference:
		return "reference", "reference is required (at most 200 characters)"
	case req.Capture != "" && req.Capture != "manual":
		return "capture", `only capture "manual" is supported`
	case req.ExpiresIn != 0 && (req.ExpiresIn < 60 || req.ExpiresIn > 86400):
		return "expires_in", "expires_in must be between 60 and 86400 seconds"
	case len(req.Metadata) > 20:
		return "metadata", "at most 20 metadata keys"
	}
	if _, ok := fx.MinorUnits(req.Currency); !ok {
		return "currency", "unknown currency " + req.Currency
	}
	if err := validRedirectURL(req.SuccessURL); err != nil {
		return "success_url", "success_url: " + err.Error()
	}
	if err := validRedirectURL(req.CancelURL); err != nil {
		return "cancel_url", "cancel_url: " + err.Error()
	}
	return "", ""
}

// sessionCreate answers POST /pay/v1/sessions: a checkout session the customer pays at its url.
func (p *payProvider) sessionCreate(w http.ResponseWriter, r *http.Request) {
	var req paySessionRequest
	if err := decodePayBody(r, &req); err != nil {
		payAPIError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	if param, msg := req.validate(); param != "" {
		payAPIError(w, http.StatusBadRequest, "invalid_"+param, msg)
		return
	}
	base := p.s.publicURL(r)
	p.mutate(w, r, req, func() result {
		now := p.s.now()
		ttl := paySessionTTL
		if req.ExpiresIn > 0 {
			ttl = time.Duration(req.ExpiresIn) * time.Second
		}
		ps := &paySession{id: newPayID("cs_"), currency: req.Currency, reference: req.Reference,
			successURL: req.SuccessURL, cancelURL: req.CancelURL, amount: req.Amount,
			metadata: maps.Clone(req.Metadata), created: now, expires: now.Add(ttl), status: payOpen}
		if ps.metadata == nil {
			ps.metadata = map[string]string{}
		}
		p.sessions[ps.id] = ps
		return result{http.StatusCreated, p.sessionView(ps, base)}
	})
}

// sessionGet answers GET /pay/v1/sessions/{id}.
func (p *payProvider) sessionGet(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	ps, ok := p.sessions[r.PathValue("id")]
	var v paySessionJSON
	if ok {
		v = p.sessionView(ps, p.s.publicURL(r))
	}
	p.mu.Unlock()
	if !ok {
		payAPIError(w, http.StatusNotFound, "not_found", "no such checkout session")
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// paymentGet answers GET /pay/v1/payments/{id}.
func (p *payProvider) paymentGet(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	pp, ok := p.payments[r.PathValue("id")]
	var v *payPaymentJSON
	if ok {
		v = pp.view()
	}
	p.mu.Unlock()
	if !ok {
		payAPIError(w, http.StatusNotFound, "not_found", "no such payment")
		return
	}
	writeJSON(w, http.StatusOK, v)
}

type payAmountRequest struct {
	Amount *int64 `json:"amount,omitempty"`
}

// paymentCapture answers POST /pay/v1/payments/{id}/capture {amount?}: takes all or part of
// the authorised amount and releases the rest. A captured payment is never captured again:
// the same capture is answered, so a retried capture cannot charge twice.
func (p *payProvider) paymentCapture(w http.ResponseWriter, r *http.Request) {
	var req payAmountRequest
	if err := decodePayBody(r, &req); err != nil {
		payAPIError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	p.mutate(w, r, req, func() result {
		pp, ok := p.payments[r.PathValue("id")]
		if !ok {
			return failure(http.StatusNotFound, "not_found", "no such payment")
		}
		amount := pp.amount
		if req.Amount != nil {
			amount = *req.Amount
		}
		switch {
		case pp.status == payCaptured && (req.Amount == nil || amount == pp.captured):
			return result{http.StatusOK, pp.view()}
		case pp.status == payCaptured:
			return failure(http.StatusConflict, "already_captured",
				fmt.Sprintf("payment already captured %d; it cannot be captured again", pp.captured))
		case pp.status != payAuthorized:
			return failure(http.StatusConflict, "payment_not_capturable", "payment is "+pp.status+", not authorized")
		case amount <= 0 || amount > pp.amount:
			return failure(http.StatusBadRequest, "invalid_amount",
				fmt.Sprintf("amount must be between 1 and the authorised %d", pp.amount))
		}
		pp.status, pp.captured, pp.capturedAt, pp.captureID = payCaptured, amount, p.s.now(), newPayID("cap_")
		p.emit("payment.captured", pp, nil)
		return result{http.StatusOK, pp.view()}
	})
}

// paymentVoid answers POST /pay/v1/payments/{id}/void: releases an authorisation that was
// not captured. Voiding twice answers the voided payment; a captured payment needs a refund.
func (p *payProvider) paymentVoid(w http.ResponseWriter, r *http.Request) {
	var req struct{}
	if err := decodePayBody(r, &req); err != nil {
		payAPIError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	p.mutate(w, r, req, func() result {
		pp, ok := p.payments[r.PathValue("id")]
		if !ok {
			return failure(http.StatusNotFound, "not_found", "no such payment")
		}
		switch pp.status {
		case payVoided:
			return result{http.StatusOK, pp.view()}
		case payCaptured:
			return failure(http.StatusConflict, "already_captured", "a captured payment cannot be voided; refund it")
		case payAuthorized:
		default:
			return failure(http.StatusConflict, "payment_not_voidable", "payment is "+pp.status+", not authorized")
		}
		pp.status, pp.voidedAt = payVoided, p.s.now()
		p.emit("payment.voided", pp, nil)
		return result{http.StatusOK, pp.view()}
	})
}

// refundCreate answers POST /pay/v1/payments/{id}/refunds {amount?}: gives back part or all
// of what was captured and not yet refunded (all of it when amount is left out).
func (p *payProvider) refundCreate(w http.ResponseWriter, r *http.Request) {
	var req payAmountRequest
	if err := decodePayBody(r, &req); err != nil {
		payAPIError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	p.mutate(w, r, req, func() result {
		pp, ok := p.payments[r.PathValue("id")]
		if !ok {
			return failure(http.StatusNotFound, "not_found", "no such payment")
		}
		if pp.status != payCaptured {
			return failure(http.StatusConflict, "payment_not_captured", "payment is "+pp.status+"; only a captured payment can be refunded")
		}
		left := pp.captured - pp.refunded
		amount := left
		if req.Amount != nil {
			amount = *req.Amount
		}
		if left == 0 {
			return failure(http.StatusConflict, "already_refunded", "the payment is refunded in full")
		}
		if amount <= 0 || amount > left {
			return failure(http.StatusBadRequest, "invalid_amount",
				fmt.Sprintf("amount must be between 1 and the %d captured and not yet refunded", left))
		}
		rf := &payRefund{id: newPayID("re_"), paymentID: pp.id, currency: pp.currency, amount: amount, created: p.s.now()}
		pp.refunds = append(pp.refunds, rf)
		pp.refunded += amount
		p.emit("refund.succeeded", pp, rf)
		return result{http.StatusCreated, rf.view()}
	})
}
