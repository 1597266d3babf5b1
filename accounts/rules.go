package accounts

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"lobang/booking"
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// maxPasswordLength bounds the work of hashing what a form sends.
const maxPasswordLength = 256

var phoneText = regexp.MustCompile(`^\+?[0-9 ()./-]{6,24}$`)

// NormaliseEmail trims and lower-cases an email address: accounts are
// unique by it.
func NormaliseEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// checkEmail returns what is wrong with a normalised email, "" when fine.
func checkEmail(email string) string {
	if email == "" {
		return "Enter your email address."
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || !strings.Contains(email[strings.LastIndexByte(email, '@')+1:], ".") {
		return "Enter an email address like name@example.com."
	}
	if len(email) > 254 {
		return "Use at most 254 characters."
	}
	return ""
}

// CheckPassword returns what is wrong with a new password for the account
// of email, "" when it is acceptable: at least MinPasswordLength
// characters, and not the email address itself.
func CheckPassword(password, email string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		return fmt.Sprintf("Use at least %d characters.", MinPasswordLength)
	case n > maxPasswordLength:
		return fmt.Sprintf("Use at most %d characters.", maxPasswordLength)
	case email != "" && (strings.EqualFold(strings.TrimSpace(password), email) ||
		strings.EqualFold(strings.TrimSpace(password), email[:max(strings.IndexByte(email, '@'), 0)])):
		return "Don't use your email address as your password."
	}
	return ""
}

func (d Details) normalise() Details {
	for _, f := range []*string{&d.Title, &d.FirstName, &d.LastName, &d.Phone, &d.BillingAddress} {
		*f = strings.TrimSpace(*f)
	}
	return d
}

// validate checks saved details: every field may be empty; what is given
// must be usable in the booking form.
func (d Details) validate() FieldErrors {
	errs := FieldErrors{}
	if d.Title != "" {
		ok := false
		for _, t := range booking.Titles {
			ok = ok || d.Title == t
		}
		if !ok {
			errs["title"] = "Choose a title from the list."
		}
	}
	for _, f := range []struct {
		key, v string
		max    int
	}{{"first_name", d.FirstName, 100}, {"last_name", d.LastName, 100}, {"billing_address", d.BillingAddress, 500}} {
		if utf8.RuneCountInString(f.v) > f.max {
			errs[f.key] = fmt.Sprintf("Use at most %d characters.", f.max)
		}
	}
	if d.Phone != "" && !phoneText.MatchString(d.Phone) {
		errs["phone"] = "Enter a phone number with digits only, like +65 6123 4567."
	}
	return errs
}
