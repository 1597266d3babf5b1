package suppliers_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator/suppliers"
	"lobang/suppliersim"
)

// staticEndpoint is the simulator's stats name of each dialect's static
// content endpoint.
var staticEndpoint = map[string]string{"ascenda": "hotels", "bedcom": "hotels", "wgl": "OTA_HotelDescriptiveInfoRQ"}

func TestTimeoutReturnsAtTheDeadline(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	for _, name := range dialects {
		env.knobs(t, name, suppliersim.Knobs{TimeoutRate: 1})
	}
	for _, name := range dialects {
		s := env.adapter(t, name)
		start := time.Now()
		_, err := s.Hotels(ctxFor(t, 150*time.Millisecond), singapore)
		elapsed := time.Since(start)
		require.ErrorIs(t, err, suppliers.ErrTimeout, name)
		assert.Contains(t, err.Error(), name+" hotels")
		// The black hole holds for a day; the call ends with our deadline.
		assert.Less(t, elapsed, 2*time.Second, name)

		start = time.Now()
		err = s.Availability(ctxFor(t, 150*time.Millisecond), stay(paris, 1), func([]suppliers.HotelPrice) {})
		require.ErrorIs(t, err, suppliers.ErrTimeout, name)
		assert.Less(t, time.Since(start), 2*time.Second, name)
	}
}

func TestMalformedIsBadResponse(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	for _, name := range dialects {
		env.knobs(t, name, suppliersim.Knobs{MalformedRate: 1})
		s := env.adapter(t, name)
		_, err := s.Hotels(ctxFor(t, 5*time.Second), singapore)
		require.ErrorIs(t, err, suppliers.ErrBadResponse, name)
		err = s.Availability(ctxFor(t, 5*time.Second), stay(singapore, 1), func([]suppliers.HotelPrice) {})
		require.ErrorIs(t, err, suppliers.ErrBadResponse, name)
		_, err = s.Retrieve(ctxFor(t, 5*time.Second), "LB-X")
		require.Error(t, err, name) // a truncated 404 body still maps by status or fails to decode
	}
}

func TestServerErrorIsUnavailable(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	for _, name := range dialects {
		env.knobs(t, name, suppliersim.Knobs{ErrorRate: 1})
		s := env.adapter(t, name)
		_, err := s.Hotels(ctxFor(t, 5*time.Second), singapore)
		require.ErrorIs(t, err, suppliers.ErrUnavailable, name)
		_, err = s.Offers(ctxFor(t, 5*time.Second), map[string]string{"ascenda": "abcd", "bedcom": "123", "wgl": "WGL00000001"}[name], stay(singapore, 1))
		require.ErrorIs(t, err, suppliers.ErrUnavailable, name)
	}
}

func TestConnectionRefusedIsUnavailable(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	url := env.srv.URL
	env.srv.Close()
	s, err := suppliers.New("bedcom", url+"/bedcom", nil)
	require.NoError(t, err)
	_, err = s.Hotels(ctxFor(t, 5*time.Second), singapore)
	require.ErrorIs(t, err, suppliers.ErrUnavailable)
}

func TestRateLimitedFailsFastWhenTheWaitDoesNotFit(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	for _, name := range dialects {
		env.knobs(t, name, suppliersim.Knobs{RateLimitRate: 1, RetryAfter: 2})
		s := env.adapter(t, name)
		start := time.Now()
		_, err := s.Hotels(ctxFor(t, time.Second), singapore)
		require.ErrorIs(t, err, suppliers.ErrRateLimited, name)
		var rl *suppliers.RateLimitError
		require.True(t, errors.As(err, &rl), name)
		assert.Equal(t, 2*time.Second, rl.RetryAfter)
		assert.Equal(t, name, rl.Supplier)
		assert.Less(t, time.Since(start), 900*time.Millisecond, "no waiting for a retry that cannot fit")
		assert.EqualValues(t, 1, env.sim.Count(name, staticEndpoint[name]))
	}
}

func TestRateLimitedRetriesOnceWhenTheWaitFits(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	for _, name := range dialects {
		t.Run(name, func(t *testing.T) {
			env.knobs(t, name, suppliersim.Knobs{RateLimitRate: 1, RetryAfter: 1})
			s := env.adapter(t, name)
			done := make(chan error, 1)
			go func() {
				_, err := s.Hotels(ctxFor(t, 5*time.Second), singapore)
				done <- err
			}()
			// Once the first request has been refused, the supplier recovers.
			require.Eventually(t, func() bool { return env.sim.Count(name, staticEndpoint[name]) >= 1 },
				3*time.Second, 5*time.Millisecond)
			env.knobs(t, name, suppliersim.Knobs{})
			require.NoError(t, <-done)
			assert.EqualValues(t, 2, env.sim.Count(name, staticEndpoint[name]), "one refusal, one retry")

			// Still limited after the wait: the second 429 is returned, not retried again.
			env.knobs(t, name, suppliersim.Knobs{RateLimitRate: 1, RetryAfter: 1})
			_, err := s.Hotels(ctxFor(t, 5*time.Second), singapore)
			require.ErrorIs(t, err, suppliers.ErrRateLimited)
			assert.EqualValues(t, 4, env.sim.Count(name, staticEndpoint[name]))
			env.knobs(t, name, suppliersim.Knobs{})
		})
	}
}

func TestSoldOutAtBooking(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	for _, name := range dialects {
		s := env.adapter(t, name)
		q := stay(kualaLumpur, 1)
		o := firstOffers(t, s, q)[0]
		env.knobs(t, name, suppliersim.Knobs{SoldOutRate: 1})
		_, err := s.Book(ctxFor(t, 5*time.Second), suppliers.BookRequest{Reference: "LB-SOLD-" + name, Query: q, Offer: o,
			Guest: suppliers.Guest{FirstName: "Alan", LastName: "Turing"}})
		require.ErrorIs(t, err, suppliers.ErrSoldOut, name)
		_, err = s.Retrieve(ctxFor(t, 5*time.Second), "LB-SOLD-"+name)
		require.ErrorIs(t, err, suppliers.ErrNotFound, "nothing was booked")
	}
}

func TestPriceDriftIsPriceChanged(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	// ascenda re-prices a hotel's rooms and bedcom's /checkrates with drift.
	for _, name := range []string{"ascenda", "bedcom"} {
		s := env.adapter(t, name)
		q := stay(zurich, 1)
		o := firstOffers(t, s, q)[0]
		env.knobs(t, name, suppliersim.Knobs{PriceDrift: 0.05})
		fresh, err := s.PriceCheck(ctxFor(t, 5*time.Second), q, o)
		require.ErrorIs(t, err, suppliers.ErrPriceChanged, name)
		assert.Greater(t, fresh.Total.Amount, o.Total.Amount, name)
		assert.Equal(t, o.RoomCode, fresh.RoomCode)
		assert.NotEmpty(t, fresh.Key)
	}
}

// wgl has no price-check message: its rates are asked for again, so an offer
// remembered at another price is what changes.
func TestWGLPriceCheckOfAStaleOffer(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	s := env.adapter(t, "wgl")
	q := stay(zurich, 1)
	o := firstOffers(t, s, q)[0]
	stale := o
	stale.Total.Amount -= 500
	fresh, err := s.PriceCheck(ctxFor(t, 5*time.Second), q, stale)
	require.ErrorIs(t, err, suppliers.ErrPriceChanged)
	assert.Equal(t, o.Total, fresh.Total)

	gone := o
	gone.Key, gone.RoomCode = "WGL0|NOPE|NOPE", "NOPE"
	_, err = s.PriceCheck(ctxFor(t, 5*time.Second), q, gone)
	require.ErrorIs(t, err, suppliers.ErrSoldOut)
}

func TestBedcomRecheckRateIsCheckedInsideBook(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	s := env.adapter(t, "bedcom")
	q := stay(singapore, 1)
	var recheck *suppliers.Offer
	for _, b := range search(t, s, q) {
		for _, hp := range b {
			offers, err := s.Offers(ctxFor(t, 5*time.Second), hp.SupplierHotelID, q)
			require.NoError(t, err)
			for i := range offers {
				if offers[i].NeedsPriceCheck {
					recheck = &offers[i]
				}
			}
			if recheck != nil {
				break
			}
		}
		if recheck != nil {
			break
		}
	}
	require.NotNil(t, recheck, "some bedcom rate needs a re-check")
	b, err := s.Book(ctxFor(t, 5*time.Second), suppliers.BookRequest{Reference: "LB-RECHECK", Query: q, Offer: *recheck,
		Guest: suppliers.Guest{FirstName: "Katherine", LastName: "Johnson"}})
	require.NoError(t, err)
	assert.Equal(t, suppliers.StatusConfirmed, b.Status)
	assert.EqualValues(t, 1, env.sim.Count("bedcom", "checkrates"))

	// The offer flag lost (as if stored without it): bedcom's 409 leads to a check and a retry.
	unflagged := *recheck
	unflagged.NeedsPriceCheck = false
	_, err = s.Book(ctxFor(t, 5*time.Second), suppliers.BookRequest{Reference: "LB-RECHECK-2", Query: q, Offer: unflagged,
		Guest: suppliers.Guest{FirstName: "Dorothy", LastName: "Vaughan"}})
	require.NoError(t, err)
	assert.EqualValues(t, 2, env.sim.Count("bedcom", "checkrates"))
}

func TestAscendaPartialResultsArriveBeforeCompletion(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	latency := 300
	env.knobs(t, "ascenda", suppliersim.Knobs{LatencyMS: &latency})
	s := env.adapter(t, "ascenda")
	var batches [][]suppliers.HotelPrice
	err := s.Availability(ctxFor(t, 10*time.Second), stay(singapore, 1), func(b []suppliers.HotelPrice) {
		batches = append(batches, b)
	})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(batches), 2, "more than one batch")
	seen := map[string]bool{}
	for _, b := range batches {
		require.NotEmpty(t, b)
		for _, hp := range b {
			assert.False(t, seen[hp.SupplierHotelID], "a hotel is emitted again only when its price changes")
			seen[hp.SupplierHotelID] = true
		}
	}
	assert.Less(t, len(batches[0]), len(seen), "the first batch was partial: emitted before the search completed")
	assert.Greater(t, env.sim.Count("ascenda", "prices"), int64(2), "polled until complete")
}

func TestAscendaPollingStopsAtTheDeadline(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	latency := 5000
	env.knobs(t, "ascenda", suppliersim.Knobs{LatencyMS: &latency})
	s := env.adapter(t, "ascenda")
	start := time.Now()
	var got int
	err := s.Availability(ctxFor(t, 300*time.Millisecond), stay(singapore, 1), func(b []suppliers.HotelPrice) { got += len(b) })
	require.ErrorIs(t, err, suppliers.ErrTimeout)
	assert.Less(t, time.Since(start), 2*time.Second)
}

func TestOversizedBodyIsBadResponse(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	for _, name := range dialects {
		s, err := suppliers.New(name, env.srv.URL+"/"+name, nil, suppliers.WithMaxBody(1024))
		require.NoError(t, err)
		_, err = s.Hotels(ctxFor(t, 5*time.Second), singapore)
		require.ErrorIs(t, err, suppliers.ErrBadResponse, name)
	}
}
