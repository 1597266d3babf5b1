package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"lobang/accounts"
	"lobang/aggregator/suppliers"
	"lobang/booking"
	"lobang/db"
	"lobang/fx"
	"lobang/views"
)

var accountNotices = map[string]string{
	"verified":          "Your email is confirmed: bookings you made with it are listed below.",
	"verification-sent": "We've sent a new confirmation link. It works for 48 hours.",
	"details-saved":     "Your details are saved. We'll fill them in when you book.",
	"password-changed":  "Your password is changed. Any other device that was logged in has been logged out.",
	"password-reset":    "Your new password is saved, and every other device has been logged out.",
}

// bookingStatusText words a booking's status for the account's lists.
var bookingStatusText = map[string]string{
	booking.StatusConfirmed:       "Confirmed",
	booking.StatusConfirming:      "Confirming with the hotel",
	booking.StatusQuoted:          "Not finished: guest details needed",
	booking.StatusPriceChanged:    "Not finished: the price changed",
	booking.StatusDetails:         "Not finished: waiting for payment",
	booking.StatusAwaitingPayment: "Not finished: waiting for payment",
	booking.StatusCancelled:       "Cancelled",
	booking.StatusFailed:          "Not booked",
	booking.StatusExpired:         "Expired",
}

// AccountPage answers GET /account: the customer's bookings, upcoming and
// past, and their saved guest details. Guest bookings made since the last
// visit attach on the way.
func (h *Handler) AccountPage(w http.ResponseWriter, r *http.Request) {
	a, _, ok := h.requireAccount(w, r)
	if !ok {
		return
	}
	d := a.Details
	form := views.DetailsForm{Values: map[string]string{"title": d.Title, "first_name": d.FirstName,
		"last_name": d.LastName, "phone": d.Phone, "billing_address": d.BillingAddress}}
	v, err := h.accountView(r, a, form)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v.Notice = accountNotices[r.URL.Query().Get("notice")]
	h.render(w, r, http.StatusOK, views.AccountPage(v))
}

// AccountDetails answers POST /account/details: the saved guest details.
func (h *Handler) AccountDetails(w http.ResponseWriter, r *http.Request) {
	a, _, ok := h.requireAccount(w, r)
	if !ok {
		return
	}
	d := accounts.Details{Title: r.PostFormValue("title"), FirstName: r.PostFormValue("first_name"),
		LastName: r.PostFormValue("last_name"), Phone: r.PostFormValue("phone"),
		BillingAddress: r.PostFormValue("billing_address")}
	err := h.accounts.SaveDetails(r.Context(), a.ID, d)
	var ferr accounts.FieldErrors
	switch {
	case errors.As(err, &ferr):
		form := views.DetailsForm{Errors: ferr, Values: map[string]string{"title": d.Title, "first_name": d.FirstName,
			"last_name": d.LastName, "phone": d.Phone, "billing_address": d.BillingAddress}}
		v, err := h.accountView(r, a, form)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, views.AccountPage(v))
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?notice=details-saved", http.StatusSeeOther)
}

// accountView builds the account page around a details form.
func (h *Handler) accountView(r *http.Request, a accounts.Account, form views.DetailsForm) (views.AccountView, error) {
	ctx := r.Context()
	if _, err := h.accounts.AttachBookings(ctx, a); err != nil {
		return views.AccountView{}, err
	}
	list, err := h.accounts.Bookings(ctx, a)
	if err != nil {
		return views.AccountView{}, err
	}
	form.Action, form.Titles = "/account/details", detailsTitles
	v := views.AccountView{Meta: h.meta("Your account", "", "", true), Attribution: h.cfg.Attribution,
		Email: a.Email, Verified: a.Verified, Details: form}
	today := time.Now().UTC().Format(time.DateOnly)
	for _, b := range list {
		row, checkout := accountBookingRow(b)
		if checkout >= today && (b.Status == booking.StatusConfirmed || b.Status == booking.StatusConfirming) {
			v.Upcoming = append(v.Upcoming, row)
		} else {
			v.Past = append(v.Past, row)
		}
	}
	return v, nil
}

// accountBookingRow describes one booking and returns its check-out date
// (YYYY-MM-DD, "" when its stay cannot be read).
func accountBookingRow(b db.AccountBooking) (views.AccountBooking, string) {
	row := views.AccountBooking{ID: b.ID, URL: "/bookings/" + b.ID, Reference: b.Reference, Hotel: b.HotelName,
		Status: bookingStatusText[b.Status]}
	if row.Hotel == "" {
		row.Hotel = "Your hotel"
	}
	if row.Status == "" {
		row.Status = b.Status
	}
	if b.ChargeAmount > 0 {
		row.Total = money(fx.Money{Amount: b.ChargeAmount, Currency: b.ChargeCurrency})
	}
	var q suppliers.Query
	if err := json.Unmarshal([]byte(b.Query), &q); err != nil {
		return row, ""
	}
	row.Dates = q.Checkin.Format("Mon 2 Jan 2006") + " – " + q.Checkout.Format("Mon 2 Jan 2006")
	return row, q.Checkout.Format(time.DateOnly)
}
