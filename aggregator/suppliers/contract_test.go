package suppliers_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator/suppliers"
)

// currencyOf is what each simulated supplier prices in.
var currencyOf = map[string]string{"ascenda": "SGD", "bedcom": "EUR", "wgl": "USD"}

// stay is a query some weeks ahead: n rooms of two adults and a child of 5.
func stay(uid string, rooms int) suppliers.Query {
	in := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 40)
	return suppliers.Query{DestinationUID: uid, Checkin: in, Checkout: in.AddDate(0, 0, 2),
		Rooms: rooms, Adults: 2, ChildrenAges: []int{5}, Currency: "SGD"}
}

// search runs Availability and returns every batch emitted.
func search(t *testing.T, s suppliers.Supplier, q suppliers.Query) [][]suppliers.HotelPrice {
	t.Helper()
	var batches [][]suppliers.HotelPrice
	err := s.Availability(ctxFor(t, 20*time.Second), q, func(b []suppliers.HotelPrice) {
		batches = append(batches, append([]suppliers.HotelPrice(nil), b...))
	})
	require.NoError(t, err)
	return batches
}

// firstOffer finds a hotel with offers in a destination and returns them.
func firstOffers(t *testing.T, s suppliers.Supplier, q suppliers.Query) []suppliers.Offer {
	t.Helper()
	for _, b := range search(t, s, q) {
		for _, hp := range b {
			offers, err := s.Offers(ctxFor(t, 10*time.Second), hp.SupplierHotelID, q)
			require.NoError(t, err)
			if len(offers) > 0 {
				return offers
			}
		}
	}
	t.Fatalf("%s: no hotel with offers in %s", s.Name(), q.DestinationUID)
	return nil
}

func checkOffer(t *testing.T, name string, o suppliers.Offer) {
	t.Helper()
	cur := currencyOf[name]
	assert.NotEmpty(t, o.Key)
	assert.NotEmpty(t, o.RoomCode)
	assert.NotEmpty(t, o.RoomName)
	assert.Contains(t, []string{"room_only", "breakfast", "half_board", "full_board", "all_inclusive"}, o.Board)
	assert.Equal(t, cur, o.Total.Currency)
	assert.Equal(t, cur, o.PayAtHotel.Currency)
	assert.Positive(t, o.Total.Amount)
	assert.GreaterOrEqual(t, o.PayAtHotel.Amount, int64(0))
	assert.Less(t, o.PayAtHotel.Amount, o.Total.Amount)
	var atHotel int64
	for _, f := range o.Fees {
		assert.Equal(t, cur, f.Amount.Currency)
		if f.PayAtHotel {
			atHotel += f.Amount.Amount
		}
	}
	assert.Equal(t, o.PayAtHotel.Amount, atHotel, "pay-at-hotel fees add up")
	c := o.Cancellation
	if c.Refundable {
		assert.False(t, c.FreeUntil.IsZero(), "a refundable rate says until when")
		assert.Equal(t, time.UTC, c.FreeUntil.Location())
	} else {
		assert.True(t, c.FreeUntil.IsZero())
	}
	if name == "bedcom" {
		assert.Positive(t, o.Net.Amount, "bedcom gives net")
	}
}

func TestContractEveryOperation(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	for _, name := range dialects {
		t.Run(name, func(t *testing.T) {
			s := env.adapter(t, name)
			for i, uid := range []string{singapore, paris, london} {
				q := stay(uid, 1+i%2)
				batches := search(t, s, q)
				require.NotEmpty(t, batches, "%s %s", name, uid)
				for _, b := range batches {
					for _, hp := range b {
						assert.Equal(t, currencyOf[name], hp.Total.Currency)
						assert.Positive(t, hp.Total.Amount)
						assert.Less(t, hp.PayAtHotel.Amount, hp.Total.Amount)
					}
				}
				offers := firstOffers(t, s, q)
				for _, o := range offers {
					checkOffer(t, name, o)
				}
				if uid == paris && name != "ascenda" {
					var atHotel int64
					for _, o := range offers {
						atHotel += o.PayAtHotel.Amount
					}
					assert.Positive(t, atHotel, "Paris has a city tax payable at the hotel")
				}
			}

			q := stay(london, 1)
			offers := firstOffers(t, s, q)
			o := offers[0]
			checked, err := s.PriceCheck(ctxFor(t, 5*time.Second), q, o)
			require.NoError(t, err)
			assert.Equal(t, o.Total, checked.Total)
			assert.False(t, checked.NeedsPriceCheck)

			ref := fmt.Sprintf("LB-%s-%d", name, time.Now().UnixNano())
			req := suppliers.BookRequest{Reference: ref, Query: q, Offer: o,
				Guest: suppliers.Guest{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}}
			b, err := s.Book(ctxFor(t, 5*time.Second), req)
			require.NoError(t, err)
			assert.Equal(t, ref, b.Reference)
			assert.NotEmpty(t, b.SupplierReference)
			assert.Equal(t, suppliers.StatusConfirmed, b.Status)
			assert.Equal(t, o.SupplierHotelID, b.SupplierHotelID)
			assert.True(t, q.Checkin.Equal(b.Checkin), "checkin %v", b.Checkin)
			assert.True(t, q.Checkout.Equal(b.Checkout))
			assert.Equal(t, o.Total, b.Total, "booked at the offered total")

			got, err := s.Retrieve(ctxFor(t, 5*time.Second), ref)
			require.NoError(t, err)
			assert.Equal(t, b.SupplierReference, got.SupplierReference)
			assert.Equal(t, suppliers.StatusConfirmed, got.Status)

			fee, err := s.CancellationFee(ctxFor(t, 5*time.Second), ref)
			require.NoError(t, err)
			assert.Equal(t, currencyOf[name], fee.Currency)
			if o.Cancellation.Refundable {
				assert.Zero(t, fee.Amount, "free cancellation weeks ahead")
			} else {
				assert.Positive(t, fee.Amount)
			}
			again, err := s.Retrieve(ctxFor(t, 5*time.Second), ref)
			require.NoError(t, err)
			assert.Equal(t, suppliers.StatusConfirmed, again.Status, "the fee preview changes nothing")

			c, err := s.Cancel(ctxFor(t, 5*time.Second), ref)
			require.NoError(t, err)
			assert.Equal(t, ref, c.Reference)
			assert.Equal(t, suppliers.StatusCancelled, c.Status)
			assert.Equal(t, fee, c.Fee)
			got, err = s.Retrieve(ctxFor(t, 5*time.Second), ref)
			require.NoError(t, err)
			assert.Equal(t, suppliers.StatusCancelled, got.Status)
			c2, err := s.Cancel(ctxFor(t, 5*time.Second), ref)
			require.NoError(t, err)
			assert.Equal(t, c, c2, "cancelling twice answers the first cancellation")

			_, err = s.Retrieve(ctxFor(t, 5*time.Second), "LB-NEVER-BOOKED")
			require.ErrorIs(t, err, suppliers.ErrNotFound)
			_, err = s.CancellationFee(ctxFor(t, 5*time.Second), "LB-NEVER-BOOKED")
			require.ErrorIs(t, err, suppliers.ErrNotFound)
			_, err = s.Cancel(ctxFor(t, 5*time.Second), "LB-NEVER-BOOKED")
			require.ErrorIs(t, err, suppliers.ErrNotFound)
		})
	}
}

// TestBookIdempotentAndLastRoom leaves one room on sale: booking twice under
// one reference makes one booking, and another reference then finds it sold
// out.
func TestBookIdempotentAndLastRoom(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	for _, name := range dialects {
		t.Run(name, func(t *testing.T) {
			s := env.adapter(t, name)
			q := stay(tokyo, 1)
			o := firstOffers(t, s, q)[0]
			for d := q.Checkin; d.Before(q.Checkout); d = d.AddDate(0, 0, 1) {
				require.NoError(t, env.sim.SetAllotment(name, o.SupplierHotelID, d.Format(time.DateOnly), 1))
			}
			req := suppliers.BookRequest{Reference: "LB-ONCE-" + name, Query: q, Offer: o,
				Guest: suppliers.Guest{FirstName: "Grace", LastName: "Hopper"}}
			first, err := s.Book(ctxFor(t, 5*time.Second), req)
			require.NoError(t, err)
			second, err := s.Book(ctxFor(t, 5*time.Second), req)
			require.NoError(t, err)
			assert.Equal(t, first.SupplierReference, second.SupplierReference)
			assert.Equal(t, first, second)

			req.Reference = "LB-OTHER-" + name
			_, err = s.Book(ctxFor(t, 5*time.Second), req)
			require.ErrorIs(t, err, suppliers.ErrSoldOut, "the one room left went to the first reference")

			_, err = s.Cancel(ctxFor(t, 5*time.Second), first.Reference)
			require.NoError(t, err)
			_, err = s.Book(ctxFor(t, 5*time.Second), req)
			require.NoError(t, err, "a cancellation gives the room back")
		})
	}
}

func TestBadQueriesFailBeforeCalling(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	for _, name := range dialects {
		s := env.adapter(t, name)
		q := stay(singapore, 1)
		q.Checkout = q.Checkin
		err := s.Availability(ctxFor(t, time.Second), q, func([]suppliers.HotelPrice) {})
		require.ErrorIs(t, err, suppliers.ErrInvalid, name)
		_, err = s.Retrieve(ctxFor(t, time.Second), "")
		require.ErrorIs(t, err, suppliers.ErrInvalid, name)
		require.True(t, errors.Is(err, suppliers.ErrInvalid))
	}
	assert.Empty(t, env.sim.Stats(), "nothing was sent")
}
