package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// BookingCheck is where a booking stands in its re-checks with the
// supplier: kept apart from Booking, which every booking step reads and
// writes whole.
type BookingCheck struct {
	// CheckedAt is when the supplier last answered a re-check.
	CheckedAt sql.NullTime
	// NextCheckAt is when the booking is next due; NULL means at once.
	NextCheckAt sql.NullTime
	// Flag is set when the supplier's booking is not ours (cancelled there,
	// or other dates, hotel or reference); FlagDetail says what differs.
	Flag       sql.NullString
	FlagDetail sql.NullString
	FlaggedAt  sql.NullTime
}

const bookingCheckColumns = "checked_at, next_check_at, flag, flag_detail, flagged_at"

func (c *BookingCheck) fields() []any {
	return []any{&c.CheckedAt, &c.NextCheckAt, &c.Flag, &c.FlagDetail, &c.FlaggedAt}
}

// GetBookingCheck returns the re-check state of a booking.
func GetBookingCheck(ctx context.Context, q DBTX, id string) (BookingCheck, error) {
	var c BookingCheck
	err := q.QueryRowContext(ctx, "SELECT "+bookingCheckColumns+" FROM bookings WHERE id = ?", id).Scan(c.fields()...)
	if errors.Is(err, sql.ErrNoRows) {
		return BookingCheck{}, fmt.Errorf("check of booking %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return BookingCheck{}, fmt.Errorf("check of booking %s: %w", id, err)
	}
	return c, nil
}

// DueBookingChecks lists up to limit bookings of one supplier in status
// whose next check is due at now, longest due first (never checked first).
func DueBookingChecks(ctx context.Context, q DBTX, status, supplier string, now time.Time, limit int) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM bookings
		WHERE status = ? AND supplier = ? AND (next_check_at IS NULL OR next_check_at <= ?)
		ORDER BY next_check_at, id LIMIT ?`, status, supplier, now.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("due checks of %s: %w", supplier, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan booking id: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("due checks of %s: %w", supplier, err)
	}
	return ids, nil
}

// ClaimBookingCheck takes a due booking for one check by moving its next
// check to until, in one conditional UPDATE: of two workers only one
// changes the row. It reports false when the booking is not due (or not in
// status) any more.
func ClaimBookingCheck(ctx context.Context, q DBTX, id, status string, now, until time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE bookings SET next_check_at = ?
		WHERE id = ? AND status = ? AND (next_check_at IS NULL OR next_check_at <= ?)`,
		until.UTC(), id, status, now.UTC())
	if err != nil {
		return false, fmt.Errorf("claim check of booking %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim check of booking %s: %w", id, err)
	}
	return n == 1, nil
}

// FinishBookingCheck ends a claimed check: the next one is due at next, and
// checkedAt (when valid) records that the supplier answered. It writes
// nothing when the claim (until) is no longer the caller's.
func FinishBookingCheck(ctx context.Context, q DBTX, id string, until time.Time, checkedAt sql.NullTime, next time.Time) error {
	if checkedAt.Valid {
		checkedAt.Time = checkedAt.Time.UTC()
	}
	_, err := q.ExecContext(ctx, `UPDATE bookings SET checked_at = COALESCE(?, checked_at), next_check_at = ?
		WHERE id = ? AND next_check_at = ?`, checkedAt, next.UTC(), id, until.UTC())
	if err != nil {
		return fmt.Errorf("finish check of booking %s: %w", id, err)
	}
	return nil
}

// FlagBooking sets a booking's flag and what differs. Call it in the
// transaction that holds the booking's row lock and records the event.
func FlagBooking(ctx context.Context, q DBTX, id, flag, detail string, at time.Time) error {
	if r := []rune(detail); len(r) > 500 { // the column holds 500 characters
		detail = string(r[:500])
	}
	_, err := q.ExecContext(ctx, "UPDATE bookings SET flag = ?, flag_detail = ?, flagged_at = ? WHERE id = ?",
		flag, detail, at.UTC(), id)
	if err != nil {
		return fmt.Errorf("flag booking %s: %w", id, err)
	}
	return nil
}

// FlaggedBooking is a booking with a flag, for staff to look at.
type FlaggedBooking struct {
	Booking
	Check BookingCheck
}

// FlaggedBookings lists up to limit flagged bookings, most recently flagged
// first, whatever their status (staff may have settled some already).
func FlaggedBookings(ctx context.Context, q DBTX, limit int) ([]FlaggedBooking, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+bookingColumns+", "+bookingCheckColumns+
		" FROM bookings WHERE flag IS NOT NULL ORDER BY flagged_at DESC, id LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("flagged bookings: %w", err)
	}
	defer rows.Close()
	var out []FlaggedBooking
	for rows.Next() {
		var f FlaggedBooking
		if err := rows.Scan(append(f.Booking.fields(), f.Check.fields()...)...); err != nil {
			return nil, fmt.Errorf("scan flagged booking: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("flagged bookings: %w", err)
	}
	return out, nil
}
