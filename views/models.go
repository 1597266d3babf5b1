// Package views renders Lobang's HTML with templ. Components take plain view-model structs
// built by the handlers; views never see an *http.Request or the database.
package views

import "strings"

// Meta is what every page tells browsers and crawlers about itself.
type Meta struct {
	// Title is the page's own title; the layout appends " · Lobang" unless it already names Lobang.
	Title string
	// Description is the meta description shown by search engines; omitted when empty.
	Description string
	// Canonical is the absolute canonical URL of the page, or "" for none.
	Canonical string
	// NoIndex asks crawlers not to index the page (errors, searches, private pages).
	NoIndex bool
	// Robots, when set, is the robots meta content instead ("noindex,follow" on sorted,
	// filtered and paged variants of public pages).
	Robots string
	// OG holds the Open Graph tags; omitted when its Title is empty.
	OG OpenGraph
	// JSONLD is a schema.org JSON-LD document, already encoded by encoding/json (which escapes
	// <, > and &, so it cannot close its script element); omitted when empty.
	JSONLD string
}

// OpenGraph is what a page tells link previews about itself.
type OpenGraph struct {
	// Type is "website", or "hotel" style types; Title, Description, URL (absolute) and Image
	// (absolute, optional) fill og:title, og:description, og:url and og:image.
	Type, Title, Description, URL, Image string
}

// fullTitle is the text of the <title> element.
func (m Meta) fullTitle() string {
	switch {
	case m.Title == "":
		return "Lobang"
	case strings.Contains(m.Title, "Lobang"):
		return m.Title
	default:
		return m.Title + " · Lobang"
	}
}

// SearchForm is the hotel search form: the values to show and the errors to show beside them.
type SearchForm struct {
	// Q is the destination text typed by the customer; Destination is the uid the autocomplete
	// chose for it (hidden field). Checkin and Checkout are dates as YYYY-MM-DD.
	Q, Destination, Checkin, Checkout string
	// Rooms and Adults (per room); zero means the default (1 room, 2 adults).
	Rooms, Adults int
	// Children holds the age of each child per room (every room alike); at most MaxChildren.
	Children []int
	// MinDate is the earliest selectable check-in (today), as YYYY-MM-DD.
	MinDate string
	// Errors maps a field name (q, destination, checkin, checkout, rooms, adults, children)
	// to the message shown beside that field. Errors on destination are shown beside q.
	Errors map[string]string
}

// Limits of the search form's selects; the server's validation uses the same numbers.
const (
	MaxRooms    = 8
	MaxAdults   = 6
	MaxChildren = 4
	MaxChildAge = 17
)

// DestinationLink is a destination listed on the home page.
type DestinationLink struct {
	Name, Country, URL string
	// Hotels is the number of hotels known there; shown only when > 0.
	Hotels int
}

// Home is the home page: the search form and popular destinations.
type Home struct {
	Meta    Meta
	Form    SearchForm
	Popular []DestinationLink
	// Attribution is the data attribution sentence shown in the footer.
	Attribution string
}

// ErrorView is an error shown to a customer, as a full page or as a fragment.
type ErrorView struct {
	Meta Meta
	// Status is the HTTP status, shown on the full page; 0 hides it.
	Status int
	// Heading and Message say what happened and what to do, in plain words.
	Heading, Message string
	// RequestID lets support find the request in the logs; shown when not empty.
	RequestID   string
	Attribution string
}

// Static is a page of fixed text such as the terms or the privacy notice.
type Static struct {
	Meta        Meta
	Attribution string
}
