package booking

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"lobang/db"
)

// The statuses of a booking.
const (
	StatusPriceChanged    = "price_changed"    // the re-check found another price: accept or leave
	StatusQuoted          = "quoted"           // price held for QuoteTTL
	StatusDetails         = "details"          // guest details saved
	StatusAwaitingPayment = "awaiting_payment" // sent to the hosted checkout
	StatusConfirming      = "confirming"       // paid (authorised); booking with the supplier
	StatusConfirmed       = "confirmed"        // booked and captured
	StatusFailed          = "failed"           // not booked; the authorisation was voided
	StatusExpired         = "expired"          // the quote ran out before payment
	StatusCancelled       = "cancelled"        // cancelled after confirmation
)

// transitions lists the statuses each status may move to.
var transitions = map[string][]string{
	StatusPriceChanged:    {StatusQuoted, StatusExpired},
	StatusQuoted:          {StatusDetails, StatusExpired},
	StatusDetails:         {StatusAwaitingPayment, StatusExpired},
	StatusAwaitingPayment: {StatusConfirming, StatusExpired},
	StatusConfirming:      {StatusConfirmed, StatusFailed},
	StatusConfirmed:       {StatusCancelled},
}

// Allowed reports whether a booking may move from one status to another.
func Allowed(from, to string) bool {
	for _, t := range transitions[from] {
		if t == to {
			return true
		}
	}
	return false
}

// Final reports whether a status is an end state of the booking flow.
func Final(status string) bool {
	switch status {
	case StatusConfirmed, StatusFailed, StatusExpired, StatusCancelled:
		return true
	}
	return false
}

// errSkip, returned by a change's decide, leaves the booking untouched.
var errSkip = errors.New("skip")

// decision is what a change does to a locked booking: move it to To (empty:
// keep the status) for Cause; decide has already applied other edits.
// Record writes the event even when the status stays (from = to), for
// what staff must see in the booking's history without a status change.
type decision struct {
	To     string
	Cause  string
	Record bool
}

// change is the one way a booking is modified: it locks the row, lets decide
// look at it and edit it, checks the status change is allowed, writes the
// row and records the change (or a decision to Record) in booking_events,
// all in one transaction. When decide returns errSkip nothing is written and
// the locked booking is returned; any other error rolls back.
func (s *Service) change(ctx context.Context, id string, decide func(tx *sql.Tx, b *Booking) (decision, error)) (Booking, error) {
	var out Booking
	var before string
	err := db.WithTx(ctx, s.db, func(tx *sql.Tx) error {
		b, err := db.LockBooking(ctx, tx, id)
		if errors.Is(err, db.ErrNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		out = b
		from := b.Status
		before = from
		d, err := decide(tx, &b)
		if errors.Is(err, errSkip) {
			return nil
		}
		if err != nil {
			return err
		}
		now := s.clock()
		moved := d.To != "" && d.To != from
		if moved {
			if !Allowed(from, d.To) {
				return fmt.Errorf("booking %s from %s to %s: %w", id, from, d.To, ErrNotAllowed)
			}
			b.Status = d.To
		}
		if moved || d.Record {
			if err := db.AddBookingEvent(ctx, tx, db.BookingEvent{BookingID: id, At: now, From: from, To: b.Status,
				Cause: d.Cause}); err != nil {
				return err
			}
		}
		b.UpdatedAt = now
		if err := db.UpdateBooking(ctx, tx, b); err != nil {
			return err
		}
		out = b
		return nil
	})
	if err != nil {
		return Booking{}, fmt.Errorf("change booking %s: %w", id, err)
	}
	s.notifyMoved(before, out)
	return out, nil
}
