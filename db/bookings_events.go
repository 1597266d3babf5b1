package db

import (
	"context"
	"fmt"
	"time"
)

// BookingEvent is one recorded status change of a booking.
type BookingEvent struct {
	BookingID string
	Seq       int
	At        time.Time
	From, To  string
	Cause     string
}

// AddBookingEvent records a status change as the booking's next event. Call
// it in the transaction that holds the booking's row lock, which orders seq.
func AddBookingEvent(ctx context.Context, q DBTX, e BookingEvent) error {
	cause := e.Cause
	if r := []rune(cause); len(r) > 500 { // the column holds 500 characters
		cause = string(r[:500])
	}
	// A plain read, then the insert: INSERT … SELECT would take shared locks
	// on the events index that deadlock with other bookings' inserts.
	var seq int
	if err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) + 1 FROM booking_events WHERE booking_id = ?",
		e.BookingID).Scan(&seq); err != nil {
		return fmt.Errorf("next event of booking %s: %w", e.BookingID, err)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO booking_events (booking_id, seq, at, from_status, to_status, cause)
		VALUES (?, ?, ?, ?, ?, ?)`, e.BookingID, seq, e.At.UTC(), e.From, e.To, cause)
	if err != nil {
		return fmt.Errorf("add event of booking %s: %w", e.BookingID, err)
	}
	return nil
}

// BookingEvents lists a booking's status changes in order.
func BookingEvents(ctx context.Context, q DBTX, bookingID string) ([]BookingEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT booking_id, seq, at, from_status, to_status, cause
		FROM booking_events WHERE booking_id = ? ORDER BY seq`, bookingID)
	if err != nil {
		return nil, fmt.Errorf("events of booking %s: %w", bookingID, err)
	}
	defer rows.Close()
	var out []BookingEvent
	for rows.Next() {
		var e BookingEvent
		if err := rows.Scan(&e.BookingID, &e.Seq, &e.At, &e.From, &e.To, &e.Cause); err != nil {
			return nil, fmt.Errorf("scan booking event: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events of booking %s: %w", bookingID, err)
	}
	return out, nil
}

// RecordWebhookEvent notes a payment webhook event by its id. It reports
// whether the event still needs acting on: false when it was processed before.
func RecordWebhookEvent(ctx context.Context, q DBTX, eventID, eventType string, at time.Time) (bool, error) {
	_, err := q.ExecContext(ctx, "INSERT INTO payment_webhook_events (event_id, type, received_at) VALUES (?, ?, ?)",
		eventID, eventType, at.UTC())
	if err == nil {
		return true, nil
	}
	if !IsDuplicate(err) {
		return false, fmt.Errorf("record webhook event %s: %w", eventID, err)
	}
	var processed bool
	if err := q.QueryRowContext(ctx, "SELECT processed_at IS NOT NULL FROM payment_webhook_events WHERE event_id = ?",
		eventID).Scan(&processed); err != nil {
		return false, fmt.Errorf("webhook event %s: %w", eventID, err)
	}
	return !processed, nil
}

// MarkWebhookProcessed notes that a webhook event was acted on.
func MarkWebhookProcessed(ctx context.Context, q DBTX, eventID string, at time.Time) error {
	_, err := q.ExecContext(ctx, "UPDATE payment_webhook_events SET processed_at = ? WHERE event_id = ? AND processed_at IS NULL",
		at.UTC(), eventID)
	if err != nil {
		return fmt.Errorf("mark webhook event %s: %w", eventID, err)
	}
	return nil
}

// OutboxMessage is one email waiting in the outbox.
type OutboxMessage struct {
	ID        int64
	BookingID string
	Kind      string
	To        string
	Subject   string
	Body      string
	Status    string
	Attempts  int
	NextAt    time.Time
	CreatedAt time.Time
}

// EnqueueOutbox adds an email; one of each kind per booking (a second is
// ErrDuplicate).
func EnqueueOutbox(ctx context.Context, q DBTX, m OutboxMessage) error {
	_, err := q.ExecContext(ctx, `INSERT INTO outbox (booking_id, kind, to_addr, subject, body, status, attempts, next_at, created_at)
		VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)`, m.BookingID, m.Kind, m.To, m.Subject, m.Body, m.NextAt.UTC(), m.CreatedAt.UTC())
	if IsDuplicate(err) {
		return fmt.Errorf("enqueue %s of booking %s: %w", m.Kind, m.BookingID, ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("enqueue %s of booking %s: %w", m.Kind, m.BookingID, err)
	}
	return nil
}

// OutboxOf lists the emails of a booking, oldest first.
func OutboxOf(ctx context.Context, q DBTX, bookingID string) ([]OutboxMessage, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, booking_id, kind, to_addr, subject, body, status, attempts, next_at, created_at
		FROM outbox WHERE booking_id = ? ORDER BY id`, bookingID)
	if err != nil {
		return nil, fmt.Errorf("outbox of booking %s: %w", bookingID, err)
	}
	defer rows.Close()
	var out []OutboxMessage
	for rows.Next() {
		var m OutboxMessage
		if err := rows.Scan(&m.ID, &m.BookingID, &m.Kind, &m.To, &m.Subject, &m.Body, &m.Status, &m.Attempts,
			&m.NextAt, &m.CreatedAt); err != nil {
			return nil, fmt.Errorf("scan outbox message: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox of booking %s: %w", bookingID, err)
	}
	return out, nil
}
