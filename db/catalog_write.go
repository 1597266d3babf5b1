package db

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

const hotelInsertColumns = `(id, destination_uid, slug, name, address, postal_code, lat, lng, has_geo, stars,
	review_score, review_count, review_breakdown, description, amenities, images, time_zone, check_in_time,
	check_out_time, suppliers, sources, active, content_hash, content_updated_at, created_at)`

func hotelArgs(h Hotel) ([]any, error) {
	enc := func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	}
	breakdown, err1 := enc(h.ReviewBreakdown)
	amenities, err2 := enc(h.Amenities)
	images, err3 := enc(h.Images)
	sources, err4 := enc(h.Sources)
	for _, err := range []error{err1, err2, err3, err4} {
		if err != nil {
			return nil, fmt.Errorf("encode hotel %q: %w", h.Name, err)
		}
	}
	var id any
	if h.ID != 0 {
		id = h.ID
	}
	return []any{id, h.DestinationUID, h.Slug, h.Name, h.Address, h.PostalCode, h.Lat, h.Lng, h.HasGeo, h.Stars,
		h.ReviewScore, h.ReviewCount, breakdown, h.Description, amenities, images, h.TimeZone, h.CheckInTime,
		h.CheckOutTime, strings.Join(h.Suppliers, ","), sources, h.Active, h.ContentHash,
		h.ContentUpdatedAt.UTC(), h.CreatedAt.UTC()}, nil
}

// InsertHotel adds a new canonical hotel and returns its id.
func InsertHotel(ctx context.Context, q DBTX, h Hotel) (int64, error) {
	h.ID = 0
	args, err := hotelArgs(h)
	if err != nil {
		return 0, err
	}
	res, err := q.ExecContext(ctx, "INSERT INTO hotels "+hotelInsertColumns+" VALUES ("+placeholders(25)+")", args...)
	if err != nil {
		return 0, fmt.Errorf("insert hotel %q: %w", h.Name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("insert hotel %q: id: %w", h.Name, err)
	}
	return id, nil
}

// UpdateHotels rewrites existing hotels (by id) in batches; created_at is
// kept.
func UpdateHotels(ctx context.Context, q DBTX, hs []Hotel) error {
	const batch = 100
	for start := 0; start < len(hs); start += batch {
		part := hs[start:min(start+batch, len(hs))]
		args := make([]any, 0, len(part)*25)
		for _, h := range part {
			if h.ID == 0 {
				return fmt.Errorf("update hotel %q: no id", h.Name)
			}
			a, err := hotelArgs(h)
			if err != nil {
				return err
			}
			args = append(args, a...)
		}
		_, err := q.ExecContext(ctx, "INSERT INTO hotels "+hotelInsertColumns+" VALUES "+rowsOf(len(part), 25)+`
			ON DUPLICATE KEY UPDATE destination_uid = VALUES(destination_uid), slug = VALUES(slug), name = VALUES(name),
			address = VALUES(address), postal_code = VALUES(postal_code), lat = VALUES(lat), lng = VALUES(lng),
			has_geo = VALUES(has_geo), stars = VALUES(stars), review_score = VALUES(review_score),
			review_count = VALUES(review_count), review_breakdown = VALUES(review_breakdown),
			description = VALUES(description), amenities = VALUES(amenities), images = VALUES(images),
			time_zone = VALUES(time_zone), check_in_time = VALUES(check_in_time), check_out_time = VALUES(check_out_time),
			suppliers = VALUES(suppliers), sources = VALUES(sources), active = VALUES(active),
			content_hash = VALUES(content_hash), content_updated_at = VALUES(content_updated_at)`, args...)
		if err != nil {
			return fmt.Errorf("update hotels: %w", err)
		}
	}
	return nil
}

// SetDestinationHotels adds hotels to and removes them from a destination's
// listing.
func SetDestinationHotels(ctx context.Context, q DBTX, uid string, add, remove []int64) error {
	const batch = 500
	for start := 0; start < len(add); start += batch {
		part := add[start:min(start+batch, len(add))]
		args := make([]any, 0, 2*len(part))
		for _, id := range part {
			args = append(args, uid, id)
		}
		if _, err := q.ExecContext(ctx, "INSERT IGNORE INTO destination_hotels (destination_uid, hotel_id) VALUES "+rowsOf(len(part), 2), args...); err != nil {
			return fmt.Errorf("list hotels of %s: %w", uid, err)
		}
	}
	for start := 0; start < len(remove); start += batch {
		part := remove[start:min(start+batch, len(remove))]
		args := []any{uid}
		for _, id := range part {
			args = append(args, id)
		}
		if _, err := q.ExecContext(ctx, "DELETE FROM destination_hotels WHERE destination_uid = ? AND hotel_id IN ("+placeholders(len(part))+")", args...); err != nil {
			return fmt.Errorf("unlist hotels of %s: %w", uid, err)
		}
	}
	return nil
}

// UpsertSupplierHotels stores suppliers' latest content.
func UpsertSupplierHotels(ctx context.Context, q DBTX, shs []SupplierHotel) error {
	const batch = 100
	for start := 0; start < len(shs); start += batch {
		part := shs[start:min(start+batch, len(shs))]
		args := make([]any, 0, len(part)*7)
		for _, s := range part {
			args = append(args, s.DestinationUID, s.Key.Supplier, s.Key.ID, s.Name, s.Content, s.ContentHash, s.FetchedAt.UTC())
		}
		_, err := q.ExecContext(ctx, `INSERT INTO supplier_hotels (destination_uid, supplier, supplier_hotel_id, name,
			content, content_hash, fetched_at) VALUES `+rowsOf(len(part), 7)+`
			ON DUPLICATE KEY UPDATE name = VALUES(name), content = VALUES(content), content_hash = VALUES(content_hash),
			fetched_at = VALUES(fetched_at)`, args...)
		if err != nil {
			return fmt.Errorf("upsert supplier hotels: %w", err)
		}
	}
	return nil
}

// DeleteSupplierHotels forgets supplier hotels a supplier no longer lists,
// with their matcher mappings (staff mappings stay).
func DeleteSupplierHotels(ctx context.Context, q DBTX, uid string, keys []SupplierHotelKey) error {
	for _, k := range keys {
		if _, err := q.ExecContext(ctx, "DELETE FROM supplier_hotels WHERE destination_uid = ? AND supplier = ? AND supplier_hotel_id = ?",
			uid, k.Supplier, k.ID); err != nil {
			return fmt.Errorf("delete supplier hotel %s/%s: %w", k.Supplier, k.ID, err)
		}
		if _, err := q.ExecContext(ctx, "DELETE FROM hotel_mappings WHERE destination_uid = ? AND supplier = ? AND supplier_hotel_id = ? AND decided_by = ?",
			uid, k.Supplier, k.ID, DecidedByMatcher); err != nil {
			return fmt.Errorf("delete mapping %s/%s: %w", k.Supplier, k.ID, err)
		}
	}
	return nil
}

// UpsertMatcherMappings writes the matcher's mappings of a destination. A
// staff mapping is never overwritten.
func UpsertMatcherMappings(ctx context.Context, q DBTX, uid string, ms []HotelMapping) error {
	const batch = 200
	for start := 0; start < len(ms); start += batch {
		part := ms[start:min(start+batch, len(ms))]
		args := make([]any, 0, len(part)*7)
		for _, m := range part {
			args = append(args, uid, m.Key.Supplier, m.Key.ID, m.HotelID, m.Confidence, DecidedByMatcher, m.UpdatedAt.UTC())
		}
		_, err := q.ExecContext(ctx, `INSERT INTO hotel_mappings (destination_uid, supplier, supplier_hotel_id, hotel_id,
			confidence, decided_by, updated_at) VALUES `+rowsOf(len(part), 7)+`
			ON DUPLICATE KEY UPDATE hotel_id = IF(decided_by = 'staff', hotel_id, VALUES(hotel_id)),
				confidence = IF(decided_by = 'staff', confidence, VALUES(confidence)),
				updated_at = IF(decided_by = 'staff', updated_at, VALUES(updated_at))`, args...)
		if err != nil {
			return fmt.Errorf("upsert mappings of %s: %w", uid, err)
		}
	}
	return nil
}

// DestinationHotelIDs returns the ids of a destination's listed (active)
// hotels.
func DestinationHotelIDs(ctx context.Context, q DBTX, uid string) ([]int64, error) {
	rows, err := q.QueryContext(ctx, "SELECT hotel_id FROM destination_hotels WHERE destination_uid = ? ORDER BY hotel_id", uid)
	if err != nil {
		return nil, fmt.Errorf("hotel ids of %s: %w", uid, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan hotel id of %s: %w", uid, err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("hotel ids of %s: %w", uid, err)
	}
	return out, nil
}
