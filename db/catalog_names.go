package db

import (
	"context"
	"fmt"
)

// HotelName is what the autocomplete needs of a hotel.
type HotelName struct {
	ID             int64
	Name           string
	DestinationUID string
	ReviewCount    int
}

// HotelNames lists every active hotel's name and destination, for the
// autocomplete's hotel entries.
func HotelNames(ctx context.Context, q DBTX) ([]HotelName, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, name, destination_uid, review_count FROM hotels WHERE active = TRUE")
	if err != nil {
		return nil, fmt.Errorf("hotel names: %w", err)
	}
	defer rows.Close()
	var out []HotelName
	for rows.Next() {
		var h HotelName
		if err := rows.Scan(&h.ID, &h.Name, &h.DestinationUID, &h.ReviewCount); err != nil {
			return nil, fmt.Errorf("scan hotel name: %w", err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("hotel names: %w", err)
	}
	return out, nil
}
