package catalog

import (
	"cmp"
	"math"
	"slices"
	"time"

	"lobang/aggregator/suppliers"
	"lobang/db"
)

// newHotel is a canonical hotel to insert, with the supplier hotels whose
// mappings wait for its id.
type newHotel struct {
	hotel   db.Hotel
	members []db.SupplierHotelKey
}

// syncPlan is every write one sync needs, computed without the database.
type syncPlan struct {
	inserts      []newHotel
	updates      []db.Hotel // changed hotels, deactivated ones included
	deactivate   []int64
	list, unlist []int64
	mappings     []*db.HotelMapping
	mappingFor   map[db.SupplierHotelKey]*db.HotelMapping
	reviews      []Candidate
	newReviews   []db.HotelReview
	staleReviews [][2]db.SupplierHotelKey
	active       int
	lastmod      time.Time
}

// plan matches and merges a destination's content against what the
// database holds: hotel ids stay with the hotels they were given (the id
// most of a group's supplier hotels were mapped to; a staff pin first),
// unchanged content is not rewritten, and staff decisions are obeyed.
func plan(uid, tz string, content []SupplierContent, st state, trust []string, now time.Time, city ...string) syncPlan {
	cons := Constraints{Staff: map[db.SupplierHotelKey]int64{}, Rejected: map[[2]db.SupplierHotelKey]bool{}}
	prev := map[db.SupplierHotelKey]db.HotelMapping{}
	for _, m := range st.mappings {
		prev[m.Key] = m
		if m.DecidedBy == db.DecidedByStaff {
			cons.Staff[m.Key] = m.HotelID
		}
	}
	decided := map[[2]db.SupplierHotelKey]db.HotelReview{}
	for _, r := range st.reviews {
		k := PairKey(r.A, r.B)
		decided[k] = r
		switch r.Status {
		case db.ReviewMerged:
			cons.Merged = append(cons.Merged, k)
		case db.ReviewRejected:
			cons.Rejected[k] = true
		}
	}
	res := Match(content, cons, city...)
	hotelOf := map[db.SupplierHotelKey]suppliers.Hotel{}
	for _, sc := range content {
		for _, h := range sc.Hotels {
			hotelOf[db.SupplierHotelKey{Supplier: sc.Supplier, ID: h.SupplierHotelID}] = h
		}
	}

	// Give ids: staff pins, then the id most members already point to.
	type claim struct {
		group int
		id    int64
		votes int
		staff bool
	}
	var claims []claim
	for gi, g := range res.Groups {
		if g.StaffHotelID != 0 {
			claims = append(claims, claim{gi, g.StaffHotelID, len(g.Members) + 1, true})
		}
		votes := map[int64]int{}
		for _, k := range g.Members {
			if m, ok := prev[k]; ok {
				if _, exists := st.hotels[m.HotelID]; exists {
					votes[m.HotelID]++
				}
			}
		}
		for id, n := range votes {
			claims = append(claims, claim{gi, id, n, false})
		}
	}
	slices.SortFunc(claims, func(a, b claim) int {
		if a.staff != b.staff {
			if a.staff {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.votes, a.votes), cmp.Compare(a.id, b.id), cmp.Compare(a.group, b.group))
	})
	idOf := make([]int64, len(res.Groups))
	taken := map[int64]bool{}
	for _, c := range claims {
		if idOf[c.group] == 0 && !taken[c.id] {
			idOf[c.group], taken[c.id] = c.id, true
		}
	}

	p := syncPlan{mappingFor: map[db.SupplierHotelKey]*db.HotelMapping{}, active: len(res.Groups)}
	listed := map[int64]bool{}
	for _, id := range st.listed {
		listed[id] = true
	}
	for gi, g := range res.Groups {
		ms := make([]member, 0, len(g.Members))
		for _, k := range g.Members {
			ms = append(ms, member{supplier: k.Supplier, hotel: hotelOf[k]})
		}
		h := Merge(ms, trust)
		h.DestinationUID, h.TimeZone = uid, tz
		h.ContentHash = contentHash(h)
		id := idOf[gi]
		old, exists := st.hotels[id]
		switch {
		case id != 0 && exists:
			h.ID, h.CreatedAt, h.ContentUpdatedAt = id, old.CreatedAt, old.ContentUpdatedAt
			if old.ContentHash != h.ContentHash || !old.Active || old.DestinationUID != uid {
				h.ContentUpdatedAt = now
				p.updates = append(p.updates, h)
			}
			if !listed[id] {
				p.list = append(p.list, id)
			}
		default:
			h.CreatedAt, h.ContentUpdatedAt = now, now
			p.inserts = append(p.inserts, newHotel{hotel: h, members: g.Members})
		}
		if h.ContentUpdatedAt.After(p.lastmod) {
			p.lastmod = h.ContentUpdatedAt
		}
		for _, k := range g.Members {
			m := &db.HotelMapping{Key: k, HotelID: h.ID, Confidence: math.Round(g.Confidence[k]*1e4) / 1e4,
				DecidedBy: db.DecidedByMatcher, UpdatedAt: now}
			p.mappings = append(p.mappings, m)
			p.mappingFor[k] = m
		}
	}
	for _, id := range st.listed {
		if taken[id] {
			continue
		}
		h := st.hotels[id]
		h.Active, h.ContentUpdatedAt = false, now
		h.ContentHash = contentHash(h)
		p.updates = append(p.updates, h)
		p.deactivate = append(p.deactivate, id)
		p.unlist = append(p.unlist, id)
	}

	p.reviews = res.Reviews
	want := map[[2]db.SupplierHotelKey]bool{}
	for _, c := range res.Reviews {
		k := PairKey(c.A, c.B)
		want[k] = true
		r, ok := decided[k]
		score := math.Round(c.Score*1e4) / 1e4
		if ok && (r.Status != db.ReviewOpen || r.Score == score) {
			continue
		}
		p.newReviews = append(p.newReviews, db.HotelReview{DestinationUID: uid, A: k[0], B: k[1], Score: score,
			DistanceM: math.Round(c.DistanceM*10) / 10, HasDistance: c.HasDistance, Status: db.ReviewOpen, CreatedAt: now})
	}
	for k, r := range decided {
		if r.Status == db.ReviewOpen && !want[k] {
			p.staleReviews = append(p.staleReviews, k)
		}
	}
	slices.SortFunc(p.staleReviews, func(a, b [2]db.SupplierHotelKey) int {
		return cmp.Or(keyCmp(a[0], b[0]), keyCmp(a[1], b[1]))
	})
	return p
}
