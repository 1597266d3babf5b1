package handlers

import (
	"errors"
	"net/http"

	"lobang/accounts"
	"lobang/internal/sessionstore"
	"lobang/views"
)

func resetRequestView(email, msg string) views.AccountFormView {
	return views.AccountFormView{Heading: "Forgotten your password?",
		Lead:   "Enter your account's email and we'll send you a link to choose a new password.",
		Action: "/account/reset", TestID: "reset-form", Submit: "Send the link",
		Fields: []views.AccountField{emailField(email, msg)},
		Links:  []views.AccountLink{{Text: "Back to log in", URL: "/account/login"}}}
}

// AccountResetPage answers GET /account/reset: the request form, or after
// a request (?sent=1) the same answer whether or not the email has an
// account.
func (h *Handler) AccountResetPage(w http.ResponseWriter, r *http.Request) {
	if !h.accountsReady(w, r) {
		return
	}
	if r.URL.Query().Get("sent") == "1" {
		h.accountForm(w, r, http.StatusOK, views.AccountFormView{Heading: "Check your email",
			Notice: "If that address has a Lobang account, we've sent it a link to choose a new password. The link works once, within an hour.",
			Links:  []views.AccountLink{{Text: "Back to log in", URL: "/account/login"}}})
		return
	}
	h.accountForm(w, r, http.StatusOK, resetRequestView("", ""))
}

// AccountReset answers POST /account/reset.
func (h *Handler) AccountReset(w http.ResponseWriter, r *http.Request) {
	if !h.accountsReady(w, r) {
		return
	}
	email := r.PostFormValue("email")
	err := h.accounts.RequestReset(r.Context(), email)
	var ferr accounts.FieldErrors
	switch {
	case errors.As(err, &ferr):
		h.accountForm(w, r, http.StatusUnprocessableEntity, resetRequestView(email, ferr["email"]))
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/reset?sent=1", http.StatusSeeOther)
}

func newPasswordView(token, msg string) views.AccountFormView {
	return views.AccountFormView{Heading: "Choose a new password", Action: "/account/reset/" + token,
		TestID: "new-password-form", Submit: "Save the new password",
		Fields: []views.AccountField{newPasswordField("password", "New password", msg)}}
}

// badResetLink answers for a reset token that is unknown, used or expired.
func (h *Handler) badResetLink(w http.ResponseWriter, r *http.Request) {
	h.accountForm(w, r, http.StatusGone, views.AccountFormView{Heading: "This link doesn't work any more",
		Error: "Password links work once, within an hour. Ask for a new one.",
		Links: []views.AccountLink{{Text: "Send me a new link", URL: "/account/reset"}}})
}

// AccountNewPasswordPage answers GET /account/reset/{token}.
func (h *Handler) AccountNewPasswordPage(w http.ResponseWriter, r *http.Request) {
	if !h.accountsReady(w, r) {
		return
	}
	token := r.PathValue("token")
	err := h.accounts.CheckResetToken(r.Context(), token)
	if errors.Is(err, accounts.ErrBadToken) {
		h.badResetLink(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.accountForm(w, r, http.StatusOK, newPasswordView(token, ""))
}

// AccountNewPassword answers POST /account/reset/{token}: the token is used
// once, every session of the account ends, and this browser is logged in
// afresh.
func (h *Handler) AccountNewPassword(w http.ResponseWriter, r *http.Request) {
	if !h.accountsReady(w, r) {
		return
	}
	token := r.PathValue("token")
	a, err := h.accounts.ResetPassword(r.Context(), token, r.PostFormValue("password"))
	var ferr accounts.FieldErrors
	switch {
	case errors.As(err, &ferr):
		h.accountForm(w, r, http.StatusUnprocessableEntity, newPasswordView(token, ferr["password"]))
		return
	case errors.Is(err, accounts.ErrBadToken):
		h.badResetLink(w, r)
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	if _, err := h.sessions.RevokeOwner(r.Context(), ownerOf(a.ID), ""); err != nil {
		h.serverError(w, r, err)
		return
	}
	if err := h.logIn(w, r, a); err != nil && !errors.Is(err, sessionstore.ErrEnded) {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?notice=password-reset", http.StatusSeeOther)
}

func changePasswordView(errs accounts.FieldErrors) views.AccountFormView {
	return views.AccountFormView{Heading: "Change your password", Action: "/account/password",
		TestID: "password-form", Submit: "Change password",
		Fields: []views.AccountField{
			{Name: "current", Label: "Current password", Type: "password", Autocomplete: "current-password", Error: errs["current"]},
			newPasswordField("password", "New password", errs["password"])},
		Links: []views.AccountLink{{Text: "Back to your account", URL: "/account"}}}
}

// AccountPasswordPage answers GET /account/password.
func (h *Handler) AccountPasswordPage(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := h.requireAccount(w, r); !ok {
		return
	}
	h.accountForm(w, r, http.StatusOK, changePasswordView(nil))
}

// AccountPassword answers POST /account/password: it needs the current
// password; the account's other sessions end and this one gets a new id.
func (h *Handler) AccountPassword(w http.ResponseWriter, r *http.Request) {
	a, sess, ok := h.requireAccount(w, r)
	if !ok {
		return
	}
	err := h.accounts.ChangePassword(r.Context(), a.ID, r.PostFormValue("current"), r.PostFormValue("password"))
	var ferr accounts.FieldErrors
	switch {
	case errors.As(err, &ferr):
		h.accountForm(w, r, http.StatusUnprocessableEntity, changePasswordView(ferr))
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	if _, err := h.sessions.RevokeOwner(r.Context(), ownerOf(a.ID), sess.ID); err != nil {
		h.serverError(w, r, err)
		return
	}
	if err := h.sessions.Login(r, w, sess, ownerOf(a.ID)); err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?notice=password-changed", http.StatusSeeOther)
}
