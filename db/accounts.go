package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Account is a customer account with its saved guest details.
type Account struct {
	ID           int64
	Email        string
	PasswordHash string
	VerifiedAt   sql.NullTime
	Title        string
	FirstName    string
	LastName     string
	Phone        string
	Billing      string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// AccountToken is a single-use token sent by email, known by its hash.
type AccountToken struct {
	ID        int64
	Hash      string
	AccountID int64
	Purpose   string
	CreatedAt time.Time
	ExpiresAt time.Time
}

const accountColumns = `id, email, password_hash, verified_at, title, first_name, last_name, phone, billing_address,
	created_at, updated_at`

func scanAccount(s scanner) (Account, error) {
	var a Account
	err := s.Scan(&a.ID, &a.Email, &a.PasswordHash, &a.VerifiedAt, &a.Title, &a.FirstName, &a.LastName, &a.Phone,
		&a.Billing, &a.CreatedAt, &a.UpdatedAt)
	return a, err
}

// CreateAccount inserts an account and returns its id; an email already
// taken is ErrDuplicate.
func CreateAccount(ctx context.Context, q DBTX, a Account) (int64, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO accounts (email, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?)`, a.Email, a.PasswordHash, a.CreatedAt.UTC(), a.CreatedAt.UTC())
	if IsDuplicate(err) {
		return 0, fmt.Errorf("create account: %w", ErrDuplicate)
	}
	if err != nil {
		return 0, fmt.Errorf("create account: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("create account: %w", err)
	}
	return id, nil
}

// GetAccount returns an account by id, or ErrNotFound.
func GetAccount(ctx context.Context, q DBTX, id int64) (Account, error) {
	a, err := scanAccount(q.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM accounts WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, fmt.Errorf("account %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Account{}, fmt.Errorf("account %d: %w", id, err)
	}
	return a, nil
}

// AccountByEmail returns the account of a (lower-case) email, or
// ErrNotFound.
func AccountByEmail(ctx context.Context, q DBTX, email string) (Account, error) {
	a, err := scanAccount(q.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM accounts WHERE email = ?", email))
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, fmt.Errorf("account by email: %w", ErrNotFound)
	}
	if err != nil {
		return Account{}, fmt.Errorf("account by email: %w", err)
	}
	return a, nil
}

// SetAccountPassword replaces an account's password hash.
func SetAccountPassword(ctx context.Context, q DBTX, id int64, hash string, at time.Time) error {
	if _, err := q.ExecContext(ctx, "UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?",
		hash, at.UTC(), id); err != nil {
		return fmt.Errorf("set password of account %d: %w", id, err)
	}
	return nil
}

// MarkAccountVerified records that the account's email was proven, once.
func MarkAccountVerified(ctx context.Context, q DBTX, id int64, at time.Time) error {
	if _, err := q.ExecContext(ctx, "UPDATE accounts SET verified_at = ?, updated_at = ? WHERE id = ? AND verified_at IS NULL",
		at.UTC(), at.UTC(), id); err != nil {
		return fmt.Errorf("verify account %d: %w", id, err)
	}
	return nil
}

// SaveAccountDetails stores an account's saved guest details.
func SaveAccountDetails(ctx context.Context, q DBTX, a Account, at time.Time) error {
	if _, err := q.ExecContext(ctx, `UPDATE accounts SET title = ?, first_name = ?, last_name = ?, phone = ?,
		billing_address = ?, updated_at = ? WHERE id = ?`, a.Title, a.FirstName, a.LastName, a.Phone, a.Billing,
		at.UTC(), a.ID); err != nil {
		return fmt.Errorf("save details of account %d: %w", a.ID, err)
	}
	return nil
}

// InsertAccountToken stores a token by its hash and returns its id.
func InsertAccountToken(ctx context.Context, q DBTX, t AccountToken) (int64, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO account_tokens (token_hash, account_id, purpose, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, t.Hash, t.AccountID, t.Purpose, t.CreatedAt.UTC(), t.ExpiresAt.UTC())
	if err != nil {
		return 0, fmt.Errorf("insert account token: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("insert account token: %w", err)
	}
	return id, nil
}

// PeekAccountToken returns the unused, unexpired token with hash for
// purpose, or ErrNotFound; it does not use it.
func PeekAccountToken(ctx context.Context, q DBTX, hash, purpose string, now time.Time) (AccountToken, error) {
	var t AccountToken
	err := q.QueryRowContext(ctx, `SELECT id, token_hash, account_id, purpose, created_at, expires_at FROM account_tokens
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?`, hash, purpose, now.UTC()).
		Scan(&t.ID, &t.Hash, &t.AccountID, &t.Purpose, &t.CreatedAt, &t.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return AccountToken{}, fmt.Errorf("account token: %w", ErrNotFound)
	}
	if err != nil {
		return AccountToken{}, fmt.Errorf("account token: %w", err)
	}
	return t, nil
}

// UseAccountToken marks the token with hash used and returns it; a token
// that is unknown, of another purpose, used or expired is ErrNotFound. The
// conditional UPDATE lets exactly one of two concurrent uses win.
func UseAccountToken(ctx context.Context, q DBTX, hash, purpose string, now time.Time) (AccountToken, error) {
	t, err := PeekAccountToken(ctx, q, hash, purpose, now)
	if err != nil {
		return AccountToken{}, err
	}
	res, err := q.ExecContext(ctx, `UPDATE account_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?`,
		now.UTC(), t.ID, now.UTC())
	if err != nil {
		return AccountToken{}, fmt.Errorf("use account token: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return AccountToken{}, fmt.Errorf("use account token: %w", err)
	}
	if n == 0 {
		return AccountToken{}, fmt.Errorf("account token: %w", ErrNotFound)
	}
	return t, nil
}

// AttachBookingsByEmail attaches to an account every booking whose guest
// email is email and reports how many were new. The bookings are read with
// a plain SELECT first: INSERT … SELECT would lock the rows it reads.
func AttachBookingsByEmail(ctx context.Context, q DBTX, accountID int64, email string, at time.Time) (int, error) {
	rows, err := q.QueryContext(ctx, "SELECT id FROM bookings WHERE email = ?", email)
	if err != nil {
		return 0, fmt.Errorf("bookings of email: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("scan booking id: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("bookings of email: %w", err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	args := make([]any, 0, 3*len(ids))
	for _, id := range ids {
		args = append(args, accountID, id, at.UTC())
	}
	res, err := q.ExecContext(ctx, "INSERT IGNORE INTO account_bookings (account_id, booking_id, attached_at) VALUES "+
		strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(ids)), ", "), args...)
	if err != nil {
		return 0, fmt.Errorf("attach bookings to account %d: %w", accountID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("attach bookings to account %d: %w", accountID, err)
	}
	return int(n), nil
}

// AccountBooking is one booking as an account's page lists it.
type AccountBooking struct {
	ID             string
	Reference      string
	Status         string
	HotelID        int64
	HotelName      string
	Query          string
	ChargeAmount   int64
	ChargeCurrency string
	CreatedAt      time.Time
}

// AccountBookings lists the bookings attached to an account whose guest
// email is still email, newest first.
func AccountBookings(ctx context.Context, q DBTX, accountID int64, email string) ([]AccountBooking, error) {
	rows, err := q.QueryContext(ctx, `SELECT b.id, b.reference, b.status, b.hotel_id, COALESCE(h.name, ''), b.query,
		b.charge_amount, b.charge_currency, b.created_at
		FROM account_bookings ab
		JOIN bookings b ON b.id = ab.booking_id
		LEFT JOIN hotels h ON h.id = b.hotel_id
		WHERE ab.account_id = ? AND b.email = ?
		ORDER BY b.created_at DESC`, accountID, email)
	if err != nil {
		return nil, fmt.Errorf("bookings of account %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []AccountBooking
	for rows.Next() {
		var b AccountBooking
		if err := rows.Scan(&b.ID, &b.Reference, &b.Status, &b.HotelID, &b.HotelName, &b.Query, &b.ChargeAmount,
			&b.ChargeCurrency, &b.CreatedAt); err != nil {
			return nil, fmt.Errorf("scan account booking: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bookings of account %d: %w", accountID, err)
	}
	return out, nil
}
