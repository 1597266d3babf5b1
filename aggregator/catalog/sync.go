package catalog

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"lobang/aggregator/suppliers"
	"lobang/db"
)

// fetched is one supplier's answer.
type fetched struct {
	supplier string
	hotels   []suppliers.Hotel
	err      error
}

// fetchAll asks every supplier for a destination's hotels in parallel, each
// call under its own deadline.
func (c *Catalog) fetchAll(ctx context.Context, uid string) []fetched {
	out := make([]fetched, len(c.sups))
	var wg sync.WaitGroup
	for i, s := range c.sups {
		wg.Go(func() {
			fctx, cancel := context.WithTimeout(ctx, c.FetchTimeout)
			defer cancel()
			hs, err := s.Hotels(fctx, uid)
			out[i] = fetched{supplier: s.Name(), hotels: hs, err: err}
		})
	}
	wg.Wait()
	return out
}

// state is what the database holds for a destination before a sync.
type state struct {
	stored   []db.SupplierHotel
	mappings []db.HotelMapping
	reviews  []db.HotelReview
	listed   []int64
	hotels   map[int64]db.Hotel
}

func loadState(ctx context.Context, q db.DBTX, uid string) (state, error) {
	var st state
	var err error
	if st.stored, err = db.SupplierHotelsForDestination(ctx, q, uid); err != nil {
		return st, err
	}
	if st.mappings, err = db.DestinationMappings(ctx, q, uid); err != nil {
		return st, err
	}
	if st.reviews, err = db.ReviewsForDestination(ctx, q, uid); err != nil {
		return st, err
	}
	if st.listed, err = db.DestinationHotelIDs(ctx, q, uid); err != nil {
		return st, err
	}
	ids := slices.Clone(st.listed)
	for _, m := range st.mappings {
		ids = append(ids, m.HotelID)
	}
	slices.Sort(ids)
	st.hotels, err = db.HotelsByIDs(ctx, q, slices.Compact(ids))
	return st, err
}

func (c *Catalog) sync(ctx context.Context, uid string) (Report, error) {
	return c.syncFrom(ctx, uid, false)
}

// syncFrom syncs a destination; storedOnly matches the content already
// stored instead of fetching it and records no sync (staff decisions).
func (c *Catalog) syncFrom(ctx context.Context, uid string, storedOnly bool) (Report, error) {
	start := c.now()
	rep := Report{DestinationUID: uid, Mapped: map[string]int{}, Failed: map[string]string{}}
	dest, err := db.EnsureDestination(ctx, c.pool, uid)
	if err != nil {
		return rep, fmt.Errorf("sync %s: %w", uid, err)
	}
	var results []fetched
	if storedOnly {
		results = c.storedOnly()
	} else {
		results = c.fetchAll(ctx, uid)
	}
	fetchedAt := c.now()
	st, err := loadState(ctx, c.pool, uid)
	if err != nil {
		return rep, fmt.Errorf("sync %s: %w", uid, err)
	}
	now := c.now().UTC()

	// Content per supplier: fresh where the fetch worked, stored otherwise.
	storedBy := map[string][]db.SupplierHotel{}
	for _, s := range st.stored {
		storedBy[s.Key.Supplier] = append(storedBy[s.Key.Supplier], s)
	}
	var content []SupplierContent
	var upsertSH []db.SupplierHotel
	var deleteSH []db.SupplierHotelKey
	status := map[string]string{}
	for _, f := range results {
		if f.err != nil && !storedOnly {
			rep.Failed[f.supplier] = f.err.Error()
			status[f.supplier] = f.err.Error()
			c.log.Warn("catalog: supplier failed; keeping its previous content", "destination", uid, "supplier", f.supplier, "err", f.err)
		}
		if f.err != nil {
			var hs []suppliers.Hotel
			for _, s := range storedBy[f.supplier] {
				var h suppliers.Hotel
				if err := json.Unmarshal([]byte(s.Content), &h); err != nil {
					return rep, fmt.Errorf("sync %s: stored %s/%s: %w", uid, s.Key.Supplier, s.Key.ID, err)
				}
				hs = append(hs, h)
			}
			content = append(content, SupplierContent{Supplier: f.supplier, Hotels: hs})
			continue
		}
		status[f.supplier] = "ok"
		content = append(content, SupplierContent{Supplier: f.supplier, Hotels: f.hotels})
		old := map[string]string{}
		for _, s := range storedBy[f.supplier] {
			old[s.Key.ID] = s.ContentHash
		}
		seen := map[string]bool{}
		for _, h := range f.hotels {
			if h.SupplierHotelID == "" || seen[h.SupplierHotelID] {
				continue
			}
			seen[h.SupplierHotelID] = true
			b, err := json.Marshal(h)
			if err != nil {
				return rep, fmt.Errorf("sync %s: encode %s/%s: %w", uid, f.supplier, h.SupplierHotelID, err)
			}
			sum := sha256.Sum256(b)
			hash := hex.EncodeToString(sum[:])
			if old[h.SupplierHotelID] != hash {
				upsertSH = append(upsertSH, db.SupplierHotel{DestinationUID: uid, Key: db.SupplierHotelKey{Supplier: f.supplier, ID: h.SupplierHotelID},
					Name: truncate(h.Name, 300), Content: string(b), ContentHash: hash, FetchedAt: now})
			}
		}
		for id := range old {
			if !seen[id] {
				deleteSH = append(deleteSH, db.SupplierHotelKey{Supplier: f.supplier, ID: id})
			}
		}
	}

	loadedAt := c.now()
	p := plan(uid, dest.TimeZone, content, st, c.Trust, now, dest.Name, dest.ASCIIName)
	plannedAt := c.now()
	rep.Hotels, rep.Queued = p.active, len(p.reviews)
	for _, m := range p.mappings {
		rep.Mapped[m.Key.Supplier]++
	}
	rep.Deactivated = len(p.deactivate)

	err = db.WithTx(ctx, c.pool, func(tx *sql.Tx) error {
		for i := range p.inserts {
			h := &p.inserts[i]
			id, err := db.InsertHotel(ctx, tx, h.hotel)
			if err != nil {
				return err
			}
			for _, k := range h.members {
				p.mappingFor[k].HotelID = id
			}
			p.list = append(p.list, id)
		}
		var changedMappings []db.HotelMapping
		old := map[db.SupplierHotelKey]db.HotelMapping{}
		for _, m := range st.mappings {
			old[m.Key] = m
		}
		for _, m := range p.mappings {
			o, ok := old[m.Key]
			if ok && o.DecidedBy == db.DecidedByStaff {
				continue
			}
			if !ok || o.HotelID != m.HotelID || o.Confidence != m.Confidence {
				changedMappings = append(changedMappings, *m)
			}
		}
		var stale []db.SupplierHotelKey
		for _, m := range st.mappings {
			if _, ok := p.mappingFor[m.Key]; !ok && m.DecidedBy == db.DecidedByMatcher {
				stale = append(stale, m.Key)
			}
		}
		return firstErr(
			func() error { return db.UpdateHotels(ctx, tx, p.updates) },
			func() error { return db.SetDestinationHotels(ctx, tx, uid, p.list, p.unlist) },
			func() error { return db.UpsertSupplierHotels(ctx, tx, upsertSH) },
			func() error { return db.DeleteSupplierHotels(ctx, tx, uid, append(deleteSH, stale...)) },
			func() error { return db.UpsertMatcherMappings(ctx, tx, uid, changedMappings) },
			func() error { return db.UpsertReviews(ctx, tx, p.newReviews) },
			func() error { return db.DeleteOpenReviews(ctx, tx, uid, p.staleReviews) },
			func() error {
				if storedOnly {
					return nil
				}
				sup, _ := json.Marshal(status) // a map of strings always encodes
				return db.RecordSync(ctx, tx, db.CatalogSync{DestinationUID: uid, SyncedAt: now,
					Duration: c.now().Sub(start), Hotels: p.active, ContentUpdatedAt: p.lastmod, Suppliers: string(sup)})
			},
		)
	})
	if err != nil {
		return rep, fmt.Errorf("sync %s: write: %w", uid, err)
	}
	rep.New, rep.Updated = len(p.inserts), len(p.updates)-len(p.deactivate)
	rep.Duration = c.now().Sub(start)
	c.log.Debug("catalog sync phases", "destination", uid, "fetch", fetchedAt.Sub(start), "load", loadedAt.Sub(fetchedAt),
		"plan", plannedAt.Sub(loadedAt), "write", c.now().Sub(plannedAt))
	c.log.Info("catalog synced", "destination", uid, "hotels", rep.Hotels, "new", rep.New, "updated", rep.Updated,
		"deactivated", rep.Deactivated, "queued", rep.Queued, "failed", len(rep.Failed), "duration", rep.Duration)
	return rep, nil
}

func firstErr(fns ...func() error) error {
	for _, f := range fns {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
