package catalog

import (
	"math"

	"lobang/aggregator/suppliers"
	"lobang/db"
)

// Confidence bands: a pair scoring at least MergeThreshold is the same hotel;
// from ReviewThreshold up to it, staff decide (review queue); below, two
// hotels.
const (
	MergeThreshold  = 0.75
	ReviewThreshold = 0.45
)

// Distances (metres) that shape the geo evidence: suppliers place one hotel
// within about 150 m of each other.
const (
	geoSure   = 100.0  // closer than this counts as the same spot
	geoNone   = 400.0  // farther than this gives no geo support
	geoDiffer = 1000.0 // farther than this is never one hotel
)

// entry is one supplier hotel prepared for matching.
type entry struct {
	key   db.SupplierHotelKey
	hotel suppliers.Hotel
	name  name
	addr  address
}

func newEntry(supplier string, h suppliers.Hotel, city [][]string) *entry {
	return &entry{
		key:   db.SupplierHotelKey{Supplier: supplier, ID: h.SupplierHotelID},
		hotel: h,
		name:  parseName(h.Name, city),
		addr:  parseAddress(h.Address),
	}
}

// pairScore is the evidence that two supplier hotels are one hotel.
type pairScore struct {
	conf     float64
	distance float64 // metres; meaningful when hasDist
	hasDist  bool
	blocked  bool // may never be merged: different products, or far apart
}

// scorePair weighs name, distance, address and stars of two supplier
// hotels into a confidence in [0,1].
func scorePair(a, b *entry) pairScore {
	var s pairScore
	if a.hotel.HasGeo && b.hotel.HasGeo {
		s.hasDist = true
		s.distance = distanceM(a.hotel.Lat, a.hotel.Lng, b.hotel.Lat, b.hotel.Lng)
		if s.distance > geoDiffer {
			s.blocked = true
			return s
		}
	}
	nm := compareNames(a.name, b.name)
	nameScore := nm.sim
	if nm.extraA+nm.extraB > 0 {
		nameScore = min(nameScore, 0.55)
	}
	if nm.extraA > 0 && nm.extraB > 0 {
		nameScore = min(nameScore, 0.35)
		// Same product, different distinguishing words: two hotels of
		// one brand ("Hilton Orchard", "Hilton Marina").
		if a.name.brand != nil && a.name.brand == b.name.brand {
			s.blocked = true
		}
	}

	addrKnown := !a.addr.empty() && !b.addr.empty()
	addrScore := 0.5
	if addrKnown {
		addrScore = compareAddresses(a.addr, b.addr)
		if a.hotel.PostalCode != "" && b.hotel.PostalCode != "" && a.hotel.PostalCode != b.hotel.PostalCode {
			addrScore *= 0.5
		}
	}
	starScore := 0.5
	if a.hotel.Stars > 0 && b.hotel.Stars > 0 {
		switch d := math.Abs(a.hotel.Stars - b.hotel.Stars); {
		case d == 0:
			starScore = 1
		case d <= 0.5:
			starScore = 0.5
		default:
			starScore = 0
		}
	}

	if s.hasDist {
		geo := 1 - (s.distance-geoSure)/(geoNone-geoSure)
		geo = math.Max(0, math.Min(1, geo))
		s.conf = 0.5*nameScore + 0.2*geo + 0.22*addrScore + 0.08*starScore
	} else {
		// Without coordinates the address must vouch for the name, and
		// the match is never certain.
		if !addrKnown {
			addrScore = 0.2
		}
		s.conf = math.Min(0.9, 0.55*nameScore+0.33*addrScore+0.12*starScore)
	}
	if addrKnown && addrScore < 0.3 {
		// Different addresses: never merged without staff, and not even
		// doubtful when the names differ too.
		s.conf = math.Min(s.conf, 0.7)
		if nm.extraA+nm.extraB > 0 {
			s.conf = math.Min(s.conf, ReviewThreshold-0.05)
		}
	}
	if nm.brandConflict {
		s.blocked = true
		s.conf = math.Min(s.conf, 0.3)
	}
	if s.blocked {
		s.conf = math.Min(s.conf, ReviewThreshold-0.01)
	}
	return s
}
