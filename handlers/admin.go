package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"lobang/admin"
	"lobang/internal/sessionstore"
	"lobang/views"
)

// AdminConfig is what the staff screens need beyond the admin service.
type AdminConfig struct {
	// RefundApprovalAbove is the amount, in major units of the booking's
	// currency (500.00), above which a staff refund needs a second member
	// of staff's approval.
	RefundApprovalAbove string
	// MailFrom is the sender the outbox preview renders emails with.
	MailFrom string
	// Sessions is the staff session store: its own cookie (lobang-staff,
	// __Host- on https), 15 minutes idle, 8 hours at most.
	Sessions *sessionstore.Store
}

// adminState is the staff side's share of the Handler.
type adminState struct {
	svc *admin.Service
	cfg AdminConfig
	// roles is every staff route ("GET /admin/bookings") with the role it
	// declared when registered: the role matrix test walks it.
	roles map[string]admin.Role
}

// AttachAdmin hands the handlers the staff service; until then every
// /admin route answers 503.
func (h *Handler) AttachAdmin(svc *admin.Service, cfg AdminConfig) {
	if h.staff == nil {
		h.staff = &adminState{}
	}
	h.staff.svc, h.staff.cfg = svc, cfg
}

// adminRoute is one staff route and the least role that may use it.
type adminRoute struct {
	Method, Pattern string
	Role            admin.Role
	fn              func(h *Handler) http.HandlerFunc
}

// adminRoutes is every /admin route with its role: agent reads bookings,
// resends emails and adds notes; manager also cancels and refunds; admin
// also manages staff and everything else. Anyone marks the pages that come
// before a staff session (login, enrolment).
var adminRoutes = []adminRoute{
	{"GET", "/admin", admin.Agent, func(h *Handler) http.HandlerFunc { return h.AdminHome }},
	{"GET", "/admin/login", admin.Anyone, func(h *Handler) http.HandlerFunc { return h.AdminLoginPage }},
	{"POST", "/admin/login", admin.Anyone, func(h *Handler) http.HandlerFunc { return h.AdminLoginPost }},
	{"POST", "/admin/logout", admin.Agent, func(h *Handler) http.HandlerFunc { return h.AdminLogout }},
	{"GET", "/admin/enrol/{token}", admin.Anyone, func(h *Handler) http.HandlerFunc { return h.AdminEnrolPage }},
	{"POST", "/admin/enrol/{token}", admin.Anyone, func(h *Handler) http.HandlerFunc { return h.AdminEnrolPost }},
	{"GET", "/admin/bookings", admin.Agent, func(h *Handler) http.HandlerFunc { return h.AdminBookings }},
	{"GET", "/admin/bookings/{ref}", admin.Agent, func(h *Handler) http.HandlerFunc { return h.AdminBooking }},
	{"GET", "/admin/bookings/{ref}/resend", admin.Agent, func(h *Handler) http.HandlerFunc { return h.AdminResendConfirm }},
	{"POST", "/admin/bookings/{ref}/resend", admin.Agent, func(h *Handler) http.HandlerFunc { return h.AdminResendPost }},
	{"GET", "/admin/bookings/{ref}/notes", admin.Agent, func(h *Handler) http.HandlerFunc { return h.AdminNoteConfirm }},
	{"POST", "/admin/bookings/{ref}/notes", admin.Agent, func(h *Handler) http.HandlerFunc { return h.AdminNotePost }},
	{"GET", "/admin/bookings/{ref}/cancel", admin.Manager, func(h *Handler) http.HandlerFunc { return h.AdminCancelConfirm }},
	{"POST", "/admin/bookings/{ref}/cancel", admin.Manager, func(h *Handler) http.HandlerFunc { return h.AdminCancelPost }},
	{"GET", "/admin/bookings/{ref}/refund", admin.Manager, func(h *Handler) http.HandlerFunc { return h.AdminRefundConfirm }},
	{"POST", "/admin/bookings/{ref}/refund", admin.Manager, func(h *Handler) http.HandlerFunc { return h.AdminRefundPost }},
	{"GET", "/admin/bookings/{ref}/reconcile", admin.Admin, func(h *Handler) http.HandlerFunc { return h.AdminReconcileConfirm }},
	{"POST", "/admin/bookings/{ref}/reconcile", admin.Admin, func(h *Handler) http.HandlerFunc { return h.AdminReconcilePost }},
	{"GET", "/admin/refunds/{id}", admin.Manager, func(h *Handler) http.HandlerFunc { return h.AdminRefundRequestPage }},
	{"POST", "/admin/refunds/{id}", admin.Manager, func(h *Handler) http.HandlerFunc { return h.AdminRefundRequestPost }},
	{"GET", "/admin/outbox", admin.Agent, func(h *Handler) http.HandlerFunc { return h.AdminOutbox }},
	{"GET", "/admin/outbox/{id}", admin.Agent, func(h *Handler) http.HandlerFunc { return h.AdminOutboxMessage }},
	{"GET", "/admin/outbox/{id}/resend", admin.Agent, func(h *Handler) http.HandlerFunc { return h.AdminOutboxResendConfirm }},
	{"POST", "/admin/outbox/{id}/resend", admin.Agent, func(h *Handler) http.HandlerFunc { return h.AdminOutboxResendPost }},
	{"GET", "/admin/audit", admin.Admin, func(h *Handler) http.HandlerFunc { return h.AdminAudit }},
	{"GET", "/admin/staff", admin.Admin, func(h *Handler) http.HandlerFunc { return h.AdminStaff }},
}

// registerAdmin registers every staff route through staffRoute.
func (h *Handler) registerAdmin(r chi.Router) {
	for _, ar := range adminRoutes {
		h.staffRoute(r, ar.Method, ar.Pattern, ar.Role, ar.fn(h))
	}
}

// staffRoute registers a staff route behind the staff session check for
// role; a route that declares no role is a programming error.
func (h *Handler) staffRoute(r chi.Router, method, pattern string, role admin.Role, fn http.HandlerFunc) {
	if !role.Declared() {
		panic("staff route " + method + " " + pattern + " declares no role")
	}
	if h.staff == nil {
		h.staff = &adminState{}
	}
	if h.staff.roles == nil {
		h.staff.roles = map[string]admin.Role{}
	}
	h.staff.roles[method+" "+pattern] = role
	h.route(r, method, pattern, h.requireStaff(role, fn))
}

// requireStaff lets a request through when it carries a staff session whose
// role allows need (any request for Anyone); without a session it redirects
// to the login page, with too low a role it answers 403 and logs it.
func (h *Handler) requireStaff(need admin.Role, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if h.staff == nil || h.staff.svc == nil {
			h.renderError(w, r, http.StatusServiceUnavailable)
			return
		}
		if need == admin.Anyone {
			next(w, r)
			return
		}
		st, err := h.currentStaff(r)
		if errors.Is(err, admin.ErrNoSession) {
			http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
			return
		}
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		if !st.Role.Allows(need) {
			h.log.Warn("staff route refused", "staff", st.ID, "role", st.Role, "needs", need, "method", r.Method,
				"path", r.URL.Path, "request_id", RequestID(r.Context()))
			h.renderError(w, r, http.StatusForbidden)
			return
		}
		next(w, r.WithContext(admin.WithStaff(r.Context(), st)))
	}
}

// staffKey holds the staff id in a staff session.
const staffKey = "staff"

// currentStaff returns the member of staff whose session the request
// carries, with the session.
func (h *Handler) currentStaff(r *http.Request) (admin.Staff, error) {
	sess, err := h.staff.cfg.Sessions.Session(r)
	if err != nil {
		return admin.Staff{}, err
	}
	id, err := strconv.ParseInt(fmt.Sprint(sess.Values[staffKey]), 10, 64)
	if sess.IsNew || err != nil {
		return admin.Staff{}, admin.ErrNoSession
	}
	st, err := h.staff.svc.Member(r.Context(), id)
	if err != nil {
		return admin.Staff{}, err
	}
	st.IP, st.SessionID = ClientIP(r.Context()).String(), sess.ID
	return st, nil
}

// staffOf returns the member of staff requireStaff put in the context.
func staffOf(r *http.Request) admin.Staff {
	st, _ := admin.StaffFrom(r.Context())
	return st
}

// adminNav are the sections of the staff screens and the role each needs.
var adminNav = []struct {
	label, href string
	role        admin.Role
}{
	{"Dashboard", "/admin/dashboard", admin.Agent},
	{"Bookings", "/admin/bookings", admin.Agent},
	{"Outbox", "/admin/outbox", admin.Agent},
	{"Suppliers", "/admin/suppliers", admin.Agent},
	{"Catalog", "/admin/catalog", admin.Manager},
	{"Markups", "/admin/markups", admin.Admin},
	{"Audit log", "/admin/audit", admin.Admin},
	{"Staff", "/admin/staff", admin.Admin},
}

// shell is the frame of a staff page titled title.
func (h *Handler) shell(r *http.Request, title string) views.AdminShell {
	s := views.AdminShell{Meta: views.Meta{Title: title + " · Lobang staff", NoIndex: true}}
	st, ok := admin.StaffFrom(r.Context())
	if !ok {
		return s
	}
	s.StaffEmail, s.Role = st.Email, string(st.Role)
	for _, n := range adminNav {
		if st.Role.Allows(n.role) {
			s.Nav = append(s.Nav, views.AdminLink{Label: n.label, Href: n.href,
				Current: strings.HasPrefix(r.URL.Path, n.href)})
		}
	}
	return s
}

// AdminHome sends staff to the bookings desk.
func (h *Handler) AdminHome(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/admin/bookings", http.StatusSeeOther)
}
