package booking

import (
	"context"
	"database/sql"
	"fmt"
	"net/mail"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Details are the guest details of a booking, as the form sends them.
type Details struct {
	Title           string
	FirstName       string
	LastName        string
	Email           string
	Phone           string
	ArrivalTime     string // HH:MM, optional
	SpecialRequests string
	BillingAddress  string
}

// ValidationError holds a message per form field (keys as in the form:
// title, first_name, last_name, email, phone, arrival_time,
// special_requests, billing_address).
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return "invalid guest details: " + strings.Join(keys, ", ")
}

// Titles are the accepted forms of address; empty is allowed.
var Titles = []string{"Mr", "Ms", "Mrs", "Mx", "Dr"}

var (
	phoneText   = regexp.MustCompile(`^\+?[0-9 ()./-]{6,24}$`)
	arrivalText = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// normalise trims every field.
func (d Details) normalise() Details {
	for _, f := range []*string{&d.Title, &d.FirstName, &d.LastName, &d.Email, &d.Phone, &d.ArrivalTime,
		&d.SpecialRequests, &d.BillingAddress} {
		*f = strings.TrimSpace(*f)
	}
	return d
}

// Validate checks details as the server's last word; nil when all is well.
func (d Details) Validate() *ValidationError {
	d = d.normalise()
	errs := map[string]string{}
	long := func(field, v string, n int) bool {
		if utf8.RuneCountInString(v) > n {
			errs[field] = fmt.Sprintf("Use at most %d characters.", n)
			return true
		}
		return false
	}
	if d.Title != "" {
		ok := false
		for _, t := range Titles {
			ok = ok || d.Title == t
		}
		if !ok {
			errs["title"] = "Choose a title from the list."
		}
	}
	for _, f := range []struct{ key, v, name string }{{"first_name", d.FirstName, "first name"},
		{"last_name", d.LastName, "last name"}} {
		if f.v == "" {
			errs[f.key] = "Enter the guest's " + f.name + "."
		} else {
			long(f.key, f.v, 100)
		}
	}
	if d.Email == "" {
		errs["email"] = "Enter an email address for the confirmation."
	} else if a, err := mail.ParseAddress(d.Email); err != nil || a.Address != d.Email ||
		!strings.Contains(d.Email[strings.LastIndexByte(d.Email, '@')+1:], ".") {
		errs["email"] = "Enter an email address like name@example.com."
	} else {
		long("email", d.Email, 254)
	}
	if d.Phone == "" {
		errs["phone"] = "Enter a phone number the hotel can reach."
	} else if !phoneText.MatchString(d.Phone) {
		errs["phone"] = "Enter a phone number with digits only, like +65 6123 4567."
	}
	if d.ArrivalTime != "" && !arrivalText.MatchString(d.ArrivalTime) {
		errs["arrival_time"] = "Enter a time like 15:30."
	}
	long("special_requests", d.SpecialRequests, 1000)
	if d.BillingAddress == "" {
		errs["billing_address"] = "Enter the billing address."
	} else {
		long("billing_address", d.BillingAddress, 500)
	}
	if len(errs) == 0 {
		return nil
	}
	return &ValidationError{Fields: errs}
}

// SaveDetails stores the guest details of a quoted booking (→ details). The
// form token is the booking's one-time token: replaying it once the details
// are saved changes nothing and answers the booking as it stands; a token
// that is not the booking's is ErrBadToken. Invalid details are a
// *ValidationError and leave the token unused.
func (s *Service) SaveDetails(ctx context.Context, id, token string, d Details) (Booking, error) {
	d = d.normalise()
	return s.step(ctx, id, func(b *Booking) (decision, error) {
		if token == "" || token != b.FormToken {
			return decision{}, fmt.Errorf("save details of %s: %w", id, ErrBadToken)
		}
		if b.DetailsSavedAt.Valid {
			return decision{}, errSkip // a double submit or replay: the first one stands
		}
		if b.Status != StatusQuoted {
			return decision{}, fmt.Errorf("save details of %s in %s: %w", id, b.Status, ErrNotAllowed)
		}
		if verr := d.Validate(); verr != nil {
			return decision{}, verr
		}
		str := func(v string) sql.NullString { return sql.NullString{String: v, Valid: v != ""} }
		b.Title, b.FirstName, b.LastName, b.Email = str(d.Title), str(d.FirstName), str(d.LastName), str(d.Email)
		b.Phone, b.ArrivalTime, b.SpecialRequests = str(d.Phone), str(d.ArrivalTime), str(d.SpecialRequests)
		b.BillingAddress = str(d.BillingAddress)
		b.DetailsSavedAt = sql.NullTime{Time: s.clock(), Valid: true}
		return decision{To: StatusDetails, Cause: "guest details saved"}, nil
	})
}
