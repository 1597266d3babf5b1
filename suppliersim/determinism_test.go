package suppliersim

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// worldBytes fetches static content and prices from every dialect.
func worldBytes(t *testing.T, e *testEnv, uid, in, out string) map[string][]byte {
	t.Helper()
	got := map[string][]byte{}
	_, _, got["ascenda hotels"] = e.get(t, "/ascenda/api/hotels", url.Values{"destination_id": {uid}})
	env := e.pollAscenda(t, url.Values{"destination_id": {uid}, "checkin": {in}, "checkout": {out}, "guests": {"2"}})
	require.NotEmpty(t, env.Hotels)
	_, _, got["ascenda price"] = e.get(t, "/ascenda/api/hotels/"+env.Hotels[0].ID+"/price", url.Values{"checkin": {in}, "checkout": {out}, "guests": {"2"}})
	_, got["bedcom hotels"] = e.postJSON(t, "/bedcom/hotels", map[string]any{"destination": uid, "to": 1000})
	_, got["bedcom availability"] = e.postJSON(t, "/bedcom/availability", bedcomAvail(uid, in, out, 1, 2, 7))
	_, got["wgl descriptive"] = e.postXML(t, "/wgl/OTA_HotelDescriptiveInfoRQ", `<OTA_HotelDescriptiveInfoRQ><HotelDescriptiveInfos><HotelDescriptiveInfo HotelCityCode="`+uid+`"/></HotelDescriptiveInfos></OTA_HotelDescriptiveInfoRQ>`)
	_, got["wgl avail"] = e.postXML(t, "/wgl/OTA_HotelAvailRQ", wglAvailRQ(`<HotelRef HotelCityCode="`+uid+`"/>`, in, out, 1, 2))
	_, _, got["image"] = e.get(t, "/images/ascenda/"+env.Hotels[0].ID+"/0.svg", nil)
	return got
}

func TestDeterminism(t *testing.T) {
	t.Parallel()
	in, out := dates(33, 2)
	uid := uidOf(t, "Zürich", "CH")
	a := worldBytes(t, newEnv(t, nil), uid, in, out)
	b := worldBytes(t, newEnv(t, nil), uid, in, out)
	other := worldBytes(t, newEnv(t, func(c *Config) { c.Seed = 7 }), uid, in, out)
	for name := range a {
		require.NotEmpty(t, a[name], name)
		assert.Equal(t, string(a[name]), string(b[name]), "%s is byte-identical for one seed", name)
		assert.NotEqual(t, string(a[name]), string(other[name]), "%s changes with the seed", name)
	}
}

func TestImages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	_, _, b := e.get(t, "/ascenda/api/hotels", url.Values{"destination_id": {uidOf(t, "Singapore", "SG")}})
	for _, h := range decodeInto[[]ascHotel](t, b) {
		if h.ImageDetails.Count == 0 {
			continue
		}
		status, hdr, body := e.get(t, "/images/ascenda/"+h.ID+"/0.svg", nil)
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, "image/svg+xml", hdr.Get("Content-Type"))
		assert.Contains(t, string(body), "<svg")
		assert.Equal(t, "http://sim.test/images/ascenda/"+h.ID+"/", h.ImageDetails.Prefix)
		status, _, _ = e.get(t, "/images/ascenda/"+h.ID+"/"+itoa(h.ImageDetails.Count)+".svg", nil)
		assert.Equal(t, http.StatusNotFound, status, "past the last image")
		break
	}
	status, _, _ := e.get(t, "/images/nobody/x/0.svg", nil)
	assert.Equal(t, http.StatusNotFound, status)
}

func TestFX(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	status, _, b := e.get(t, "/fx", nil)
	require.Equal(t, http.StatusOK, status)
	fx := decodeInto[fxBody](t, b)
	assert.Equal(t, "USD", fx.Base)
	for _, c := range []string{"SGD", "USD", "EUR", "GBP", "AUD", "JPY", "MYR", "THB", "IDR", "HKD", "CNY", "INR", "KRW", "NZD", "CHF"} {
		assert.Positive(t, fx.Rates[c], c)
	}
	assert.Equal(t, 0, fx.Decimals["JPY"])
}
