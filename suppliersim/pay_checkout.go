package suppliersim

import (
	"net/http"
	"net/url"
	"strings"

	"lobang/fx"
)

// Customer-facing messages after a failed attempt.
const (
	msgDeclined     = "Your card was declined. No money was taken. Please try another card."
	msgInsufficient = "Your card was declined for insufficient funds. No money was taken. Please try another card."
	msgAuthFailed   = "We could not authenticate this payment with your bank. No money was taken. Please try another card."
)

// baseView fills what every checkout page shows about a session; the caller holds p.mu.
func baseView(ps *paySession, title string) checkoutView {
	d, ok := fx.MinorUnits(ps.currency)
	if !ok {
		d = 2
	}
	return checkoutView{Title: title, SessionID: ps.id, Reference: ps.reference, CancelURL: ps.cancelURL,
		Amount: ps.currency + " " + fx.FormatMinor(ps.amount, d), Errors: map[string]string{}}
}

// successRedirect is where a customer goes after authorisation: success_url with session_id added.
func (ps *paySession) successRedirect() string {
	u, err := url.Parse(ps.successURL)
	if err != nil { // validated at creation; cannot happen
		return ps.successURL
	}
	q := u.Query()
	q.Set("session_id", ps.id)
	u.RawQuery = q.Encode()
	return u.String()
}

// sessionPage looks a session up for a page and answers the states in which no form is
// shown; ok is false when it has answered. The caller holds p.mu.
func (p *payProvider) sessionPage(w http.ResponseWriter, r *http.Request) (*paySession, bool) {
	ps, found := p.sessions[r.PathValue("id")]
	switch {
	case !found:
		render(w, http.StatusNotFound, "message", checkoutView{Title: "Checkout not found",
			Message: "This payment link is not valid. Please start again from your booking."})
	case ps.state(p.s.now()) == payExpired:
		v := baseView(ps, "Checkout expired")
		v.Message, v.NextURL = "This payment page has expired. No money was taken.", ps.cancelURL
		render(w, http.StatusGone, "message", v)
	case ps.status == payAuthorized && r.Method == http.MethodGet:
		v := baseView(ps, "Payment complete")
		v.Message, v.NextURL = "This payment is already authorised.", ps.successRedirect()
		render(w, http.StatusOK, "message", v)
	case ps.status == payAuthorized: // a second submit after success: go on as the first did
		http.Redirect(w, r, ps.successRedirect(), http.StatusSeeOther)
	default:
		return ps, true
	}
	return nil, false
}

// checkoutPage answers GET /pay/checkout/{id}: the card form (with the last failure, if any).
func (p *payProvider) checkoutPage(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ps, ok := p.sessionPage(w, r)
	if !ok {
		return
	}
	if ps.challengePending {
		http.Redirect(w, r, "/pay/checkout/"+ps.id+"/3ds", http.StatusSeeOther)
		return
	}
	v := baseView(ps, "Pay for your booking")
	v.Error = ps.lastError
	render(w, http.StatusOK, "checkout", v)
}

// paymentOf returns the session's payment, creating it at the first attempt; the caller holds p.mu.
func (p *payProvider) paymentOf(ps *paySession) *payPayment {
	if pp, ok := p.payments[ps.paymentID]; ok {
		return pp
	}
	pp := &payPayment{id: newPayID("pay_"), sessionID: ps.id, reference: ps.reference, currency: ps.currency,
		metadata: ps.metadata, amount: ps.amount, status: payOpen, created: p.s.now()}
	p.payments[pp.id] = pp
	ps.paymentID = pp.id
	return pp
}

// authorize completes a session; the caller holds p.mu.
func (p *payProvider) authorize(ps *paySession, pp *payPayment, card payCard) {
	pp.status, pp.card, pp.lastError, pp.authorizedAt = payAuthorized, card, nil, p.s.now()
	ps.status, ps.lastError, ps.challengePending = payAuthorized, "", false
	p.emit("payment.authorized", pp, nil)
}

// decline records a failed attempt; the session stays open for another card. The caller holds p.mu.
func (p *payProvider) decline(ps *paySession, pp *payPayment, card payCard, perr payError, msg string) {
	pp.status, pp.card, pp.lastError = payFailed, card, &perr
	ps.lastError, ps.challengePending = msg, false
	p.emit("payment.failed", pp, nil)
}

// checkoutSubmit answers POST /pay/checkout/{id}: the customer's card. A good card authorises
// and redirects to success_url; a declined one shows the form again; a 3-D Secure card goes
// to the challenge page.
func (p *payProvider) checkoutSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		render(w, http.StatusBadRequest, "message", checkoutView{Title: "Bad request", Message: "The form could not be read."})
		return
	}
	f := cardForm{number: r.PostForm.Get("card_number"), expiry: strings.TrimSpace(r.PostForm.Get("expiry")),
		cvc: strings.TrimSpace(r.PostForm.Get("cvc")), name: strings.TrimSpace(r.PostForm.Get("name"))}
	p.mu.Lock()
	defer p.mu.Unlock()
	ps, ok := p.sessionPage(w, r)
	if !ok {
		return
	}
	if ps.challengePending {
		http.Redirect(w, r, "/pay/checkout/"+ps.id+"/3ds", http.StatusSeeOther)
		return
	}
	tc, last4, errs := f.check(p.s.now())
	if errs != nil {
		v := baseView(ps, "Pay for your booking")
		v.Errors, v.Name, v.Expiry = errs, f.name, f.expiry
		render(w, http.StatusUnprocessableEntity, "checkout", v)
		return
	}
	pp := p.paymentOf(ps)
	card := payCard{Brand: tc.brand, Last4: last4}
	switch tc.outcome {
	case cardSucceeds:
		p.authorize(ps, pp, card)
		http.Redirect(w, r, ps.successRedirect(), http.StatusSeeOther)
	case cardChallenge:
		pp.status, pp.card, pp.lastError = payPending, card, nil
		ps.challengePending = true
		http.Redirect(w, r, "/pay/checkout/"+ps.id+"/3ds", http.StatusSeeOther)
	default:
		msg := msgDeclined
		if tc.declineCode == "insufficient_funds" {
			msg = msgInsufficient
		}
		p.decline(ps, pp, card, payError{Code: "card_declined", DeclineCode: tc.declineCode,
			Message: "the card was declined"}, msg)
		v := baseView(ps, "Payment declined")
		v.Error, v.Name, v.Expiry = msg, f.name, f.expiry
		render(w, http.StatusPaymentRequired, "checkout", v)
	}
}

// challengePage answers GET /pay/checkout/{id}/3ds: "Approve this payment".
func (p *payProvider) challengePage(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ps, ok := p.sessionPage(w, r)
	if !ok {
		return
	}
	if !ps.challengePending {
		http.Redirect(w, r, "/pay/checkout/"+ps.id, http.StatusSeeOther)
		return
	}
	v := baseView(ps, "Approve this payment")
	v.Card = p.payments[ps.paymentID].card
	render(w, http.StatusOK, "challenge", v)
}

// challengeSubmit answers POST /pay/checkout/{id}/3ds action=approve|fail.
func (p *payProvider) challengeSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		render(w, http.StatusBadRequest, "message", checkoutView{Title: "Bad request", Message: "The form could not be read."})
		return
	}
	action := r.PostForm.Get("action")
	p.mu.Lock()
	defer p.mu.Unlock()
	ps, ok := p.sessionPage(w, r)
	if !ok {
		return
	}
	if !ps.challengePending {
		http.Redirect(w, r, "/pay/checkout/"+ps.id, http.StatusSeeOther)
		return
	}
	pp := p.payments[ps.paymentID]
	switch action {
	case "approve":
		p.authorize(ps, pp, pp.card)
		http.Redirect(w, r, ps.successRedirect(), http.StatusSeeOther)
	case "fail":
		p.decline(ps, pp, pp.card, payError{Code: "authentication_failed",
			Message: "the customer did not complete 3-D Secure"}, msgAuthFailed)
		http.Redirect(w, r, "/pay/checkout/"+ps.id, http.StatusSeeOther)
	default:
		v := baseView(ps, "Approve this payment")
		v.Card = pp.card
		render(w, http.StatusUnprocessableEntity, "challenge", v)
	}
}
