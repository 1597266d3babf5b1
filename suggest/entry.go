package suggest

import (
	"lobang/destinations"
)

// Kind says what an Entry stands for.
type Kind uint8

// The kinds of entries a customer can pick.
const (
	KindDestination Kind = iota + 1
	KindHotel
)

// String names the kind for logs and templates.
func (k Kind) String() string {
	switch k {
	case KindDestination:
		return "destination"
	case KindHotel:
		return "hotel"
	default:
		return "unknown"
	}
}

// Entry is one thing a customer can pick: a destination or a hotel.
type Entry struct {
	Kind           Kind    // KindDestination or KindHotel
	ID             string  // destination uid or hotel id
	Name           string  // display name, original spelling ("Zürich")
	Context        string  // display context: "Zürich, Switzerland" for places, "Hotel · Singapore" for hotels; also searched
	Popularity     float64 // ranking weight: population for places; for hotels a weight on the same scale, given by the caller
	DestinationUID string  // for hotels: the destination they are in
}

// Match is one suggestion: the entry, its score and whether the query names it.
type Match struct {
	Entry
	Score float64 // higher is better; see the package documentation for the scale
	Exact bool    // the folded query equals the folded name
}

// FromDestinations turns destinations into entries, keeping their order.
func FromDestinations(ds []destinations.Destination) []Entry {
	out := make([]Entry, len(ds))
	for i, d := range ds {
		out[i] = Entry{
			Kind:       KindDestination,
			ID:         d.UID,
			Name:       d.Name,
			Context:    placeContext(d),
			Popularity: float64(d.Population),
		}
	}
	return out
}

// placeContext is "Region, Country", or just the country when the region is
// unknown or merely repeats the name (Singapore, Singapore).
func placeContext(d destinations.Destination) string {
	if d.Region == "" || destinations.Fold(d.Region) == destinations.Fold(d.Name) {
		return d.Country
	}
	return d.Region + ", " + d.Country
}
