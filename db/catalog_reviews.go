package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Review statuses.
const (
	ReviewOpen     = "open"
	ReviewMerged   = "merged"
	ReviewRejected = "rejected"
)

// HotelReview is a doubtful pair of supplier hotels waiting for (or decided
// by) staff. A sorts before B (by supplier, then id).
type HotelReview struct {
	DestinationUID string
	A, B           SupplierHotelKey
	Score          float64
	DistanceM      float64 // meaningful when HasDistance
	HasDistance    bool
	Status         string
	DecidedBy      string
	DecidedAt      time.Time
	CreatedAt      time.Time
}

// ReviewsForDestination returns every review of a destination, decided or not.
func ReviewsForDestination(ctx context.Context, q DBTX, uid string) ([]HotelReview, error) {
	rows, err := q.QueryContext(ctx, `SELECT supplier_a, supplier_hotel_id_a, supplier_b, supplier_hotel_id_b,
		score, distance_m, status, decided_by, decided_at, created_at
		FROM hotel_reviews WHERE destination_uid = ?
		ORDER BY supplier_a, supplier_hotel_id_a, supplier_b, supplier_hotel_id_b`, uid)
	if err != nil {
		return nil, fmt.Errorf("reviews of %s: %w", uid, err)
	}
	defer rows.Close()
	var out []HotelReview
	for rows.Next() {
		r := HotelReview{DestinationUID: uid}
		var dist sql.NullFloat64
		var decided sql.NullTime
		if err := rows.Scan(&r.A.Supplier, &r.A.ID, &r.B.Supplier, &r.B.ID, &r.Score, &dist,
			&r.Status, &r.DecidedBy, &decided, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("scan review of %s: %w", uid, err)
		}
		r.DistanceM, r.HasDistance, r.DecidedAt = dist.Float64, dist.Valid, decided.Time
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reviews of %s: %w", uid, err)
	}
	return out, nil
}

// DecideReview records staff's decision on a pair: ReviewMerged (one hotel)
// or ReviewRejected (two hotels). The next sync applies it and keeps it.
func DecideReview(ctx context.Context, q DBTX, uid string, a, b SupplierHotelKey, status, by string, at time.Time) error {
	if status != ReviewMerged && status != ReviewRejected {
		return fmt.Errorf("decide review: status %q is neither merged nor rejected", status)
	}
	if b.Supplier < a.Supplier || (b.Supplier == a.Supplier && b.ID < a.ID) {
		a, b = b, a
	}
	res, err := q.ExecContext(ctx, `UPDATE hotel_reviews SET status = ?, decided_by = ?, decided_at = ?
		WHERE destination_uid = ? AND supplier_a = ? AND supplier_hotel_id_a = ? AND supplier_b = ? AND supplier_hotel_id_b = ?`,
		status, by, at.UTC(), uid, a.Supplier, a.ID, b.Supplier, b.ID)
	if err != nil {
		return fmt.Errorf("decide review %s/%s–%s/%s: %w", a.Supplier, a.ID, b.Supplier, b.ID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("review %s/%s–%s/%s: %w", a.Supplier, a.ID, b.Supplier, b.ID, ErrNotFound)
	}
	return nil
}

// UpsertReviews adds open reviews; a pair already there keeps its status
// and decision, and only an open one takes the new score.
func UpsertReviews(ctx context.Context, q DBTX, rs []HotelReview) error {
	const batch = 200
	for start := 0; start < len(rs); start += batch {
		part := rs[start:min(start+batch, len(rs))]
		args := make([]any, 0, len(part)*9)
		for _, r := range part {
			var dist any
			if r.HasDistance {
				dist = r.DistanceM
			}
			args = append(args, r.DestinationUID, r.A.Supplier, r.A.ID, r.B.Supplier, r.B.ID, r.Score, dist, ReviewOpen, r.CreatedAt.UTC())
		}
		_, err := q.ExecContext(ctx, `INSERT INTO hotel_reviews (destination_uid, supplier_a, supplier_hotel_id_a,
			supplier_b, supplier_hotel_id_b, score, distance_m, status, created_at) VALUES `+rowsOf(len(part), 9)+`
			ON DUPLICATE KEY UPDATE score = IF(status = 'open', VALUES(score), score),
				distance_m = IF(status = 'open', VALUES(distance_m), distance_m)`, args...)
		if err != nil {
			return fmt.Errorf("upsert reviews: %w", err)
		}
	}
	return nil
}

// DeleteOpenReviews removes open reviews the matcher no longer doubts;
// decided ones stay.
func DeleteOpenReviews(ctx context.Context, q DBTX, uid string, pairs [][2]SupplierHotelKey) error {
	for _, p := range pairs {
		if _, err := q.ExecContext(ctx, `DELETE FROM hotel_reviews WHERE destination_uid = ? AND supplier_a = ?
			AND supplier_hotel_id_a = ? AND supplier_b = ? AND supplier_hotel_id_b = ? AND status = 'open'`,
			uid, p[0].Supplier, p[0].ID, p[1].Supplier, p[1].ID); err != nil {
			return fmt.Errorf("delete review: %w", err)
		}
	}
	return nil
}

// rowsOf is the VALUES list of n rows of cols placeholders each.
func rowsOf(n, cols int) string {
	row := "(" + placeholders(cols) + ")"
	b := make([]byte, 0, n*(len(row)+1))
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, row...)
	}
	return string(b)
}
