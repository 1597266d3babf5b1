package suppliersim

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAscendaStaticHotels(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for _, dest := range []struct{ name, cc string }{{"Singapore", "SG"}, {"Paris", "FR"}, {"Tokyo", "JP"}, {"Zürich", "CH"}} {
		uid := uidOf(t, dest.name, dest.cc)
		status, _, b := e.get(t, "/ascenda/api/hotels", url.Values{"destination_id": {uid}})
		require.Equal(t, http.StatusOK, status)
		hotels := decodeInto[[]map[string]any](t, b)
		require.NotEmpty(t, hotels, dest.name)
		for _, h := range hotels {
			for _, field := range []string{"id", "imageCount", "latitude", "longitude", "name", "address", "rating", "trustyou", "amenities", "image_details", "description", "original_metadata"} {
				assert.Contains(t, h, field, "%s hotel %v", dest.name, h["id"])
			}
			assert.Len(t, h["id"], 4)
		}
		// the single hotel endpoint agrees with the list
		id := hotels[0]["id"].(string)
		status, _, b = e.get(t, "/ascenda/api/hotels/"+id, nil)
		require.Equal(t, http.StatusOK, status)
		one := decodeInto[map[string]any](t, b)
		assert.Equal(t, hotels[0]["name"], one["name"])
		assert.NotContains(t, one, "distance")
	}
	// big cities have hundreds of hotels, the smallest destination a handful
	_, _, b := e.get(t, "/ascenda/api/hotels", url.Values{"destination_id": {uidOf(t, "Singapore", "SG")}})
	assert.Greater(t, len(decodeInto[[]map[string]any](t, b)), 150)
	_, _, b = e.get(t, "/ascenda/api/hotels", url.Values{"destination_id": {smallestUID()}})
	assert.LessOrEqual(t, len(decodeInto[[]map[string]any](t, b)), 6)
}

func TestAscendaQuirks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	_, _, b := e.get(t, "/ascenda/api/hotels", url.Values{"destination_id": {uidOf(t, "Singapore", "SG")}})
	hotels := decodeInto[[]ascHotel](t, b)
	var nullScore, noImages, html bool
	for _, h := range hotels {
		nullScore = nullScore || (h.TrustYou.Score.Overall == nil && h.TrustYou.ID == nil)
		noImages = noImages || h.ImageDetails.Count == 0
		html = html || strings.Contains(h.Description, "<br />")
	}
	assert.True(t, nullScore, "some hotel has a null score")
	assert.True(t, noImages, "some hotel has no images")
	assert.True(t, html, "descriptions carry HTML")
}

func TestAscendaUnknownAndBadParameters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	status, _, b := e.get(t, "/ascenda/api/hotels", url.Values{"destination_id": {"nope"}})
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, "[]", string(b))
	status, _, _ = e.get(t, "/ascenda/api/hotels", nil)
	assert.Equal(t, http.StatusBadRequest, status)
	status, _, b = e.get(t, "/ascenda/api/hotels/zzzz", nil)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, "not_found", decodeInto[map[string]string](t, b)["error"])
	status, _, _ = e.get(t, "/ascenda/api/hotels/%21%21", nil)
	assert.Equal(t, http.StatusNotFound, status)

	in, out := dates(20, 2)
	sg := uidOf(t, "Singapore", "SG")
	good := url.Values{"destination_id": {sg}, "checkin": {in}, "checkout": {out}, "guests": {"2"}}
	cases := map[string]func(url.Values){
		"bad checkin":     func(q url.Values) { q.Set("checkin", "tomorrow") },
		"checkout before": func(q url.Values) { q.Set("checkout", in); q.Set("checkin", out) },
		"past":            func(q url.Values) { q.Set("checkin", "2001-01-01"); q.Set("checkout", "2001-01-03") },
		"guests":          func(q url.Values) { q.Set("guests", "2|x") },
		"zero guests":     func(q url.Values) { q.Set("guests", "0") },
		"currency":        func(q url.Values) { q.Set("currency", "XXX") },
		"no destination":  func(q url.Values) { q.Del("destination_id") },
	}
	for name, mod := range cases {
		q := url.Values{}
		for k, v := range good {
			q[k] = v
		}
		mod(q)
		status, _, b := e.get(t, "/ascenda/api/hotels/prices", q)
		assert.Equal(t, http.StatusBadRequest, status, name)
		assert.Equal(t, "invalid_parameter", decodeInto[map[string]string](t, b)["error"], name)
	}
	// unknown destination with good parameters: a completed, empty search
	q := url.Values{"destination_id": {"nope"}, "checkin": {in}, "checkout": {out}, "guests": {"2"}}
	env := e.pollAscenda(t, q)
	assert.Empty(t, env.Hotels)
	status, _, _ = e.get(t, "/ascenda/api/bookings/unknown-ref", nil)
	assert.Equal(t, http.StatusNotFound, status)
	st, body := e.postJSON(t, "/ascenda/api/bookings", map[string]any{"key": "not-a-key", "reference": "R1"})
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Equal(t, "invalid_key", decodeInto[map[string]string](t, body)["error"])
	st, _, _ = e.do(t, http.MethodPost, "/ascenda/api/bookings", "application/json", []byte("{"))
	assert.Equal(t, http.StatusBadRequest, st)
}

func TestAscendaPricesPollAndRooms(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	in, out := dates(25, 3)
	for _, dest := range []struct{ name, cc string }{{"Singapore", "SG"}, {"London", "GB"}, {"Kuala Lumpur", "MY"}} {
		uid := uidOf(t, dest.name, dest.cc)
		_, _, b := e.get(t, "/ascenda/api/hotels", url.Values{"destination_id": {uid}})
		static := map[string]bool{}
		for _, h := range decodeInto[[]ascHotel](t, b) {
			static[h.ID] = true
		}
		env := e.pollAscenda(t, url.Values{"destination_id": {uid}, "checkin": {in}, "checkout": {out}, "guests": {"2|2"}, "currency": {"SGD"}, "lang": {"en_US"}, "country_code": {"SG"}, "partner_id": {"1"}})
		require.NotEmpty(t, env.Hotels, dest.name)
		require.NotNil(t, env.Currency)
		assert.Equal(t, "SGD", *env.Currency)
		for _, h := range env.Hotels {
			assert.True(t, static[h.ID], "priced hotel %s is in the static list", h.ID)
			assert.Positive(t, h.Price)
			assert.Equal(t, h.Price, h.CovertedMaxCashPayment)
		}
		id := env.Hotels[0].ID
		status, _, b := e.get(t, "/ascenda/api/hotels/"+id+"/price", url.Values{"checkin": {in}, "checkout": {out}, "guests": {"2|2"}})
		require.Equal(t, http.StatusOK, status)
		rooms := decodeInto[ascRoomsEnvelope](t, b)
		assert.True(t, rooms.Completed)
		require.NotEmpty(t, rooms.Rooms)
		cheapest := rooms.Rooms[0].Price
		for _, r := range rooms.Rooms {
			assert.Len(t, r.Key, 36)
			assert.GreaterOrEqual(t, r.Price, cheapest)
			assert.InDelta(t, r.ChargeableRate, r.BaseRate+r.IncludedTaxesAndFeesTotal, 0.011)
		}
		assert.InDelta(t, env.Hotels[0].Price, cheapest, 0.001, "search price is the cheapest room")
	}
}

func TestAscendaSearchIsPartialBeforeComplete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	lat := 600_000 // ten minutes: the first poll cannot be complete
	require.NoError(t, e.sim.SetKnobs(Ascenda, Knobs{LatencyMS: &lat}))
	in, out := dates(40, 1)
	q := url.Values{"destination_id": {uidOf(t, "Singapore", "SG")}, "checkin": {in}, "checkout": {out}, "guests": {"2"}}
	status, _, b := e.get(t, "/ascenda/api/hotels/prices", q)
	require.Equal(t, http.StatusOK, status)
	env := decodeInto[ascPricesEnvelope](t, b)
	assert.False(t, env.Completed)
	assert.Empty(t, env.Hotels, "nothing before the first partial (200 s)")
}

func TestAscendaBookRetrieveCancel(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	in, out := dates(60, 2)
	q := url.Values{"checkin": {in}, "checkout": {out}, "guests": {"2"}}
	env := e.pollAscenda(t, url.Values{"destination_id": {uidOf(t, "Paris", "FR")}, "checkin": {in}, "checkout": {out}, "guests": {"2"}})
	require.NotEmpty(t, env.Hotels)
	_, _, b := e.get(t, "/ascenda/api/hotels/"+env.Hotels[0].ID+"/price", q)
	room := decodeInto[ascRoomsEnvelope](t, b).Rooms[0]
	st, body := e.postJSON(t, "/ascenda/api/bookings", map[string]any{"key": room.Key, "reference": "LB-A1", "guest": map[string]string{"first_name": "Ana", "last_name": "Lim"}})
	require.Equal(t, http.StatusCreated, st, "%s", body)
	bk := decodeInto[ascBooking](t, body)
	assert.Equal(t, "confirmed", bk.Status)
	assert.Equal(t, room.Price, bk.Price)
	assert.Equal(t, env.Hotels[0].ID, bk.HotelID)
	status, _, b := e.get(t, "/ascenda/api/bookings/LB-A1", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, bk.BookingID, decodeInto[ascBooking](t, b).BookingID)
	st, body = e.postJSON(t, "/ascenda/api/bookings/LB-A1/cancel", nil)
	require.Equal(t, http.StatusOK, st)
	assert.Equal(t, "cancelled", decodeInto[ascBooking](t, body).Status)
}
