package handlers

import (
	"errors"
	"net/http"

	"lobang/accounts"
	"lobang/views"
)

// emailField and passwordField are the inputs of the sign-up and login
// forms.
func emailField(value, msg string) views.AccountField {
	return views.AccountField{Name: "email", Label: "Email", Type: "email", Autocomplete: "email", Value: value, Error: msg}
}

func newPasswordField(name, label, msg string) views.AccountField {
	return views.AccountField{Name: name, Label: label, Type: "password", Autocomplete: "new-password", Error: msg,
		MinLength: accounts.MinPasswordLength, Hint: "At least 10 characters; a few words you'll remember work well."}
}

func signupView(email string, errs accounts.FieldErrors) views.AccountFormView {
	return views.AccountFormView{
		Heading: "Create an account",
		Lead:    "See all your bookings in one place and book faster with your details filled in. You can always book as a guest instead.",
		Action:  "/account/signup", TestID: "signup-form", Submit: "Create account",
		Fields: []views.AccountField{emailField(email, errs["email"]), newPasswordField("password", "Password", errs["password"])},
		Links:  []views.AccountLink{{Text: "Already have an account? Log in", URL: "/account/login"}},
	}
}

// AccountSignupPage answers GET /account/signup: the form, or after a
// sign-up (?sent=1) the request to check the inbox.
func (h *Handler) AccountSignupPage(w http.ResponseWriter, r *http.Request) {
	if !h.accountsReady(w, r) {
		return
	}
	if r.URL.Query().Get("sent") == "1" {
		h.accountForm(w, r, http.StatusOK, views.AccountFormView{Heading: "Check your email",
			Notice: "We've sent a link to confirm your email address. Follow it within 48 hours, then log in.",
			Links:  []views.AccountLink{{Text: "Log in", URL: "/account/login"}, {Text: "Search hotels", URL: "/"}}})
		return
	}
	h.accountForm(w, r, http.StatusOK, signupView("", nil))
}

// AccountSignup answers POST /account/signup. An email that already has an
// account gets the same answer (and an email saying so).
func (h *Handler) AccountSignup(w http.ResponseWriter, r *http.Request) {
	if !h.accountsReady(w, r) {
		return
	}
	email := r.PostFormValue("email")
	err := h.accounts.SignUp(r.Context(), email, r.PostFormValue("password"))
	var ferr accounts.FieldErrors
	switch {
	case errors.As(err, &ferr):
		h.accountForm(w, r, http.StatusUnprocessableEntity, signupView(email, ferr))
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/signup?sent=1", http.StatusSeeOther)
}

// AccountVerifyPage answers GET /account/verify?token=: a button that
// confirms the email. Following the link changes nothing by itself, so that
// mail scanners that open links do not use the token up.
func (h *Handler) AccountVerifyPage(w http.ResponseWriter, r *http.Request) {
	if !h.accountsReady(w, r) {
		return
	}
	token := r.URL.Query().Get("token")
	if token == "" {
		h.renderError(w, r, http.StatusBadRequest)
		return
	}
	h.accountForm(w, r, http.StatusOK, views.AccountFormView{Heading: "Confirm your email address",
		Action: "/account/verify", TestID: "verify-form", Hidden: map[string]string{"token": token},
		Submit: "Confirm my email"})
}

// AccountVerify answers POST /account/verify: the token proves the email,
// and the account's guest bookings attach.
func (h *Handler) AccountVerify(w http.ResponseWriter, r *http.Request) {
	if !h.accountsReady(w, r) {
		return
	}
	a, err := h.accounts.Verify(r.Context(), r.PostFormValue("token"))
	if errors.Is(err, accounts.ErrBadToken) {
		h.accountForm(w, r, http.StatusGone, views.AccountFormView{Heading: "This link doesn't work any more",
			Error: "The confirmation link was already used or has expired. Log in to get a new one.",
			Links: []views.AccountLink{{Text: "Log in", URL: "/account/login"}}})
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if cur, _, ok, err := h.currentAccount(r); err == nil && ok && cur.ID == a.ID {
		http.Redirect(w, r, "/account?notice=verified", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/account/login?notice=verified", http.StatusSeeOther)
}

// AccountVerifyResend answers POST /account/verify/resend.
func (h *Handler) AccountVerifyResend(w http.ResponseWriter, r *http.Request) {
	a, _, ok := h.requireAccount(w, r)
	if !ok {
		return
	}
	if err := h.accounts.ResendVerification(r.Context(), a.ID); err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?notice=verification-sent", http.StatusSeeOther)
}

var loginNotices = map[string]string{
	"verified":       "Your email is confirmed. Log in to see your bookings.",
	"logged-out":     "You're logged out.",
	"password-reset": "Your password is changed. Log in with the new one.",
}

func loginView(email, formErr string, errs accounts.FieldErrors) views.AccountFormView {
	return views.AccountFormView{
		Heading: "Log in", Action: "/account/login", TestID: "login-form", Submit: "Log in", Error: formErr,
		Fields: []views.AccountField{emailField(email, errs["email"]),
			{Name: "password", Label: "Password", Type: "password", Autocomplete: "current-password", Error: errs["password"]}},
		Links: []views.AccountLink{{Text: "Forgotten your password?", URL: "/account/reset"},
			{Text: "New here? Create an account", URL: "/account/signup"}},
	}
}

// AccountLoginPage answers GET /account/login.
func (h *Handler) AccountLoginPage(w http.ResponseWriter, r *http.Request) {
	if !h.accountsReady(w, r) {
		return
	}
	if _, _, ok, err := h.currentAccount(r); err == nil && ok {
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return
	}
	v := loginView("", "", nil)
	v.Notice = loginNotices[r.URL.Query().Get("notice")]
	h.accountForm(w, r, http.StatusOK, v)
}

// AccountLogin answers POST /account/login: the session gets a new id tied
// to the account. Too many failures answer 429.
func (h *Handler) AccountLogin(w http.ResponseWriter, r *http.Request) {
	if !h.accountsReady(w, r) {
		return
	}
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	errs := accounts.FieldErrors{}
	if email == "" {
		errs["email"] = "Enter your email address."
	}
	if password == "" {
		errs["password"] = "Enter your password."
	}
	if len(errs) > 0 {
		h.accountForm(w, r, http.StatusUnprocessableEntity, loginView(email, "", errs))
		return
	}
	a, err := h.accounts.Login(r.Context(), email, password, ClientIP(r.Context()).String())
	switch {
	case errors.Is(err, accounts.ErrThrottled):
		h.accountForm(w, r, http.StatusTooManyRequests, loginView(email,
			"Too many failed attempts. Please wait 15 minutes and try again, or choose a new password with “Forgotten your password?”.", nil))
		return
	case errors.Is(err, accounts.ErrBadLogin):
		h.accountForm(w, r, http.StatusUnprocessableEntity, loginView(email, "Wrong email or password.", nil))
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	if err := h.logIn(w, r, a); err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

// AccountLogout answers POST /account/logout: the session is deleted on
// the server at once.
func (h *Handler) AccountLogout(w http.ResponseWriter, r *http.Request) {
	if !h.accountsReady(w, r) {
		return
	}
	sess, err := h.sessions.Session(r)
	if err == nil {
		err = h.sessions.Destroy(r, w, sess)
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/login?notice=logged-out", http.StatusSeeOther)
}
