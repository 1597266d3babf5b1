package handlers

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"lobang/aggregator"
	"lobang/db"
)

// resultsState is what the results page and its streams keep in process:
// catalog content of recently shown hotels and each followed search's latest
// snapshot. Both are caches: losing them costs only a query.
type resultsState struct {
	hotels hotelCache
	snaps  snapshotCache
}

func newResultsState() *resultsState {
	return &resultsState{
		hotels: hotelCache{ttl: 5 * time.Minute, m: map[int64]cachedHotel{}},
		snaps:  snapshotCache{m: map[string]*snapEntry{}},
	}
}

func (h *Handler) results() *resultsState { return h.resultsState }

// cardHotel is what a result card and the filters need of a catalog hotel.
type cardHotel struct {
	ID                 int64
	Slug, Name, Addr   string
	Lat, Lng           float64
	HasGeo             bool
	Stars, ReviewScore float64
	ReviewCount        int
	Amenities          []string
	Image              string
}

func (c cardHotel) facts() aggregator.HotelFacts {
	return aggregator.HotelFacts{
		Stars: c.Stars, ReviewScore: c.ReviewScore, Lat: c.Lat, Lng: c.Lng,
		HasGeo: c.HasGeo, Amenities: c.Amenities,
	}
}

type cachedHotel struct {
	hotel cardHotel
	found bool
	until time.Time
}

// hotelCache keeps the card content of hotels for a few minutes, so that a
// repeated search and every stream message read MySQL only for hotels not
// seen lately. Content changes reach cards within the TTL.
type hotelCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[int64]cachedHotel
}

// maxCachedHotels bounds the cache; past it, the cache starts afresh.
const maxCachedHotels = 200_000

// get returns the card content of the given hotels; ids the catalog does
// not know are left out.
func (c *hotelCache) get(ctx context.Context, pool *sql.DB, ids []int64) (map[int64]cardHotel, error) {
	now := time.Now()
	out := make(map[int64]cardHotel, len(ids))
	var missing []int64
	c.mu.Lock()
	for _, id := range ids {
		e, ok := c.m[id]
		switch {
		case !ok || now.After(e.until):
			missing = append(missing, id)
		case e.found:
			out[id] = e.hotel
		}
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	if pool == nil {
		return nil, fmt.Errorf("hotel content: no database")
	}
	rows, err := db.HotelsByIDs(ctx, pool, missing)
	if err != nil {
		return nil, fmt.Errorf("hotel content: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m)+len(missing) > maxCachedHotels {
		c.m = map[int64]cachedHotel{}
	}
	for _, id := range missing {
		row, found := rows[id]
		e := cachedHotel{found: found, until: now.Add(c.ttl)}
		if found {
			e.hotel = cardHotelOf(row)
			out[id] = e.hotel
		}
		c.m[id] = e
	}
	return out, nil
}

func cardHotelOf(h db.Hotel) cardHotel {
	c := cardHotel{
		ID: h.ID, Slug: h.Slug, Name: h.Name, Addr: h.Address,
		Lat: h.Lat, Lng: h.Lng, HasGeo: h.HasGeo,
		Stars: h.Stars, ReviewScore: h.ReviewScore, ReviewCount: h.ReviewCount,
		Amenities: h.Amenities,
	}
	if len(h.Images) > 0 {
		c.Image = h.Images[0].URL
	}
	return c
}

// snapshotCache shares one search's latest snapshot among all the streams
// of this instance that follow it: a thousand viewers of a search cost one
// Redis read per event, not a thousand.
type snapshotCache struct {
	mu    sync.Mutex
	m     map[string]*snapEntry
	swept time.Time
}

type snapEntry struct {
	mu   sync.Mutex // held while reading Redis: one read per search at a time
	snap aggregator.Snapshot
	ok   bool
	used time.Time

	// rankings holds the snapshot's rankings by filter and sort, so that
	// the streams of one page share one ranking per event.
	rmu      sync.Mutex
	rankedAt string
	rankings map[string]ranking
	// messages holds rendered stream messages of the snapshot: streams of
	// the same page in the same state send the same bytes, rendered once.
	messages map[string]sharedMessage
}

// sharedMessage is a rendered stream message and the hotels the page may
// show after it (never modified: each stream copies it).
type sharedMessage struct {
	data  []byte
	shown map[int64]bool
}

// maxSharedMessages bounds the messages kept per snapshot.
const maxSharedMessages = 256

// renew forgets rankings and messages of an older snapshot. rmu is held.
func (e *snapEntry) renew(snap aggregator.Snapshot) {
	if e.rankedAt != snap.LastEventID || e.rankings == nil {
		e.rankedAt = snap.LastEventID
		e.rankings = map[string]ranking{}
		e.messages = map[string]sharedMessage{}
	}
}

// message returns the message rendered for key from snap, rendering it
// with render when no other stream has.
func (e *snapEntry) message(snap aggregator.Snapshot, key string, render func() (sharedMessage, error)) (sharedMessage, error) {
	e.rmu.Lock()
	e.renew(snap)
	m, ok := e.messages[key]
	e.rmu.Unlock()
	if ok {
		return m, nil
	}
	m, err := render()
	if err != nil {
		return m, err
	}
	e.rmu.Lock()
	defer e.rmu.Unlock()
	if e.rankedAt == snap.LastEventID && len(e.messages) < maxSharedMessages {
		e.messages[key] = m
	}
	return m, nil
}

// entry returns the cache entry of sid, if any.
func (c *snapshotCache) entry(sid string) (*snapEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[sid]
	return e, ok
}

// ranking returns the ranking of snap for key, computing it with rank once
// per snapshot and key.
func (e *snapEntry) ranking(snap aggregator.Snapshot, key string, rank func() (ranking, error)) (ranking, error) {
	e.rmu.Lock()
	defer e.rmu.Unlock()
	e.renew(snap)
	if r, ok := e.rankings[key]; ok {
		return r, nil
	}
	r, err := rank()
	if err != nil {
		return ranking{}, err
	}
	e.rankings[key] = r
	return r, nil
}

// ranked ranks a snapshot of sid for rp, sharing the work with every other
// stream of this instance showing the same filters and order.
func (h *Handler) ranked(ctx context.Context, snap aggregator.Snapshot, rp resultsPage) (ranking, error) {
	e, ok := h.results().snaps.entry(snap.SID)
	if !ok || snap.LastEventID == "" {
		return h.rank(ctx, snap.Hotels, rp)
	}
	key := rp.withPage(1).rv.query(rp.withPage(1).p)
	return e.ranking(snap, key, func() (ranking, error) { return h.rank(ctx, snap.Hotels, rp) })
}

// get returns a snapshot of sid that includes at least event atLeast,
// reading Redis only when the shared one is older.
func (c *snapshotCache) get(ctx context.Context, agg *aggregator.Aggregator, sid, atLeast string) (aggregator.Snapshot, error) {
	now := time.Now()
	c.mu.Lock()
	if now.Sub(c.swept) > 30*time.Second {
		for k, e := range c.m {
			if now.Sub(e.used) > time.Minute {
				delete(c.m, k)
			}
		}
		c.swept = now
	}
	e, ok := c.m[sid]
	if !ok {
		e = &snapEntry{}
		c.m[sid] = e
	}
	e.used = now
	c.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ok && !eventBefore(e.snap.LastEventID, atLeast) {
		return e.snap, nil
	}
	s, err := agg.Snapshot(ctx, sid)
	if err != nil {
		return aggregator.Snapshot{}, err
	}
	e.snap, e.ok = s, true
	return s, nil
}

// eventBefore reports whether stream id a comes before b ("" and "0" come
// before everything else). Both must be valid event ids.
func eventBefore(a, b string) bool {
	am, as := splitEventID(a)
	bm, bs := splitEventID(b)
	return am < bm || am == bm && as < bs
}

func splitEventID(s string) (ms, seq uint64) {
	a, b, _ := strings.Cut(s, "-")
	ms, err := strconv.ParseUint(a, 10, 64)
	if err != nil {
		return 0, 0
	}
	seq, err = strconv.ParseUint(b, 10, 64)
	if err != nil {
		return ms, 0
	}
	return ms, seq
}
