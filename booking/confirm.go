package booking

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"lobang/aggregator/suppliers"
	"lobang/booking/payments"
	"lobang/db"
	"lobang/fx"
)

// decoded returns a booking's stay and offer.
func decoded(b Booking) (suppliers.Query, suppliers.Offer, error) {
	var q suppliers.Query
	var o suppliers.Offer
	if err := json.Unmarshal([]byte(b.Query), &q); err != nil {
		return q, o, fmt.Errorf("decode query of %s: %w", b.ID, err)
	}
	if err := json.Unmarshal([]byte(b.Offer), &o); err != nil {
		return q, o, fmt.Errorf("decode offer of %s: %w", b.ID, err)
	}
	return q, o, nil
}

// supplierRefused reports whether a supplier error is a definite no: the
// booking was not made and will not be. Anything else (time-outs, 5xx,
// garbled answers) leaves the outcome unknown.
func supplierRefused(err error) bool {
	return errors.Is(err, suppliers.ErrSoldOut) || errors.Is(err, suppliers.ErrInvalid) ||
		errors.Is(err, suppliers.ErrPriceChanged) || errors.Is(err, suppliers.ErrNotFound)
}

// book books a confirming booking with the supplier under our reference
// (the supplier is idempotent on it) and captures. The caller holds the lease.
// The work outlives the caller's request (a customer closing the tab must not
// cut a booking in half); CallTimeout bounds each call.
func (s *Service) book(ctx context.Context, b Booking) (Booking, error) {
	ctx = context.WithoutCancel(ctx)
	sup, ok := s.sups[b.Supplier]
	if !ok {
		return s.release(ctx, b.ID, "unknown supplier "+b.Supplier)
	}
	q, o, err := decoded(b)
	if err != nil {
		return s.release(ctx, b.ID, err.Error())
	}
	req := suppliers.BookRequest{Reference: b.Reference, Query: q, Offer: o, SpecialRequests: b.SpecialRequests.String,
		Guest: suppliers.Guest{FirstName: b.FirstName.String, LastName: b.LastName.String, Email: b.Email.String,
			Phone: b.Phone.String}}
	cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
	sb, err := sup.Book(cctx, req)
	cancel()
	switch {
	case err == nil:
		return s.capture(ctx, b, sb.SupplierReference)
	case supplierRefused(err):
		return s.fail(ctx, b, "supplier refused: "+err.Error())
	}
	return s.release(ctx, b.ID, "supplier booking outcome unknown: "+err.Error())
}

// capture takes the payment of a booking the supplier confirmed.
func (s *Service) capture(ctx context.Context, b Booking, supplierRef string) (Booking, error) {
	cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
	p, err := s.pay.Capture(cctx, b.PaymentID.String, fx.Money{}, payments.IdempotencyKey(b.ID, "capture"))
	cancel()
	if err != nil {
		if errors.Is(err, payments.ErrTimeout) || errors.Is(err, payments.ErrUnavailable) {
			return s.release(ctx, b.ID, "capture outcome unknown: "+err.Error())
		}
		// The authorisation is gone (voided or refused): give the room back.
		cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
		_, cerr := s.sups[b.Supplier].Cancel(cctx, b.Reference)
		cancel()
		if cerr != nil {
			return s.release(ctx, b.ID, "capture refused and supplier cancel failed: "+cerr.Error())
		}
		return s.fail(ctx, b, "capture refused: "+err.Error())
	}
	if p.Card.Brand == "" && b.CardBrand.Valid {
		p.Card = payments.Card{Brand: b.CardBrand.String, Last4: b.CardLast4.String}
	}
	return s.change(ctx, b.ID, func(tx *sql.Tx, b *Booking) (decision, error) {
		if b.Status != StatusConfirming {
			return decision{}, errSkip
		}
		b.SupplierReference = sql.NullString{String: supplierRef, Valid: supplierRef != ""}
		if p.Card.Brand != "" {
			b.CardBrand = sql.NullString{String: p.Card.Brand, Valid: true}
			b.CardLast4 = sql.NullString{String: p.Card.Last4, Valid: p.Card.Last4 != ""}
		}
		b.WorkUntil = sql.NullTime{}
		if err := s.enqueueConfirmation(ctx, tx, *b); err != nil {
			return decision{}, err
		}
		return decision{To: StatusConfirmed, Cause: "supplier booking " + supplierRef + ", payment captured"}, nil
	})
}

// fail gives a confirming booking's payment back and ends it as failed; when
// that cannot be done now the booking stays confirming for Reconcile.
func (s *Service) fail(ctx context.Context, b Booking, cause string) (Booking, error) {
	done, err := s.void(ctx, b.ID, b.PaymentID.String)
	if err != nil {
		return s.release(ctx, b.ID, cause+"; "+err.Error())
	}
	return s.change(ctx, b.ID, func(_ *sql.Tx, b *Booking) (decision, error) {
		if b.Status != StatusConfirming {
			return decision{}, errSkip
		}
		b.WorkUntil = sql.NullTime{}
		return decision{To: StatusFailed, Cause: cause + "; " + done}, nil
	})
}

// enqueueConfirmation writes the confirmation email into the outbox, in the
// transaction that confirms the booking.
func (s *Service) enqueueConfirmation(ctx context.Context, tx *sql.Tx, b Booking) error {
	if !b.Email.Valid {
		return nil
	}
	q, o, err := decoded(b)
	if err != nil {
		return err
	}
	hotel, err := db.GetHotel(ctx, tx, b.HotelID)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return err
	}
	var body strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&body, format+"\n", args...) }
	line("Dear %s %s,", b.FirstName.String, b.LastName.String)
	line("")
	line("Your booking %s is confirmed. Keep this reference: with it and this email address you can find your booking again.", b.Reference)
	line("")
	if hotel.Name != "" {
		line("Hotel: %s", hotel.Name)
		if hotel.Address != "" {
			line("Address: %s", hotel.Address)
		}
	}
	line("Room: %s", o.RoomName)
	line("Rooms: %d, %d adults per room%s", q.Rooms, q.Adults, childrenText(len(q.ChildrenAges)))
	line("Check-in: %s%s", q.Checkin.Format("Mon 2 Jan 2006"), timeText(" from ", hotel.CheckInTime))
	line("Check-out: %s%s", q.Checkout.Format("Mon 2 Jan 2006"), timeText(" until ", hotel.CheckOutTime))
	line("")
	line("Paid: %s", fx.Money{Amount: b.ChargeAmount, Currency: b.ChargeCurrency}.Display())
	if b.PayAtHotelAmount > 0 {
		line("Payable at the hotel: %s", fx.Money{Amount: b.PayAtHotelAmount, Currency: b.PayAtHotelCurrency}.Display())
	}
	if b.CardBrand.Valid {
		line("Card: %s ending %s", strings.ToUpper(b.CardBrand.String[:1])+b.CardBrand.String[1:], b.CardLast4.String)
	}
	line("Cancellation: %s", policyText(o.Cancellation))
	line("Supplier (%s) reference: %s", b.Supplier, b.SupplierReference.String)
	line("")
	line("A calendar entry for your stay is attached.")
	line("")
	line("Thank you for booking with Lobang.")
	now := s.clock()
	err = db.EnqueueOutbox(ctx, tx, db.OutboxMessage{BookingID: b.ID, Kind: "confirmation", To: b.Email.String,
		Subject: "Booking confirmed: " + b.Reference, Body: body.String(), NextAt: now, CreatedAt: now})
	if errors.Is(err, db.ErrDuplicate) {
		return nil
	}
	return err
}

func childrenText(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return " and 1 child"
	}
	return fmt.Sprintf(" and %d children", n)
}

func timeText(prefix, hhmm string) string {
	if hhmm == "" {
		return ""
	}
	return prefix + hhmm
}

// policyText words a cancellation policy for the email, in UTC.
func policyText(c suppliers.CancellationPolicy) string {
	switch {
	case !c.Refundable:
		return "non-refundable"
	case !c.FreeUntil.IsZero():
		return "free until " + c.FreeUntil.UTC().Format("Mon 2 Jan 2006 15:04") + " UTC; a fee applies after that"
	}
	return "a fee applies"
}
