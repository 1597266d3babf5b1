package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// RefundCancellation is the reason of the refund a cancelled booking is owed.
const RefundCancellation = "cancellation"

// Refund statuses. A refund is pending until the provider accepts it;
// processing while the provider has accepted it without finishing; none
// when there is nothing to give back.
const (
	RefundPending    = "pending"
	RefundProcessing = "processing"
	RefundSucceeded  = "succeeded"
	RefundFailed     = "failed"
	RefundNone       = "none"
)

// Refund is one row of booking_refunds: what a booking is owed back and how
// far the provider got with it.
type Refund struct {
	BookingID string
	Reason    string
	Amount    int64 // given back, in Currency
	Currency  string
	FeeAmount int64 // kept as the cancellation fee, in Currency
	// SupplierFeeAmount is what the supplier charges us, in its currency.
	SupplierFeeAmount   int64
	SupplierFeeCurrency string
	Status              string
	ProviderRefundID    sql.NullString
	Attempts            int
	LastError           sql.NullString
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

const refundColumns = `booking_id, reason, amount, currency, fee_amount, supplier_fee_amount, supplier_fee_currency,
	status, provider_refund_id, attempts, last_error, created_at, updated_at`

func scanRefund(s scanner) (Refund, error) {
	var r Refund
	err := s.Scan(&r.BookingID, &r.Reason, &r.Amount, &r.Currency, &r.FeeAmount, &r.SupplierFeeAmount,
		&r.SupplierFeeCurrency, &r.Status, &r.ProviderRefundID, &r.Attempts, &r.LastError, &r.CreatedAt, &r.UpdatedAt)
	return r, err
}

// InsertRefund records a refund a booking is owed; a second one for the same
// booking and reason is ErrDuplicate.
func InsertRefund(ctx context.Context, q DBTX, r Refund) error {
	_, err := q.ExecContext(ctx, "INSERT INTO booking_refunds ("+refundColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.BookingID, r.Reason, r.Amount, r.Currency, r.FeeAmount,
		r.SupplierFeeAmount, r.SupplierFeeCurrency, r.Status, r.ProviderRefundID, r.Attempts, r.LastError,
		r.CreatedAt.UTC(), r.UpdatedAt.UTC())
	if IsDuplicate(err) {
		return fmt.Errorf("insert %s refund of booking %s: %w", r.Reason, r.BookingID, ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("insert %s refund of booking %s: %w", r.Reason, r.BookingID, err)
	}
	return nil
}

// GetRefund returns a booking's refund for a reason, or ErrNotFound.
func GetRefund(ctx context.Context, q DBTX, bookingID, reason string) (Refund, error) {
	r, err := scanRefund(q.QueryRowContext(ctx, "SELECT "+refundColumns+
		" FROM booking_refunds WHERE booking_id = ? AND reason = ?", bookingID, reason))
	if errors.Is(err, sql.ErrNoRows) {
		return Refund{}, fmt.Errorf("%s refund of booking %s: %w", reason, bookingID, ErrNotFound)
	}
	if err != nil {
		return Refund{}, fmt.Errorf("%s refund of booking %s: %w", reason, bookingID, err)
	}
	return r, nil
}

// PendingRefunds lists up to limit refunds for reason that the provider has
// not accepted yet, least recently tried first.
func PendingRefunds(ctx context.Context, q DBTX, reason string, limit int) ([]Refund, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+refundColumns+
		" FROM booking_refunds WHERE status = ? AND reason = ? ORDER BY updated_at, booking_id LIMIT ?",
		RefundPending, reason, limit)
	if err != nil {
		return nil, fmt.Errorf("pending refunds: %w", err)
	}
	defer rows.Close()
	var out []Refund
	for rows.Next() {
		r, err := scanRefund(rows)
		if err != nil {
			return nil, fmt.Errorf("scan refund: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pending refunds: %w", err)
	}
	return out, nil
}

// RecordRefundAttempt notes one call to the provider for a pending or
// processing refund: its outcome status, the provider's refund id when it
// answered, and the error when it did not. A refund that reached a final
// status (by a webhook meanwhile) is left as it is; ok says whether the row
// changed.
func RecordRefundAttempt(ctx context.Context, q DBTX, bookingID, reason, status, providerRefundID, errText string,
	at time.Time) (bool, error) {
	if r := []rune(errText); len(r) > 500 { // the column holds 500 characters
		errText = string(r[:500])
	}
	res, err := q.ExecContext(ctx, `UPDATE booking_refunds SET status = ?,
		provider_refund_id = COALESCE(provider_refund_id, ?), attempts = attempts + 1, last_error = ?, updated_at = ?
		WHERE booking_id = ? AND reason = ? AND status IN (?, ?)`,
		status, sql.NullString{String: providerRefundID, Valid: providerRefundID != ""},
		sql.NullString{String: errText, Valid: errText != ""}, at.UTC(), bookingID, reason, RefundPending, RefundProcessing)
	if err != nil {
		return false, fmt.Errorf("record %s refund attempt of booking %s: %w", reason, bookingID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record %s refund attempt of booking %s: %w", reason, bookingID, err)
	}
	return n == 1, nil
}

// MarkRefundSucceeded records the provider's word that a refund went
// through: the refund with that provider id or, when the provider's answer
// to our call never arrived (no refund carries the id), the oldest of that
// payment's booking of that amount without a provider id yet. It reports
// whether a refund changed; false when none matches or it had succeeded
// already.
func MarkRefundSucceeded(ctx context.Context, q DBTX, paymentID, providerRefundID string, amount int64,
	at time.Time) (bool, error) {
	fail := func(err error) (bool, error) {
		return false, fmt.Errorf("mark refund %s succeeded: %w", providerRefundID, err)
	}
	changed := func(res sql.Result, err error) (bool, error) {
		if err != nil {
			return fail(err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fail(err)
		}
		return n > 0, nil
	}
	if providerRefundID != "" {
		ok, err := changed(q.ExecContext(ctx, `UPDATE booking_refunds SET status = ?, updated_at = ?
			WHERE provider_refund_id = ? AND status IN (?, ?)`,
			RefundSucceeded, at.UTC(), providerRefundID, RefundPending, RefundProcessing))
		if err != nil || ok {
			return ok, err
		}
		var known int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM booking_refunds WHERE provider_refund_id = ?",
			providerRefundID).Scan(&known); err != nil {
			return fail(err)
		}
		if known > 0 {
			return false, nil
		}
	}
	id := sql.NullString{String: providerRefundID, Valid: providerRefundID != ""}
	return changed(q.ExecContext(ctx, `UPDATE booking_refunds SET status = ?, provider_refund_id = ?, updated_at = ?
		WHERE provider_refund_id IS NULL AND status IN (?, ?) AND amount = ?
			AND booking_id = (SELECT id FROM bookings WHERE payment_id = ?)
		ORDER BY created_at LIMIT 1`,
		RefundSucceeded, id, at.UTC(), RefundPending, RefundProcessing, amount, paymentID))
}
