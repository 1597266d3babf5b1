package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CatalogSync records a destination's last catalog sync.
type CatalogSync struct {
	DestinationUID string
	SyncedAt       time.Time
	Duration       time.Duration
	Hotels         int
	// ContentUpdatedAt is the newest content change among its hotels.
	ContentUpdatedAt time.Time
	// Suppliers is a JSON object: supplier → "ok" or the error of that sync.
	Suppliers string
}

// RecordSync writes a destination's last sync.
func RecordSync(ctx context.Context, q DBTX, s CatalogSync) error {
	var lastmod any
	if !s.ContentUpdatedAt.IsZero() {
		lastmod = s.ContentUpdatedAt.UTC()
	}
	_, err := q.ExecContext(ctx, `INSERT INTO catalog_syncs (destination_uid, synced_at, duration_ms, hotels, content_updated_at, suppliers)
		VALUES (?, ?, ?, ?, ?, ?)
		ON DUPLICATE KEY UPDATE synced_at = VALUES(synced_at), duration_ms = VALUES(duration_ms), hotels = VALUES(hotels),
			content_updated_at = VALUES(content_updated_at), suppliers = VALUES(suppliers)`,
		s.DestinationUID, s.SyncedAt.UTC(), s.Duration.Milliseconds(), s.Hotels, lastmod, s.Suppliers)
	if err != nil {
		return fmt.Errorf("record sync of %s: %w", s.DestinationUID, err)
	}
	return nil
}

// DestinationSyncedAt tells when a destination's catalog was last synced.
func DestinationSyncedAt(ctx context.Context, q DBTX, uid string) (time.Time, bool, error) {
	var t time.Time
	err := q.QueryRowContext(ctx, "SELECT synced_at FROM catalog_syncs WHERE destination_uid = ?", uid).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("synced at of %s: %w", uid, err)
	}
	return t, true, nil
}

// DestinationCatalog is a destination with hotels, for the sitemap.
type DestinationCatalog struct {
	UID     string
	Hotels  int
	LastMod time.Time // newest content change of its hotels
}

// DestinationsWithHotels lists every synced destination that has hotels.
func DestinationsWithHotels(ctx context.Context, q DBTX) ([]DestinationCatalog, error) {
	rows, err := q.QueryContext(ctx, `SELECT destination_uid, hotels, COALESCE(content_updated_at, synced_at)
		FROM catalog_syncs WHERE hotels > 0 ORDER BY destination_uid`)
	if err != nil {
		return nil, fmt.Errorf("destinations with hotels: %w", err)
	}
	defer rows.Close()
	var out []DestinationCatalog
	for rows.Next() {
		var d DestinationCatalog
		if err := rows.Scan(&d.UID, &d.Hotels, &d.LastMod); err != nil {
			return nil, fmt.Errorf("scan destination with hotels: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("destinations with hotels: %w", err)
	}
	return out, nil
}
