package suppliers

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Helpers shared by the dialects: validating what we are about to send.

func itoa(i int) string { return strconv.Itoa(i) }

// errBadBody is ErrBadResponse with a reason.
func errBadBody(why string) error { return fmt.Errorf("%w: %s", ErrBadResponse, why) }

// validQuery rejects a query no supplier could answer, before any call.
func validQuery(q Query) error {
	switch {
	case q.Rooms < 1 || q.Rooms > 8:
		return fmt.Errorf("%w: 1 to 8 rooms", ErrInvalid)
	case q.Adults < 1 || q.Adults > 6:
		return fmt.Errorf("%w: 1 to 6 adults per room", ErrInvalid)
	case len(q.ChildrenAges) > 4:
		return fmt.Errorf("%w: at most 4 children per room", ErrInvalid)
	case q.Checkin.IsZero() || !q.Checkout.After(q.Checkin):
		return fmt.Errorf("%w: check-out must follow check-in", ErrInvalid)
	}
	for _, a := range q.ChildrenAges {
		if a < 0 || a > 17 {
			return fmt.Errorf("%w: child ages are 0 to 17", ErrInvalid)
		}
	}
	return nil
}

// date formats a query date as YYYY-MM-DD.
func date(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// validReference checks our booking reference: 1–64 printable ASCII characters.
func validReference(ref string) error {
	if ref == "" || len(ref) > 64 || strings.ContainsFunc(ref, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return fmt.Errorf("%w: reference must be 1 to 64 printable characters", ErrInvalid)
	}
	return nil
}

// samePrice compares what the customer pays: total and currency.
func samePrice(a, b Offer) bool { return a.Total == b.Total }

// pathEscape escapes one path segment.
func pathEscape(s string) string { return url.PathEscape(s) }
