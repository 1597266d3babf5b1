package suppliersim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// Place is a destination as the simulator needs it.
type Place struct {
	UID, Name, ASCIIName, Region, Country, CountryCode string
	Lat, Lng                                           float64
	Population                                         int
	TimeZone                                           string
}

// Places is the gazetteer the world is built on. Rank is a place's stable position (most
// populous first); hotel ids encode it.
type Places interface {
	Lookup(uid string) (p Place, rank int, ok bool)
	At(rank int) (Place, bool)
}

// PlaceList is a Places over a fixed slice; rank is the position in the slice.
type PlaceList struct {
	list  []Place
	byUID map[string]int
}

// NewPlaceList indexes places by uid.
func NewPlaceList(places []Place) *PlaceList {
	pl := &PlaceList{list: places, byUID: make(map[string]int, len(places))}
	for i, p := range places {
		pl.byUID[p.UID] = i
	}
	return pl
}

// Lookup finds a place by uid.
func (pl *PlaceList) Lookup(uid string) (Place, int, bool) {
	i, ok := pl.byUID[uid]
	if !ok {
		return Place{}, 0, false
	}
	return pl.list[i], i, true
}

// At returns the place of a rank.
func (pl *PlaceList) At(rank int) (Place, bool) {
	if rank < 0 || rank >= len(pl.list) {
		return Place{}, false
	}
	return pl.list[rank], true
}

// Hard mapping cases planted in every destination with enough hotels.
const (
	caseBrandTwin      = "brand_twin"
	caseRenamed        = "renamed"
	caseTransliterated = "transliterated"
	caseSingleSupplier = "single_supplier"
)

// hotel is a canonical world hotel.
type hotel struct {
	slot       slot
	worldID    string
	dest       *destWorld
	name       string
	brand      string
	area       string
	address    string
	postal     string
	lat, lng   float64
	stars      int
	score      float64 // review score 0–100
	reviews    int
	features   []int // indexes into features
	rooms      []room
	totalRooms int
	checkin    string
	priceUSD   float64 // nightly rate of the cheapest room for two, in USD
	cases      []string
	sup        map[string]*supplierHotel
}

type room struct {
	kind  roomKind
	allot int // typical rooms on sale per night
	plans []plan
}

// plan is a rate plan: meal board and cancellation policy.
type plan struct {
	board  string // RO, BB, HB
	policy string // free, partial, nonref
	days   int    // free cancellation until this many days before check-in (18:00 local)
}

// supplierHotel is a world hotel as one supplier presents it.
type supplierHotel struct {
	supplier    string
	id          string
	hotel       *hotel
	name        string
	lat, lng    float64
	hasCoords   bool
	features    []int
	description string
	images      int
	nullScore   bool
	markup      float64
}

// destWorld holds the hotels of one destination.
type destWorld struct {
	place      Place
	rank       int
	loc        *time.Location
	hotels     []*hotel
	priceLevel float64
}

// world builds destinations lazily, once each, and keeps them.
type world struct {
	k      keyed
	places Places
	mu     sync.Mutex
	dests  map[int]*destEntry
}

type destEntry struct {
	once sync.Once
	d    *destWorld
}

func newWorld(k keyed, places Places) *world {
	return &world{k: k, places: places, dests: map[int]*destEntry{}}
}

// destination returns the hotels of a destination uid, building them on first use.
func (w *world) destination(uid string) (*destWorld, bool) {
	p, rank, ok := w.places.Lookup(uid)
	if !ok {
		return nil, false
	}
	return w.byRank(p, rank), true
}

func (w *world) byRank(p Place, rank int) *destWorld {
	w.mu.Lock()
	e, ok := w.dests[rank]
	if !ok {
		e = &destEntry{}
		w.dests[rank] = e
	}
	w.mu.Unlock()
	e.once.Do(func() { e.d = w.build(p, rank) })
	return e.d
}

// hotelAt resolves a slot to its hotel, if such a hotel exists.
func (w *world) hotelAt(s slot) (*hotel, bool) {
	p, ok := w.places.At(s.rank)
	if !ok {
		return nil, false
	}
	d := w.byRank(p, s.rank)
	if s.index < 0 || s.index >= len(d.hotels) {
		return nil, false
	}
	return d.hotels[s.index], true
}

// supplierHotel resolves a supplier's hotel id.
func (w *world) supplierHotel(supplier string, s slot, ok bool) (*supplierHotel, bool) {
	if !ok {
		return nil, false
	}
	h, ok := w.hotelAt(s)
	if !ok || h.sup[supplier] == nil {
		return nil, false
	}
	return h.sup[supplier], true
}

var (
	locMu    sync.Mutex
	locCache = map[string]*time.Location{}
)

func loadLocation(name string) *time.Location {
	locMu.Lock()
	defer locMu.Unlock()
	if l, ok := locCache[name]; ok {
		return l
	}
	l, err := time.LoadLocation(name)
	if err != nil || name == "" {
		l = time.UTC
	}
	locCache[name] = l
	return l
}

// priceLevels scale hotel prices by country (1 = a mid-priced country).
var priceLevels = map[string]float64{
	"CH": 1.9, "NO": 1.6, "IS": 1.7, "GB": 1.5, "SG": 1.45, "US": 1.4, "FR": 1.3, "DK": 1.5, "JP": 1.2,
	"AU": 1.3, "NZ": 1.2, "DE": 1.15, "NL": 1.3, "IT": 1.15, "HK": 1.4, "AE": 1.35, "KR": 1.0,
	"ES": 1.0, "CN": 0.8, "MY": 0.6, "TH": 0.55, "ID": 0.5, "VN": 0.45, "IN": 0.45, "PH": 0.55,
}

func hotelCount(pop int, r *rand.Rand) int {
	n := 3 + float64(pop)/10000*(0.85+0.3*r.Float64())
	return int(math.Max(2, math.Min(360, n)))
}

// offset moves a coordinate by metres north and east.
func offset(lat, lng, north, east float64) (float64, float64) {
	dLat := north / 111_320
	dLng := east / (111_320 * math.Max(0.05, math.Cos(lat*math.Pi/180)))
	return lat + dLat, lng + dLng
}

func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

func (w *world) build(p Place, rank int) *destWorld {
	d := &destWorld{place: p, rank: rank, loc: loadLocation(p.TimeZone)}
	r := w.k.rng("dest", p.UID)
	level, ok := priceLevels[p.CountryCode]
	if !ok {
		level = 0.9
	}
	d.priceLevel = level * (0.9 + 0.2*r.Float64())
	n := hotelCount(p.Population, r)
	areas := slices.Clone(areaWords)
	r.Shuffle(len(areas), func(i, j int) { areas[i], areas[j] = areas[j], areas[i] })
	areas = areas[:min(len(areas), 2+n/25)]
	radius := math.Min(12_000, 900+math.Sqrt(float64(p.Population))*3.5)
	centres := make([][2]float64, len(areas))
	for i := range centres {
		a, dist := r.Float64()*2*math.Pi, radius*0.6*math.Sqrt(r.Float64())
		centres[i] = [2]float64{dist * math.Cos(a), dist * math.Sin(a)}
	}
	chainShare := 0.12
	if p.Population > 500_000 {
		chainShare = 0.45
	} else if p.Population > 50_000 {
		chainShare = 0.3
	}
	used := map[string]bool{}
	for i := 0; i < n; i++ {
		hr := w.k.rng("hotel", p.UID, itoa(i))
		ai := hr.IntN(len(areas))
		h := &hotel{slot: slot{rank: rank, index: i}, dest: d, area: areas[ai],
			worldID: fmt.Sprintf("%s-%03d", p.UID, i)}
		if hr.Float64() < chainShare {
			b := pick(hr, brands)
			h.brand, h.stars, h.name = b.name, b.stars, brandName(hr, b, p.Name, h.area)
		} else {
			h.stars = []int{1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5}[hr.IntN(12)]
			h.name = independentName(hr, p.Name, h.area, p.CountryCode)
		}
		for used[h.name] { // two hotels never share a canonical name
			h.name += " " + pick(hr, []string{"II", "Annex", "Plus", "Central", "East Wing"})
		}
		used[h.name] = true
		spread := radius / 4
		h.lat, h.lng = offset(p.Lat, p.Lng, centres[ai][0]+hr.NormFloat64()*spread/2, centres[ai][1]+hr.NormFloat64()*spread/2)
		w.fillHotel(hr, h)
		d.hotels = append(d.hotels, h)
	}
	if n >= 10 {
		w.plantHardCases(d)
	}
	for _, h := range d.hotels {
		w.cover(h)
	}
	return d
}

// fillHotel derives the details of a hotel from its name and stars.
func (w *world) fillHotel(r *rand.Rand, h *hotel) {
	h.lat, h.lng = round6(h.lat), round6(h.lng)
	h.address = address(r, h.dest.place.CountryCode)
	h.postal = fmt.Sprintf("%05d", r.IntN(100000))
	h.score = math.Round(math.Min(99, 58+float64(h.stars)*6+r.NormFloat64()*6))
	h.reviews = 20 + r.IntN(400*h.stars)
	h.totalRooms = 8 + r.IntN(40*h.stars)
	h.checkin = pick(r, checkinTimes)
	h.features = h.features[:0]
	for i, f := range features {
		p := 0.15
		if h.stars >= f.minStars {
			p = 0.85
		}
		if r.Float64() < p {
			h.features = append(h.features, i)
		}
	}
	base := []float64{0, 40, 65, 105, 175, 330}[h.stars]
	h.priceUSD = math.Round(base * h.dest.priceLevel * (0.8 + 0.4*r.Float64()))
	h.rooms = h.rooms[:0]
	var kinds []roomKind
	for _, k := range roomKinds {
		if k.minStars <= h.stars && (k.code != "DRM-B" || h.stars <= 2) {
			kinds = append(kinds, k)
		}
	}
	r.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	kinds = kinds[:min(len(kinds), 2+r.IntN(4))]
	slices.SortFunc(kinds, func(a, b roomKind) int { return int(a.factor*100) - int(b.factor*100) })
	for _, k := range kinds {
		rm := room{kind: k, allot: 1 + r.IntN(8)}
		days := []int{1, 2, 3, 7}[r.IntN(4)]
		rm.plans = []plan{{"RO", "free", days}, {"RO", "nonref", 0}}
		if r.IntN(3) > 0 {
			rm.plans = append(rm.plans, plan{"BB", "free", days})
		}
		if r.IntN(3) == 0 {
			rm.plans = append(rm.plans, plan{"BB", "partial", days + 7})
		}
		if h.stars >= 4 && r.IntN(4) == 0 {
			rm.plans = append(rm.plans, plan{"HB", "free", days})
		}
		h.rooms = append(h.rooms, rm)
	}
}

func address(r *rand.Rand, cc string) string {
	s, n := pick(r, streetWords), 1+r.IntN(240)
	switch cc {
	case "FR", "BE":
		return fmt.Sprintf("%d rue %s", n, s)
	case "DE", "AT", "CH":
		return fmt.Sprintf("%sstraße %d", s, n)
	case "ES", "MX", "AR", "CO", "CL", "PE":
		return fmt.Sprintf("Calle %s %d", s, n)
	case "IT":
		return fmt.Sprintf("Via %s %d", s, n)
	case "JP":
		return fmt.Sprintf("%d-%d-%d %s", 1+r.IntN(6), 1+r.IntN(20), 1+r.IntN(30), s)
	}
	return fmt.Sprintf("%d %s %s", n, s, pick(r, []string{"Road", "Street", "Avenue", "Lane", "Square", "Boulevard", "Quay"}))
}

// plantHardCases rewrites hotels 3–8 into the hard cases listed in the package comment.
func (w *world) plantHardCases(d *destWorld) {
	p := d.place
	r := w.k.rng("hard", p.UID)
	// Two hotels of one family side by side, different hotels.
	pair := pick(r, brandTwins)
	a, b := d.hotels[3], d.hotels[4]
	area := a.area
	if area == "City Centre" || area == "Central" {
		area = "Riverside"
	}
	a.area, b.area = area, area
	a.brand, a.name = pair[0], pair[0]+" "+area
	b.brand, b.name = pair[1], pair[1]+" "+area+" "+pick(r, []string{"City Centre", "Central", "Plaza"})
	a.stars, b.stars = brandNamed(pair[0]).stars, brandNamed(pair[1]).stars
	ang, dist := r.Float64()*2*math.Pi, 40+r.Float64()*100
	b.lat, b.lng = offset(a.lat, a.lng, dist*math.Cos(ang), dist*math.Sin(ang))
	for _, h := range []*hotel{a, b} {
		w.fillHotel(w.k.rng("hotel-fill", h.worldID), h)
		h.cases = append(h.cases, caseBrandTwin)
	}
	// Renamed: the canonical name is the new one; one supplier still has the old one.
	d.hotels[5].cases = append(d.hotels[5].cases, caseRenamed)
	// Transliterated: each supplier romanises differently.
	t := d.hotels[6]
	t.name = translitFor(w.k.rng("translit", p.UID), p.CountryCode)[0]
	t.brand = ""
	t.cases = append(t.cases, caseTransliterated)
	// Present at one supplier only.
	d.hotels[7].cases = append(d.hotels[7].cases, caseSingleSupplier)
	d.hotels[8].cases = append(d.hotels[8].cases, caseSingleSupplier)
}

// coverage is the share of a destination's hotels that a supplier carries.
func (w *world) coverage(supplier, uid string) float64 {
	return 0.60 + 0.25*w.k.unit("coverage", supplier, uid)
}

// cover decides which suppliers carry a hotel and builds their views of it.
func (w *world) cover(h *hotel) {
	uid := h.dest.place.UID
	h.sup = map[string]*supplierHotel{}
	carried := map[string]bool{}
	for _, s := range Suppliers {
		carried[s] = w.k.unit("carry", s, h.worldID) < w.coverage(s, uid)
	}
	if slices.Contains(h.cases, caseSingleSupplier) {
		only := Suppliers[w.k.between(0, 2, "single", h.worldID)]
		for _, s := range Suppliers {
			carried[s] = s == only
		}
	} else if len(h.cases) > 0 {
		for _, s := range Suppliers {
			carried[s] = true
		}
	} else if !carried[Ascenda] && !carried[Bedcom] && !carried[WGL] {
		carried[Suppliers[w.k.between(0, 2, "fallback", h.worldID)]] = true
	}
	renamedAt := Suppliers[w.k.between(0, 2, "renamed-at", h.worldID)]
	var translit [3]string
	if slices.Contains(h.cases, caseTransliterated) {
		translit = translitFor(w.k.rng("translit", uid), h.dest.place.CountryCode)
	}
	for si, s := range Suppliers {
		if !carried[s] {
			continue
		}
		r := w.k.rng("sup", s, h.worldID)
		sh := &supplierHotel{supplier: s, hotel: h, hasCoords: true}
		switch s {
		case Ascenda:
			sh.id = w.k.ascendaID(h.slot)
		case Bedcom:
			sh.id = itoa(w.k.bedcomCode(h.slot))
		case WGL:
			sh.id = w.k.wglCode(h.slot)
		}
		sh.name = supplierName(r, s, h.name, h.dest.place.Name)
		switch {
		case slices.Contains(h.cases, caseRenamed) && s == renamedAt:
			old := independentName(w.k.rng("old-name", h.worldID), h.dest.place.Name, h.area, h.dest.place.CountryCode)
			sh.name = supplierName(r, s, old, h.dest.place.Name)
		case slices.Contains(h.cases, caseTransliterated):
			sh.name = translit[(si+w.k.between(0, 2, "translit", h.worldID))%3]
		}
		jitter := map[string]float64{Ascenda: 20, Bedcom: 75, WGL: 75}[s]
		ang, dist := r.Float64()*2*math.Pi, jitter*math.Sqrt(r.Float64())
		sh.lat, sh.lng = offset(h.lat, h.lng, dist*math.Cos(ang), dist*math.Sin(ang))
		sh.lat, sh.lng = round6(sh.lat), round6(sh.lng)
		missing := map[string]float64{Ascenda: 0.01, Bedcom: 0.03, WGL: 0.08}[s]
		sh.hasCoords = r.Float64() >= missing
		for _, f := range h.features {
			if r.Float64() < 0.85 {
				sh.features = append(sh.features, f)
			}
		}
		switch s {
		case Ascenda:
			sh.description = describeAscenda(r, h)
			sh.images = 5 + r.IntN(36)
			if r.Float64() < 0.08 {
				sh.images = 0
			}
			sh.nullScore = r.Float64() < 0.1
			sh.markup = 1 + 0.08*r.Float64()
		case Bedcom:
			sh.description = describeBedcom(r, h)
			sh.images = 3 + r.IntN(13)
			sh.markup = 0.98 + 0.08*r.Float64()
		case WGL:
			sh.description = describeWGL(r, h)
			sh.images = 1 + r.IntN(8)
			sh.markup = 0.96 + 0.1*r.Float64()
		}
		h.sup[s] = sh
	}
}

// offered tells whether a supplier sells a rate plan of a room (each supplier has its own
// contracts; the first plan of the first room is always sold so a carried hotel has offers).
func (w *world) offered(sh *supplierHotel, ri, pi int) bool {
	if ri == 0 && pi == 0 {
		return true
	}
	return w.k.unit("offer", sh.supplier, sh.hotel.worldID, itoa(ri), itoa(pi)) < 0.7
}
