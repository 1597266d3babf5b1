package main

import (
	"context"
	"database/sql"
	"log/slog"
	"strconv"
	"time"

	"lobang/db"
	"lobang/destinations"
	"lobang/handlers"
	"lobang/suggest"
)

// hotelEntries turns the catalog's hotels into autocomplete entries.
func hotelEntries(ctx context.Context, pool *sql.DB) ([]suggest.Entry, error) {
	names, err := db.HotelNames(ctx, pool)
	if err != nil {
		return nil, err
	}
	out := make([]suggest.Entry, 0, len(names))
	for _, n := range names {
		where := ""
		if d, ok := destinations.Lookup(n.DestinationUID); ok {
			where = d.Name + ", " + d.Country
		}
		out = append(out, suggest.Entry{
			Kind:           suggest.KindHotel,
			ID:             strconv.FormatInt(n.ID, 10),
			Name:           n.Name,
			Context:        "Hotel · " + where,
			Popularity:     float64(1000 + n.ReviewCount*10),
			DestinationUID: n.DestinationUID,
		})
	}
	return out, nil
}

// keepHotelSuggestions adds the catalog's hotels to the autocomplete now and
// every few minutes (destinations sync on demand), until ctx ends.
func keepHotelSuggestions(ctx context.Context, h *handlers.Handler, pool *sql.DB, log *slog.Logger) {
	added := map[string]string{} // hotel id -> name already in the index
	load := func() {
		lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		entries, err := hotelEntries(lctx, pool)
		if err != nil {
			log.Warn("load hotel suggestions", "err", err)
			return
		}
		// Only new or renamed hotels: a replaced entry keeps its memory
		// until the index is rebuilt.
		var fresh []suggest.Entry
		for _, e := range entries {
			if added[e.ID] != e.Name {
				added[e.ID] = e.Name
				fresh = append(fresh, e)
			}
		}
		if len(fresh) > 0 {
			h.AddSuggestions(fresh...)
		}
	}
	load()
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			load()
		}
	}
}
