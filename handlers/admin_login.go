package handlers

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"

	"lobang/admin"
	"lobang/views"
)

// AdminLoginPage shows the staff login form; a member of staff already
// signed in goes on to the desk.
func (h *Handler) AdminLoginPage(w http.ResponseWriter, r *http.Request) {
	if _, err := h.currentStaff(r); err == nil {
		http.Redirect(w, r, "/admin/bookings", http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, views.AdminLogin(views.AdminLoginView{Shell: h.shell(r, "Staff sign-in")}))
}

// AdminLoginPost signs a member of staff in with email, password and code,
// starting a new session (the id rotates on every login).
func (h *Handler) AdminLoginPost(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, http.StatusBadRequest)
		return
	}
	email := r.PostForm.Get("email")
	ip := ClientIP(r.Context()).String()
	st, err := h.staff.svc.Login(r.Context(), email, r.PostForm.Get("password"), r.PostForm.Get("code"), ip)
	if err != nil {
		v := views.AdminLoginView{Shell: h.shell(r, "Staff sign-in"), Email: email}
		switch {
		case errors.Is(err, admin.ErrThrottled):
			v.Error = "Too many failed attempts. Wait 15 minutes and try again."
			h.render(w, r, http.StatusTooManyRequests, views.AdminLogin(v))
		case errors.Is(err, admin.ErrReplay):
			v.Error = "That code was already used. Wait for the next code from your app."
			h.render(w, r, http.StatusUnprocessableEntity, views.AdminLogin(v))
		case errors.Is(err, admin.ErrBadLogin):
			v.Error = "The email, password or code is wrong."
			h.render(w, r, http.StatusUnprocessableEntity, views.AdminLogin(v))
		default:
			h.serverError(w, r, err)
		}
		return
	}
	sess, err := h.staff.cfg.Sessions.Session(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	sess.Values[staffKey] = strconv.FormatInt(st.ID, 10)
	// Login gives the session a new id, so a session id planted before the
	// login is worthless after it.
	if err := h.staff.cfg.Sessions.Login(r, w, sess, "staff:"+strconv.FormatInt(st.ID, 10)); err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/bookings", http.StatusSeeOther)
}

// AdminLogout ends the staff session at once.
func (h *Handler) AdminLogout(w http.ResponseWriter, r *http.Request) {
	sess, err := h.staff.cfg.Sessions.Session(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if err := h.staff.cfg.Sessions.Destroy(r, w, sess); err != nil {
		h.serverError(w, r, err)
		return
	}
	if err := h.staff.svc.Logout(r.Context(), staffOf(r)); err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}

// enrolView builds the enrolment page of a link, or answers for a bad one.
func (h *Handler) enrolView(w http.ResponseWriter, r *http.Request) (views.AdminEnrolView, bool) {
	token := r.PathValue("token")
	en, err := h.staff.svc.StartEnrolment(r.Context(), token)
	if errors.Is(err, admin.ErrEnrolment) {
		h.renderError(w, r, http.StatusNotFound)
		return views.AdminEnrolView{}, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return views.AdminEnrolView{}, false
	}
	return views.AdminEnrolView{Shell: h.shell(r, "Set up your staff account"), Email: en.Email, Secret: en.Secret,
		QRDataURL: "data:image/png;base64," + base64.StdEncoding.EncodeToString(en.QRPNG),
		Action:    "/admin/enrol/" + token}, true
}

// AdminEnrolPage shows an enrolment link's TOTP secret and password form.
func (h *Handler) AdminEnrolPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.enrolView(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, views.AdminEnrol(v))
}

// AdminEnrolPost finishes an enrolment and shows the recovery codes once.
func (h *Handler) AdminEnrolPost(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, http.StatusBadRequest)
		return
	}
	v, ok := h.enrolView(w, r)
	if !ok {
		return
	}
	codes, err := h.staff.svc.FinishEnrolment(r.Context(), r.PathValue("token"), r.PostForm.Get("password"),
		r.PostForm.Get("code"), ClientIP(r.Context()).String())
	switch {
	case errors.Is(err, admin.ErrWeakPassword):
		v.Error = "Choose a password of at least 12 characters."
	case errors.Is(err, admin.ErrBadCode):
		v.Error = "That code is not right. Check the time on your phone and enter the current code."
	case errors.Is(err, admin.ErrEnrolment):
		h.renderError(w, r, http.StatusNotFound)
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	default:
		v.RecoveryCodes = codes
		h.render(w, r, http.StatusOK, views.AdminEnrol(v))
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, views.AdminEnrol(v))
}
