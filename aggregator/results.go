package aggregator

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// SupplierState is one supplier's progress in a search.
type SupplierState struct {
	Name  string
	State string // pending, running, done, failed, skipped
	Why   string // for failed and skipped: a short reason
}

// Final reports whether the supplier will send nothing more.
func (s SupplierState) Final() bool {
	return s.State == StateDone || s.State == StateFailed || s.State == StateSkipped
}

// Progress is how far a search has come.
type Progress struct {
	Suppliers []SupplierState
	Total     int // suppliers asked
	Final     int // suppliers done, failed or skipped
	Hotels    int // hotels priced so far
	Complete  bool
	Started   time.Time
}

// HotelResult is one hotel of a search: every supplier's price, cheapest
// first.
type HotelResult struct {
	HotelID int64
	Prices  []SupplierPrice
}

// Cheapest is the lowest total of any supplier.
func (h HotelResult) Cheapest() SupplierPrice { return h.Prices[0] }

// FreeCancellation reports whether any supplier offers it.
func (h HotelResult) FreeCancellation() bool {
	for _, p := range h.Prices {
		if p.FreeCancellation {
			return true
		}
	}
	return false
}

// Snapshot is everything a search holds at one instant, with the id of the
// last event it includes (a stream resumes after it).
type Snapshot struct {
	SID         string
	Progress    Progress
	Hotels      []HotelResult
	LastEventID string
}

// Snapshot reads a search's state, prices and last event id atomically.
func (a *Aggregator) Snapshot(ctx context.Context, sid string) (Snapshot, error) {
	pipe := a.rdb.TxPipeline()
	last := pipe.XRevRangeN(ctx, a.k.events(sid), "+", "-", 1)
	meta := pipe.HGetAll(ctx, a.k.meta(sid))
	prices := pipe.HGetAll(ctx, a.k.prices(sid))
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return Snapshot{}, fmt.Errorf("search %s: %w", sid, err)
	}
	if len(meta.Val()) == 0 {
		return Snapshot{}, ErrNoSearch
	}
	s := Snapshot{SID: sid, Progress: a.progress(meta.Val())}
	if msgs := last.Val(); len(msgs) > 0 {
		s.LastEventID = msgs[0].ID
	}
	s.Hotels = groupPrices(prices.Val())
	s.Progress.Hotels = len(s.Hotels)
	return s, nil
}

// Progress reads only a search's progress (cheap; for progress lines).
func (a *Aggregator) Progress(ctx context.Context, sid string) (Progress, error) {
	pipe := a.rdb.TxPipeline()
	meta := pipe.HGetAll(ctx, a.k.meta(sid))
	n := pipe.HKeys(ctx, a.k.prices(sid))
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return Progress{}, fmt.Errorf("search %s: %w", sid, err)
	}
	if len(meta.Val()) == 0 {
		return Progress{}, ErrNoSearch
	}
	p := a.progress(meta.Val())
	seen := map[string]bool{}
	for _, f := range n.Val() {
		h, _, _ := strings.Cut(f, "|")
		seen[h] = true
	}
	p.Hotels = len(seen)
	return p, nil
}

func (a *Aggregator) progress(meta map[string]string) Progress {
	var p Progress
	p.Total, _ = strconv.Atoi(meta["total"])
	if ms, err := strconv.ParseInt(meta["started"], 10, 64); err == nil {
		p.Started = time.UnixMilli(ms)
	}
	p.Complete = meta["complete"] == "1"
	names := a.order
	for k := range meta {
		if name, ok := strings.CutPrefix(k, "st:"); ok && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	for _, name := range names {
		st, ok := meta["st:"+name]
		if !ok {
			continue
		}
		if fin, ok := meta["fin:"+name]; ok {
			st = fin
		}
		s := SupplierState{Name: name, State: st, Why: meta["why:"+name]}
		if s.Final() {
			p.Final++
		}
		p.Suppliers = append(p.Suppliers, s)
	}
	return p
}

func groupPrices(fields map[string]string) []HotelResult {
	byHotel := map[int64][]SupplierPrice{}
	for f, raw := range fields {
		h, _, ok := strings.Cut(f, "|")
		id, err := strconv.ParseInt(h, 10, 64)
		if !ok || err != nil {
			continue
		}
		var sp SupplierPrice
		if json.Unmarshal([]byte(raw), &sp) != nil {
			continue
		}
		byHotel[id] = append(byHotel[id], sp)
	}
	out := make([]HotelResult, 0, len(byHotel))
	for id, ps := range byHotel {
		slices.SortFunc(ps, func(x, y SupplierPrice) int {
			return cmp.Or(cmp.Compare(x.Total, y.Total), cmp.Compare(x.Supplier, y.Supplier))
		})
		out = append(out, HotelResult{HotelID: id, Prices: ps})
	}
	slices.SortFunc(out, func(x, y HotelResult) int { return cmp.Compare(x.HotelID, y.HotelID) })
	return out
}

// HotelFacts are the catalog facts results are filtered and sorted by.
type HotelFacts struct {
	Stars       float64
	ReviewScore float64
	Lat, Lng    float64
	HasGeo      bool
	Amenities   []string
}

// Sort orders.
const (
	SortPrice    = "price"
	SortReview   = "review"
	SortStars    = "stars"
	SortDistance = "distance"
)

// ResultOptions select, order and page a search's hotels.
type ResultOptions struct {
	Sort             string
	Stars            []int // any of these star ratings (rounded down)
	MinPrice         int64 // minor units of the search currency, 0 = none
	MaxPrice         int64
	MinReview        float64
	FreeCancellation bool
	Amenities        []string // all of these
	// CenterLat/CenterLng anchor the distance sort.
	CenterLat, CenterLng float64
	Page, PerPage        int
}

// Page is one page of results.
type Page struct {
	Hotels  []HotelResult
	Matched int // hotels that pass the filters
	Page    int
	Pages   int
}

// Select filters, sorts and pages hotels using their catalog facts (a
// hotel without facts passes no content filter and sorts last).
func Select(hotels []HotelResult, facts map[int64]HotelFacts, o ResultOptions) Page {
	if o.PerPage <= 0 {
		o.PerPage = 30
	}
	if o.Page <= 0 {
		o.Page = 1
	}
	kept := make([]HotelResult, 0, len(hotels))
	for _, h := range hotels {
		if passes(h, facts[h.HotelID], o) {
			kept = append(kept, h)
		}
	}
	distance := func(f HotelFacts) float64 {
		if !f.HasGeo {
			return math.Inf(1)
		}
		return DistanceMetres(o.CenterLat, o.CenterLng, f.Lat, f.Lng)
	}
	slices.SortStableFunc(kept, func(x, y HotelResult) int {
		fx, fy := facts[x.HotelID], facts[y.HotelID]
		var c int
		switch o.Sort {
		case SortReview:
			c = cmp.Compare(fy.ReviewScore, fx.ReviewScore)
		case SortStars:
			c = cmp.Compare(fy.Stars, fx.Stars)
		case SortDistance:
			c = cmp.Compare(distance(fx), distance(fy))
		}
		return cmp.Or(c, cmp.Compare(x.Cheapest().Total, y.Cheapest().Total), cmp.Compare(x.HotelID, y.HotelID))
	})
	p := Page{Matched: len(kept), Page: o.Page}
	p.Pages = max(1, (len(kept)+o.PerPage-1)/o.PerPage)
	start := (o.Page - 1) * o.PerPage
	if start < len(kept) {
		p.Hotels = kept[start:min(start+o.PerPage, len(kept))]
	}
	return p
}

func passes(h HotelResult, f HotelFacts, o ResultOptions) bool {
	price := h.Cheapest().Total
	if o.MinPrice > 0 && price < o.MinPrice || o.MaxPrice > 0 && price > o.MaxPrice {
		return false
	}
	if len(o.Stars) > 0 && !slices.Contains(o.Stars, int(f.Stars)) {
		return false
	}
	if o.MinReview > 0 && f.ReviewScore < o.MinReview {
		return false
	}
	if o.FreeCancellation && !h.FreeCancellation() {
		return false
	}
	for _, want := range o.Amenities {
		if !slices.Contains(f.Amenities, want) {
			return false
		}
	}
	return true
}

// DistanceMetres is the great-circle distance between two points in metres.
func DistanceMetres(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371000.0
	rad := math.Pi / 180
	dlat, dlng := (lat2-lat1)*rad, (lng2-lng1)*rad
	s := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlng/2)*math.Sin(dlng/2)
	return 2 * r * math.Asin(math.Sqrt(s))
}
