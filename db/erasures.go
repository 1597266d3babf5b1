package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// ErasedCounts counts the rows an erasure changed, by table: "bookings"
// and "outbox" rows anonymised, "outbox_deleted" unsent emails deleted.
// Other parts add their own tables before RecordErasure.
type ErasedCounts map[string]int64

// Add adds the counts of other to c.
func (c ErasedCounts) Add(other ErasedCounts) {
	for k, v := range other {
		c[k] += v
	}
}

// String lists the counts in table order, e.g. "bookings=2 outbox=1".
func (c ErasedCounts) String() string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(c)) {
		parts = append(parts, fmt.Sprintf("%s=%d", k, c[k]))
	}
	return strings.Join(parts, " ")
}

// Erasure is one recorded erasure: when and how much, never whose.
type Erasure struct {
	ID       string
	ErasedAt time.Time
	Counts   ErasedCounts
}

// LockBookingsOf returns the bookings made with an email address (compared
// without regard to case), oldest first, and locks their rows until the
// transaction q ends: none of them moves on while an erasure decides.
func LockBookingsOf(ctx context.Context, q DBTX, email string) ([]Booking, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+bookingColumns+
		" FROM bookings WHERE email = ? ORDER BY created_at, id FOR UPDATE", strings.TrimSpace(email))
	if err != nil {
		return nil, fmt.Errorf("bookings of an email: %w", err)
	}
	defer rows.Close()
	var out []Booking
	for rows.Next() {
		var b Booking
		if err := rows.Scan(b.fields()...); err != nil {
			return nil, fmt.Errorf("scan booking: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bookings of an email: %w", err)
	}
	return out, nil
}

// EraseBookingsOf erases, in q (the caller's transaction), the personal data
// of every booking made with an email address: the guest's title, names,
// email, phone, arrival time, special requests, billing address and card
// brand and last digits become NULL, while amounts, currencies, dates,
// statuses and our, the supplier's and the provider's references stay for
// the accounts. Emails to the address or about those bookings lose their
// address and body once sent; unsent ones are deleted. The caller decides
// whether erasing is allowed (see LockBookingsOf).
func EraseBookingsOf(ctx context.Context, q DBTX, email string) (ErasedCounts, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		// An empty address would match the outbox rows erased before.
		return nil, errors.New("erase bookings: email required")
	}
	counts := ErasedCounts{}
	exec := func(key, query string, args ...any) error {
		res, err := q.ExecContext(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("erase %s: %w", key, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("erase %s: %w", key, err)
		}
		counts[key] += n
		return nil
	}
	// The outbox first: its rows are found through the bookings' email.
	const theirs = `(to_addr = ? OR booking_id IN (SELECT id FROM bookings WHERE email = ?))`
	if err := exec("outbox_deleted", "DELETE FROM outbox WHERE status IN (?, ?) AND "+theirs,
		OutboxPending, OutboxSending, email, email); err != nil {
		return nil, err
	}
	if err := exec("outbox", "UPDATE outbox SET to_addr = '', body = '' WHERE (to_addr <> '' OR body <> '') AND "+theirs,
		email, email); err != nil {
		return nil, err
	}
	if err := exec("bookings", `UPDATE bookings SET title = NULL, first_name = NULL, last_name = NULL, email = NULL,
		phone = NULL, arrival_time = NULL, special_requests = NULL, billing_address = NULL, card_brand = NULL,
		card_last4 = NULL WHERE email = ?`, email); err != nil {
		return nil, err
	}
	return counts, nil
}

// RecordErasure records that an erasure happened at at with counts, under a
// new random id, which it returns.
func RecordErasure(ctx context.Context, q DBTX, at time.Time, counts ErasedCounts) (string, error) {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	id := hex.EncodeToString(b)
	if counts == nil {
		counts = ErasedCounts{}
	}
	raw, err := json.Marshal(counts)
	if err != nil {
		return "", fmt.Errorf("record erasure: %w", err)
	}
	if _, err := q.ExecContext(ctx, "INSERT INTO erasures (id, erased_at, counts) VALUES (?, ?, ?)",
		id, at.UTC(), string(raw)); err != nil {
		return "", fmt.Errorf("record erasure: %w", err)
	}
	return id, nil
}

// GetErasure returns a recorded erasure by id, or ErrNotFound.
func GetErasure(ctx context.Context, q DBTX, id string) (Erasure, error) {
	var e Erasure
	var raw string
	err := q.QueryRowContext(ctx, "SELECT id, erased_at, counts FROM erasures WHERE id = ?", id).
		Scan(&e.ID, &e.ErasedAt, &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return Erasure{}, fmt.Errorf("erasure %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Erasure{}, fmt.Errorf("erasure %s: %w", id, err)
	}
	if err := json.Unmarshal([]byte(raw), &e.Counts); err != nil {
		return Erasure{}, fmt.Errorf("decode erasure %s: %w", id, err)
	}
	return e, nil
}
