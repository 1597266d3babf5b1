package views

import "strings"

// HotelView is a hotel's public page: catalog content only, never a price or anything
// personal, so that the CDN may cache it.
type HotelView struct {
	Meta        Meta
	Attribution string
	ID          int64
	Name        string
	// Stars is the official rating (0 unknown); StarsText says it in words ("4-star hotel").
	Stars     int
	StarsText string
	// Review is the guests' score, shown when Review.Score is not empty.
	Review Review
	// Address is one line; Destination links the destination page.
	Address     string
	Destination Link
	// DescriptionHTML is the catalog's description, sanitised by the catalog (bluemonday,
	// p/br/lists/emphasis only) before it was stored.
	DescriptionHTML string
	Amenities       []AmenityGroup
	Images          []Image
	Map             *HotelMap
	// CheckIn and CheckOut are "15:00" style times, empty when unknown.
	CheckIn, CheckOut string
	// Suppliers lists who sells rooms at the hotel ("ascenda, bedcom, wgl").
	Suppliers string
	Stay      StayForm
	// RoomsURL is set when the address holds a valid stay: offers load from it (htmx) or
	// the customer follows it (no JavaScript).
	RoomsURL string
}

// Review is a guest review score with its breakdown.
type Review struct {
	// Score is out of 10 ("8.6"); Label words it ("Excellent"); Count is the number of reviews.
	Score, Label string
	Count        int
	Parts        []ReviewPart
}

// ReviewPart is one category of a review score.
type ReviewPart struct {
	Label, Score string
	// Tenths is the score in tenths of the bar (0–10), for a CSS-only meter.
	Tenths int
}

// AmenityGroup is the hotel's amenities of one vocabulary group.
type AmenityGroup struct {
	Name  string
	Items []string
}

// Image is a photo with its intrinsic size.
type Image struct {
	URL, Alt      string
	Width, Height int
}

// Link is a labelled URL.
type Link struct {
	Label, URL string
	Current    bool
}

// HotelMap is a small server-drawn map of a hotel and its neighbours.
type HotelMap struct {
	Width, Height int
	Points        []MapPoint
}

// MapPoint is a hotel on the map, in SVG user units.
type MapPoint struct {
	X, Y    int
	Name    string
	URL     string
	Current bool
	// LabelLeft puts the label on the left of the point (near the right edge).
	LabelLeft bool
	// Distance is how far it is from the hotel ("450 m").
	Distance string
}

// StayForm is the date and party form of a hotel page; it submits to the page itself.
type StayForm struct {
	Action            string
	Checkin, Checkout string
	Rooms, Adults     int
	Children          []int
	Currency          string
	Currencies        []string
	MinDate           string
}

// stars draws a star rating as text ("★★★★").
func stars(n int) string { return strings.Repeat("★", max(min(n, 5), 0)) }

// stayAdults is the selected number of adults per room (2 when unset).
func stayAdults(f StayForm) int {
	if f.Adults < 1 {
		return 2
	}
	return f.Adults
}

// shorten cuts s to at most n runes, with an ellipsis when cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
