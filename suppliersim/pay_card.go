package suppliersim

import (
	"strconv"
	"strings"
	"time"
)

// cardOutcome is what happens when a test card is presented.
type cardOutcome int

const (
	cardSucceeds cardOutcome = iota
	cardDeclined
	cardChallenge // 3-D Secure: the customer must approve the payment on an extra page
)

type testCard struct {
	brand       string
	outcome     cardOutcome
	declineCode string
}

// payTestCards are the only card numbers the simulated provider accepts, as in a test mode.
var payTestCards = map[string]testCard{
	"4242424242424242": {"visa", cardSucceeds, ""},
	"5555555555554444": {"mastercard", cardSucceeds, ""},
	"378282246310005":  {"amex", cardSucceeds, ""},
	"4000000000000002": {"visa", cardDeclined, "generic_decline"},
	"4000000000009995": {"visa", cardDeclined, "insufficient_funds"},
	"4000002760003184": {"visa", cardChallenge, ""},
}

// cardForm is the checkout form as submitted. The number and CVC live only in this value for
// the length of one request: they are never stored, logged or rendered back.
type cardForm struct {
	number, expiry, cvc, name string
}

// cardDigits strips the spaces and dashes people type into card numbers.
func cardDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
}

// luhn reports whether a string of digits passes the Luhn check.
func luhn(digits string) bool {
	sum, double := 0, false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// parseExpiry reads "MM/YY", "MM / YY" or "MM/YYYY" and returns the first instant after the
// card's last valid month.
func parseExpiry(s string) (time.Time, bool) {
	m, y, ok := strings.Cut(strings.ReplaceAll(s, " ", ""), "/")
	if !ok {
		return time.Time{}, false
	}
	month, err1 := strconv.Atoi(m)
	year, err2 := strconv.Atoi(y)
	if err1 != nil || err2 != nil || month < 1 || month > 12 || (len(y) != 2 && len(y) != 4) {
		return time.Time{}, false
	}
	if len(y) == 2 {
		year += 2000
	}
	return time.Date(year, time.Month(month)+1, 1, 0, 0, 0, 0, time.UTC), true
}

// check validates the form at now; it returns the card to use, or messages per field.
func (f cardForm) check(now time.Time) (testCard, string, map[string]string) {
	errs := map[string]string{}
	digits := cardDigits(f.number)
	card, known := payTestCards[digits]
	switch {
	case digits == "":
		errs["card_number"] = "Enter your card number."
	case len(digits) < 12 || len(digits) > 19 || !luhn(digits):
		errs["card_number"] = "This card number is not valid."
	case !known:
		errs["card_number"] = "This is a test checkout: use one of the test cards listed below."
	}
	if exp, ok := parseExpiry(f.expiry); !ok {
		errs["expiry"] = "Enter the expiry date as MM/YY."
	} else if !now.Before(exp) {
		errs["expiry"] = "This card has expired."
	}
	wantCVC := 3
	if card.brand == "amex" {
		wantCVC = 4
	}
	if len(f.cvc) != wantCVC || strings.Trim(f.cvc, "0123456789") != "" {
		errs["cvc"] = "Enter the " + strconv.Itoa(wantCVC) + "-digit security code."
	}
	if n := len(strings.TrimSpace(f.name)); n == 0 || n > 100 {
		errs["name"] = "Enter the name on the card."
	}
	if len(errs) > 0 {
		return testCard{}, "", errs
	}
	return card, digits[len(digits)-4:], nil
}
