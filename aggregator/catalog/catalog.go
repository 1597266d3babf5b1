package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/singleflight"

	"lobang/aggregator/suppliers"
	"lobang/db"
)

// Catalog syncs destinations' hotels from the suppliers into MySQL. Set its
// exported fields before first use.
type Catalog struct {
	pool *sql.DB
	sups []suppliers.Supplier
	log  *slog.Logger

	// Trust orders suppliers from most to least trusted for merging
	// (coordinates, address, tie-breaks); defaults to the order given to New.
	Trust []string
	// FetchTimeout bounds each supplier's static-content call.
	FetchTimeout time.Duration
	// SyncTimeout bounds a sync started by EnsureSynced.
	SyncTimeout time.Duration
	// MaxAge is how long a sync stays fresh for EnsureSynced.
	MaxAge time.Duration

	group singleflight.Group
	now   func() time.Time
}

// New returns a catalog over pool and the given supplier adapters.
func New(pool *sql.DB, sups []suppliers.Supplier, log *slog.Logger) *Catalog {
	c := &Catalog{pool: pool, sups: sups, log: log, FetchTimeout: 20 * time.Second,
		SyncTimeout: time.Minute, MaxAge: 24 * time.Hour, now: time.Now}
	for _, s := range sups {
		c.Trust = append(c.Trust, s.Name())
	}
	return c
}

// StartupDestinations are the popular destinations the development stack
// syncs before it reports ready: Singapore, Kuala Lumpur, Paris, London and
// Tokyo.
var StartupDestinations = []string{"i8gS", "9Ywx", "ceXQ", "bNe3", "sTSB"}

// SyncDestinations syncs destinations one after another (each fetches its
// suppliers in parallel) and returns their reports; it stops at the first
// error.
func (c *Catalog) SyncDestinations(ctx context.Context, uids ...string) ([]Report, error) {
	var out []Report
	for _, uid := range uids {
		r, err := c.sync(ctx, uid)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// EnsureSynced syncs a destination unless it was synced within MaxAge.
// Concurrent callers in this process share one sync; each waits only as
// long as its own context allows, while the sync itself runs to its end
// (bounded by SyncTimeout) so that a departed caller does not waste it.
func (c *Catalog) EnsureSynced(ctx context.Context, uid string) error {
	at, ok, err := db.DestinationSyncedAt(ctx, c.pool, uid)
	if err != nil {
		return err
	}
	if ok && c.now().Sub(at) < c.MaxAge {
		return nil
	}
	ch := c.group.DoChan(uid, func() (any, error) {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.SyncTimeout)
		defer cancel()
		// Another caller may have finished a sync while this one queued.
		if at, ok, err := db.DestinationSyncedAt(sctx, c.pool, uid); err == nil && ok && c.now().Sub(at) < c.MaxAge {
			return nil, nil
		}
		return c.sync(sctx, uid)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return fmt.Errorf("ensure catalog of %s: %w", uid, res.Err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("ensure catalog of %s: %w", uid, ctx.Err())
	}
}

// SyncDestination fetches every supplier's hotels of a destination, matches
// and merges them and writes the catalog. A supplier that fails keeps its
// previous content; staff decisions are kept; running it twice in a row
// changes nothing the second time.
func (c *Catalog) SyncDestination(ctx context.Context, uid string) (Report, error) {
	v, err, _ := c.group.Do(uid, func() (any, error) { return c.sync(ctx, uid) })
	if err != nil {
		return Report{}, err
	}
	return v.(Report), nil
}

// Report is what one sync did.
type Report struct {
	DestinationUID string
	// Hotels is the number of active hotels after the sync.
	Hotels int
	// New, Updated and Deactivated count hotels whose rows changed.
	New, Updated, Deactivated int
	// Mapped counts mapped supplier hotels per supplier.
	Mapped map[string]int
	// Queued is the number of open review pairs the matcher raised.
	Queued int
	// Failed holds the error of each supplier that could not be fetched
	// (its previous content was used).
	Failed   map[string]string
	Duration time.Duration
}
