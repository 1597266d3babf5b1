package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/admin"
	"lobang/aggregator/suppliers"
	"lobang/booking"
	"lobang/booking/mail"
	"lobang/db"
	"lobang/db/dbtest"
)

// refusingTransport is a mail server that refuses everything.
type refusingTransport struct{}

func (refusingTransport) Send(context.Context, string, string, []byte) error {
	return errors.New("451 mailbox unavailable")
}

// deskWorld is a booking world with the staff screens over the same
// database and booking service, and a manager and an agent enrolled.
func deskWorld(t *testing.T) (*bookingWorld, *staffWorld, member, member, member) {
	t.Helper()
	bw := newBookingWorld(t, booking.Config{CallTimeout: 10 * time.Second})
	sw := newStaffWorld(t, bw.pool, bw.svc, AdminConfig{RefundApprovalAbove: "100.00"})
	manager := sw.enrol(t, "mei.manager@lobang.example", admin.Manager)
	second := sw.enrol(t, "raj.manager@lobang.example", admin.Manager)
	agent := sw.enrol(t, "ana.agent@lobang.example", admin.Agent)
	return bw, sw, manager, second, agent
}

// TestDeskChargedButNoEmail is the case a manager must resolve from the
// desk alone: "I was charged but got no email". The confirmation email
// failed; the desk shows it; resending puts it back in the outbox and the
// sender delivers it.
func TestDeskChargedButNoEmail(t *testing.T) {
	dbtest.RequireReal(t)
	bw, sw, manager, _, _ := deskWorld(t)
	ctx := context.Background()
	b := bw.confirmedWith(t, 30, "")

	// The mail server refuses the confirmation until the sender gives up.
	failing, err := mail.New(mail.Config{DB: bw.pool, Transport: refusingTransport{}, From: "Lobang <bookings@lobang.example>",
		MaxAttempts: 1})
	require.NoError(t, err)
	_, err = failing.SendDue(ctx)
	require.NoError(t, err)
	msgs, err := db.OutboxOf(ctx, bw.pool, b.ID)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	require.Equal(t, db.OutboxFailed, msgs[0].Status, "the email failed")

	// The manager finds the booking by the customer's email …
	m := sw.signedIn(t, manager)
	list := m.get("/admin/bookings?q=" + url.QueryEscape(guestForm.Get("email")))
	require.Equal(t, http.StatusOK, list.status)
	var href string
	list.doc.Find(`[data-testid="booking-row"]`).Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Text(), b.Reference) {
			href = s.Find(`[data-testid="booking-link"]`).AttrOr("href", "")
		}
	})
	require.Equal(t, "/admin/bookings/"+b.Reference, href, "the search by email lists the booking")

	// … sees it was paid and the email failed …
	page := m.get(href)
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, "confirmed", page.doc.Find(`[data-testid="booking-status"]`).Text())
	assert.Contains(t, page.doc.Find(`[data-testid="payment"]`).Text(), "captured")
	assert.Equal(t, db.OutboxFailed, strings.TrimSpace(page.doc.Find(`[data-testid="email-status"]`).First().Text()))

	// … resends it, with a confirmation step, and one audit entry.
	before := sw.auditTotal(t)
	done := m.confirm(href+"/resend", nil)
	require.Equal(t, http.StatusSeeOther, done.status, done.body)
	assert.Equal(t, before+1, sw.auditTotal(t), "one audit entry")
	assert.Equal(t, 1, sw.auditCount(t, "outbox.resend", fmt.Sprint(msgs[0].ID)))
	msgs, err = db.OutboxOf(ctx, bw.pool, b.ID)
	require.NoError(t, err)
	assert.Equal(t, db.OutboxPending, msgs[0].Status, "back in the outbox")

	dir := t.TempDir()
	transport, err := mail.NewDir(dir)
	require.NoError(t, err)
	// The sender runs on the staff screens' clock, which the logins moved on.
	sender, err := mail.New(mail.Config{DB: bw.pool, Transport: transport, From: "Lobang <bookings@lobang.example>",
		Now: sw.now})
	require.NoError(t, err)
	sent, err := sender.SendDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, sent)
	files, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, files, 1, "the confirmation is delivered")
	assert.Contains(t, files[0].Name(), b.Reference)
	page = m.get(href)
	assert.Equal(t, db.OutboxSent, strings.TrimSpace(page.doc.Find(`[data-testid="email-status"]`).First().Text()))
}

// TestDeskActions walks the desk's mutations: a note (agent), a refund
// under the threshold at once, one above it needing a second manager, and
// a cancellation at the supplier with its fee shown first — each with
// exactly one audit entry.
func TestDeskActions(t *testing.T) {
	dbtest.RequireReal(t)
	bw, sw, manager, second, agent := deskWorld(t)
	ctx := context.Background()

	t.Run("note by an agent", func(t *testing.T) {
		b := bw.confirmedWith(t, 31, "")
		a := sw.signedIn(t, agent)
		before := sw.auditTotal(t)
		form := a.confirmForm("/admin/bookings/"+b.Reference+"/notes", url.Values{"note": {"Guest called: late arrival"}})
		done := a.post(form.action, form.values)
		require.Equal(t, http.StatusSeeOther, done.status, done.body)
		assert.Equal(t, before+1, sw.auditTotal(t))
		assert.Equal(t, 1, sw.auditCount(t, "booking.note", b.ID))
		// The same confirmation posted again (a double click, a reload)
		// changes nothing.
		again := a.post(form.action, form.values)
		assert.Equal(t, http.StatusConflict, again.status)
		assert.Equal(t, before+1, sw.auditTotal(t), "no second entry")
		page := a.get("/admin/bookings/" + b.Reference)
		assert.Contains(t, page.doc.Find(`[data-testid="note"]`).Text(), "late arrival")
		// An agent may not refund.
		assert.Equal(t, http.StatusForbidden, a.get("/admin/bookings/"+b.Reference+"/refund").status)
	})

	t.Run("refunds: small at once, large with a second manager", func(t *testing.T) {
		b := bw.confirmedWith(t, 33, "")
		require.Greater(t, b.ChargeAmount, int64(2*10000+100), "the booking costs more than the threshold")
		m := sw.signedIn(t, manager)
		before := sw.auditTotal(t)
		small := m.confirm("/admin/bookings/"+b.Reference+"/refund", url.Values{"amount": {"10.00"}, "reason": {"Broken air conditioning"}})
		require.Equal(t, http.StatusSeeOther, small.status, small.body)
		assert.Equal(t, before+1, sw.auditTotal(t))
		assert.Equal(t, 1, sw.auditCount(t, "booking.refund", b.ID))
		got, err := bw.svc.Get(ctx, b.ID)
		require.NoError(t, err)
		assert.EqualValues(t, 1000, bw.paymentOf(t, got.PaymentID.String).Refunded, "refunded at once")

		before = sw.auditTotal(t)
		large := m.confirm("/admin/bookings/"+b.Reference+"/refund", url.Values{"amount": {"150.00"}, "reason": {"Room not as described"}})
		require.Equal(t, http.StatusSeeOther, large.status, large.body)
		assert.Equal(t, before+1, sw.auditTotal(t), "the request is audited")
		assert.Equal(t, 1, sw.auditCount(t, "refund.request", b.ID))
		assert.EqualValues(t, 1000, bw.paymentOf(t, got.PaymentID.String).Refunded, "nothing more until approved")
		page := m.get("/admin/bookings/" + b.Reference)
		req := page.doc.Find(`[data-testid="refund-requests"] a`).AttrOr("href", "")
		require.True(t, strings.HasPrefix(req, "/admin/refunds/"), "the request is listed: %q", req)

		own := m.get(req)
		require.Equal(t, http.StatusOK, own.status)
		assert.Equal(t, 0, own.doc.Find(`[data-testid="approve"]`).Length(), "the requester cannot approve their own request")
		assert.Contains(t, own.doc.Find(`[data-testid="confirm"]`).Text(), "Another manager")
		// Nor by posting the decision without the page.
		before = sw.auditTotal(t)
		forced := m.post(req, url.Values{"decision": {"approve"}})
		assert.Equal(t, http.StatusForbidden, forced.status)
		assert.Equal(t, before, sw.auditTotal(t), "a refused approval writes nothing")
		assert.EqualValues(t, 1000, bw.paymentOf(t, got.PaymentID.String).Refunded)

		s := sw.signedIn(t, second)
		before = sw.auditTotal(t)
		ok := s.confirm(req, url.Values{"decision": {"approve"}})
		require.Equal(t, http.StatusSeeOther, ok.status, ok.body)
		assert.Equal(t, before+1, sw.auditTotal(t), "the approval is audited once")
		assert.Equal(t, 1, sw.auditCount(t, "refund.approve", strings.TrimPrefix(req, "/admin/refunds/")))
		assert.EqualValues(t, 16000, bw.paymentOf(t, got.PaymentID.String).Refunded, "10.00 + 150.00 refunded")
		page = s.get("/admin/bookings/" + b.Reference)
		assert.Equal(t, 2, page.doc.Find(`[data-testid="refund"]`).Length(), "both refunds are on the booking's page")
	})

	t.Run("reconcile by an admin", func(t *testing.T) {
		b := bw.confirmedWith(t, 39, "")
		assert.Equal(t, http.StatusForbidden, sw.signedIn(t, manager).get("/admin/bookings/"+b.Reference+"/reconcile").status,
			"a manager may not re-run the reconciler")
		a := sw.signedIn(t, sw.enrol(t, "ada.admin@lobang.example", admin.Admin))
		before := sw.auditTotal(t)
		done := a.confirm("/admin/bookings/"+b.Reference+"/reconcile", nil)
		require.Equal(t, http.StatusSeeOther, done.status, done.body)
		assert.Equal(t, before+1, sw.auditTotal(t))
		assert.Equal(t, 1, sw.auditCount(t, "booking.reconcile", b.ID))
		page := a.get(done.location)
		assert.Contains(t, page.doc.Find(`[data-testid="flash"]`).Text(), "confirmed", "a settled booking stays as it is")
	})

	t.Run("cancel at the supplier, fee first", func(t *testing.T) {
		b := bw.confirmedWith(t, 36, "Free cancellation")
		m := sw.signedIn(t, manager)
		page := m.get("/admin/bookings/" + b.Reference + "/cancel")
		require.Equal(t, http.StatusOK, page.status)
		assert.Contains(t, page.doc.Find(`[data-testid="confirm"]`).Text(), "fee", "the fee is shown before confirming")
		before := sw.auditTotal(t)
		done := m.confirm("/admin/bookings/"+b.Reference+"/cancel", nil)
		require.Equal(t, http.StatusSeeOther, done.status, done.body)
		assert.Equal(t, before+1, sw.auditTotal(t))
		assert.Equal(t, 1, sw.auditCount(t, "booking.cancel", b.ID))
		got, err := bw.svc.Get(ctx, b.ID)
		require.NoError(t, err)
		assert.Equal(t, booking.StatusCancelled, got.Status)
		sb, err := bw.supplier(t, "bedcom").Retrieve(ctx, b.Reference)
		require.NoError(t, err)
		assert.Equal(t, suppliers.StatusCancelled, sb.Status)
		page = m.get("/admin/bookings/" + b.Reference)
		assert.Contains(t, page.doc.Find(`[data-testid="timeline"]`).Text(), "cancelled")
		assert.NotEmpty(t, page.doc.Find(`[data-testid="refund"]`).Text(), "the refund is on the booking's page")
	})
}
