package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// HotelMapping links one supplier hotel to a canonical hotel.
type HotelMapping struct {
	Key        SupplierHotelKey
	HotelID    int64
	Confidence float64
	DecidedBy  string // DecidedByMatcher or DecidedByStaff
	UpdatedAt  time.Time
}

// SupplierHotel is one supplier's latest content for a hotel, stored as the
// JSON of the adapters' normalised hotel, with its mapping when it has one.
type SupplierHotel struct {
	DestinationUID string
	Key            SupplierHotelKey
	Name           string
	Content        string // JSON
	ContentHash    string
	FetchedAt      time.Time
	// Mapping, when the supplier hotel is mapped (HotelID 0 otherwise).
	HotelID    int64
	Confidence float64
	DecidedBy  string
}

// MappingsForDestination returns supplier hotel → canonical hotel id for a
// destination: what the search pipeline uses to map supplier answers.
func MappingsForDestination(ctx context.Context, q DBTX, uid string) (map[SupplierHotelKey]int64, error) {
	ms, err := DestinationMappings(ctx, q, uid)
	if err != nil {
		return nil, err
	}
	out := make(map[SupplierHotelKey]int64, len(ms))
	for _, m := range ms {
		out[m.Key] = m.HotelID
	}
	return out, nil
}

// DestinationMappings returns every mapping of a destination in full.
func DestinationMappings(ctx context.Context, q DBTX, uid string) ([]HotelMapping, error) {
	rows, err := q.QueryContext(ctx, `SELECT supplier, supplier_hotel_id, hotel_id, confidence, decided_by, updated_at
		FROM hotel_mappings WHERE destination_uid = ?`, uid)
	if err != nil {
		return nil, fmt.Errorf("mappings of %s: %w", uid, err)
	}
	defer rows.Close()
	var out []HotelMapping
	for rows.Next() {
		var m HotelMapping
		if err := rows.Scan(&m.Key.Supplier, &m.Key.ID, &m.HotelID, &m.Confidence, &m.DecidedBy, &m.UpdatedAt); err != nil {
			return nil, fmt.Errorf("scan mapping of %s: %w", uid, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("mappings of %s: %w", uid, err)
	}
	return out, nil
}

// SupplierHotelsForDestination returns every supplier's stored content for a
// destination.
func SupplierHotelsForDestination(ctx context.Context, q DBTX, uid string) ([]SupplierHotel, error) {
	rows, err := q.QueryContext(ctx, `SELECT supplier, supplier_hotel_id, name, content, content_hash, fetched_at
		FROM supplier_hotels WHERE destination_uid = ?`, uid)
	if err != nil {
		return nil, fmt.Errorf("supplier hotels of %s: %w", uid, err)
	}
	defer rows.Close()
	var out []SupplierHotel
	for rows.Next() {
		s := SupplierHotel{DestinationUID: uid}
		if err := rows.Scan(&s.Key.Supplier, &s.Key.ID, &s.Name, &s.Content, &s.ContentHash, &s.FetchedAt); err != nil {
			return nil, fmt.Errorf("scan supplier hotel of %s: %w", uid, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("supplier hotels of %s: %w", uid, err)
	}
	return out, nil
}

// HotelSuppliers returns the supplier hotels mapped to one canonical hotel,
// with their content: staff's side-by-side view. ErrNotFound when the hotel
// does not exist.
func HotelSuppliers(ctx context.Context, q DBTX, id int64) ([]SupplierHotel, error) {
	var uid string
	err := q.QueryRowContext(ctx, "SELECT destination_uid FROM hotels WHERE id = ?", id).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("hotel %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("hotel %d suppliers: %w", id, err)
	}
	rows, err := q.QueryContext(ctx, `SELECT m.supplier, m.supplier_hotel_id, m.hotel_id, m.confidence, m.decided_by,
		COALESCE(s.name, ''), COALESCE(s.content, ''), COALESCE(s.content_hash, ''), s.fetched_at
		FROM hotel_mappings m LEFT JOIN supplier_hotels s ON s.destination_uid = m.destination_uid
			AND s.supplier = m.supplier AND s.supplier_hotel_id = m.supplier_hotel_id
		WHERE m.destination_uid = ? AND m.hotel_id = ? ORDER BY m.supplier, m.supplier_hotel_id`, uid, id)
	if err != nil {
		return nil, fmt.Errorf("hotel %d suppliers: %w", id, err)
	}
	defer rows.Close()
	var out []SupplierHotel
	for rows.Next() {
		s := SupplierHotel{DestinationUID: uid}
		var fetched sql.NullTime
		if err := rows.Scan(&s.Key.Supplier, &s.Key.ID, &s.HotelID, &s.Confidence, &s.DecidedBy,
			&s.Name, &s.Content, &s.ContentHash, &fetched); err != nil {
			return nil, fmt.Errorf("scan hotel %d supplier: %w", id, err)
		}
		s.FetchedAt = fetched.Time
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("hotel %d suppliers: %w", id, err)
	}
	return out, nil
}

// SetStaffMapping pins a supplier hotel to a canonical hotel as a staff
// decision, which no later sync changes.
func SetStaffMapping(ctx context.Context, q DBTX, uid string, key SupplierHotelKey, hotelID int64, at time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO hotel_mappings
		(destination_uid, supplier, supplier_hotel_id, hotel_id, confidence, decided_by, updated_at)
		VALUES (?, ?, ?, ?, 1, ?, ?)
		ON DUPLICATE KEY UPDATE hotel_id = VALUES(hotel_id), confidence = VALUES(confidence),
			decided_by = VALUES(decided_by), updated_at = VALUES(updated_at)`,
		uid, key.Supplier, key.ID, hotelID, DecidedByStaff, at.UTC())
	if err != nil {
		return fmt.Errorf("staff mapping %s/%s: %w", key.Supplier, key.ID, err)
	}
	return nil
}
