package booking_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"lobang/booking"
)

func TestAllowedTransitions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from, to string
		ok       bool
	}{
		{booking.StatusQuoted, booking.StatusDetails, true},
		{booking.StatusPriceChanged, booking.StatusQuoted, true},
		{booking.StatusDetails, booking.StatusAwaitingPayment, true},
		{booking.StatusAwaitingPayment, booking.StatusConfirming, true},
		{booking.StatusConfirming, booking.StatusConfirmed, true},
		{booking.StatusConfirming, booking.StatusFailed, true},
		{booking.StatusConfirmed, booking.StatusCancelled, true},
		{booking.StatusQuoted, booking.StatusExpired, true},
		{booking.StatusPriceChanged, booking.StatusDetails, false},
		{booking.StatusQuoted, booking.StatusConfirming, false},
		{booking.StatusDetails, booking.StatusConfirmed, false},
		{booking.StatusConfirming, booking.StatusExpired, false},
		{booking.StatusConfirmed, booking.StatusFailed, false},
		{booking.StatusFailed, booking.StatusConfirmed, false},
		{booking.StatusExpired, booking.StatusQuoted, false},
		{booking.StatusCancelled, booking.StatusConfirmed, false},
	}
	for _, c := range cases {
		assert.Equal(t, c.ok, booking.Allowed(c.from, c.to), "%s → %s", c.from, c.to)
	}
	for _, s := range []string{booking.StatusConfirmed, booking.StatusFailed, booking.StatusExpired, booking.StatusCancelled} {
		assert.True(t, booking.Final(s), s)
	}
	assert.False(t, booking.Final(booking.StatusConfirming))
}
