package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Outbox statuses. A message is pending until a sender claims it; while
// sending, next_at is the claim's lease, after which another sender may take
// it over (the first one crashed). For sent and failed messages next_at holds
// the time of that outcome.
const (
	OutboxPending = "pending"
	OutboxSending = "sending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// ErrOutboxBusy is returned when a message cannot be changed because a
// sender holds it and its lease has not run out.
var ErrOutboxBusy = errors.New("outbox message is being sent")

const outboxColumns = `id, booking_id, kind, to_addr, subject, body, status, attempts, next_at, created_at`

func scanOutbox(s scanner) (OutboxMessage, error) {
	var m OutboxMessage
	err := s.Scan(&m.ID, &m.BookingID, &m.Kind, &m.To, &m.Subject, &m.Body, &m.Status, &m.Attempts, &m.NextAt,
		&m.CreatedAt)
	return m, err
}

// GetOutbox returns one outbox message by id, or ErrNotFound.
func GetOutbox(ctx context.Context, q DBTX, id int64) (OutboxMessage, error) {
	m, err := scanOutbox(q.QueryRowContext(ctx, "SELECT "+outboxColumns+" FROM outbox WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return OutboxMessage{}, fmt.Errorf("outbox message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return OutboxMessage{}, fmt.Errorf("outbox message %d: %w", id, err)
	}
	return m, nil
}

// ListOutbox lists up to limit outbox messages, newest first, skipping
// offset; status "" means every status.
func ListOutbox(ctx context.Context, q DBTX, status string, limit, offset int) ([]OutboxMessage, error) {
	query := "SELECT " + outboxColumns + " FROM outbox"
	var args []any
	if status != "" {
		query += " WHERE status = ?"
		args = append(args, status)
	}
	query += " ORDER BY id DESC LIMIT ? OFFSET ?"
	args = append(args, limit, offset)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
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
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return out, nil
}

// DueOutboxIDs lists up to limit messages a sender may claim at now: pending
// ones whose time has come and sending ones whose lease ran out, longest
// waiting first. The outbox is small, so this scans it without an index.
func DueOutboxIDs(ctx context.Context, q DBTX, now time.Time, limit int) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM outbox WHERE status IN ('pending', 'sending') AND next_at <= ?
		ORDER BY next_at, id LIMIT ?`, now.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("due outbox: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan outbox id: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("due outbox: %w", err)
	}
	return ids, nil
}

// ClaimOutbox takes a due message for sending until leaseUntil and counts the
// attempt. It reports false, without error, when the message is not due any
// more: another sender claimed it first, or it was sent or given up.
// The returned Attempts is the claim's token for MarkOutboxSent,
// RetryOutbox and FailOutbox.
func ClaimOutbox(ctx context.Context, q DBTX, id int64, now, leaseUntil time.Time) (OutboxMessage, bool, error) {
	// One conditional UPDATE: the row lock orders competing senders, and the
	// loser re-reads the row, finds next_at in the future and changes nothing.
	res, err := q.ExecContext(ctx, `UPDATE outbox SET status = 'sending', next_at = ?, attempts = attempts + 1
		WHERE id = ? AND status IN ('pending', 'sending') AND next_at <= ?`, leaseUntil.UTC(), id, now.UTC())
	if err != nil {
		return OutboxMessage{}, false, fmt.Errorf("claim outbox message %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return OutboxMessage{}, false, fmt.Errorf("claim outbox message %d: %w", id, err)
	}
	if n == 0 {
		return OutboxMessage{}, false, nil
	}
	m, err := GetOutbox(ctx, q, id)
	if err != nil {
		return OutboxMessage{}, false, fmt.Errorf("claim: %w", err)
	}
	return m, true, nil
}

// finishOutbox moves a claimed message on to status with next_at, provided
// the claim (its attempt number) still holds. It reports false when another
// sender has taken the message over since.
func finishOutbox(ctx context.Context, q DBTX, id int64, attempt int, status string, next time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE outbox SET status = ?, next_at = ?
		WHERE id = ? AND status = 'sending' AND attempts = ?`, status, next.UTC(), id, attempt)
	if err != nil {
		return false, fmt.Errorf("mark outbox message %d %s: %w", id, status, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("mark outbox message %d %s: %w", id, status, err)
	}
	return n == 1, nil
}

// MarkOutboxSent records that a claimed message was delivered at at.
func MarkOutboxSent(ctx context.Context, q DBTX, id int64, attempt int, at time.Time) (bool, error) {
	return finishOutbox(ctx, q, id, attempt, OutboxSent, at)
}

// RetryOutbox puts a claimed message whose attempt failed back to pending,
// due again at next.
func RetryOutbox(ctx context.Context, q DBTX, id int64, attempt int, next time.Time) (bool, error) {
	return finishOutbox(ctx, q, id, attempt, OutboxPending, next)
}

// FailOutbox gives up on a claimed message at at; only RequeueOutbox brings
// it back.
func FailOutbox(ctx context.Context, q DBTX, id int64, attempt int, at time.Time) (bool, error) {
	return finishOutbox(ctx, q, id, attempt, OutboxFailed, at)
}

// RequeueOutbox makes a message pending again, due at now with its attempts
// reset, so that it is sent (again) on the next pass: staff use it to resend
// an email. A message that a sender holds under a live lease is ErrOutboxBusy.
func RequeueOutbox(ctx context.Context, q DBTX, id int64, now time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE outbox SET status = 'pending', attempts = 0, next_at = ?
		WHERE id = ? AND (status <> 'sending' OR next_at <= ?)`, now.UTC(), id, now.UTC())
	if err != nil {
		return fmt.Errorf("requeue outbox message %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("requeue outbox message %d: %w", id, err)
	}
	if n == 1 {
		return nil
	}
	// Nothing changed: no such message, a live lease, or it was already
	// pending with these very values.
	m, err := GetOutbox(ctx, q, id)
	if err != nil {
		return fmt.Errorf("requeue: %w", err)
	}
	if m.Status == OutboxSending && m.NextAt.After(now) {
		return fmt.Errorf("requeue outbox message %d: %w", id, ErrOutboxBusy)
	}
	return nil
}
