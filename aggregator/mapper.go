package aggregator

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"lobang/aggregator/catalog"
	"lobang/aggregator/suppliers"
	"lobang/db"
	"lobang/fx"
)

// CatalogMapper maps supplier hotels through the MySQL catalog, keeping
// each destination's mapping in memory for a short while. A destination is
// synced on its first search; a supplier hotel the catalog has never seen
// triggers one extra sync of its destination, at most every ResyncEvery.
type CatalogMapper struct {
	pool        *sql.DB
	cat         *catalog.Catalog
	log         *slog.Logger
	TTL         time.Duration
	ResyncEvery time.Duration

	mu      sync.Mutex
	cache   map[string]cachedMapping
	resyncs map[string]time.Time
}

type cachedMapping struct {
	at time.Time
	m  map[db.SupplierHotelKey]int64
}

// NewCatalogMapper maps through cat and the catalog tables in pool.
func NewCatalogMapper(pool *sql.DB, cat *catalog.Catalog, log *slog.Logger) *CatalogMapper {
	return &CatalogMapper{
		pool: pool, cat: cat, log: log, TTL: time.Minute, ResyncEvery: 10 * time.Minute,
		cache: map[string]cachedMapping{}, resyncs: map[string]time.Time{},
	}
}

// HotelIDs implements Mapper.
func (c *CatalogMapper) HotelIDs(ctx context.Context, uid, supplier string, ids []string) (map[string]int64, error) {
	m, err := c.mapping(ctx, uid, false)
	if err != nil {
		return nil, err
	}
	out, missing := lookup(m, supplier, ids)
	if missing > 0 && c.mayResync(uid) {
		c.log.Info("catalog sync for unknown supplier hotels", "destination", uid, "supplier", supplier, "missing", missing)
		if _, err := c.cat.SyncDestination(ctx, uid); err != nil {
			c.log.Warn("on-the-fly catalog sync", "destination", uid, "err", err)
		} else if m, err = c.mapping(ctx, uid, true); err == nil {
			out, _ = lookup(m, supplier, ids)
		}
	}
	return out, nil
}

func lookup(m map[db.SupplierHotelKey]int64, supplier string, ids []string) (map[string]int64, int) {
	out := make(map[string]int64, len(ids))
	missing := 0
	for _, id := range ids {
		if h, ok := m[db.SupplierHotelKey{Supplier: supplier, ID: id}]; ok {
			out[id] = h
		} else {
			missing++
		}
	}
	return out, missing
}

func (c *CatalogMapper) mayResync(uid string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.resyncs[uid]) < c.ResyncEvery {
		return false
	}
	c.resyncs[uid] = time.Now()
	return true
}

// mapping returns a destination's mapping, syncing the catalog on first use.
func (c *CatalogMapper) mapping(ctx context.Context, uid string, fresh bool) (map[db.SupplierHotelKey]int64, error) {
	c.mu.Lock()
	cm, ok := c.cache[uid]
	c.mu.Unlock()
	if ok && !fresh && time.Since(cm.at) < c.TTL {
		return cm.m, nil
	}
	if _, err := db.EnsureDestination(ctx, c.pool, uid); err != nil {
		return nil, fmt.Errorf("destination %s: %w", uid, err)
	}
	if err := c.cat.EnsureSynced(ctx, uid); err != nil {
		return nil, err
	}
	m, err := db.MappingsForDestination(ctx, c.pool, uid)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.cache[uid] = cachedMapping{at: time.Now(), m: m}
	c.mu.Unlock()
	return m, nil
}

// FXConverter converts with rates from an fx.Source.
type FXConverter struct{ Source *fx.Source }

// Convert implements Converter.
func (f FXConverter) Convert(ctx context.Context, m suppliers.Money, to string) (suppliers.Money, error) {
	if m.Currency == to {
		return m, nil
	}
	r, err := f.Source.Rates(ctx)
	if err != nil {
		return suppliers.Money{}, err
	}
	return r.Convert(m, to)
}
