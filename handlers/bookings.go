package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"lobang/aggregator/suppliers"
	"lobang/booking"
	"lobang/db"
	"lobang/fx"
	"lobang/views"
)

// The booking flow's pages. Every step is a plain form POST answered with a
// redirect to the booking's page (Post/Redirect/Get), so back, refresh and
// JavaScript being off never break it; the booking's page shows whatever
// step it stands at. The booking id in the URLs is 128 random bits: it is
// the customer's only key to the booking until the accounts come.

const (
	// returnWait bounds how long the customer's return from the checkout
	// waits for the supplier booking; the work goes on after it and the
	// booking's page refreshes until it is final.
	returnWait = 20 * time.Second
	// quoteClaimTTL bounds how long a double-submitted Book waits for the
	// first submit's quote (the supplier re-check) before trying itself.
	quoteClaimTTL = 90 * time.Second
	// webhookMaxBytes bounds a payment webhook's body.
	webhookMaxBytes = 1 << 20
	// webhookWork bounds the work one webhook does, whether or not the
	// provider is still waiting for the answer.
	webhookWork = 2 * time.Minute
)

// AttachBooking hands the handlers the booking service.
func (h *Handler) AttachBooking(svc *booking.Service) { h.bookings = svc }

// CreateBooking answers POST /bookings {offer}: the offer, re-checked with
// its supplier, becomes a booking, and the customer goes to its page. A
// double submit of the same offer lands on the same booking.
func (h *Handler) CreateBooking(w http.ResponseWriter, r *http.Request) {
	if h.bookings == nil {
		h.renderError(w, r, http.StatusServiceUnavailable)
		return
	}
	offerID := r.PostFormValue("offer")
	so, err := h.LoadOffer(r.Context(), offerID)
	if errors.Is(err, ErrOfferExpired) {
		h.bookingProblem(w, r, http.StatusGone, views.BookingProblemView{
			Heading:  "This price has expired",
			Message:  "Prices are held for 30 minutes after we show them. Search again for today's prices.",
			BackURL:  "/",
			BackText: "Search again",
		})
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	id, err := h.quoteOnce(r.Context(), offerID)
	switch {
	case err == nil, errors.Is(err, booking.ErrPriceChanged):
		http.Redirect(w, r, "/bookings/"+id, http.StatusSeeOther)
	case errors.Is(err, booking.ErrSoldOut):
		h.bookingProblem(w, r, http.StatusConflict, views.BookingProblemView{
			Heading:  "That room has just sold out",
			Message:  "The hotel's supplier has no more rooms at this rate for your dates. Other rooms or suppliers may still have one.",
			BackURL:  roomsURL(so.HotelID, so.Query),
			BackText: "See the hotel's other rooms",
		})
	case errors.Is(err, booking.ErrOfferExpired):
		h.bookingProblem(w, r, http.StatusGone, views.BookingProblemView{
			Heading: "This price has expired", Message: "Search again for today's prices.",
			BackURL: roomsURL(so.HotelID, so.Query), BackText: "See the hotel's rooms again",
		})
	case errors.Is(err, suppliers.ErrDisabled):
		h.bookingProblem(w, r, http.StatusConflict, views.BookingProblemView{
			Heading:  "This rate is no longer offered",
			Message:  "We have stopped taking bookings through " + so.Supplier + " for now. Nothing has been booked or charged.",
			BackURL:  roomsURL(so.HotelID, so.Query),
			BackText: "See the hotel's other rooms",
		})
	case errors.Is(err, suppliers.ErrTimeout), errors.Is(err, suppliers.ErrUnavailable),
		errors.Is(err, suppliers.ErrRateLimited), errors.Is(err, suppliers.ErrBadResponse),
		errors.Is(err, context.DeadlineExceeded):
		h.log.Warn("quote failed", "supplier", so.Supplier, "err", err, "request_id", RequestID(r.Context()))
		h.bookingProblem(w, r, http.StatusServiceUnavailable, views.BookingProblemView{
			Heading:    "The hotel's supplier didn't answer",
			Message:    "We could not re-check the price with " + so.Supplier + " just now. Nothing has been booked or charged.",
			RetryOffer: offerID,
			BackURL:    roomsURL(so.HotelID, so.Query),
			BackText:   "See the hotel's other rooms",
		})
	default:
		h.serverError(w, r, err)
	}
}

// quoteOnce quotes an offer once however often it is submitted: the first
// submit claims the offer in Redis and quotes; a concurrent or later one
// waits for that booking's id. A failed quote releases the claim so that a
// retry quotes again.
func (h *Handler) quoteOnce(ctx context.Context, offerID string) (string, error) {
	key := h.offerKey(offerID) + ":booking"
	for {
		won, err := h.redis.SetNX(ctx, key, "-", quoteClaimTTL).Result()
		if err != nil {
			return "", err
		}
		if won {
			b, err := h.bookings.Quote(ctx, offerID)
			if err != nil && !errors.Is(err, booking.ErrPriceChanged) {
				h.redis.Del(context.WithoutCancel(ctx), key)
				return "", err
			}
			if serr := h.redis.Set(ctx, key, b.ID, offerTTL).Err(); serr != nil {
				return "", serr
			}
			return b.ID, err
		}
		for {
			id, err := h.redis.Get(ctx, key).Result()
			if errors.Is(err, redis.Nil) {
				break // the first quote failed: quote again
			}
			if err != nil {
				return "", err
			}
			if id != "-" {
				return id, nil
			}
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
}

// BookingPage answers GET /bookings/{id}: the booking at its current step.
func (h *Handler) BookingPage(w http.ResponseWriter, r *http.Request) {
	b, ok := h.loadBooking(w, r)
	if !ok {
		return
	}
	v, err := h.bookingView(r.Context(), b)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.prefillDetails(r, &v.Form)
	switch r.URL.Query().Get("notice") {
	case "not-paid":
		v.Notice = "Your payment was not completed, so nothing was charged. You can try again."
	case "payment-unavailable":
		v.Notice = "Our payment provider didn't answer. Your details are saved: please try again in a moment."
	case "used":
		v.Notice = "That form was already sent; here is your booking as it stands."
	}
	h.render(w, r, http.StatusOK, views.BookingPage(v))
}

// BookingPrice answers POST /bookings/{id}/price {decision=accept|decline}
// on a booking whose price changed at the re-check.
func (h *Handler) BookingPrice(w http.ResponseWriter, r *http.Request) {
	b, ok := h.loadBooking(w, r)
	if !ok {
		return
	}
	var err error
	switch r.PostFormValue("decision") {
	case "accept":
		_, err = h.bookings.AcceptPrice(r.Context(), b.ID)
	case "decline":
		_, err = h.bookings.DeclinePrice(r.Context(), b.ID)
		if err == nil {
			http.Redirect(w, r, bookingRoomsURL(b), http.StatusSeeOther)
			return
		}
	default:
		h.renderError(w, r, http.StatusBadRequest)
		return
	}
	if err != nil && !errors.Is(err, booking.ErrNotAllowed) && !errors.Is(err, booking.ErrQuoteExpired) {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/bookings/"+b.ID, http.StatusSeeOther)
}

// BookingDetails answers POST /bookings/{id}/details: the guest details,
// saved once under the form's one-time token, then on to the checkout.
// Invalid details re-render the form with messages (422).
func (h *Handler) BookingDetails(w http.ResponseWriter, r *http.Request) {
	b, ok := h.loadBooking(w, r)
	if !ok {
		return
	}
	d := booking.Details{
		Title:           r.PostFormValue("title"),
		FirstName:       r.PostFormValue("first_name"),
		LastName:        r.PostFormValue("last_name"),
		Email:           r.PostFormValue("email"),
		Phone:           r.PostFormValue("phone"),
		ArrivalTime:     r.PostFormValue("arrival_time"),
		SpecialRequests: r.PostFormValue("special_requests"),
		BillingAddress:  r.PostFormValue("billing_address"),
	}
	_, err := h.bookings.SaveDetails(r.Context(), b.ID, r.PostFormValue("token"), d)
	var verr *booking.ValidationError
	switch {
	case errors.As(err, &verr):
		v, err := h.bookingView(r.Context(), b)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		v.Form.Values = detailValues(d)
		v.Form.Errors = verr.Fields
		h.render(w, r, http.StatusUnprocessableEntity, views.BookingPage(v))
		return
	case errors.Is(err, booking.ErrBadToken):
		// A stale or forged form: show the booking as it stands.
		http.Redirect(w, r, "/bookings/"+b.ID+"?notice=used", http.StatusSeeOther)
		return
	case errors.Is(err, booking.ErrQuoteExpired), errors.Is(err, booking.ErrNotAllowed):
		http.Redirect(w, r, "/bookings/"+b.ID, http.StatusSeeOther)
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	h.startPayment(w, r, b.ID)
}

// BookingPay answers POST /bookings/{id}/pay: (back) to the checkout.
func (h *Handler) BookingPay(w http.ResponseWriter, r *http.Request) {
	b, ok := h.loadBooking(w, r)
	if !ok {
		return
	}
	h.startPayment(w, r, b.ID)
}

// startPayment redirects to the hosted checkout of a booking with saved
// details; when the provider fails, back to the booking's page, which
// offers to try again.
func (h *Handler) startPayment(w http.ResponseWriter, r *http.Request, id string) {
	page := h.siteURL(r, "/bookings/"+id)
	u, err := h.bookings.StartPayment(r.Context(), id, page+"/return", page+"?notice=not-paid")
	switch {
	case err == nil:
		http.Redirect(w, r, u, http.StatusSeeOther)
	case errors.Is(err, booking.ErrNotAllowed), errors.Is(err, booking.ErrQuoteExpired):
		http.Redirect(w, r, "/bookings/"+id, http.StatusSeeOther)
	default:
		h.log.Warn("start payment failed", "booking", id, "err", err, "request_id", RequestID(r.Context()))
		http.Redirect(w, r, "/bookings/"+id+"?notice=payment-unavailable", http.StatusSeeOther)
	}
}

// BookingReturn answers GET /bookings/{id}/return: the customer is back
// from the checkout. A paid booking is booked with the supplier and
// captured (waiting up to returnWait); either way the customer lands on the
// booking's page, which shows the outcome or refreshes until there is one.
func (h *Handler) BookingReturn(w http.ResponseWriter, r *http.Request) {
	b, ok := h.loadBooking(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), returnWait)
	defer cancel()
	_, err := h.bookings.Authorized(ctx, b.ID)
	switch {
	case errors.Is(err, booking.ErrNotPaid):
		http.Redirect(w, r, "/bookings/"+b.ID+"?notice=not-paid", http.StatusSeeOther)
		return
	case err != nil && ctx.Err() == nil && !errors.Is(err, booking.ErrNotAllowed):
		h.log.Warn("return from checkout", "booking", b.ID, "err", err, "request_id", RequestID(r.Context()))
	}
	h.awaitOutcome(ctx, b.ID)
	http.Redirect(w, r, "/bookings/"+b.ID, http.StatusSeeOther)
}

// awaitOutcome waits while another caller (the provider's webhook, which
// often arrives first) holds a confirming booking's lease and is talking to
// the supplier, so that the customer lands on the outcome rather than on a
// page that refreshes. It stops when the booking is final, when nobody is
// working on it (a time-out left it to the reconciler), or at ctx's end.
func (h *Handler) awaitOutcome(ctx context.Context, id string) {
	// The other caller usually finishes within milliseconds: look again
	// soon, then less and less often.
	wait := 5 * time.Millisecond
	for {
		b, err := h.bookings.Get(ctx, id)
		if err != nil || b.Status != booking.StatusConfirming || !b.WorkUntil.Valid || time.Now().After(b.WorkUntil.Time) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// PaymentWebhook answers POST /payments/webhook: the provider's signed
// event. A signature that does not verify is 400; a failure to act is 500
// so that the provider delivers again; a replay is acknowledged and ignored.
func (h *Handler) PaymentWebhook(w http.ResponseWriter, r *http.Request) {
	if h.bookings == nil {
		h.renderError(w, r, http.StatusServiceUnavailable)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, webhookMaxBytes))
	if err != nil {
		http.Error(w, "body too large or unreadable", http.StatusBadRequest)
		return
	}
	// The work (a supplier booking, a capture) must not stop when the
	// provider stops waiting for our answer: it would redeliver an event
	// we half handled. webhookWork bounds it instead.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), webhookWork)
	defer cancel()
	err = h.bookings.HandleWebhook(ctx, body, r.Header)
	switch {
	case errors.Is(err, booking.ErrBadWebhook):
		h.log.Warn("payment webhook refused", "err", err, "request_id", RequestID(r.Context()))
		http.Error(w, "signature does not verify", http.StatusBadRequest)
	case err != nil:
		h.log.Error("payment webhook failed", "err", err, "request_id", RequestID(r.Context()))
		http.Error(w, "try again", http.StatusInternalServerError)
	default:
		h.writeText(w, "ok\n")
	}
}

// loadBooking reads the booking named by the path; an unknown or malformed
// id is 404 (the same answer, so ids cannot be probed).
func (h *Handler) loadBooking(w http.ResponseWriter, r *http.Request) (booking.Booking, bool) {
	return h.bookingByID(w, r, r.PathValue("id"))
}

// bookingByID reads a booking, answering 404 (or 503 without the booking
// service) itself.
func (h *Handler) bookingByID(w http.ResponseWriter, r *http.Request, id string) (booking.Booking, bool) {
	if h.bookings == nil {
		h.renderError(w, r, http.StatusServiceUnavailable)
		return booking.Booking{}, false
	}
	b, err := h.bookings.Get(r.Context(), id)
	if errors.Is(err, booking.ErrNotFound) {
		h.notFound(w, r)
		return booking.Booking{}, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return booking.Booking{}, false
	}
	return b, true
}

func (h *Handler) bookingProblem(w http.ResponseWriter, r *http.Request, status int, v views.BookingProblemView) {
	v.Meta = h.meta(v.Heading, "", "", true)
	v.Attribution = h.cfg.Attribution
	h.render(w, r, status, views.BookingProblemPage(v))
}

// bookingView builds a booking's page.
func (h *Handler) bookingView(ctx context.Context, b booking.Booking) (views.BookingView, error) {
	var q suppliers.Query
	var o suppliers.Offer
	if err := json.Unmarshal([]byte(b.Query), &q); err != nil {
		return views.BookingView{}, err
	}
	if err := json.Unmarshal([]byte(b.Offer), &o); err != nil {
		return views.BookingView{}, err
	}
	hotel, err := db.GetHotel(ctx, h.db, b.HotelID)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return views.BookingView{}, err
	}
	charge := fx.Money{Amount: b.ChargeAmount, Currency: b.ChargeCurrency}
	v := views.BookingView{
		Meta:        h.meta("Your booking", "", "", true),
		Attribution: h.cfg.Attribution,
		ID:          b.ID,
		Status:      b.Status,
		Reference:   b.Reference,
		PayNow:      money(charge),
		Total:       money(charge),
		HoldUntil:   b.QuoteExpiresAt.UTC().Format("15:04 UTC"),
		Supplier:    b.Supplier,
		RoomsURL:    bookingRoomsURL(b),
		Refresh:     b.Status == booking.StatusConfirming,
		Stay:        h.bookingStay(ctx, hotel, q, o, b.ChargeCurrency),
	}
	if b.PayAtHotelAmount > 0 {
		atHotel := fx.Money{Amount: b.PayAtHotelAmount, Currency: b.PayAtHotelCurrency}
		v.PayAtHotel = money(atHotel)
		v.Total = money(charge) + " now + " + money(atHotel) + " at the hotel"
	}
	if b.PreviousChargeAmount > 0 {
		v.OldTotal = money(fx.Money{Amount: b.PreviousChargeAmount, Currency: b.ChargeCurrency})
	}
	if b.Status == booking.StatusQuoted {
		v.Form = views.DetailsForm{Action: "/bookings/" + b.ID + "/details", Token: b.FormToken,
			Values: map[string]string{}, Titles: booking.Titles}
	}
	if b.SupplierReference.Valid {
		v.SupplierReference = b.SupplierReference.String
	}
	if b.CardBrand.Valid {
		v.Card = cardBrand(b.CardBrand.String) + " ending " + b.CardLast4.String
	}
	v.Guest = strings.TrimSpace(b.FirstName.String)
	v.Email = b.Email.String
	switch b.Status {
	case booking.StatusConfirmed:
		v.Meta.Title = "Booking confirmed: " + b.Reference
	case booking.StatusPriceChanged:
		v.Meta.Title = "The price has changed"
	case booking.StatusQuoted:
		v.Meta.Title = "Your details"
	case booking.StatusDetails, booking.StatusAwaitingPayment:
		v.Meta.Title = "Payment"
	}
	return v, nil
}

// bookingStay describes the hotel, room and dates of a booking.
func (h *Handler) bookingStay(ctx context.Context, hotel db.Hotel, q suppliers.Query, o suppliers.Offer, currency string) views.BookingStay {
	s := views.BookingStay{
		HotelName: hotel.Name,
		Address:   hotel.Address,
		RoomName:  o.RoomName,
		Board:     boardLabel(o.Board),
		Rooms:     plural(q.Rooms, "room", "rooms"),
		Guests:    plural(q.Adults, "adult", "adults") + " per room",
		Checkin:   q.Checkin.Format("Mon 2 Jan 2006"),
		Checkout:  q.Checkout.Format("Mon 2 Jan 2006"),
		Nights:    plural(q.Nights(), "night", "nights"),
	}
	if n := len(q.ChildrenAges); n > 0 {
		s.Guests = plural(q.Adults, "adult", "adults") + " and " + plural(n, "child", "children") + " per room"
	}
	if hotel.ID != 0 {
		s.HotelURL = hotelPath(hotel)
	}
	if s.HotelName == "" {
		s.HotelName = "Your hotel"
	}
	conv := func(m suppliers.Money) (suppliers.Money, error) {
		if m.Currency == currency || m.Currency == "" || h.conv == nil {
			return m, nil
		}
		return h.conv.Convert(ctx, m, currency)
	}
	s.Cancellation, s.Deadline, _ = cancellationText(o.Cancellation, hotelLocation(hotel.TimeZone), time.Now(), conv)
	return s
}

func boardLabel(b string) string {
	if l, ok := boardLabels[b]; ok {
		return l
	}
	return "Room only"
}

// cardBrand words a provider's card brand ("visa" → "Visa").
func cardBrand(b string) string {
	switch strings.ToLower(b) {
	case "visa":
		return "Visa"
	case "mastercard":
		return "Mastercard"
	case "amex":
		return "American Express"
	}
	if b == "" {
		return "Card"
	}
	return strings.ToUpper(b[:1]) + b[1:]
}

// detailValues echoes the typed details back into the form.
func detailValues(d booking.Details) map[string]string {
	return map[string]string{"title": d.Title, "first_name": d.FirstName, "last_name": d.LastName,
		"email": d.Email, "phone": d.Phone, "arrival_time": d.ArrivalTime,
		"special_requests": d.SpecialRequests, "billing_address": d.BillingAddress}
}

// roomsURL is a hotel's room offers for a stay.
func roomsURL(hotelID int64, q suppliers.Query) string {
	return "/hotels/" + strconv.FormatInt(hotelID, 10) + "/rooms?" + stayQuery(q)
}

// bookingRoomsURL leads from a booking back to its hotel's offers for the
// same stay ("" when its stay cannot be read).
func bookingRoomsURL(b booking.Booking) string {
	q, err := decodeQuery(b)
	if err != nil {
		return ""
	}
	return roomsURL(b.HotelID, q)
}

// decodeQuery reads a booking's stay.
func decodeQuery(b booking.Booking) (suppliers.Query, error) {
	var q suppliers.Query
	err := json.Unmarshal([]byte(b.Query), &q)
	return q, err
}

// siteURL is an absolute URL of a path on this site for the payment
// provider to send the customer back to: under the configured base URL,
// else the request's own host (the dev stack).
func (h *Handler) siteURL(r *http.Request, path string) string {
	if h.cfg.BaseURL != nil && h.cfg.BaseURL.Host != "" {
		return h.absURL(path)
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host, Path: path}).String()
}
