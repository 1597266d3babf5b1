package catalog

import (
	"cmp"
	"slices"

	"lobang/aggregator/suppliers"
	"lobang/db"
)

// SupplierContent is one supplier's static content for a destination.
type SupplierContent struct {
	Supplier string
	Hotels   []suppliers.Hotel
}

// Constraints are staff decisions the matcher obeys.
type Constraints struct {
	// Staff maps supplier hotels to the canonical hotel staff put them in.
	Staff map[db.SupplierHotelKey]int64
	// Merged are pairs staff confirmed as one hotel.
	Merged [][2]db.SupplierHotelKey
	// Rejected are pairs staff said are different hotels.
	Rejected map[[2]db.SupplierHotelKey]bool
}

// Group is one canonical hotel as the matcher sees it: its supplier hotels
// (at most one per supplier) and how sure each link is.
type Group struct {
	Members []db.SupplierHotelKey
	// Confidence of each member's link to the group (1 for staff decisions
	// and for a group of one).
	Confidence map[db.SupplierHotelKey]float64
	// StaffHotelID is the hotel staff pinned this group to, or 0.
	StaffHotelID int64
}

// Candidate is a doubtful pair for the review queue.
type Candidate struct {
	A, B        db.SupplierHotelKey // A sorts before B
	Score       float64
	DistanceM   float64
	HasDistance bool
}

// Result is the matcher's answer for one destination.
type Result struct {
	Groups  []Group
	Reviews []Candidate
}

// PairKey orders two keys so that a pair has one spelling.
func PairKey(a, b db.SupplierHotelKey) [2]db.SupplierHotelKey {
	if keyLess(b, a) {
		a, b = b, a
	}
	return [2]db.SupplierHotelKey{a, b}
}

func keyLess(a, b db.SupplierHotelKey) bool {
	return a.Supplier < b.Supplier || (a.Supplier == b.Supplier && a.ID < b.ID)
}

func keyCmp(a, b db.SupplierHotelKey) int {
	return cmp.Or(cmp.Compare(a.Supplier, b.Supplier), cmp.Compare(a.ID, b.ID))
}

// matcher clusters supplier hotels with a union-find.
type matcher struct {
	entries []*entry
	index   map[db.SupplierHotelKey]int
	parent  []int
	sups    []map[string]int // per root: supplier → entry
	staff   []int64          // per root: pinned hotel id
	conf    []float64        // per entry: link confidence
	scores  map[[2]int]pairScore
	cons    Constraints
}

// Match groups the supplier hotels of one destination into canonical hotels.
// city names the destination (its name spellings), whose words carry no
// identity in hotel names. The result is deterministic for a given input.
func Match(content []SupplierContent, cons Constraints, city ...string) Result {
	ct := cityTokens(city...)
	m := &matcher{index: map[db.SupplierHotelKey]int{}, scores: map[[2]int]pairScore{}, cons: cons}
	for _, sc := range content {
		for _, h := range sc.Hotels {
			e := newEntry(sc.Supplier, h, ct)
			if _, dup := m.index[e.key]; dup || h.SupplierHotelID == "" {
				continue
			}
			m.index[e.key] = -1
			m.entries = append(m.entries, e)
		}
	}
	slices.SortFunc(m.entries, func(a, b *entry) int { return keyCmp(a.key, b.key) })
	n := len(m.entries)
	m.parent, m.sups, m.staff, m.conf = make([]int, n), make([]map[string]int, n), make([]int64, n), make([]float64, n)
	for i, e := range m.entries {
		m.index[e.key] = i
		m.parent[i] = i
		m.sups[i] = map[string]int{e.key.Supplier: i}
		m.staff[i] = cons.Staff[e.key]
		m.conf[i] = 1
	}

	// Staff decisions first: hotels pinned to one canonical hotel, then
	// pairs confirmed from the review queue.
	byHotel := map[int64]int{}
	for i, e := range m.entries {
		id := cons.Staff[e.key]
		if id == 0 {
			continue
		}
		if j, ok := byHotel[id]; ok {
			m.union(j, i, true)
		} else {
			byHotel[id] = i
		}
	}
	for _, p := range cons.Merged {
		i, ok1 := m.index[p[0]]
		j, ok2 := m.index[p[1]]
		if ok1 && ok2 {
			m.union(i, j, true)
		}
	}

	type scored struct {
		i, j int
		s    pairScore
	}
	var pairs []scored
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if m.entries[i].key.Supplier == m.entries[j].key.Supplier {
				continue
			}
			s := m.score(i, j)
			if s.conf >= ReviewThreshold {
				pairs = append(pairs, scored{i, j, s})
			}
		}
	}
	slices.SortStableFunc(pairs, func(a, b scored) int { return cmp.Compare(b.s.conf, a.s.conf) })

	var doubtful []scored
	for _, p := range pairs {
		if p.s.conf >= MergeThreshold && m.union(p.i, p.j, false) {
			m.conf[p.i] = min(m.conf[p.i], p.s.conf)
			m.conf[p.j] = min(m.conf[p.j], p.s.conf)
			continue
		}
		if m.find(p.i) != m.find(p.j) {
			doubtful = append(doubtful, p)
		}
	}

	var res Result
	groups := map[int]*Group{}
	var roots []int
	for i, e := range m.entries {
		r := m.find(i)
		g, ok := groups[r]
		if !ok {
			g = &Group{Confidence: map[db.SupplierHotelKey]float64{}, StaffHotelID: m.staff[r]}
			groups[r] = g
			roots = append(roots, r)
		}
		g.Members = append(g.Members, e.key)
		g.Confidence[e.key] = m.conf[i]
	}
	for _, r := range roots {
		res.Groups = append(res.Groups, *groups[r])
	}
	// One review per pair of groups: the strongest doubtful link.
	seen := map[[2]int]bool{}
	for _, p := range doubtful {
		ri, rj := m.find(p.i), m.find(p.j)
		if ri == rj {
			continue
		}
		gk := [2]int{min(ri, rj), max(ri, rj)}
		pk := PairKey(m.entries[p.i].key, m.entries[p.j].key)
		if seen[gk] || cons.Rejected[pk] {
			continue
		}
		seen[gk] = true
		res.Reviews = append(res.Reviews, Candidate{A: pk[0], B: pk[1], Score: p.s.conf, DistanceM: p.s.distance, HasDistance: p.s.hasDist})
	}
	return res
}

func (m *matcher) find(i int) int {
	for m.parent[i] != i {
		m.parent[i] = m.parent[m.parent[i]]
		i = m.parent[i]
	}
	return i
}

func (m *matcher) score(i, j int) pairScore {
	k := [2]int{min(i, j), max(i, j)}
	if s, ok := m.scores[k]; ok {
		return s
	}
	s := scorePair(m.entries[i], m.entries[j])
	m.scores[k] = s
	return s
}

// union joins the groups of i and j when the result keeps one hotel per
// supplier, at most one staff pin, no staff-rejected pair and no pair that
// is incompatible (blocked or below the review band). Staff unions skip the
// score checks.
func (m *matcher) union(i, j int, staff bool) bool {
	ri, rj := m.find(i), m.find(j)
	if ri == rj {
		return true
	}
	for s := range m.sups[rj] {
		if _, clash := m.sups[ri][s]; clash {
			return false
		}
	}
	if m.staff[ri] != 0 && m.staff[rj] != 0 && m.staff[ri] != m.staff[rj] {
		return false
	}
	for _, a := range m.sups[ri] {
		for _, b := range m.sups[rj] {
			if m.cons.Rejected[PairKey(m.entries[a].key, m.entries[b].key)] {
				return false
			}
			if staff {
				continue
			}
			if s := m.score(a, b); s.blocked || s.conf < ReviewThreshold {
				return false
			}
		}
	}
	if len(m.sups[ri]) < len(m.sups[rj]) {
		ri, rj = rj, ri
	}
	m.parent[rj] = ri
	for s, e := range m.sups[rj] {
		m.sups[ri][s] = e
	}
	m.staff[ri] = max(m.staff[ri], m.staff[rj])
	return true
}
