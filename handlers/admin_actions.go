package handlers

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"lobang/admin"
	"lobang/booking"
	"lobang/db"
	"lobang/fx"
	"lobang/views"
)

// Every staff action is two steps: a GET page that says what will happen
// and carries a one-time token, and the POST that consumes it, changes
// things, writes one audit entry and redirects back to the booking.

// confirmPage renders the confirmation step with a fresh one-time token.
func (h *Handler) confirmPage(w http.ResponseWriter, r *http.Request, status int, action, object string,
	v views.AdminConfirmView) {
	if !v.Blocked {
		tok, err := h.staff.svc.IssueToken(r.Context(), staffOf(r), action, object)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		v.Token = tok
	}
	v.Shell = h.shell(r, v.Title)
	h.render(w, r, status, views.AdminConfirm(v))
}

// consume uses up the posted one-time token of action on object; a stale
// or forged one answers 409 with the way back.
func (h *Handler) consume(w http.ResponseWriter, r *http.Request, action, object, back string) bool {
	err := h.staff.svc.ConsumeToken(r.Context(), staffOf(r), r.PostForm.Get("token"), action, object)
	if err == nil {
		return true
	}
	h.confirmPage(w, r, http.StatusConflict, action, object, views.AdminConfirmView{Title: "Already done or expired",
		Lines:   []string{"This confirmation was used already or has expired. Nothing was changed by this request."},
		Blocked: true, Back: back})
	return false
}

// doneRedirect goes back to a booking's desk page with a message.
func doneRedirect(w http.ResponseWriter, r *http.Request, ref, msg string) {
	http.Redirect(w, r, "/admin/bookings/"+ref+"?done="+url.QueryEscape(msg), http.StatusSeeOther)
}

// confirmationEmail returns a booking's confirmation email, if it has one.
func (h *Handler) confirmationEmail(r *http.Request, b booking.Booking) (db.OutboxMessage, bool, error) {
	msgs, err := db.OutboxOfBooking(r.Context(), h.db, b.ID)
	if err != nil {
		return db.OutboxMessage{}, false, err
	}
	for _, m := range msgs {
		if m.Kind == "confirmation" {
			return m, true, nil
		}
	}
	return db.OutboxMessage{}, false, nil
}

// AdminResendConfirm is the confirmation step of resending a booking's
// confirmation email.
func (h *Handler) AdminResendConfirm(w http.ResponseWriter, r *http.Request) {
	b, ok := h.deskBooking(w, r)
	if !ok {
		return
	}
	m, found, err := h.confirmationEmail(r, b)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := views.AdminConfirmView{Title: "Resend the confirmation of " + b.Reference,
		Action: "/admin/bookings/" + b.Reference + "/resend", Button: "Resend", Back: "/admin/bookings/" + b.Reference}
	if !found {
		v.Lines, v.Blocked = []string{"This booking has no confirmation email."}, true
	} else {
		v.Lines = []string{fmt.Sprintf("The confirmation to %s (now %s after %d attempts) goes out again within a minute.",
			m.To, m.Status, m.Attempts)}
	}
	h.confirmPage(w, r, http.StatusOK, "resend", b.ID, v)
}

// AdminResendPost requeues a booking's confirmation email.
func (h *Handler) AdminResendPost(w http.ResponseWriter, r *http.Request) {
	b, ok := h.deskBooking(w, r)
	if !ok || !parseForm(h, w, r) {
		return
	}
	back := "/admin/bookings/" + b.Reference
	if !h.consume(w, r, "resend", b.ID, back) {
		return
	}
	m, found, err := h.confirmationEmail(r, b)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !found {
		h.notFound(w, r)
		return
	}
	if !h.requeue(w, r, m, back) {
		return
	}
	doneRedirect(w, r, b.Reference, "The confirmation email is queued to be sent again.")
}

// requeue makes an outbox message pending again with its audit entry; a
// message being sent right now answers 409.
func (h *Handler) requeue(w http.ResponseWriter, r *http.Request, m db.OutboxMessage, back string) bool {
	st := staffOf(r)
	err := db.WithTx(r.Context(), h.db, func(tx *sql.Tx) error {
		if err := db.RequeueOutbox(r.Context(), tx, m.ID, h.staff.svc.Now()); err != nil {
			return err
		}
		return h.staff.svc.Audit(r.Context(), tx, st, "outbox.resend", "outbox", fmt.Sprint(m.ID),
			map[string]any{"status": m.Status, "attempts": m.Attempts, "booking": m.BookingID},
			map[string]any{"status": db.OutboxPending, "attempts": 0})
	})
	if errors.Is(err, db.ErrOutboxBusy) {
		h.confirmPage(w, r, http.StatusConflict, "", "", views.AdminConfirmView{Title: "Being sent right now",
			Lines: []string{"This email is being sent at this moment. Look again in a minute."}, Blocked: true, Back: back})
		return false
	}
	if err != nil {
		h.serverError(w, r, err)
		return false
	}
	return true
}

func parseForm(h *Handler, w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, http.StatusBadRequest)
		return false
	}
	return true
}

// AdminNoteConfirm is the form of a new internal note.
func (h *Handler) AdminNoteConfirm(w http.ResponseWriter, r *http.Request) {
	b, ok := h.deskBooking(w, r)
	if !ok {
		return
	}
	h.confirmPage(w, r, http.StatusOK, "note", b.ID, views.AdminConfirmView{Title: "Add a note to " + b.Reference,
		Lines: []string{"Notes are for staff only; the customer never sees them."}, Note: true,
		Action: "/admin/bookings/" + b.Reference + "/notes", Button: "Add note", Back: "/admin/bookings/" + b.Reference})
}

// AdminNotePost adds an internal note to a booking.
func (h *Handler) AdminNotePost(w http.ResponseWriter, r *http.Request) {
	b, ok := h.deskBooking(w, r)
	if !ok || !parseForm(h, w, r) {
		return
	}
	back := "/admin/bookings/" + b.Reference
	body := strings.TrimSpace(r.PostForm.Get("note"))
	if body == "" || len([]rune(body)) > 2000 {
		v := views.AdminConfirmView{Title: "Add a note to " + b.Reference, Error: "Write a note of up to 2,000 characters.",
			Note: true, Value: body, Action: back + "/notes", Button: "Add note", Back: back,
			Token: r.PostForm.Get("token")}
		v.Shell = h.shell(r, v.Title)
		h.render(w, r, http.StatusUnprocessableEntity, views.AdminConfirm(v))
		return
	}
	if !h.consume(w, r, "note", b.ID, back) {
		return
	}
	st := staffOf(r)
	err := db.WithTx(r.Context(), h.db, func(tx *sql.Tx) error {
		if err := db.AddBookingNote(r.Context(), tx, db.BookingNote{BookingID: b.ID, StaffID: st.ID,
			StaffEmail: st.Email, Body: body, CreatedAt: h.staff.svc.Now()}); err != nil {
			return err
		}
		return h.staff.svc.Audit(r.Context(), tx, st, "booking.note", "booking", b.ID, nil, map[string]any{"note": body})
	})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	doneRedirect(w, r, b.Reference, "Note added.")
}

// cancelView is the cancellation step with the supplier's fee shown.
func (h *Handler) cancelView(w http.ResponseWriter, r *http.Request, b booking.Booking, status int, errText string) {
	v := views.AdminConfirmView{Title: "Cancel " + b.Reference + " with " + b.Supplier, Error: errText,
		Action: "/admin/bookings/" + b.Reference + "/cancel", Button: "Cancel the booking",
		Back: "/admin/bookings/" + b.Reference}
	if b.Status != booking.StatusConfirmed {
		v.Lines, v.Blocked = []string{"Only a confirmed booking can be cancelled; this one is " + b.Status + "."}, true
		h.confirmPage(w, r, status, "cancel", b.ID, v)
		return
	}
	q, err := h.bookings.CancellationQuote(r.Context(), b.ID)
	if err != nil {
		v.Lines, v.Blocked = []string{"The supplier did not tell the cancellation fee: " + err.Error()}, true
		h.confirmPage(w, r, http.StatusBadGateway, "cancel", b.ID, v)
		return
	}
	v.Quote = q.Token
	v.Lines = []string{"Paid: " + q.Paid.Display(), "Cancellation fee: " + q.Fee.Display() + " (the supplier's: " +
		q.SupplierFee.String() + ")", "Refund to the customer: " + q.Refund.Display(),
		"The customer is emailed the cancellation."}
	h.confirmPage(w, r, status, "cancel", b.ID, v)
}

// AdminCancelConfirm shows what cancelling a booking with its supplier
// costs before staff confirm it.
func (h *Handler) AdminCancelConfirm(w http.ResponseWriter, r *http.Request) {
	b, ok := h.deskBooking(w, r)
	if !ok {
		return
	}
	h.cancelView(w, r, b, http.StatusOK, "")
}

// AdminCancelPost cancels a booking with its supplier at the fee shown.
func (h *Handler) AdminCancelPost(w http.ResponseWriter, r *http.Request) {
	b, ok := h.deskBooking(w, r)
	if !ok || !parseForm(h, w, r) {
		return
	}
	if !h.consume(w, r, "cancel", b.ID, "/admin/bookings/"+b.Reference) {
		return
	}
	before := b.Status
	after, err := h.bookings.Cancel(r.Context(), b.ID, r.PostForm.Get("quote"))
	var changed *booking.FeeChangedError
	switch {
	case errors.As(err, &changed) || errors.Is(err, booking.ErrBadToken):
		h.cancelView(w, r, b, http.StatusConflict, "The fee changed since it was shown. Here is the current one.")
		return
	case errors.Is(err, booking.ErrNotAllowed):
		h.cancelView(w, r, b, http.StatusConflict, "")
		return
	case err != nil:
		h.log.Warn("staff cancellation failed", "booking", b.ID, "err", err)
		h.cancelView(w, r, b, http.StatusBadGateway, "The supplier did not cancel: "+err.Error())
		return
	}
	rf, err := h.bookings.RefundOf(r.Context(), b.ID)
	if err != nil && !errors.Is(err, booking.ErrNotFound) {
		// The cancellation stands; its audit entry goes without the
		// refund's figures rather than not at all.
		h.log.Warn("refund of a staff cancellation", "booking", b.ID, "err", err)
	}
	if err := h.staff.svc.Audit(r.Context(), h.db, staffOf(r), "booking.cancel", "booking", b.ID,
		map[string]any{"status": before}, map[string]any{"status": after.Status, "refund": rf.Amount,
			"fee": rf.FeeAmount, "currency": rf.Currency}); err != nil {
		h.serverError(w, r, err)
		return
	}
	doneRedirect(w, r, b.Reference, "Cancelled with the supplier.")
}

// approvalAbove is the refund amount in currency above which a second
// member of staff must approve.
func (h *Handler) approvalAbove(currency string) int64 {
	s := h.staff.cfg.RefundApprovalAbove
	if s == "" {
		s = "500.00"
	}
	m, err := fx.Parse(s, currency)
	if err != nil {
		return 0 // an unknown currency: every refund needs approval
	}
	return m.Amount
}

func (h *Handler) refundView(b booking.Booking, errText, amount, reason string) views.AdminConfirmView {
	return views.AdminConfirmView{Title: "Refund " + b.Reference, Error: errText, Amount: true, Value: amount,
		Reason: reason, Action: "/admin/bookings/" + b.Reference + "/refund", Button: "Refund",
		Back: "/admin/bookings/" + b.Reference,
		Lines: []string{"Charged: " + staffMoney(b.ChargeAmount, b.ChargeCurrency) + ". Amount in " + b.ChargeCurrency + ".",
			"Refunds above " + staffMoney(h.approvalAbove(b.ChargeCurrency), b.ChargeCurrency) +
				" wait for another manager's approval."}}
}

// AdminRefundConfirm is the form of a full or partial refund.
func (h *Handler) AdminRefundConfirm(w http.ResponseWriter, r *http.Request) {
	b, ok := h.deskBooking(w, r)
	if !ok {
		return
	}
	v := h.refundView(b, "", "", "")
	if !b.PaymentID.Valid {
		v.Lines, v.Blocked = []string{"This booking has no payment to refund."}, true
	}
	h.confirmPage(w, r, http.StatusOK, "refund", b.ID, v)
}

// AdminRefundPost refunds at once up to the approval threshold; above it
// the request is recorded for a second member of staff.
func (h *Handler) AdminRefundPost(w http.ResponseWriter, r *http.Request) {
	b, ok := h.deskBooking(w, r)
	if !ok || !parseForm(h, w, r) {
		return
	}
	amountText, reason := strings.TrimSpace(r.PostForm.Get("amount")), strings.TrimSpace(r.PostForm.Get("reason"))
	invalid := func(msg string) {
		v := h.refundView(b, msg, amountText, reason)
		v.Token, v.Shell = r.PostForm.Get("token"), h.shell(r, v.Title)
		h.render(w, r, http.StatusUnprocessableEntity, views.AdminConfirm(v))
	}
	amount, err := fx.Parse(amountText, b.ChargeCurrency)
	if err != nil || amount.Amount <= 0 {
		invalid("Enter an amount such as 120.50.")
		return
	}
	done, err := db.RefundedAmount(r.Context(), h.db, b.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if left := b.ChargeAmount - done; amount.Amount > left {
		invalid("At most " + staffMoney(left, b.ChargeCurrency) + " is left to refund.")
		return
	}
	if reason == "" || len([]rune(reason)) > 500 {
		invalid("Give a reason (up to 500 characters).")
		return
	}
	if !h.consume(w, r, "refund", b.ID, "/admin/bookings/"+b.Reference) {
		return
	}
	st := staffOf(r)
	actionID := admin.NewActionID()
	if amount.Amount > h.approvalAbove(b.ChargeCurrency) {
		req := db.RefundRequest{BookingID: b.ID, ID: actionID, Amount: amount.Amount, Currency: amount.Currency,
			Reason: reason, Status: db.RefundRequestPending, RequestedBy: st.ID, RequestedAt: h.staff.svc.Now()}
		err := db.WithTx(r.Context(), h.db, func(tx *sql.Tx) error {
			if err := db.InsertRefundRequest(r.Context(), tx, req); err != nil {
				return err
			}
			return h.staff.svc.Audit(r.Context(), tx, st, "refund.request", "booking", b.ID, nil,
				map[string]any{"request": req.ID, "amount": req.Amount, "currency": req.Currency, "reason": reason})
		})
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		doneRedirect(w, r, b.Reference, "The refund of "+amount.Display()+" waits for another manager's approval.")
		return
	}
	_, err = h.bookings.StaffRefund(r.Context(), b.ID, amount, actionID, func(tx *sql.Tx, _ booking.Booking) error {
		return h.staff.svc.Audit(r.Context(), tx, st, "booking.refund", "booking", b.ID, map[string]any{"refunded": done},
			map[string]any{"refunded": done + amount.Amount, "amount": amount.Amount, "currency": amount.Currency,
				"reason": reason, "action": actionID})
	})
	if err != nil && !errors.Is(err, booking.ErrNotAllowed) && !errors.Is(err, booking.ErrRefundTooLarge) {
		h.log.Warn("staff refund failed", "booking", b.ID, "err", err)
		doneRedirect(w, r, b.Reference, "The provider did not take the refund: "+err.Error())
		return
	}
	if err != nil {
		invalid("This refund is not possible: " + err.Error())
		return
	}
	doneRedirect(w, r, b.Reference, "Refunded "+amount.Display()+".")
}

// refundRequest loads the {id} refund request and its booking.
func (h *Handler) refundRequest(w http.ResponseWriter, r *http.Request) (db.RefundRequest, booking.Booking, bool) {
	req, err := db.GetRefundRequest(r.Context(), h.db, r.PathValue("id"), false)
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return req, booking.Booking{}, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return req, booking.Booking{}, false
	}
	b, err := h.bookings.Get(r.Context(), req.BookingID)
	if err != nil {
		h.serverError(w, r, err)
		return req, b, false
	}
	return req, b, true
}

func (h *Handler) requestView(req db.RefundRequest, b booking.Booking, st admin.Staff) views.AdminConfirmView {
	v := views.AdminConfirmView{Title: "Refund request for " + b.Reference, Decide: true,
		Action: "/admin/refunds/" + req.ID, Back: "/admin/bookings/" + b.Reference,
		Lines: []string{"Amount: " + staffMoney(req.Amount, req.Currency), "Reason: " + req.Reason,
			fmt.Sprintf("Asked by staff #%d at %s; now %s.", req.RequestedBy, adminTime(req.RequestedAt), req.Status)}}
	switch {
	case req.Status != db.RefundRequestPending:
		v.Blocked = true
	case req.RequestedBy == st.ID:
		v.Blocked = true
		v.Lines = append(v.Lines, "Another manager or admin must approve a refund you asked for.")
	}
	return v
}

// AdminRefundRequestPage shows a refund request to a possible approver.
func (h *Handler) AdminRefundRequestPage(w http.ResponseWriter, r *http.Request) {
	req, b, ok := h.refundRequest(w, r)
	if !ok {
		return
	}
	h.confirmPage(w, r, http.StatusOK, "decide", req.ID, h.requestView(req, b, staffOf(r)))
}

// errDecided: the request was decided meanwhile, or by its requester.
var errDecided = errors.New("refund request not pending or own")

// AdminRefundRequestPost approves (refunding at once) or rejects a refund
// request; the member of staff who asked cannot decide it.
func (h *Handler) AdminRefundRequestPost(w http.ResponseWriter, r *http.Request) {
	req, b, ok := h.refundRequest(w, r)
	if !ok || !parseForm(h, w, r) {
		return
	}
	st := staffOf(r)
	if v := h.requestView(req, b, st); v.Blocked {
		h.confirmPage(w, r, http.StatusForbidden, "decide", req.ID, v)
		return
	}
	decision := r.PostForm.Get("decision")
	if decision != "approve" && decision != "reject" {
		h.renderError(w, r, http.StatusBadRequest)
		return
	}
	if !h.consume(w, r, "decide", req.ID, "/admin/refunds/"+req.ID) {
		return
	}
	// decide locks the request, checks it is still pending and not the
	// decider's own, records the decision and its audit entry.
	decide := func(tx *sql.Tx, status string) error {
		cur, err := db.GetRefundRequest(r.Context(), tx, req.ID, true)
		if err != nil {
			return err
		}
		if cur.Status != db.RefundRequestPending || cur.RequestedBy == st.ID {
			return errDecided
		}
		now := h.staff.svc.Now()
		cur.Status, cur.DecidedBy, cur.DecidedAt = status, sql.NullInt64{Int64: st.ID, Valid: true},
			sql.NullTime{Time: now, Valid: true}
		if err := db.UpdateRefundRequest(r.Context(), tx, cur); err != nil {
			return err
		}
		return h.staff.svc.Audit(r.Context(), tx, st, "refund."+decision, "refund_request", req.ID,
			map[string]any{"status": db.RefundRequestPending},
			map[string]any{"status": status, "booking": b.ID, "amount": req.Amount, "currency": req.Currency})
	}
	var err error
	if decision == "reject" {
		err = db.WithTx(r.Context(), h.db, func(tx *sql.Tx) error { return decide(tx, db.RefundRequestRejected) })
	} else {
		var rf booking.Refund
		rf, err = h.bookings.StaffRefund(r.Context(), b.ID, fx.Money{Amount: req.Amount, Currency: req.Currency}, req.ID,
			func(tx *sql.Tx, _ booking.Booking) error { return decide(tx, db.RefundRequestDone) })
		if err != nil && rf.BookingID != "" {
			// The provider refused after the approval was recorded.
			req.Status, req.LastError = db.RefundRequestFailed, sql.NullString{String: err.Error(), Valid: true}
			req.DecidedBy, req.DecidedAt = sql.NullInt64{Int64: st.ID, Valid: true}, sql.NullTime{Time: h.staff.svc.Now(), Valid: true}
			if uerr := db.UpdateRefundRequest(r.Context(), h.db, req); uerr != nil {
				h.serverError(w, r, errors.Join(err, uerr))
				return
			}
			doneRedirect(w, r, b.Reference, "Approved, but the provider did not take the refund: "+err.Error())
			return
		}
	}
	if errors.Is(err, errDecided) || errors.Is(err, booking.ErrRefundTooLarge) || errors.Is(err, booking.ErrNotAllowed) {
		cur, gerr := db.GetRefundRequest(r.Context(), h.db, req.ID, false)
		if gerr != nil {
			h.serverError(w, r, gerr)
			return
		}
		v := h.requestView(cur, b, st)
		v.Error, v.Blocked = "This request cannot be "+decision+"d: "+err.Error(), true
		h.confirmPage(w, r, http.StatusConflict, "decide", req.ID, v)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	doneRedirect(w, r, b.Reference, "Refund request "+decision+"d.")
}

// AdminReconcileConfirm is the confirmation step of re-running the
// reconciler for one booking.
func (h *Handler) AdminReconcileConfirm(w http.ResponseWriter, r *http.Request) {
	b, ok := h.deskBooking(w, r)
	if !ok {
		return
	}
	h.confirmPage(w, r, http.StatusOK, "reconcile", b.ID, views.AdminConfirmView{Title: "Reconcile " + b.Reference,
		Lines: []string{"Looks the booking up at the supplier and the payment provider again and finishes what is " +
			"open (status now: " + b.Status + ")."}, Action: "/admin/bookings/" + b.Reference + "/reconcile",
		Button: "Reconcile now", Back: "/admin/bookings/" + b.Reference})
}

// AdminReconcilePost re-runs the reconciler for one booking.
func (h *Handler) AdminReconcilePost(w http.ResponseWriter, r *http.Request) {
	b, ok := h.deskBooking(w, r)
	if !ok || !parseForm(h, w, r) {
		return
	}
	if !h.consume(w, r, "reconcile", b.ID, "/admin/bookings/"+b.Reference) {
		return
	}
	after, err := h.bookings.ReconcileBooking(r.Context(), b.ID)
	msg := "Reconciled: the booking is " + after.Status + "."
	if err != nil {
		h.log.Warn("staff reconcile", "booking", b.ID, "err", err)
		msg = "Reconciliation did not finish: " + err.Error()
	}
	if aerr := h.staff.svc.Audit(r.Context(), h.db, staffOf(r), "booking.reconcile", "booking", b.ID,
		map[string]any{"status": b.Status}, map[string]any{"status": after.Status}); aerr != nil {
		h.serverError(w, r, aerr)
		return
	}
	doneRedirect(w, r, b.Reference, msg)
}
