package catalog

import (
	"slices"

	"lobang/db"
)

// TruthHotel is one real hotel of the ground truth: the ids under which each
// supplier lists it (supplier → supplier hotel id).
type TruthHotel struct {
	WorldID   string            `json:"world_id"`
	Name      string            `json:"name"`
	Cases     []string          `json:"cases,omitempty"`
	Suppliers map[string]string `json:"suppliers"`
	// Names are each supplier's spelling, for printing wrong pairs.
	Names map[string]string `json:"names,omitempty"`
}

// PairError is a pair the mapping got wrong.
type PairError struct {
	A, B db.SupplierHotelKey
	// Hotel ids the mapping gave each side (equal for a false merge).
	HotelA, HotelB int64
	// World ids the truth gives each side (equal for a missed merge).
	TruthA, TruthB string
	Cases          []string
}

// Evaluation compares a mapping with the truth over same-hotel pairs.
type Evaluation struct {
	Precision, Recall float64
	// TruePairs are pairs of supplier hotels that are one hotel;
	// MappedPairs those the mapping put in one hotel; Correct both.
	TruePairs, MappedPairs, Correct int
	FalseMerges                     []PairError
	MissedMerges                    []PairError
}

// Eval measures a mapping (supplier hotel → canonical hotel id) against the
// ground truth. Precision is the share of mapped pairs that truly are one
// hotel; recall the share of true pairs that the mapping merged. Supplier
// hotels the truth does not know count only through the pairs they form.
func Eval(mapping map[db.SupplierHotelKey]int64, truth []TruthHotel) Evaluation {
	world := map[db.SupplierHotelKey]int{}
	for i, h := range truth {
		for s, id := range h.Suppliers {
			world[db.SupplierHotelKey{Supplier: s, ID: id}] = i + 1
		}
	}
	byHotel := map[int64][]db.SupplierHotelKey{}
	for k, id := range mapping {
		byHotel[id] = append(byHotel[id], k)
	}
	var ev Evaluation
	pairErr := func(a, b db.SupplierHotelKey) PairError {
		p := PairError{A: a, B: b, HotelA: mapping[a], HotelB: mapping[b]}
		if w := world[a]; w > 0 {
			p.TruthA = truth[w-1].WorldID
			p.Cases = truth[w-1].Cases
		}
		if w := world[b]; w > 0 {
			p.TruthB = truth[w-1].WorldID
			p.Cases = append(slices.Clone(p.Cases), truth[w-1].Cases...)
		}
		return p
	}
	ids := make([]int64, 0, len(byHotel))
	for id := range byHotel {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		keys := byHotel[id]
		slices.SortFunc(keys, keyCmp)
		for i := range keys {
			for j := i + 1; j < len(keys); j++ {
				ev.MappedPairs++
				if w := world[keys[i]]; w > 0 && w == world[keys[j]] {
					ev.Correct++
				} else {
					ev.FalseMerges = append(ev.FalseMerges, pairErr(keys[i], keys[j]))
				}
			}
		}
	}
	for _, h := range truth {
		var keys []db.SupplierHotelKey
		for s, id := range h.Suppliers {
			keys = append(keys, db.SupplierHotelKey{Supplier: s, ID: id})
		}
		slices.SortFunc(keys, keyCmp)
		for i := range keys {
			for j := i + 1; j < len(keys); j++ {
				ev.TruePairs++
				a, b := keys[i], keys[j]
				ha, oka := mapping[a]
				hb, okb := mapping[b]
				if !oka || !okb || ha != hb {
					ev.MissedMerges = append(ev.MissedMerges, pairErr(a, b))
				}
			}
		}
	}
	ev.Precision, ev.Recall = 1, 1
	if ev.MappedPairs > 0 {
		ev.Precision = float64(ev.Correct) / float64(ev.MappedPairs)
	}
	if ev.TruePairs > 0 {
		ev.Recall = float64(ev.TruePairs-len(ev.MissedMerges)) / float64(ev.TruePairs)
	}
	return ev
}

// GroupMapping turns the matcher's groups into a mapping with made-up hotel
// ids (1, 2, …), for evaluating the matcher without a database.
func GroupMapping(r Result) map[db.SupplierHotelKey]int64 {
	out := map[db.SupplierHotelKey]int64{}
	for i, g := range r.Groups {
		for _, k := range g.Members {
			out[k] = int64(i + 1)
		}
	}
	return out
}
