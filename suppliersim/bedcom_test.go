package suppliersim

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func bedcomAvail(uid, in, out string, rooms, adults int, ages ...int) map[string]any {
	paxes := []map[string]any{}
	for _, a := range ages {
		paxes = append(paxes, map[string]any{"type": "CH", "age": a})
	}
	return map[string]any{
		"stay":        map[string]string{"checkIn": in, "checkOut": out},
		"occupancies": []map[string]any{{"rooms": rooms, "adults": adults, "children": len(ages), "paxes": paxes}},
		"destination": map[string]string{"code": uid},
	}
}

func TestBedcomHotelsAndAvailability(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	in, out := dates(30, 2)
	for _, dest := range []struct{ name, cc string }{{"Singapore", "SG"}, {"Berlin", "DE"}, {"Bangkok", "TH"}} {
		uid := uidOf(t, dest.name, dest.cc)
		st, b := e.postJSON(t, "/bedcom/hotels", map[string]any{"destination": uid, "from": 1, "to": 1000})
		require.Equal(t, http.StatusOK, st, "%s", b)
		hotels := decodeInto[bcHotelsResponse](t, b)
		require.NotEmpty(t, hotels.Hotels)
		assert.Equal(t, hotels.Total, len(hotels.Hotels))
		codes := map[int]bool{}
		for _, h := range hotels.Hotels {
			codes[h.Code] = true
			assert.NotEmpty(t, h.Name.Content)
			assert.Equal(t, uid, h.DestinationCode)
		}
		// paging
		st, b = e.postJSON(t, "/bedcom/hotels", map[string]any{"destination": uid, "from": 2, "to": 3})
		require.Equal(t, http.StatusOK, st)
		page := decodeInto[bcHotelsResponse](t, b)
		require.Len(t, page.Hotels, 2)
		assert.Equal(t, hotels.Hotels[1].Code, page.Hotels[0].Code)

		st, b = e.postJSON(t, "/bedcom/availability", bedcomAvail(uid, in, out, 1, 2, 5))
		require.Equal(t, http.StatusOK, st, "%s", b)
		av := decodeInto[bcAvailResponse](t, b)
		require.NotEmpty(t, av.Hotels.Hotels)
		for _, h := range av.Hotels.Hotels {
			assert.True(t, codes[h.Code])
			assert.Equal(t, "EUR", h.Currency)
			for _, r := range h.Rooms {
				for _, rate := range r.Rates {
					assert.NotEmpty(t, rate.RateKey)
					assert.Contains(t, []string{"BOOKABLE", "RECHECK"}, rate.RateType)
					assert.Equal(t, "5", rate.ChildrenAges)
					net, _ := strconv.ParseFloat(rate.Net, 64)
					sell, _ := strconv.ParseFloat(rate.SellingRate, 64)
					assert.Less(t, net, sell, "net is below the selling price")
					assert.NotEmpty(t, rate.CancellationPolicies)
				}
			}
		}
	}
}

func TestBedcomBadRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	in, out := dates(30, 2)
	sg := uidOf(t, "Singapore", "SG")
	bad := map[string]any{
		"no stay":           map[string]any{"occupancies": []any{map[string]any{"rooms": 1, "adults": 2}}, "destination": map[string]string{"code": sg}},
		"children mismatch": map[string]any{"stay": map[string]string{"checkIn": in, "checkOut": out}, "occupancies": []any{map[string]any{"rooms": 1, "adults": 2, "children": 1}}, "destination": map[string]string{"code": sg}},
		"no occupancy":      map[string]any{"stay": map[string]string{"checkIn": in, "checkOut": out}, "destination": map[string]string{"code": sg}},
		"no destination":    map[string]any{"stay": map[string]string{"checkIn": in, "checkOut": out}, "occupancies": []any{map[string]any{"rooms": 1, "adults": 2}}},
		"too many adults":   bedcomAvail(sg, in, out, 1, 9),
		"reversed dates":    bedcomAvail(sg, out, in, 1, 2),
		"not json (string)": "hello",
	}
	for name, body := range bad {
		st, b := e.postJSON(t, "/bedcom/availability", body)
		assert.Equal(t, http.StatusBadRequest, st, name)
		assert.Equal(t, "INVALID_REQUEST", decodeInto[map[string]bedcomErr](t, b)["error"].Code, name)
	}
	st, b := e.postJSON(t, "/bedcom/availability", bedcomAvail("nope", in, out, 1, 2))
	require.Equal(t, http.StatusOK, st)
	assert.Empty(t, decodeInto[bcAvailResponse](t, b).Hotels.Hotels)
	st, _ = e.postJSON(t, "/bedcom/checkrates", map[string]any{"rooms": []any{map[string]string{"rateKey": "garbage"}}})
	assert.Equal(t, http.StatusBadRequest, st)
	status, _, _ := e.get(t, "/bedcom/bookings/none", nil)
	assert.Equal(t, http.StatusNotFound, status)
	st, _ = e.postJSON(t, "/bedcom/hotels", map[string]any{})
	assert.Equal(t, http.StatusBadRequest, st)
	status, _, _ = e.do(t, http.MethodDelete, "/bedcom/bookings/none?cancellationFlag=MAYBE", "", nil)
	assert.Equal(t, http.StatusBadRequest, status)
}

// bedcomRates returns every rate of a destination's availability.
func bedcomRates(t *testing.T, e *testEnv, uid, in, out string, rooms, adults int) []bcRate {
	t.Helper()
	st, b := e.postJSON(t, "/bedcom/availability", bedcomAvail(uid, in, out, rooms, adults))
	require.Equal(t, http.StatusOK, st, "%s", b)
	var rates []bcRate
	for _, h := range decodeInto[bcAvailResponse](t, b).Hotels.Hotels {
		for _, r := range h.Rooms {
			rates = append(rates, r.Rates...)
		}
	}
	return rates
}

func TestBedcomRecheckBookCancel(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	in, out := dates(45, 2)
	rates := bedcomRates(t, e, uidOf(t, "Singapore", "SG"), in, out, 1, 2)
	var recheck *bcRate
	for i := range rates {
		if rates[i].RateType == "RECHECK" && rates[i].RateClass == "NOR" {
			recheck = &rates[i]
			break
		}
	}
	require.NotNil(t, recheck, "some rates need a recheck")
	book := func(key, ref string) (int, []byte) {
		return e.postJSON(t, "/bedcom/bookings", map[string]any{"holder": map[string]string{"name": "Ana", "surname": "Lim"},
			"rooms": []any{map[string]any{"rateKey": key}}, "clientReference": ref})
	}
	st, b := book(recheck.RateKey, "LB-B1")
	require.Equal(t, http.StatusConflict, st)
	assert.Equal(t, "RATE_RECHECK_REQUIRED", decodeInto[map[string]bedcomErr](t, b)["error"].Code)

	st, b = e.postJSON(t, "/bedcom/checkrates", map[string]any{"rooms": []any{map[string]string{"rateKey": recheck.RateKey}}})
	require.Equal(t, http.StatusOK, st, "%s", b)
	checked := decodeInto[bcCheckResponse](t, b).Hotel.Rooms[0].Rates[0]
	assert.Equal(t, "BOOKABLE", checked.RateType)
	assert.Equal(t, recheck.SellingRate, checked.SellingRate, "no drift configured")

	st, b = book(checked.RateKey, "LB-B1")
	require.Equal(t, http.StatusOK, st, "%s", b)
	first := decodeInto[bcBookingResponse](t, b).Booking
	assert.Equal(t, "CONFIRMED", first.Status)
	assert.Equal(t, "LB-B1", first.ClientReference)

	st, b = book(checked.RateKey, "LB-B1")
	require.Equal(t, http.StatusOK, st)
	assert.Equal(t, first.Reference, decodeInto[bcBookingResponse](t, b).Booking.Reference, "a repeat returns the original")

	status, _, b := e.do(t, http.MethodDelete, "/bedcom/bookings/LB-B1?cancellationFlag=SIMULATION", "", nil)
	require.Equal(t, http.StatusOK, status)
	sim := decodeInto[bcBookingResponse](t, b).Booking
	assert.Equal(t, "CONFIRMED", sim.Status, "a simulation changes nothing")
	require.NotNil(t, sim.CancellationAmount)
	assert.Equal(t, "0.00", *sim.CancellationAmount, "free cancellation 45 days ahead")

	status, _, b = e.do(t, http.MethodDelete, "/bedcom/bookings/"+first.Reference, "", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "CANCELLED", decodeInto[bcBookingResponse](t, b).Booking.Status)
	status, _, b = e.get(t, "/bedcom/bookings/LB-B1", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "CANCELLED", decodeInto[bcBookingResponse](t, b).Booking.Status)
}
