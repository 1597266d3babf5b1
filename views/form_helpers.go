package views

import (
	"strconv"

	"github.com/a-h/templ"
)

// fieldError is the error message for a form field; errors on the hidden destination field
// belong beside the visible q field.
func (f SearchForm) fieldError(name string) string {
	if msg := f.Errors[name]; msg != "" {
		return msg
	}
	if name == "q" {
		return f.Errors["destination"]
	}
	return ""
}

// errorID is the id of the element holding a field's error message.
func errorID(name string) string { return name + "-error" }

// invalidAttrs marks a control invalid and points it at its error message, when it has one.
func (f SearchForm) invalidAttrs(name string) templ.Attributes {
	if f.fieldError(name) == "" {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": errorID(name)}
}

// rooms is the selected number of rooms (1 when unset).
func (f SearchForm) rooms() int {
	if f.Rooms < 1 {
		return 1
	}
	return f.Rooms
}

// adults is the selected number of adults per room (2 when unset).
func (f SearchForm) adults() int {
	if f.Adults < 1 {
		return 2
	}
	return f.Adults
}

// childAge is the age chosen for child i (0-based), if there is one.
func (f SearchForm) childAge(i int) (int, bool) {
	if i < len(f.Children) {
		return f.Children[i], true
	}
	return 0, false
}

// count returns 1..n, the options of a numeric select.
func count(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + 1
	}
	return s
}

// ages returns 0..MaxChildAge.
func ages() []int {
	s := make([]int, MaxChildAge+1)
	for i := range s {
		s[i] = i
	}
	return s
}

// plural writes "1 room", "2 rooms".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
