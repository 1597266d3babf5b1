package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gorilla/sessions"

	"lobang/accounts"
	"lobang/booking"
	"lobang/views"
)

// sessionAccount is the session value holding the logged-in account's id.
const sessionAccount = "account_id"

// AttachAccounts hands the handlers the accounts service (it needs the
// backends); until then, and until the session store is attached,
// /account/… answers 503.
func (h *Handler) AttachAccounts(svc *accounts.Service) { h.accounts = svc }

// ownerOf names an account as the owner of its sessions.
func ownerOf(id int64) string { return "account:" + strconv.FormatInt(id, 10) }

// accountsReady answers 503 when accounts are not attached.
func (h *Handler) accountsReady(w http.ResponseWriter, r *http.Request) bool {
	if h.sessions == nil || h.accounts == nil {
		h.renderError(w, r, http.StatusServiceUnavailable)
		return false
	}
	return true
}

// currentAccount returns the logged-in account and its session. ok is
// false when nobody is logged in (the session is then new or empty); err
// is for Redis or MySQL trouble.
func (h *Handler) currentAccount(r *http.Request) (accounts.Account, *sessions.Session, bool, error) {
	sess, err := h.sessions.Session(r)
	if err != nil {
		return accounts.Account{}, sess, false, err
	}
	id, _ := sess.Values[sessionAccount].(int64)
	if id == 0 {
		return accounts.Account{}, sess, false, nil
	}
	a, err := h.accounts.Get(r.Context(), id)
	if errors.Is(err, accounts.ErrNotFound) {
		return accounts.Account{}, sess, false, nil
	}
	if err != nil {
		return accounts.Account{}, sess, false, err
	}
	return a, sess, true, nil
}

// requireAccount returns the logged-in account, or sends the visitor to
// the login page (or an error page) and reports false.
func (h *Handler) requireAccount(w http.ResponseWriter, r *http.Request) (accounts.Account, *sessions.Session, bool) {
	if !h.accountsReady(w, r) {
		return accounts.Account{}, nil, false
	}
	a, sess, ok, err := h.currentAccount(r)
	if err != nil {
		h.serverError(w, r, err)
		return accounts.Account{}, nil, false
	}
	if !ok {
		http.Redirect(w, r, "/account/login", http.StatusSeeOther)
		return accounts.Account{}, nil, false
	}
	return a, sess, true
}

// logIn ties the session to account a under a new id (the old one stops
// working at once).
func (h *Handler) logIn(w http.ResponseWriter, r *http.Request, a accounts.Account) error {
	sess, err := h.sessions.Session(r)
	if err != nil {
		return err
	}
	sess.Values[sessionAccount] = a.ID
	return h.sessions.Login(r, w, sess, ownerOf(a.ID))
}

// prefillDetails fills an empty guest details form with the logged-in
// customer's saved details. Anything going wrong leaves the form empty:
// the customer can always type.
func (h *Handler) prefillDetails(r *http.Request, f *views.DetailsForm) {
	if h.sessions == nil || h.accounts == nil || f.Action == "" || len(f.Values) > 0 && anyValue(f.Values) {
		return
	}
	if _, err := r.Cookie(h.sessions.CookieName()); err != nil {
		return // nobody logged in: no Redis round trip
	}
	a, _, ok, err := h.currentAccount(r)
	if err != nil {
		h.log.Warn("prefill guest details", "err", err, "request_id", RequestID(r.Context()))
		return
	}
	if !ok {
		return
	}
	d := a.Details
	f.Values = map[string]string{"title": d.Title, "first_name": d.FirstName, "last_name": d.LastName,
		"email": a.Email, "phone": d.Phone, "billing_address": d.BillingAddress}
}

func anyValue(m map[string]string) bool {
	for _, v := range m {
		if v != "" {
			return true
		}
	}
	return false
}

// accountForm renders one of the small account pages.
func (h *Handler) accountForm(w http.ResponseWriter, r *http.Request, status int, v views.AccountFormView) {
	v.Meta = h.meta(v.Heading, "", "", true)
	v.Attribution = h.cfg.Attribution
	h.render(w, r, status, views.AccountFormPage(v))
}

// detailsTitles are the titles offered in the saved details form.
var detailsTitles = booking.Titles
