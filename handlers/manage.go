package handlers

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"lobang/booking"
	"lobang/db"
	"lobang/fx"
	"lobang/internal/ratelimit"
	"lobang/views"
)

// Managing a booking without an account: the guest proves who they are
// with the reference and the email address they booked with (or a link
// emailed to that address), and the customer session then remembers which
// bookings it may manage. A wrong reference and a wrong email get the same
// answer, and both lookups are rate-limited per client IP.

const (
	// manageAttempts is how many lookups (finds and links) one client IP
	// may make per manageWindow.
	manageAttempts = 10
	manageWindow   = 15 * time.Minute
	// manageLinkTTL is how long an emailed link works (once).
	manageLinkTTL = 30 * time.Minute
)

// manageGrant is the session key under which a booking's id is kept once
// its guest proved they may manage it.
func manageGrant(ref string) string { return "manage:" + ref }

// ManageFind answers GET /manage: the find-your-booking form.
func (h *Handler) ManageFind(w http.ResponseWriter, r *http.Request) {
	v := h.manageFindView(r)
	v.Reference = booking.NormaliseReference(r.URL.Query().Get("ref"))
	switch r.URL.Query().Get("notice") {
	case "erased":
		v.Notice = "Your personal data has been erased."
	case "link-expired":
		v.Problem = "That link has expired or was already used. Find your booking below, or ask for a new link."
	case "signin":
		v.Notice = "To manage this booking, enter its reference and your email address."
	}
	h.render(w, r, http.StatusOK, views.ManageFindPage(v))
}

func (h *Handler) manageFindView(r *http.Request) views.ManageFindView {
	return views.ManageFindView{Meta: h.meta("Manage your booking", "", "", true),
		Attribution: h.cfg.Attribution, Errors: map[string]string{}}
}

// ManageLookup answers POST /manage {reference, email}.
func (h *Handler) ManageLookup(w http.ResponseWriter, r *http.Request) {
	v, b, status := h.lookupForGuest(w, r)
	if status != 0 {
		h.render(w, r, status, views.ManageFindPage(v))
		return
	}
	if err := h.grantManage(w, r, b); err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/manage/"+b.Reference, http.StatusSeeOther)
}

// ManageSendLink answers POST /manage/link {reference, email}: when they
// match a booking, a one-time link goes to the booking's email address.
// The answer is the same whether or not they matched.
func (h *Handler) ManageSendLink(w http.ResponseWriter, r *http.Request) {
	v, b, status := h.lookupForGuest(w, r)
	switch status {
	case 0:
		if err := h.sendManageLink(r, b); err != nil {
			h.serverError(w, r, err)
			return
		}
	case http.StatusNotFound:
	default:
		h.render(w, r, status, views.ManageFindPage(v))
		return
	}
	v = h.manageFindView(r)
	v.Notice = "If that reference and email address match a booking, we have emailed a link to it. It works once, for 30 minutes."
	h.render(w, r, http.StatusOK, views.ManageFindPage(v))
}

// lookupForGuest validates, rate-limits and looks up a reference and email.
// status is 0 when b was found; otherwise v is the page to answer with.
func (h *Handler) lookupForGuest(w http.ResponseWriter, r *http.Request) (views.ManageFindView, booking.Booking, int) {
	v := h.manageFindView(r)
	v.Reference = strings.TrimSpace(r.PostFormValue("reference"))
	v.Email = strings.TrimSpace(r.PostFormValue("email"))
	if h.bookings == nil || h.sessions == nil {
		v.Problem = "Managing bookings is unavailable just now. Please try again later."
		return v, booking.Booking{}, http.StatusServiceUnavailable
	}
	if booking.NormaliseReference(v.Reference) == "" {
		v.Errors["reference"] = "Enter the reference from your confirmation, like LB-7K3Q9X."
	}
	if !strings.Contains(v.Email, "@") || len(v.Email) > 254 {
		v.Errors["email"] = "Enter the email address you booked with."
	}
	if len(v.Errors) > 0 {
		return v, booking.Booking{}, http.StatusUnprocessableEntity
	}
	ok, err := h.allowManage(r.Context(), ClientIP(r.Context()).String())
	if err != nil {
		h.log.Error("manage rate limit", "err", err, "request_id", RequestID(r.Context()))
		v.Problem = "Managing bookings is unavailable just now. Please try again later."
		return v, booking.Booking{}, http.StatusServiceUnavailable
	}
	if !ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(manageWindow.Seconds())))
		v.Problem = "Too many attempts from your connection. Please wait 15 minutes and try again."
		return v, booking.Booking{}, http.StatusTooManyRequests
	}
	b, err := h.bookings.FindForGuest(r.Context(), v.Reference, v.Email)
	if errors.Is(err, booking.ErrNotFound) {
		v.Problem = "We couldn't find a booking with that reference and email address. Check both against your confirmation email."
		return v, booking.Booking{}, http.StatusNotFound
	}
	if err != nil {
		h.log.Error("find booking", "err", err, "request_id", RequestID(r.Context()))
		v.Problem = "Something went wrong on our side. Please try again in a moment."
		return v, booking.Booking{}, http.StatusInternalServerError
	}
	return v, b, 0
}

// allowManage counts a lookup from ip in a fixed window.
func (h *Handler) allowManage(ctx context.Context, ip string) (bool, error) {
	w := ratelimit.Window{Redis: h.redis, Limit: manageAttempts, Window: manageWindow}
	return w.Allow(ctx, h.cfg.RedisPrefix+"manage-limit:"+ip)
}

// grantManage remembers in the customer session that it may manage b.
func (h *Handler) grantManage(w http.ResponseWriter, r *http.Request, b booking.Booking) error {
	sess, err := h.sessions.Session(r)
	if err != nil {
		return err
	}
	sess.Values[manageGrant(b.Reference)] = b.ID
	return sess.Save(r, w)
}

// sendManageLink emails a one-time link to a booking's address.
func (h *Handler) sendManageLink(r *http.Request, b booking.Booking) error {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw) // crypto/rand.Read never returns an error
	token := hex.EncodeToString(raw)
	sum := sha256.Sum256([]byte(token))
	digest := hex.EncodeToString(sum[:])
	if err := h.redis.Set(r.Context(), h.cfg.RedisPrefix+"manage-link:"+digest, b.ID, manageLinkTTL).Err(); err != nil {
		return err
	}
	link := h.siteURL(r, "/manage/link/"+token)
	now := time.Now().UTC()
	body := fmt.Sprintf("Hello,\n\nHere is your link to manage booking %s. It works once, for the next 30 minutes:\n\n%s\n\n"+
		"If you did not ask for it, you can ignore this email: nobody can use it without access to your inbox.\n\nLobang\n",
		b.Reference, link)
	return db.EnqueueOutbox(r.Context(), h.db, db.OutboxMessage{BookingID: b.ID, Kind: "manage_link:" + digest[:16],
		To: b.Email.String, Subject: "Manage your booking " + b.Reference, Body: body, NextAt: now, CreatedAt: now})
}

// ManageLink answers GET /manage/link/{token}: a link from the email,
// good once.
func (h *Handler) ManageLink(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if h.bookings == nil || h.sessions == nil || len(token) != 64 {
		http.Redirect(w, r, "/manage?notice=link-expired", http.StatusSeeOther)
		return
	}
	sum := sha256.Sum256([]byte(token))
	id, err := h.redis.GetDel(r.Context(), h.cfg.RedisPrefix+"manage-link:"+hex.EncodeToString(sum[:])).Result()
	if errors.Is(err, redis.Nil) {
		http.Redirect(w, r, "/manage?notice=link-expired", http.StatusSeeOther)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	b, err := h.bookings.Get(r.Context(), id)
	if err != nil {
		http.Redirect(w, r, "/manage?notice=link-expired", http.StatusSeeOther)
		return
	}
	if err := h.grantManage(w, r, b); err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/manage/"+b.Reference, http.StatusSeeOther)
}

// managed loads the booking named by {ref} if the session may manage it;
// otherwise it answers (a redirect to the find form) and reports false.
func (h *Handler) managed(w http.ResponseWriter, r *http.Request) (booking.Booking, bool) {
	ref := booking.NormaliseReference(r.PathValue("ref"))
	if ref == "" {
		h.notFound(w, r)
		return booking.Booking{}, false
	}
	if h.bookings == nil || h.sessions == nil {
		h.renderError(w, r, http.StatusServiceUnavailable)
		return booking.Booking{}, false
	}
	sess, err := h.sessions.Session(r)
	if err != nil {
		h.log.Warn("load session", "err", err, "request_id", RequestID(r.Context()))
	}
	id, _ := sess.Values[manageGrant(ref)].(string)
	if id == "" {
		http.Redirect(w, r, "/manage?notice=signin&ref="+ref, http.StatusSeeOther)
		return booking.Booking{}, false
	}
	b, err := h.bookings.Get(r.Context(), id)
	if err != nil || b.Reference != ref || !b.Email.Valid {
		// Gone or erased since: the grant no longer stands.
		http.Redirect(w, r, "/manage?notice=signin&ref="+ref, http.StatusSeeOther)
		return booking.Booking{}, false
	}
	return b, true
}

// ManageBooking answers GET /manage/{ref}.
func (h *Handler) ManageBooking(w http.ResponseWriter, r *http.Request) {
	b, ok := h.managed(w, r)
	if !ok {
		return
	}
	bv, err := h.bookingView(r.Context(), b)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := views.ManageView{Meta: h.meta("Booking "+b.Reference, "", "", true), Attribution: h.cfg.Attribution,
		Booking: bv, BookingURL: "/bookings/" + b.ID, CanCancel: cancellable(b)}
	if b.Status == booking.StatusCancelled {
		if rf, err := h.bookings.RefundOf(r.Context(), b.ID); err == nil && rf.Amount > 0 {
			v.Refund = fx.Money{Amount: rf.Amount, Currency: rf.Currency}.Display()
			if rf.Status == db.RefundSucceeded {
				v.Refund += ", refunded to your card"
			} else {
				v.Refund += ", on its way to your card"
			}
		}
	}
	switch r.URL.Query().Get("notice") {
	case "cancelled":
		v.Notice = "Your booking is cancelled. We've emailed you the details."
	case "cancel-failed":
		v.Problem = "The hotel's supplier could not cancel the booking just now, so it is still confirmed and nothing was refunded. Please try again in a few minutes."
	}
	h.render(w, r, http.StatusOK, views.ManagePage(v))
}

// cancellable: confirmed, and the stay has not begun.
func cancellable(b booking.Booking) bool {
	if b.Status != booking.StatusConfirmed {
		return false
	}
	q, err := decodeQuery(b)
	return err == nil && time.Now().UTC().Before(q.Checkin.Add(24*time.Hour))
}

// ManageCancelPage answers GET /manage/{ref}/cancel: the exact fee and
// refund, asked of the supplier now, before the confirm button.
func (h *Handler) ManageCancelPage(w http.ResponseWriter, r *http.Request) {
	b, ok := h.managed(w, r)
	if !ok {
		return
	}
	if !cancellable(b) {
		http.Redirect(w, r, "/manage/"+b.Reference, http.StatusSeeOther)
		return
	}
	q, err := h.bookings.CancellationQuote(r.Context(), b.ID)
	if err != nil {
		h.log.Warn("cancellation quote", "booking", b.ID, "err", err, "request_id", RequestID(r.Context()))
		http.Redirect(w, r, "/manage/"+b.Reference+"?notice=cancel-failed", http.StatusSeeOther)
		return
	}
	h.renderCancel(w, r, http.StatusOK, b, q, false)
}

func (h *Handler) renderCancel(w http.ResponseWriter, r *http.Request, status int, b booking.Booking, q booking.CancellationQuote, changed bool) {
	bv, err := h.bookingView(r.Context(), b)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := views.ManageCancelView{Meta: h.meta("Cancel booking "+b.Reference, "", "", true), Attribution: h.cfg.Attribution,
		Reference: b.Reference, Stay: bv.Stay, Paid: q.Paid.Display(), Fee: q.Fee.Display(), Refund: q.Refund.Display(),
		Token: q.Token, Changed: changed}
	if !q.FreeUntil.IsZero() && time.Now().Before(q.FreeUntil) {
		v.FreeUntil = "Cancelling is free until " + q.FreeUntil.UTC().Format("2 Jan 2006, 15:04") + " UTC."
	}
	h.render(w, r, status, views.ManageCancelPage(v))
}

// ManageCancel answers POST /manage/{ref}/cancel {token}: cancels at the
// fee shown, or shows the new fee when it changed (409).
func (h *Handler) ManageCancel(w http.ResponseWriter, r *http.Request) {
	b, ok := h.managed(w, r)
	if !ok {
		return
	}
	_, err := h.bookings.Cancel(r.Context(), b.ID, r.PostFormValue("token"))
	var changed *booking.FeeChangedError
	switch {
	case err == nil:
		http.Redirect(w, r, "/manage/"+b.Reference+"?notice=cancelled", http.StatusSeeOther)
	case errors.As(err, &changed):
		h.renderCancel(w, r, http.StatusConflict, b, changed.Quote, true)
	case errors.Is(err, booking.ErrNotAllowed):
		http.Redirect(w, r, "/manage/"+b.Reference, http.StatusSeeOther)
	default:
		h.log.Warn("cancel booking", "booking", b.ID, "err", err, "request_id", RequestID(r.Context()))
		http.Redirect(w, r, "/manage/"+b.Reference+"?notice=cancel-failed", http.StatusSeeOther)
	}
}

// ManageErasePage answers GET /manage/{ref}/erase.
func (h *Handler) ManageErasePage(w http.ResponseWriter, r *http.Request) {
	b, ok := h.managed(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, views.ManageErasePage(h.eraseView(b, nil)))
}

func (h *Handler) eraseView(b booking.Booking, upcoming []booking.UpcomingBooking) views.ManageEraseView {
	v := views.ManageEraseView{Meta: h.meta("Erase your personal data", "", "", true), Attribution: h.cfg.Attribution,
		Reference: b.Reference}
	for _, u := range upcoming {
		v.Upcoming = append(v.Upcoming, u.Reference)
	}
	if upcoming == nil && cancellable(b) {
		v.Upcoming = []string{b.Reference}
	}
	return v
}

// ManageErase answers POST /manage/{ref}/erase: erases the guest's personal
// data from every booking under their email, unless a stay is upcoming.
func (h *Handler) ManageErase(w http.ResponseWriter, r *http.Request) {
	b, ok := h.managed(w, r)
	if !ok {
		return
	}
	_, err := h.bookings.EraseGuest(r.Context(), b.Email.String)
	var upcoming *booking.UpcomingBookingsError
	switch {
	case errors.As(err, &upcoming):
		h.render(w, r, http.StatusConflict, views.ManageErasePage(h.eraseView(b, upcoming.Bookings)))
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	if sess, err := h.sessions.Session(r); err == nil {
		if err := h.sessions.Destroy(r, w, sess); err != nil {
			h.log.Warn("end session after erasure", "err", err, "request_id", RequestID(r.Context()))
		}
	}
	http.Redirect(w, r, "/manage?notice=erased", http.StatusSeeOther)
}
