package db

import (
	"context"
	"fmt"
	"time"
)

// DayBooking is what the operations dashboard needs of one booking.
type DayBooking struct {
	Reference      string
	Status         string
	ChargeAmount   int64
	ChargeCurrency string
	MarginAmount   int64 // in the charge currency
	CreatedAt      time.Time
}

// BookingsCreated lists the bookings created in [from, to), oldest first.
func BookingsCreated(ctx context.Context, q DBTX, from, to time.Time) ([]DayBooking, error) {
	rows, err := q.QueryContext(ctx, `SELECT reference, status, charge_amount, charge_currency, margin_amount, created_at
		FROM bookings WHERE created_at >= ? AND created_at < ? ORDER BY created_at, reference`, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("bookings created: %w", err)
	}
	defer rows.Close()
	var out []DayBooking
	for rows.Next() {
		var b DayBooking
		if err := rows.Scan(&b.Reference, &b.Status, &b.ChargeAmount, &b.ChargeCurrency, &b.MarginAmount,
			&b.CreatedAt); err != nil {
			return nil, fmt.Errorf("scan booking created: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bookings created: %w", err)
	}
	return out, nil
}

// StuckBookings lists up to limit bookings in status confirming since
// before confirmingBefore, or in status awaiting_payment past their quote's
// expiry at now: the rule of the lobang_bookings_stuck metric.
func StuckBookings(ctx context.Context, q DBTX, confirming, awaiting string, confirmingBefore, now time.Time,
	limit int) ([]DayBooking, error) {
	rows, err := q.QueryContext(ctx, `SELECT reference, status, charge_amount, charge_currency, margin_amount, created_at
		FROM bookings WHERE status = ? AND confirming_since < ?
		UNION ALL
		SELECT reference, status, charge_amount, charge_currency, margin_amount, created_at
		FROM bookings WHERE status = ? AND quote_expires_at < ?
		ORDER BY created_at LIMIT ?`, confirming, confirmingBefore.UTC(), awaiting, now.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("stuck bookings: %w", err)
	}
	defer rows.Close()
	var out []DayBooking
	for rows.Next() {
		var b DayBooking
		if err := rows.Scan(&b.Reference, &b.Status, &b.ChargeAmount, &b.ChargeCurrency, &b.MarginAmount,
			&b.CreatedAt); err != nil {
			return nil, fmt.Errorf("scan stuck booking: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stuck bookings: %w", err)
	}
	return out, nil
}
