package booking

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"lobang/db"
)

// Erasure is a recorded erasure: its random id, when, and the rows it
// changed per table. It never says whose data it was.
type Erasure = db.Erasure

// UpcomingBooking is a booking that keeps its guest's data from being
// erased until it is cancelled or its stay is over.
type UpcomingBooking struct {
	ID, Reference, Status string
	Checkin, Checkout     time.Time
}

// UpcomingBookingsError is ErrUpcomingBookings with the bookings to cancel
// (or wait out) first.
type UpcomingBookingsError struct {
	Bookings []UpcomingBooking
}

func (e *UpcomingBookingsError) Error() string {
	refs := make([]string, len(e.Bookings))
	for i, b := range e.Bookings {
		refs[i] = b.Reference
	}
	return "upcoming bookings " + strings.Join(refs, ", ") + ": cancel them first"
}

// Unwrap lets errors.Is find ErrUpcomingBookings.
func (e *UpcomingBookingsError) Unwrap() error { return ErrUpcomingBookings }

// EraseGuest erases at once the personal data of every booking made with
// an email address, and the emails sent or due to it (see
// db.EraseBookingsOf), and records the erasure without saying whose it was.
// While the person has a booking to come — confirmed with its check-out day
// not over, or being confirmed — it erases nothing and answers an
// *UpcomingBookingsError listing them.
func (s *Service) EraseGuest(ctx context.Context, email string) (Erasure, error) {
	var e Erasure
	err := db.WithTx(ctx, s.db, func(tx *sql.Tx) error {
		counts, err := s.EraseGuestIn(ctx, tx, email)
		if err != nil {
			return err
		}
		now := s.clock()
		id, err := db.RecordErasure(ctx, tx, now, counts)
		if err != nil {
			return err
		}
		e = Erasure{ID: id, ErasedAt: now, Counts: counts}
		return nil
	})
	if err != nil {
		return Erasure{}, fmt.Errorf("erase guest: %w", err)
	}
	s.log.Info("guest data erased", "erasure", e.ID, "counts", e.Counts.String())
	return e, nil
}

// EraseGuestIn is EraseGuest inside the caller's transaction, for an
// erasure that spans more than bookings (an account, say): it locks the
// person's bookings, refuses while one is to come, and erases their data;
// the caller adds its own counts and records the whole with
// db.RecordErasure before it commits.
func (s *Service) EraseGuestIn(ctx context.Context, tx *sql.Tx, email string) (db.ErasedCounts, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return nil, errors.New("erase guest: email required")
	}
	bookings, err := db.LockBookingsOf(ctx, tx, email)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	var upcoming []UpcomingBooking
	for _, b := range bookings {
		q, _, err := decoded(b)
		switch {
		case b.Status == StatusConfirming:
		case b.Status != StatusConfirmed:
			continue
		case err != nil:
			// A stay we cannot read may be to come: keep the data.
			s.log.Warn("erase guest: unreadable stay", "booking", b.ID, "err", err)
		case !now.Before(q.Checkout.AddDate(0, 0, 1)):
			continue // the check-out day is over
		}
		upcoming = append(upcoming, UpcomingBooking{ID: b.ID, Reference: b.Reference, Status: b.Status,
			Checkin: q.Checkin, Checkout: q.Checkout})
	}
	if len(upcoming) > 0 {
		return nil, &UpcomingBookingsError{Bookings: upcoming}
	}
	return db.EraseBookingsOf(ctx, tx, email)
}
