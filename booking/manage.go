package booking

import (
	"context"
	"crypto/subtle"
	"errors"
	"strings"

	"lobang/db"
)

// NormaliseReference turns what a customer types ("lb 7k3q9x", "7K3Q9X",
// "LB-7K3Q9X") into the stored form "LB-7K3Q9X"; "" when it cannot be one.
func NormaliseReference(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '_' || r == '.' {
			return -1
		}
		return r
	}, s)
	s = strings.TrimPrefix(s, "LB")
	if len(s) != 6 {
		return ""
	}
	for _, r := range s {
		if !strings.ContainsRune(referenceAlphabet, r) {
			return ""
		}
	}
	return "LB-" + s
}

// FindForGuest returns the booking with a reference whose guest email is
// email (case aside). A wrong reference and a wrong email are the same
// ErrNotFound, so that neither can be probed on its own.
func (s *Service) FindForGuest(ctx context.Context, reference, email string) (Booking, error) {
	ref := NormaliseReference(reference)
	email = strings.ToLower(strings.TrimSpace(email))
	if ref == "" || email == "" {
		return Booking{}, ErrNotFound
	}
	id, err := db.BookingIDByReference(ctx, s.db, ref)
	if errors.Is(err, db.ErrNotFound) {
		return Booking{}, ErrNotFound
	}
	if err != nil {
		return Booking{}, err
	}
	b, err := s.Get(ctx, id)
	if err != nil {
		return Booking{}, err
	}
	stored := strings.ToLower(b.Email.String)
	if !b.Email.Valid || subtle.ConstantTimeCompare([]byte(stored), []byte(email)) != 1 {
		return Booking{}, ErrNotFound
	}
	return b, nil
}
