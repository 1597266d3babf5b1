package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"lobang/destinations"
)

// Destination is a destinations row.
type Destination = destinations.Destination

// UpsertDestinations writes destinations in batches, inserting new rows and
// refreshing changed ones; running it again changes nothing.
func UpsertDestinations(ctx context.Context, q DBTX, ds []Destination) error {
	const batch = 500
	const cols = "(uid, geoname_id, name, ascii_name, region, country, country_code, lat, lng, population, kind, time_zone)"
	for start := 0; start < len(ds); start += batch {
		part := ds[start:min(start+batch, len(ds))]
		var sb strings.Builder
		sb.WriteString("INSERT INTO destinations " + cols + " VALUES ")
		args := make([]any, 0, len(part)*12)
		for i, d := range part {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?)")
			args = append(args, d.UID, d.GeoNameID, d.Name, d.ASCIIName, d.Region, d.Country,
				d.CountryCode, d.Lat, d.Lng, d.Population, d.Type, d.TimeZone)
		}
		sb.WriteString(` ON DUPLICATE KEY UPDATE name = VALUES(name), ascii_name = VALUES(ascii_name),
			region = VALUES(region), country = VALUES(country), country_code = VALUES(country_code),
			lat = VALUES(lat), lng = VALUES(lng), population = VALUES(population), kind = VALUES(kind),
			time_zone = VALUES(time_zone)`)
		if _, err := q.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("upsert destinations %d-%d: %w", start, start+len(part), err)
		}
	}
	return nil
}

// CountDestinations returns how many destinations are loaded.
func CountDestinations(ctx context.Context, q DBTX) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM destinations").Scan(&n); err != nil {
		return 0, fmt.Errorf("count destinations: %w", err)
	}
	return n, nil
}

// GetDestination returns one destination by uid, or ErrNotFound.
func GetDestination(ctx context.Context, q DBTX, uid string) (Destination, error) {
	var d Destination
	err := q.QueryRowContext(ctx, `SELECT uid, geoname_id, name, ascii_name, region, country,
		country_code, lat, lng, population, kind, time_zone FROM destinations WHERE uid = ?`, uid).
		Scan(&d.UID, &d.GeoNameID, &d.Name, &d.ASCIIName, &d.Region, &d.Country, &d.CountryCode,
			&d.Lat, &d.Lng, &d.Population, &d.Type, &d.TimeZone)
	if errors.Is(err, sql.ErrNoRows) {
		return Destination{}, fmt.Errorf("destination %s: %w", uid, ErrNotFound)
	}
	if err != nil {
		return Destination{}, fmt.Errorf("get destination %s: %w", uid, err)
	}
	return d, nil
}

// SeedDestinations loads the given destinations (usually destinations.All())
// unless every one of them is already there, and returns how many it wrote.
// The embedded dev server indexes slowly, so the dev stack seeds the most
// popular few thousand and EnsureDestination adds the rest on demand.
func SeedDestinations(ctx context.Context, q DBTX, ds []Destination) (int, error) {
	n, err := CountDestinations(ctx, q)
	if err != nil {
		return 0, err
	}
	if n >= len(ds) {
		return 0, nil
	}
	if err := UpsertDestinations(ctx, q, ds); err != nil {
		return 0, err
	}
	return len(ds), nil
}

// EnsureDestination makes sure the destination with uid has its row, adding
// it from the committed data when missing. An unknown uid is ErrNotFound.
func EnsureDestination(ctx context.Context, q DBTX, uid string) (Destination, error) {
	d, err := GetDestination(ctx, q, uid)
	if err == nil || !errors.Is(err, ErrNotFound) {
		return d, err
	}
	d, ok := destinations.Lookup(uid)
	if !ok {
		return Destination{}, fmt.Errorf("destination %s: %w", uid, ErrNotFound)
	}
	if err := UpsertDestinations(ctx, q, []Destination{d}); err != nil {
		return Destination{}, err
	}
	return d, nil
}
