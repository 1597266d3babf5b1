package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"lobang/booking/mail"
	"lobang/db"
	"lobang/views"
)

// AdminAudit is the audit log screen: search by staff, action, object and
// dates. There is no route that changes the log.
func (h *Handler) AdminAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := db.AuditFilter{Staff: strings.TrimSpace(q.Get("staff")), Action: strings.TrimSpace(q.Get("action")),
		ObjectID: strings.TrimSpace(q.Get("object"))}
	v := views.AdminAuditView{Shell: h.shell(r, "Audit log"), Staff: f.Staff, Action: f.Action, Object: f.ObjectID,
		From: validDate(q.Get("from")), To: validDate(q.Get("to"))}
	if v.From != "" {
		f.From, _ = time.Parse(time.DateOnly, v.From)
	}
	if v.To != "" {
		to, _ := time.Parse(time.DateOnly, v.To)
		f.To = to.AddDate(0, 0, 1)
	}
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	entries, err := h.staff.svc.SearchAudit(r.Context(), f, adminPageSize+1, (page-1)*adminPageSize)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	href := func(page int) string {
		u := url.Values{}
		for k, val := range map[string]string{"staff": v.Staff, "action": v.Action, "object": v.Object,
			"from": v.From, "to": v.To} {
			if val != "" {
				u.Set(k, val)
			}
		}
		u.Set("page", strconv.Itoa(page))
		return "/admin/audit?" + u.Encode()
	}
	if len(entries) > adminPageSize {
		entries, v.NextHref = entries[:adminPageSize], href(page+1)
	}
	if page > 1 {
		v.PrevHref = href(page - 1)
	}
	for _, e := range entries {
		v.Entries = append(v.Entries, views.AdminAuditEntry{At: adminTime(e.At),
			Staff: e.StaffEmail + " (#" + strconv.FormatInt(e.StaffID, 10) + ")", Action: e.Action,
			Object: e.ObjectType + " " + e.ObjectID, IP: e.IP, Before: e.Before.String, After: e.After.String})
	}
	h.render(w, r, http.StatusOK, views.AdminAudit(v))
}

var outboxStatuses = []string{db.OutboxPending, db.OutboxSending, db.OutboxSent, db.OutboxFailed}

// outboxRow is an outbox message as the staff screens show it.
func (h *Handler) outboxRow(r *http.Request, m db.OutboxMessage) views.AdminOutboxRow {
	row := views.AdminOutboxRow{Href: "/admin/outbox/" + strconv.FormatInt(m.ID, 10), ID: strconv.FormatInt(m.ID, 10),
		Booking: m.BookingID, Kind: m.Kind, To: m.To, Subject: m.Subject, Status: m.Status,
		Attempts: strconv.Itoa(m.Attempts), NextAt: adminTime(m.NextAt), Created: adminTime(m.CreatedAt)}
	if b, err := db.GetBooking(r.Context(), h.db, m.BookingID); err == nil {
		row.Booking, row.BookingHref = b.Reference, "/admin/bookings/"+b.Reference
	}
	return row
}

// AdminOutbox lists the outbox: each email's status, attempts and next
// attempt.
func (h *Handler) AdminOutbox(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	valid := status == ""
	for _, s := range outboxStatuses {
		valid = valid || s == status
	}
	if !valid {
		status = ""
	}
	page, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	msgs, err := db.ListOutbox(r.Context(), h.db, status, adminPageSize+1, (page-1)*adminPageSize)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := views.AdminOutboxView{Shell: h.shell(r, "Outbox"), Status: status, Statuses: outboxStatuses}
	href := func(p int) string {
		u := url.Values{"page": {strconv.Itoa(p)}}
		if status != "" {
			u.Set("status", status)
		}
		return "/admin/outbox?" + u.Encode()
	}
	if len(msgs) > adminPageSize {
		msgs, v.NextHref = msgs[:adminPageSize], href(page+1)
	}
	if page > 1 {
		v.PrevHref = href(page - 1)
	}
	for _, m := range msgs {
		v.Messages = append(v.Messages, h.outboxRow(r, m))
	}
	h.render(w, r, http.StatusOK, views.AdminOutbox(v))
}

// outboxMessage loads the {id} outbox message, answering 404 itself.
func (h *Handler) outboxMessage(w http.ResponseWriter, r *http.Request) (db.OutboxMessage, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r)
		return db.OutboxMessage{}, false
	}
	m, err := db.GetOutbox(r.Context(), h.db, id)
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return m, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return m, false
	}
	return m, true
}

// AdminOutboxMessage previews an email as the .eml it is sent as, shown as
// text and never as HTML.
func (h *Handler) AdminOutboxMessage(w http.ResponseWriter, r *http.Request) {
	m, ok := h.outboxMessage(w, r)
	if !ok {
		return
	}
	v := views.AdminOutboxMessageView{Shell: h.shell(r, "Email "+strconv.FormatInt(m.ID, 10)), Row: h.outboxRow(r, m),
		ResendHref: "/admin/outbox/" + strconv.FormatInt(m.ID, 10) + "/resend"}
	from := h.staff.cfg.MailFrom
	if from == "" {
		from = "Lobang <bookings@lobang.example>"
	}
	eml, err := mail.Render(r.Context(), h.db, from, m, h.staff.svc.Now())
	if err != nil {
		v.Error = "This email cannot be rendered: " + err.Error()
	}
	v.EML = string(eml)
	h.render(w, r, http.StatusOK, views.AdminOutboxMessage(v))
}

// AdminOutboxResendConfirm is the confirmation step of resending an email.
func (h *Handler) AdminOutboxResendConfirm(w http.ResponseWriter, r *http.Request) {
	m, ok := h.outboxMessage(w, r)
	if !ok {
		return
	}
	id := strconv.FormatInt(m.ID, 10)
	h.confirmPage(w, r, http.StatusOK, "outbox-resend", id, views.AdminConfirmView{Title: "Resend email " + id,
		Lines: []string{"“" + m.Subject + "” to " + m.To + " (now " + m.Status + " after " + strconv.Itoa(m.Attempts) +
			" attempts) goes out again within a minute."}, Action: "/admin/outbox/" + id + "/resend",
		Button: "Resend", Back: "/admin/outbox/" + id})
}

// AdminOutboxResendPost requeues an email.
func (h *Handler) AdminOutboxResendPost(w http.ResponseWriter, r *http.Request) {
	m, ok := h.outboxMessage(w, r)
	if !ok || !parseForm(h, w, r) {
		return
	}
	id := strconv.FormatInt(m.ID, 10)
	if !h.consume(w, r, "outbox-resend", id, "/admin/outbox/"+id) {
		return
	}
	if !h.requeue(w, r, m, "/admin/outbox/"+id) {
		return
	}
	http.Redirect(w, r, "/admin/outbox/"+id, http.StatusSeeOther)
}

// AdminStaff lists the staff accounts.
func (h *Handler) AdminStaff(w http.ResponseWriter, r *http.Request) {
	users, err := h.staff.svc.Users(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := views.AdminStaffView{Shell: h.shell(r, "Staff")}
	for _, u := range users {
		enrolled := ""
		if u.EnrolledAt.Valid {
			enrolled = adminTime(u.EnrolledAt.Time)
		}
		v.Users = append(v.Users, [4]string{u.Email, u.Role, u.Status, enrolled})
	}
	h.render(w, r, http.StatusOK, views.AdminStaff(v))
}
