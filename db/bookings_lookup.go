package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// BookingIDByReference returns the id of the booking with a customer-facing
// reference (LB-XXXXXX), or ErrNotFound.
func BookingIDByReference(ctx context.Context, q DBTX, reference string) (string, error) {
	var id string
	err := q.QueryRowContext(ctx, "SELECT id FROM bookings WHERE reference = ?", reference).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("booking by reference %s: %w", reference, err)
	}
	return id, nil
}
