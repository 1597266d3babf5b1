package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"lobang/admin"
	"lobang/aggregator/suppliers"
	"lobang/booking"
	"lobang/db"
	"lobang/fx"
	"lobang/views"
)

// adminPageSize is how many rows a staff list shows per page.
const adminPageSize = 25

var bookingStatuses = []string{booking.StatusPriceChanged, booking.StatusQuoted, booking.StatusDetails,
	booking.StatusAwaitingPayment, booking.StatusConfirming, booking.StatusConfirmed, booking.StatusFailed,
	booking.StatusExpired, booking.StatusCancelled}

var bookingSorts = []struct{ key, label string }{
	{"-created", "Newest"}, {"created", "Oldest"}, {"checkin", "Check-in"}, {"-amount", "Amount"}, {"reference", "Reference"},
}

func adminTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

func staffMoney(amount int64, currency string) string {
	return fx.Money{Amount: amount, Currency: currency}.Display()
}

// validDate keeps a YYYY-MM-DD filter or drops it.
func validDate(s string) string {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return ""
	}
	return s
}

// AdminBookings is the bookings desk's list: search, filters, sorting and
// pages all in the URL of a plain GET form.
func (h *Handler) AdminBookings(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	query := views.AdminBookingQuery{Q: strings.TrimSpace(q.Get("q")), Status: q.Get("status"),
		Supplier: q.Get("supplier"), From: validDate(q.Get("from")), To: validDate(q.Get("to")), Sort: q.Get("sort")}
	search := db.BookingSearch{Text: query.Q, Status: query.Status, Supplier: query.Supplier,
		CheckinFrom: query.From, CheckinTo: query.To, Sort: strings.TrimPrefix(query.Sort, "-"),
		Desc: strings.HasPrefix(query.Sort, "-")}
	if query.Sort == "" {
		search.Sort, search.Desc = "created", true
	}
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	rows, total, err := db.SearchBookings(r.Context(), h.db, search, adminPageSize, (page-1)*adminPageSize)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	href := func(sort string, page int) string {
		v := url.Values{}
		for k, val := range map[string]string{"q": query.Q, "status": query.Status, "supplier": query.Supplier,
			"from": query.From, "to": query.To, "sort": sort} {
			if val != "" {
				v.Set(k, val)
			}
		}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		return "/admin/bookings?" + v.Encode()
	}
	v := views.AdminBookingsView{Shell: h.shell(r, "Bookings"), Query: query, Statuses: bookingStatuses,
		Total: total, Page: page}
	for _, s := range h.sups {
		v.Sups = append(v.Sups, s.Name())
	}
	for _, s := range bookingSorts {
		v.Sorts = append(v.Sorts, views.AdminLink{Label: s.label, Href: href(s.key, 1),
			Current: s.key == query.Sort || (query.Sort == "" && s.key == "-created")})
	}
	if page > 1 {
		v.PrevHref = href(query.Sort, page-1)
	}
	if page*adminPageSize < total {
		v.NextHref = href(query.Sort, page+1)
	}
	for _, b := range rows {
		v.Rows = append(v.Rows, views.AdminBookingRow{Href: "/admin/bookings/" + b.Reference, Reference: b.Reference,
			Status: b.Status, Guest: strings.TrimSpace(b.FirstName.String + " " + b.LastName.String), Email: b.Email.String,
			Hotel: b.HotelName, Supplier: b.Supplier, Checkin: checkinOf(b.Booking),
			Amount: staffMoney(b.ChargeAmount, b.ChargeCurrency), Created: adminTime(b.CreatedAt)})
	}
	h.render(w, r, http.StatusOK, views.AdminBookings(v))
}

// checkinOf reads the check-in date from a booking's stay.
func checkinOf(b db.Booking) string {
	var q suppliers.Query
	if err := json.Unmarshal([]byte(b.Query), &q); err != nil || q.Checkin.IsZero() {
		return ""
	}
	return q.Checkin.Format(time.DateOnly) + " – " + q.Checkout.Format(time.DateOnly)
}

// deskBooking finds the booking of the {ref} in the path, answering 404
// (or 503 without the booking service) itself.
func (h *Handler) deskBooking(w http.ResponseWriter, r *http.Request) (booking.Booking, bool) {
	if h.bookings == nil {
		h.renderError(w, r, http.StatusServiceUnavailable)
		return booking.Booking{}, false
	}
	id, err := db.BookingIDByReference(r.Context(), h.db, strings.ToUpper(r.PathValue("ref")))
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return booking.Booking{}, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return booking.Booking{}, false
	}
	return h.bookingByID(w, r, id)
}

// AdminBooking shows one booking: its facts, timeline, payment as the
// provider tells it now, refunds, emails, notes and the actions the member
// of staff may take.
func (h *Handler) AdminBooking(w http.ResponseWriter, r *http.Request) {
	b, ok := h.deskBooking(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	hotel, err := db.NameOfHotel(ctx, h.db, b.HotelID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	events, err := h.bookings.Events(ctx, b.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	refunds, err := h.bookings.Refunds(ctx, b.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	requests, err := db.RefundRequests(ctx, h.db, b.ID, "")
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	emails, err := db.OutboxOfBooking(ctx, h.db, b.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	notes, err := db.BookingNotes(ctx, h.db, b.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	base := "/admin/bookings/" + b.Reference
	v := views.AdminBookingView{Shell: h.shell(r, "Booking "+b.Reference), Reference: b.Reference, Status: b.Status,
		Flash: r.URL.Query().Get("done")}
	v.Facts = [][2]string{
		{"Hotel", fmt.Sprintf("%s (#%d)", hotel, b.HotelID)},
		{"Stay", checkinOf(b)},
		{"Guest", strings.TrimSpace(b.Title.String + " " + b.FirstName.String + " " + b.LastName.String)},
		{"Email", b.Email.String}, {"Phone", b.Phone.String},
		{"Charged", staffMoney(b.ChargeAmount, b.ChargeCurrency)},
		{"Supplier", b.Supplier}, {"Supplier hotel", b.SupplierHotelID},
		{"Supplier reference", b.SupplierReference.String},
		{"Booking id", b.ID}, {"Created", adminTime(b.CreatedAt)}, {"Updated", adminTime(b.UpdatedAt)},
	}
	if flag, err := db.GetBookingCheck(ctx, h.db, b.ID); err == nil && flag.Flag.Valid {
		v.Flag = "Flagged " + flag.Flag.String + ": " + flag.FlagDetail.String
	}
	for _, e := range events {
		v.Timeline = append(v.Timeline, views.AdminEvent{At: adminTime(e.At), From: e.From, To: e.To, Cause: e.Cause})
	}
	v.Payment = [][2]string{{"Checkout session", b.PaymentSessionID.String}, {"Payment", b.PaymentID.String},
		{"Card", strings.TrimSpace(b.CardBrand.String + " " + b.CardLast4.String)}}
	if b.PaymentSessionID.Valid {
		s, err := h.bookings.PaymentSession(ctx, b)
		if err != nil {
			v.PayError = "The payment provider did not answer: " + err.Error()
		} else {
			v.Payment = append(v.Payment, [2]string{"Session status (live)", string(s.Status)},
				[2]string{"Payment status (live)", string(s.PaymentStatus)}, [2]string{"Authorised", s.Amount.Display()})
		}
	}
	for _, rf := range refunds {
		v.Refunds = append(v.Refunds, views.AdminRefund{Reason: rf.Reason, Amount: staffMoney(rf.Amount, rf.Currency),
			Status: rf.Status, ProviderID: rf.ProviderRefundID.String, Error: rf.LastError.String})
	}
	for _, rq := range requests {
		v.Requests = append(v.Requests, views.AdminRefundRequest{Href: "/admin/refunds/" + rq.ID,
			Amount: staffMoney(rq.Amount, rq.Currency), Status: rq.Status, Reason: rq.Reason,
			RequestedBy: "staff #" + strconv.FormatInt(rq.RequestedBy, 10), RequestedAt: adminTime(rq.RequestedAt)})
	}
	for _, m := range emails {
		v.Emails = append(v.Emails, views.AdminEmail{Href: "/admin/outbox/" + strconv.FormatInt(m.ID, 10), Kind: m.Kind,
			To: m.To, Status: m.Status, Attempts: strconv.Itoa(m.Attempts), NextAt: adminTime(m.NextAt)})
	}
	for _, n := range notes {
		v.Notes = append(v.Notes, views.AdminNote{At: adminTime(n.CreatedAt), By: n.StaffEmail, Body: n.Body})
	}
	role := staffOf(r).Role
	v.Actions = append(v.Actions, views.AdminLink{Label: "Add a note", Href: base + "/notes"})
	if len(emails) > 0 {
		v.Actions = append(v.Actions, views.AdminLink{Label: "Resend confirmation", Href: base + "/resend"})
	}
	if role.Allows(admin.Manager) {
		if b.Status == booking.StatusConfirmed {
			v.Actions = append(v.Actions, views.AdminLink{Label: "Cancel with the supplier", Href: base + "/cancel"})
		}
		if b.PaymentID.Valid && (b.Status == booking.StatusConfirmed || b.Status == booking.StatusCancelled) {
			v.Actions = append(v.Actions, views.AdminLink{Label: "Refund", Href: base + "/refund"})
		}
	}
	if role.Allows(admin.Admin) {
		v.Actions = append(v.Actions, views.AdminLink{Label: "Re-run reconciliation", Href: base + "/reconcile"})
	}
	h.render(w, r, http.StatusOK, views.AdminBooking(v))
}
