package suppliersim

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dialectCall makes one availability-style call to a supplier and returns status, headers, body.
func dialectCall(t *testing.T, e *testEnv, supplier string) (int, http.Header, []byte) {
	t.Helper()
	uid := uidOf(t, "Singapore", "SG")
	in, out := dates(30, 1)
	switch supplier {
	case Ascenda:
		return e.get(t, "/ascenda/api/hotels", url.Values{"destination_id": {uid}})
	case Bedcom:
		b, _ := json.Marshal(bedcomAvail(uid, in, out, 1, 2))
		return e.do(t, http.MethodPost, "/bedcom/availability", "application/json", b)
	}
	return e.do(t, http.MethodPost, "/wgl/OTA_HotelAvailRQ", "application/xml", []byte(wglAvailRQ(`<HotelRef HotelCityCode="`+uid+`"/>`, in, out, 1, 2)))
}

func parses(supplier string, b []byte) bool {
	var v any
	if supplier == WGL {
		var rs otaAvailRS
		return xml.Unmarshal(b, &rs) == nil
	}
	return json.Unmarshal(b, &v) == nil
}

func TestFaultKnobs(t *testing.T) {
	t.Parallel()
	for _, supplier := range Suppliers {
		t.Run(supplier, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			st, _, b := dialectCall(t, e, supplier)
			require.Equal(t, http.StatusOK, st)
			require.True(t, parses(supplier, b), "a healthy answer parses")

			require.NoError(t, e.sim.SetKnobs(supplier, Knobs{ErrorRate: 1}))
			st, _, b = dialectCall(t, e, supplier)
			assert.Equal(t, http.StatusServiceUnavailable, st)
			assert.True(t, parses(supplier, b), "the error body is in the dialect's format")

			require.NoError(t, e.sim.SetKnobs(supplier, Knobs{RateLimitRate: 1, RetryAfter: 7}))
			st, hdr, _ := dialectCall(t, e, supplier)
			assert.Equal(t, http.StatusTooManyRequests, st)
			assert.Equal(t, "7", hdr.Get("Retry-After"))

			require.NoError(t, e.sim.SetKnobs(supplier, Knobs{MalformedRate: 1}))
			st, _, b = dialectCall(t, e, supplier)
			assert.Equal(t, http.StatusOK, st)
			assert.False(t, parses(supplier, b), "a malformed body does not parse")

			require.NoError(t, e.sim.SetKnobs(supplier, Knobs{}))
			st, _, b = dialectCall(t, e, supplier)
			assert.Equal(t, http.StatusOK, st)
			assert.True(t, parses(supplier, b), "knobs off: healthy again")
		})
	}
}

func TestBlackHoleHoldsUntilClientGivesUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	require.NoError(t, e.sim.SetKnobs(WGL, Knobs{TimeoutRate: 1}))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL+"/wgl/OTA_HotelAvailRQ", strings.NewReader("<x/>"))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	if resp != nil {
		resp.Body.Close()
	}
	require.Error(t, err, "a black-holed call is never answered")
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "the client gave up: %v", err)
	assert.Equal(t, int64(1), e.sim.Count(WGL, "OTA_HotelAvailRQ"), "the call reached the simulator")
	// other suppliers are unaffected
	st, _, _ := dialectCall(t, e, Bedcom)
	assert.Equal(t, http.StatusOK, st)
}

func TestLatencyOverrideHoldsCalls(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	lat := 3_600_000 // an hour: the call cannot be answered before the client gives up
	require.NoError(t, e.sim.SetKnobs(Bedcom, Knobs{LatencyMS: &lat}))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	b, _ := json.Marshal(bedcomAvail(uidOf(t, "Singapore", "SG"), "2030-01-01", "2030-01-02", 1, 2))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL+"/bedcom/availability", strings.NewReader(string(b)))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	if resp != nil {
		resp.Body.Close()
	}
	require.Error(t, err)
	// static content stays fast under the same knob
	st, _ := e.postJSON(t, "/bedcom/hotels", map[string]any{"destination": uidOf(t, "Singapore", "SG")})
	assert.Equal(t, http.StatusOK, st)
}

func TestSoldOutAndDriftKnobs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	in, out := dates(80, 2)
	uid := uidOf(t, "Singapore", "SG")
	var rate bcRate
	for _, r := range bedcomRates(t, e, uid, in, out, 1, 2) {
		if r.RateType == "BOOKABLE" {
			rate = r
			break
		}
	}
	require.NotEmpty(t, rate.RateKey)
	require.NoError(t, e.sim.SetKnobs(Bedcom, Knobs{PriceDrift: 0.1}))
	st, b := e.postJSON(t, "/bedcom/checkrates", map[string]any{"rooms": []any{map[string]string{"rateKey": rate.RateKey}}})
	require.Equal(t, http.StatusOK, st)
	checked := decodeInto[bcCheckResponse](t, b).Hotel.Rooms[0].Rates[0]
	assert.NotEqual(t, rate.SellingRate, checked.SellingRate, "the price drifted between search and re-check")
	assert.Greater(t, len(checked.SellingRate), 0)

	require.NoError(t, e.sim.SetKnobs(Bedcom, Knobs{SoldOutRate: 1}))
	st, b = e.postJSON(t, "/bedcom/bookings", map[string]any{"holder": map[string]string{"name": "A", "surname": "B"},
		"rooms": []any{map[string]any{"rateKey": rate.RateKey}}, "clientReference": "LB-S1"})
	assert.Equal(t, http.StatusConflict, st)
	assert.Equal(t, "INSUFFICIENT_ALLOTMENT", decodeInto[map[string]bedcomErr](t, b)["error"].Code)
}

func TestAdminEndpoints(t *testing.T) {
	t.Parallel()
	closed := newEnv(t, func(c *Config) { c.Admin = false })
	for _, p := range []string{"/_sim/knobs", "/_sim/stats", "/_sim/truth?destination_id=x"} {
		st, _, _ := closed.get(t, p, nil)
		assert.Equal(t, http.StatusNotFound, st, p)
	}
	st, _ := closed.postJSON(t, "/_sim/knobs", map[string]any{"wgl": map[string]any{"error_rate": 1}})
	assert.Equal(t, http.StatusNotFound, st)

	e := newEnv(t, nil)
	st, b := e.postJSON(t, "/_sim/knobs", map[string]any{"wgl": map[string]any{"error_rate": 1, "latency_ms": 0}})
	require.Equal(t, http.StatusOK, st, "%s", b)
	assert.Equal(t, 1.0, e.sim.Knobs(WGL).ErrorRate)
	st, _ = e.postJSON(t, "/_sim/knobs", map[string]any{"wgl": map[string]any{"error_rate": 2}})
	assert.Equal(t, http.StatusBadRequest, st)
	st, _ = e.postJSON(t, "/_sim/knobs", map[string]any{"nobody": map[string]any{}})
	assert.Equal(t, http.StatusBadRequest, st)
	st, _, _ = dialectCall(t, e, WGL)
	assert.Equal(t, http.StatusServiceUnavailable, st)

	dialectCall(t, e, Ascenda)
	dialectCall(t, e, Ascenda)
	st, _, b = e.get(t, "/_sim/stats", nil)
	require.Equal(t, http.StatusOK, st)
	stats := decodeInto[map[string]map[string]int64](t, b)
	assert.Equal(t, int64(2), stats[Ascenda]["hotels"])
	assert.Equal(t, int64(1), stats[WGL]["OTA_HotelAvailRQ"])

	st, _, b = e.get(t, "/_sim/truth", url.Values{"destination_id": {uidOf(t, "Singapore", "SG")}})
	require.Equal(t, http.StatusOK, st)
	assert.NotEmpty(t, decodeInto[Truth](t, b).Hotels)
	st, _, _ = e.get(t, "/_sim/truth", url.Values{"destination_id": {"nope"}})
	assert.Equal(t, http.StatusNotFound, st)
	st, _ = e.postJSON(t, "/_sim/allotment", map[string]any{"supplier": "wgl", "hotel_id": "bad", "date": "2030-01-01", "rooms": 1})
	assert.Equal(t, http.StatusBadRequest, st)
}
