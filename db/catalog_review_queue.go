package db

import (
	"context"
	"database/sql"
	"fmt"
)

// OpenReviews lists open reviews of every destination, most doubtful
// (lowest score) first, with the destination's name.
func OpenReviews(ctx context.Context, q DBTX, limit, offset int) ([]HotelReview, []string, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.destination_uid, COALESCE(d.name, ''), r.supplier_a, r.supplier_hotel_id_a,
		r.supplier_b, r.supplier_hotel_id_b, r.score, r.distance_m, r.status, r.created_at
		FROM hotel_reviews r LEFT JOIN destinations d ON d.uid = r.destination_uid
		WHERE r.status = 'open'
		ORDER BY r.score, r.destination_uid, r.supplier_a, r.supplier_hotel_id_a, r.supplier_b, r.supplier_hotel_id_b
		LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, nil, fmt.Errorf("open reviews: %w", err)
	}
	defer rows.Close()
	var out []HotelReview
	var names []string
	for rows.Next() {
		var r HotelReview
		var name string
		var dist sql.NullFloat64
		if err := rows.Scan(&r.DestinationUID, &name, &r.A.Supplier, &r.A.ID, &r.B.Supplier, &r.B.ID, &r.Score, &dist,
			&r.Status, &r.CreatedAt); err != nil {
			return nil, nil, fmt.Errorf("scan open review: %w", err)
		}
		r.DistanceM, r.HasDistance = dist.Float64, dist.Valid
		out = append(out, r)
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("open reviews: %w", err)
	}
	return out, names, nil
}

// CountOpenReviews counts open reviews of every destination.
func CountOpenReviews(ctx context.Context, q DBTX) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM hotel_reviews WHERE status = 'open'").Scan(&n); err != nil {
		return 0, fmt.Errorf("count open reviews: %w", err)
	}
	return n, nil
}
