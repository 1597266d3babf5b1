package db

import (
	"context"
	"fmt"
)

// RefundedAmount is what a booking's refunds give back or will (every
// refund but failed ones), in its charge currency.
func RefundedAmount(ctx context.Context, q DBTX, bookingID string) (int64, error) {
	var n int64
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount), 0) FROM booking_refunds
		WHERE booking_id = ? AND status IN (?, ?, ?)`, bookingID, RefundPending, RefundProcessing, RefundSucceeded).Scan(&n); err != nil {
		return 0, fmt.Errorf("refunded amount of booking %s: %w", bookingID, err)
	}
	return n, nil
}

// RefundsOfBooking lists every refund of a booking, oldest first.
func RefundsOfBooking(ctx context.Context, q DBTX, bookingID string) ([]Refund, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+refundColumns+" FROM booking_refunds WHERE booking_id = ? ORDER BY created_at",
		bookingID)
	if err != nil {
		return nil, fmt.Errorf("refunds of booking %s: %w", bookingID, err)
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
		return nil, fmt.Errorf("refunds of booking %s: %w", bookingID, err)
	}
	return out, nil
}
