package suggest

import "lobang/destinations"

// ClearMargin is how far the best match of a query must outscore the best
// differently named match for Resolve to pick it without asking. At equal
// match quality it means 100 times the population; a typo-free match always
// clears it over typo matches.
const ClearMargin = 0.25

// maxAlternatives is how many other matches Resolve offers.
const maxAlternatives = 5

// Resolve decides what a search text submitted without picking a suggestion
// means (the q= alone rule of the search page). It is ok when
//
//   - the text names an entry exactly (folded): the best exact destination,
//     else the best exact hotel; several places sharing a name are told apart
//     by popularity alone;
//   - or only one entry matches;
//   - or the best match outscores, by at least ClearMargin, every match with
//     a different folded name (so "Pariss" resolves to Paris, France although
//     Paris, Texas matches the same way); hotels in the best destination
//     are no rivals to it either, since searching it finds them.
//
// alternatives are the runners-up, at most five. When not ok, best is the
// zero Match and alternatives are the closest matches to offer as "did you
// mean", possibly none. A hotel is returned as such: the caller decides
// whether to search its destination.
func (ix *Index) Resolve(q string) (best Match, alternatives []Match, ok bool) {
	ms := ix.Suggest(q, maxAlternatives+1)
	if len(ms) == 0 {
		return Match{}, nil, false
	}
	pick := -1
	if ms[0].Exact {
		pick = 0
		for i, m := range ms {
			if m.Exact && m.Kind == KindDestination {
				pick = i
				break
			}
		}
	} else if clearlyBest(ms) {
		pick = 0
	}
	if pick < 0 {
		return Match{}, ms[:min(len(ms), maxAlternatives)], false
	}
	alternatives = make([]Match, 0, len(ms)-1)
	alternatives = append(alternatives, ms[:pick]...)
	alternatives = append(alternatives, ms[pick+1:]...)
	return ms[pick], alternatives, true
}

// clearlyBest reports whether ms[0] outscores its best rival in ms by
// ClearMargin; ms is sorted best first.
func clearlyBest(ms []Match) bool {
	top := ms[0]
	name := destinations.Fold(top.Name)
	for _, m := range ms[1:] {
		inside := top.Kind == KindDestination && m.Kind == KindHotel && m.DestinationUID == top.ID
		if !inside && destinations.Fold(m.Name) != name {
			return top.Score-m.Score >= ClearMargin
		}
	}
	return true
}
