package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Who decided a mapping or a review.
const (
	DecidedByMatcher = "matcher"
	DecidedByStaff   = "staff"
)

// SupplierHotelKey names one supplier's hotel.
type SupplierHotelKey struct {
	Supplier string
	ID       string
}

// HotelImage is one photo of a canonical hotel.
type HotelImage struct {
	URL     string `json:"url"`
	Caption string `json:"caption,omitempty"`
}

// Hotel is a canonical hotel of the catalog: content merged from every
// supplier that carries it.
type Hotel struct {
	ID              int64
	DestinationUID  string
	Slug            string
	Name            string
	Address         string
	PostalCode      string
	Lat, Lng        float64
	HasGeo          bool
	Stars           float64
	ReviewScore     float64 // out of 10; 0 when unknown
	ReviewCount     int
	ReviewBreakdown map[string]float64
	// Description is sanitised HTML (p, br, ul/ol/li, strong/em/b/i only).
	Description string
	// Amenities are keys of the amenity vocabulary (aggregator/suppliers).
	Amenities    []string
	Images       []HotelImage
	TimeZone     string
	CheckInTime  string
	CheckOutTime string
	// Suppliers carrying the hotel; Sources names the supplier(s) each
	// field came from ("name" → "ascenda").
	Suppliers []string
	Sources   map[string]string
	// Active is false once no supplier carries the hotel any more; the row
	// stays so that its URL can still answer.
	Active bool
	// ContentHash changes exactly when the merged content changes, and
	// ContentUpdatedAt with it.
	ContentHash      string
	ContentUpdatedAt time.Time
	CreatedAt        time.Time
}

const hotelColumns = `h.id, h.destination_uid, h.slug, h.name, h.address, h.postal_code, h.lat, h.lng,
	h.has_geo, h.stars, h.review_score, h.review_count, h.review_breakdown, h.description, h.amenities,
	h.images, h.time_zone, h.check_in_time, h.check_out_time, h.suppliers, h.sources, h.active,
	h.content_hash, h.content_updated_at, h.created_at`

type scanner interface{ Scan(dest ...any) error }

func scanHotel(s scanner) (Hotel, error) {
	var h Hotel
	var breakdown, amenities, images, sups, sources string
	if err := s.Scan(&h.ID, &h.DestinationUID, &h.Slug, &h.Name, &h.Address, &h.PostalCode, &h.Lat, &h.Lng,
		&h.HasGeo, &h.Stars, &h.ReviewScore, &h.ReviewCount, &breakdown, &h.Description, &amenities,
		&images, &h.TimeZone, &h.CheckInTime, &h.CheckOutTime, &sups, &sources, &h.Active,
		&h.ContentHash, &h.ContentUpdatedAt, &h.CreatedAt); err != nil {
		return Hotel{}, err
	}
	if err := errors.Join(
		unmarshalText(breakdown, &h.ReviewBreakdown),
		unmarshalText(amenities, &h.Amenities),
		unmarshalText(images, &h.Images),
		unmarshalText(sources, &h.Sources),
	); err != nil {
		return Hotel{}, fmt.Errorf("hotel %d: %w", h.ID, err)
	}
	if sups != "" {
		h.Suppliers = strings.Split(sups, ",")
	}
	return h, nil
}

func unmarshalText(s string, v any) error {
	if s == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("decode json column: %w", err)
	}
	return nil
}

// GetHotel returns one hotel by id, or ErrNotFound.
func GetHotel(ctx context.Context, q DBTX, id int64) (Hotel, error) {
	h, err := scanHotel(q.QueryRowContext(ctx, "SELECT "+hotelColumns+" FROM hotels h WHERE h.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Hotel{}, fmt.Errorf("hotel %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Hotel{}, fmt.Errorf("get hotel %d: %w", id, err)
	}
	return h, nil
}

// hotelOrders are the listing orders HotelsByDestination accepts.
var hotelOrders = map[string]string{
	"":        "h.review_count DESC, h.stars DESC, h.id",
	"popular": "h.review_count DESC, h.stars DESC, h.id",
	"stars":   "h.stars DESC, h.review_score DESC, h.id",
	"review":  "h.review_score DESC, h.review_count DESC, h.id",
}

// HotelsByDestination lists a destination's active hotels in one of the
// orders "popular" (most reviewed), "stars" or "review" (best rated), and
// returns the total count too.
func HotelsByDestination(ctx context.Context, q DBTX, uid, sort string, limit, offset int) ([]Hotel, int, error) {
	order, ok := hotelOrders[sort]
	if !ok {
		return nil, 0, fmt.Errorf("hotels of %s: unknown sort %q", uid, sort)
	}
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM destination_hotels WHERE destination_uid = ?", uid).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count hotels of %s: %w", uid, err)
	}
	if total == 0 || limit <= 0 {
		return nil, total, nil
	}
	rows, err := q.QueryContext(ctx, "SELECT "+hotelColumns+` FROM destination_hotels d
		JOIN hotels h ON h.id = d.hotel_id WHERE d.destination_uid = ?
		ORDER BY `+order+" LIMIT ? OFFSET ?", uid, limit, max(offset, 0))
	if err != nil {
		return nil, 0, fmt.Errorf("hotels of %s: %w", uid, err)
	}
	hotels, err := collectHotels(rows)
	if err != nil {
		return nil, 0, fmt.Errorf("hotels of %s: %w", uid, err)
	}
	return hotels, total, nil
}

// HotelsByIDs returns the hotels with the given ids (inactive ones too);
// ids that do not exist are simply absent.
func HotelsByIDs(ctx context.Context, q DBTX, ids []int64) (map[int64]Hotel, error) {
	out := make(map[int64]Hotel, len(ids))
	const batch = 500
	for start := 0; start < len(ids); start += batch {
		part := ids[start:min(start+batch, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := q.QueryContext(ctx, "SELECT "+hotelColumns+" FROM hotels h WHERE h.id IN ("+placeholders(len(part))+")", args...)
		if err != nil {
			return nil, fmt.Errorf("hotels by ids: %w", err)
		}
		hotels, err := collectHotels(rows)
		if err != nil {
			return nil, fmt.Errorf("hotels by ids: %w", err)
		}
		for _, h := range hotels {
			out[h.ID] = h
		}
	}
	return out, nil
}

func collectHotels(rows *sql.Rows) ([]Hotel, error) {
	defer rows.Close()
	var out []Hotel
	for rows.Next() {
		h, err := scanHotel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
