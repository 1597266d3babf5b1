package views

import "github.com/a-h/templ"

// AccountFormView is one of the small account pages (sign up, log in,
// forgotten password, new password, change password, confirm email): a
// heading, an optional form of a few fields, and links onward. Without
// Fields it is a message page.
type AccountFormView struct {
	Meta        Meta
	Attribution string
	Heading     string
	Lead        string
	// Notice is a success message ("Check your email…"); Error a message
	// about the whole form ("Wrong email or password.").
	Notice string
	Error  string
	Action string
	// Hidden are hidden inputs (name → value), such as a token.
	Hidden map[string]string
	Fields []AccountField
	Submit string
	Links  []AccountLink
	// TestID names the form for tests.
	TestID string
}

// AccountField is one input with what was typed and the server's message.
type AccountField struct {
	Name         string
	Label        string
	Type         string // email, password, text
	Autocomplete string
	Value        string
	Hint         string
	Error        string
	MinLength    int
}

// AccountLink is a link under an account form.
type AccountLink struct {
	Text, URL string
}

func (f AccountField) attrs() templ.Attributes {
	a := templ.Attributes{}
	if f.Hint != "" {
		a["aria-describedby"] = f.Name + "-hint"
	}
	if f.Error != "" {
		a["aria-invalid"] = "true"
		a["aria-describedby"] = errorID(f.Name)
	}
	if f.MinLength > 0 {
		a["minlength"] = f.MinLength
	}
	return a
}

// AccountView is the account page: the email, its bookings and the saved
// guest details.
type AccountView struct {
	Meta        Meta
	Attribution string
	Email       string
	Verified    bool
	Notice      string
	Upcoming    []AccountBooking
	Past        []AccountBooking
	// Details is the saved guest details form (no token, no email field).
	Details DetailsForm
}

// AccountBooking is one booking in the account's lists.
type AccountBooking struct {
	ID        string
	URL       string
	Reference string
	Hotel     string
	Dates     string // "Mon 2 Mar 2026 – Wed 4 Mar 2026"
	Status    string // in words
	Total     string
}
