package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// BookingNote is an internal note staff keep on a booking.
type BookingNote struct {
	BookingID  string
	Seq        int
	StaffID    int64
	StaffEmail string
	Body       string
	CreatedAt  time.Time
}

// AddBookingNote appends a note to a booking's notes.
func AddBookingNote(ctx context.Context, q DBTX, n BookingNote) error {
	var seq int
	if err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) + 1 FROM booking_notes WHERE booking_id = ?",
		n.BookingID).Scan(&seq); err != nil {
		return fmt.Errorf("next note of booking %s: %w", n.BookingID, err)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO booking_notes (booking_id, seq, staff_id, staff_email, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, n.BookingID, seq, n.StaffID, n.StaffEmail, n.Body, n.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("add note to booking %s: %w", n.BookingID, err)
	}
	return nil
}

// BookingNotes lists a booking's notes, oldest first.
func BookingNotes(ctx context.Context, q DBTX, bookingID string) ([]BookingNote, error) {
	rows, err := q.QueryContext(ctx, `SELECT booking_id, seq, staff_id, staff_email, body, created_at
		FROM booking_notes WHERE booking_id = ? ORDER BY seq`, bookingID)
	if err != nil {
		return nil, fmt.Errorf("notes of booking %s: %w", bookingID, err)
	}
	defer rows.Close()
	var out []BookingNote
	for rows.Next() {
		var n BookingNote
		if err := rows.Scan(&n.BookingID, &n.Seq, &n.StaffID, &n.StaffEmail, &n.Body, &n.CreatedAt); err != nil {
			return nil, fmt.Errorf("scan booking note: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notes of booking %s: %w", bookingID, err)
	}
	return out, nil
}

// Staff refund request statuses.
const (
	RefundRequestPending  = "pending"  // waits for a second member of staff
	RefundRequestRejected = "rejected" // the second member of staff refused it
	RefundRequestDone     = "done"     // the provider accepted the refund
	RefundRequestFailed   = "failed"   // the provider refused it
)

// RefundRequest is a refund staff asked for.
type RefundRequest struct {
	BookingID        string
	ID               string
	Amount           int64
	Currency         string
	Reason           string
	Status           string
	RequestedBy      int64
	RequestedAt      time.Time
	DecidedBy        sql.NullInt64
	DecidedAt        sql.NullTime
	ProviderRefundID sql.NullString
	LastError        sql.NullString
}

const refundRequestColumns = `booking_id, id, amount, currency, reason, status, requested_by, requested_at,
	decided_by, decided_at, provider_refund_id, last_error`

func scanRefundRequest(s scanner) (RefundRequest, error) {
	var r RefundRequest
	err := s.Scan(&r.BookingID, &r.ID, &r.Amount, &r.Currency, &r.Reason, &r.Status, &r.RequestedBy, &r.RequestedAt,
		&r.DecidedBy, &r.DecidedAt, &r.ProviderRefundID, &r.LastError)
	return r, err
}

// InsertRefundRequest stores a new refund request.
func InsertRefundRequest(ctx context.Context, q DBTX, r RefundRequest) error {
	_, err := q.ExecContext(ctx, "INSERT INTO staff_refund_requests ("+refundRequestColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.BookingID, r.ID, r.Amount, r.Currency, r.Reason, r.Status,
		r.RequestedBy, r.RequestedAt.UTC(), r.DecidedBy, r.DecidedAt, r.ProviderRefundID, r.LastError)
	if IsDuplicate(err) {
		return fmt.Errorf("insert refund request %s: %w", r.ID, ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("insert refund request %s: %w", r.ID, err)
	}
	return nil
}

// GetRefundRequest returns a refund request by id; lock takes its row lock
// until q ends.
func GetRefundRequest(ctx context.Context, q DBTX, id string, lock bool) (RefundRequest, error) {
	query := "SELECT " + refundRequestColumns + " FROM staff_refund_requests WHERE id = ?"
	if lock {
		query += " FOR UPDATE"
	}
	r, err := scanRefundRequest(q.QueryRowContext(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return RefundRequest{}, fmt.Errorf("refund request %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return RefundRequest{}, fmt.Errorf("refund request %s: %w", id, err)
	}
	return r, nil
}

// UpdateRefundRequest writes a request's decision and outcome.
func UpdateRefundRequest(ctx context.Context, q DBTX, r RefundRequest) error {
	_, err := q.ExecContext(ctx, `UPDATE staff_refund_requests SET status = ?, decided_by = ?, decided_at = ?,
		provider_refund_id = ?, last_error = ? WHERE id = ?`, r.Status, r.DecidedBy, r.DecidedAt, r.ProviderRefundID,
		r.LastError, r.ID)
	if err != nil {
		return fmt.Errorf("update refund request %s: %w", r.ID, err)
	}
	return nil
}

// RefundRequests lists refund requests, oldest first: a booking's when
// bookingID is set, else every one in status (all when status is empty).
func RefundRequests(ctx context.Context, q DBTX, bookingID, status string) ([]RefundRequest, error) {
	query := "SELECT " + refundRequestColumns + " FROM staff_refund_requests"
	var where []string
	var args []any
	if bookingID != "" {
		where, args = append(where, "booking_id = ?"), append(args, bookingID)
	}
	if status != "" {
		where, args = append(where, "status = ?"), append(args, status)
	}
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY requested_at, id", args...)
	if err != nil {
		return nil, fmt.Errorf("refund requests: %w", err)
	}
	defer rows.Close()
	var out []RefundRequest
	for rows.Next() {
		r, err := scanRefundRequest(rows)
		if err != nil {
			return nil, fmt.Errorf("scan refund request: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("refund requests: %w", err)
	}
	return out, nil
}

// BookingSearch is what the staff bookings desk looks for; zero fields
// match everything.
type BookingSearch struct {
	// Text matches a reference or email exactly, or part of the guest's
	// name or the hotel's name.
	Text     string
	Status   string
	Supplier string
	// CheckinFrom and CheckinTo bound the check-in date (YYYY-MM-DD, both
	// inclusive).
	CheckinFrom, CheckinTo string
	// Sort is created, checkin, reference or amount; Desc reverses it.
	Sort string
	Desc bool
}

// BookingListRow is a booking as the desk lists it.
type BookingListRow struct {
	Booking
	HotelName string
}

// checkinExpr extracts the check-in date from a booking's stay JSON with
// string functions every supported server knows.
const checkinExpr = `SUBSTRING(b.query, LOCATE('"Checkin":"', b.query) + 11, 10)`

// SearchBookings lists the bookings matching s, up to limit after offset,
// and how many match in all.
func SearchBookings(ctx context.Context, q DBTX, s BookingSearch, limit, offset int) ([]BookingListRow, int, error) {
	var where []string
	var args []any
	if t := strings.TrimSpace(s.Text); t != "" {
		like := "%" + likeEscape(t) + "%"
		where = append(where, `(b.reference = ? OR b.email = ? OR CONCAT(COALESCE(b.first_name, ''), ' ',
			COALESCE(b.last_name, '')) LIKE ? OR h.name LIKE ?)`)
		args = append(args, strings.ToUpper(t), t, like, like)
	}
	if s.Status != "" {
		where, args = append(where, "b.status = ?"), append(args, s.Status)
	}
	if s.Supplier != "" {
		where, args = append(where, "b.supplier = ?"), append(args, s.Supplier)
	}
	if s.CheckinFrom != "" {
		where, args = append(where, checkinExpr+" >= ?"), append(args, s.CheckinFrom)
	}
	if s.CheckinTo != "" {
		where, args = append(where, checkinExpr+" <= ?"), append(args, s.CheckinTo)
	}
	from := " FROM bookings b LEFT JOIN hotels h ON h.id = b.hotel_id"
	if len(where) > 0 {
		from += " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*)"+from, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count bookings: %w", err)
	}
	order := map[string]string{"created": "b.created_at", "checkin": checkinExpr, "reference": "b.reference",
		"amount": "b.charge_amount"}[s.Sort]
	if order == "" {
		order = "b.created_at"
	}
	dir := " ASC"
	if s.Desc {
		dir = " DESC"
	}
	cols := "b." + strings.ReplaceAll(strings.Join(strings.Fields(bookingColumns), " "), ", ", ", b.")
	rows, err := q.QueryContext(ctx, "SELECT "+cols+", COALESCE(h.name, '')"+from+" ORDER BY "+order+dir+
		", b.id LIMIT ? OFFSET ?", append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("search bookings: %w", err)
	}
	defer rows.Close()
	var out []BookingListRow
	for rows.Next() {
		var r BookingListRow
		if err := rows.Scan(append(r.Booking.fields(), &r.HotelName)...); err != nil {
			return nil, 0, fmt.Errorf("scan booking: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("search bookings: %w", err)
	}
	return out, total, nil
}

// NameOfHotel returns a catalog hotel's name, "" when there is none.
func NameOfHotel(ctx context.Context, q DBTX, id int64) (string, error) {
	var name string
	err := q.QueryRowContext(ctx, "SELECT name FROM hotels WHERE id = ?", id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("hotel name %d: %w", id, err)
	}
	return name, nil
}

// OutboxOfBooking lists the emails of a booking, oldest first.
func OutboxOfBooking(ctx context.Context, q DBTX, bookingID string) ([]OutboxMessage, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+outboxColumns+" FROM outbox WHERE booking_id = ? ORDER BY id", bookingID)
	if err != nil {
		return nil, fmt.Errorf("outbox of booking %s: %w", bookingID, err)
	}
	defer rows.Close()
	var out []OutboxMessage
	for rows.Next() {
		m, err := scanOutbox(rows)
		if err != nil {
			return nil, fmt.Errorf("scan outbox message: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox of booking %s: %w", bookingID, err)
	}
	return out, nil
}
