package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Staff account statuses.
const (
	StaffEnrolling = "enrolling" // created; the enrolment link is not used yet
	StaffActive    = "active"
	StaffDisabled  = "disabled"
)

// StaffUser is one row of staff_users. The admin package owns its rules.
type StaffUser struct {
	ID           int64
	Email        string
	Role         string
	Status       string
	PasswordHash sql.NullString
	TOTPSecret   sql.NullString
	// TOTPLastStep is the last TOTP time step accepted at login.
	TOTPLastStep int64
	CreatedAt    time.Time
	EnrolledAt   sql.NullTime
}

const staffColumns = `id, email, role, status, password_hash, totp_secret, totp_last_step, created_at, enrolled_at`

func scanStaff(s scanner) (StaffUser, error) {
	var u StaffUser
	err := s.Scan(&u.ID, &u.Email, &u.Role, &u.Status, &u.PasswordHash, &u.TOTPSecret, &u.TOTPLastStep,
		&u.CreatedAt, &u.EnrolledAt)
	return u, err
}

func oneStaff(row *sql.Row, what string) (StaffUser, error) {
	u, err := scanStaff(row)
	if errors.Is(err, sql.ErrNoRows) {
		return StaffUser{}, fmt.Errorf("staff user %s: %w", what, ErrNotFound)
	}
	if err != nil {
		return StaffUser{}, fmt.Errorf("staff user %s: %w", what, err)
	}
	return u, nil
}

// InsertStaffUser stores a new staff account and returns its id; an email
// already taken is ErrDuplicate.
func InsertStaffUser(ctx context.Context, q DBTX, u StaffUser) (int64, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO staff_users (email, role, status, created_at) VALUES (?, ?, ?, ?)`,
		u.Email, u.Role, u.Status, u.CreatedAt.UTC())
	if IsDuplicate(err) {
		return 0, fmt.Errorf("insert staff user: %w", ErrDuplicate)
	}
	if err != nil {
		return 0, fmt.Errorf("insert staff user: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("insert staff user: %w", err)
	}
	return id, nil
}

// GetStaffUser returns a staff account by id.
func GetStaffUser(ctx context.Context, q DBTX, id int64) (StaffUser, error) {
	return oneStaff(q.QueryRowContext(ctx, "SELECT "+staffColumns+" FROM staff_users WHERE id = ?", id),
		fmt.Sprint(id))
}

// LockStaffUser returns a staff account by id, locking its row until q ends.
func LockStaffUser(ctx context.Context, q DBTX, id int64) (StaffUser, error) {
	return oneStaff(q.QueryRowContext(ctx, "SELECT "+staffColumns+" FROM staff_users WHERE id = ? FOR UPDATE", id),
		fmt.Sprint(id))
}

// StaffUserByEmail returns a staff account by its email.
func StaffUserByEmail(ctx context.Context, q DBTX, email string) (StaffUser, error) {
	return oneStaff(q.QueryRowContext(ctx, "SELECT "+staffColumns+" FROM staff_users WHERE email = ?", email), "by email")
}

// ListStaffUsers lists every staff account by email.
func ListStaffUsers(ctx context.Context, q DBTX) ([]StaffUser, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+staffColumns+" FROM staff_users ORDER BY email")
	if err != nil {
		return nil, fmt.Errorf("list staff users: %w", err)
	}
	defer rows.Close()
	var out []StaffUser
	for rows.Next() {
		u, err := scanStaff(rows)
		if err != nil {
			return nil, fmt.Errorf("scan staff user: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list staff users: %w", err)
	}
	return out, nil
}

// CompleteStaffEnrolment sets an account's password hash and TOTP secret,
// makes it active and remembers the TOTP step of the confirming code.
func CompleteStaffEnrolment(ctx context.Context, q DBTX, id int64, passwordHash, totpSecret string, step int64,
	at time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE staff_users SET password_hash = ?, totp_secret = ?, totp_last_step = ?,
		status = 'active', enrolled_at = ? WHERE id = ?`, passwordHash, totpSecret, step, at.UTC(), id)
	if err != nil {
		return fmt.Errorf("complete enrolment of staff user %d: %w", id, err)
	}
	return nil
}

// AdvanceTOTPStep records step as the last TOTP step used by an account. It
// reports false when that step (or a later one) was used already: a replay.
func AdvanceTOTPStep(ctx context.Context, q DBTX, id, step int64) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE staff_users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`,
		step, id, step)
	if err != nil {
		return false, fmt.Errorf("totp step of staff user %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("totp step of staff user %d: %w", id, err)
	}
	return n == 1, nil
}

// InsertStaffEnrolment stores a one-time enrolment link by its token's hash.
func InsertStaffEnrolment(ctx context.Context, q DBTX, tokenHash string, staffID int64, expires time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO staff_enrolments (token_hash, staff_id, expires_at) VALUES (?, ?, ?)`,
		tokenHash, staffID, expires.UTC())
	if err != nil {
		return fmt.Errorf("insert staff enrolment: %w", err)
	}
	return nil
}

// StaffEnrolment is a one-time enrolment link.
type StaffEnrolment struct {
	TokenHash string
	StaffID   int64
	ExpiresAt time.Time
	UsedAt    sql.NullTime
}

// GetStaffEnrolment returns an enrolment link by its token's hash; lock
// takes its row lock until q ends.
func GetStaffEnrolment(ctx context.Context, q DBTX, tokenHash string, lock bool) (StaffEnrolment, error) {
	query := "SELECT token_hash, staff_id, expires_at, used_at FROM staff_enrolments WHERE token_hash = ?"
	if lock {
		query += " FOR UPDATE"
	}
	var e StaffEnrolment
	err := q.QueryRowContext(ctx, query, tokenHash).Scan(&e.TokenHash, &e.StaffID, &e.ExpiresAt, &e.UsedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return StaffEnrolment{}, fmt.Errorf("staff enrolment: %w", ErrNotFound)
	}
	if err != nil {
		return StaffEnrolment{}, fmt.Errorf("staff enrolment: %w", err)
	}
	return e, nil
}

// UseStaffEnrolment marks an enrolment link used at at.
func UseStaffEnrolment(ctx context.Context, q DBTX, tokenHash string, at time.Time) error {
	if _, err := q.ExecContext(ctx, "UPDATE staff_enrolments SET used_at = ? WHERE token_hash = ?", at.UTC(),
		tokenHash); err != nil {
		return fmt.Errorf("use staff enrolment: %w", err)
	}
	return nil
}

// InsertRecoveryCodes stores an account's recovery codes by their hashes.
func InsertRecoveryCodes(ctx context.Context, q DBTX, staffID int64, hashes []string) error {
	for _, h := range hashes {
		if _, err := q.ExecContext(ctx, "INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES (?, ?)",
			staffID, h); err != nil {
			return fmt.Errorf("insert recovery code: %w", err)
		}
	}
	return nil
}

// UseRecoveryCode uses up an account's unused recovery code by its hash. It
// reports false when there is no such unused code.
func UseRecoveryCode(ctx context.Context, q DBTX, staffID int64, hash string, at time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE staff_recovery_codes SET used_at = ?
		WHERE staff_id = ? AND code_hash = ? AND used_at IS NULL`, at.UTC(), staffID, hash)
	if err != nil {
		return false, fmt.Errorf("use recovery code: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("use recovery code: %w", err)
	}
	return n == 1, nil
}

// UnusedRecoveryCodes counts an account's recovery codes left.
func UnusedRecoveryCodes(ctx context.Context, q DBTX, staffID int64) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM staff_recovery_codes WHERE staff_id = ? AND used_at IS NULL",
		staffID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count recovery codes: %w", err)
	}
	return n, nil
}
