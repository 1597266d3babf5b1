package views

import (
	"strconv"

	"github.com/a-h/templ"
)

// SuggestList is the autocomplete listbox of the destination field: empty, or up to a handful
// of options.
type SuggestList struct {
	Items []Suggestion
}

// Suggestion is one option of the destination autocomplete.
type Suggestion struct {
	// Value is the destination uid that choosing the option puts in the hidden field.
	Value string
	// Name is the display name, put in the text field when chosen; NameParts is the same text
	// split into the parts that matched what was typed and those that did not.
	Name      string
	NameParts []TextPart
	// Context is "Region, Country" for a place, the hotel's context line for a hotel.
	Context string
	// Hotel marks a hotel (searching picks its destination).
	Hotel bool
}

// TextPart is a run of text, emphasised when Match is set.
type TextPart struct {
	Text  string
	Match bool
}

// suggestionID is the element id of option i, referenced by aria-activedescendant.
func suggestionID(i int) string { return "destination-suggestions-" + strconv.Itoa(i) }

// Problem is one entry of a form's error summary: a message and the field it concerns.
type Problem struct {
	// Field is the id of the control to jump to, or "" when the form has no control for it
	// (a filter given in the address).
	Field   string
	Message string
}

// SearchView is the search page: the form, and either its problems or the results region.
type SearchView struct {
	Meta        Meta
	Attribution string
	Form        SearchForm
	// Problems are shown as a summary above the form (status 422); when there are any, the
	// page has no results region.
	Problems []Problem
	// Heading ("Hotels in Singapore") and Summary ("3–5 Mar · 2 adults") describe the search.
	Heading, Summary string
	// Results fills the results region.
	Results templ.Component
}

// DidYouMeanView asks which place a destination text meant.
type DidYouMeanView struct {
	Meta        Meta
	Attribution string
	Form        SearchForm
	// Q is the text as typed.
	Q       string
	Options []DidYouMeanOption
}

// DidYouMeanOption is one candidate place, linking to the same search there.
type DidYouMeanOption struct {
	Name, Context, URL string
	Hotel              bool
}
