package suppliersim

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bookFn books an offer under a reference and reports success or the dialect's sold-out answer.
type bookFn func(ref string) (ok, soldOut bool)

// lastRoomOffer prepares, for each dialect, an offer whose room has exactly one room left on a
// one-night stay.
func lastRoomOffer(t *testing.T, e *testEnv, supplier string) bookFn {
	t.Helper()
	in, out := dates(70, 1)
	uid := uidOf(t, "Singapore", "SG")
	switch supplier {
	case Ascenda:
		env := e.pollAscenda(t, url.Values{"destination_id": {uid}, "checkin": {in}, "checkout": {out}, "guests": {"2"}})
		id := env.Hotels[0].ID
		require.NoError(t, e.sim.SetAllotment(Ascenda, id, in, 1))
		_, _, b := e.get(t, "/ascenda/api/hotels/"+id+"/price", url.Values{"checkin": {in}, "checkout": {out}, "guests": {"2"}})
		key := decodeInto[ascRoomsEnvelope](t, b).Rooms[0].Key
		return func(ref string) (bool, bool) {
			st, body := e.postJSON(t, "/ascenda/api/bookings", map[string]any{"key": key, "reference": ref})
			return st == http.StatusCreated, st == http.StatusConflict && decodeInto[map[string]string](t, body)["error"] == "sold_out"
		}
	case Bedcom:
		var rate bcRate
		for _, r := range bedcomRates(t, e, uid, in, out, 1, 2) {
			if r.RateType == "BOOKABLE" {
				rate = r
				break
			}
		}
		require.NotEmpty(t, rate.RateKey)
		sh, _, _, _, _, _, err := e.sim.parseBedcomRateKey(rate.RateKey)
		require.NoError(t, err)
		require.NoError(t, e.sim.SetAllotment(Bedcom, sh.id, in, 1))
		return func(ref string) (bool, bool) {
			st, body := e.postJSON(t, "/bedcom/bookings", map[string]any{"holder": map[string]string{"name": "A", "surname": "B"},
				"rooms": []any{map[string]any{"rateKey": rate.RateKey}}, "clientReference": ref})
			return st == http.StatusOK, st == http.StatusConflict && decodeInto[map[string]bedcomErr](t, body)["error"].Code == "INSUFFICIENT_ALLOTMENT"
		}
	default:
		hotel, room, plan, _ := wglFirstOffer(t, e, uid, in, out, 1, 2)
		require.NoError(t, e.sim.SetAllotment(WGL, hotel, in, 1))
		return func(ref string) (bool, bool) {
			st, body := e.postXML(t, "/wgl/OTA_HotelResRQ", wglResRQ(ref, hotel, room, plan, in, out, 1, 2))
			rs := decodeXMLInto[otaResRS](t, body)
			return st == http.StatusOK && rs.Success != nil, rs.Errors != nil && rs.Errors.Error[0].Code == otaNoAvailability
		}
	}
}

func TestLastRoomIsSoldOnce(t *testing.T) {
	t.Parallel()
	for _, supplier := range Suppliers {
		t.Run(supplier, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			book := lastRoomOffer(t, e, supplier)
			var wg sync.WaitGroup
			var mu sync.Mutex
			won, soldOut := 0, 0
			for i := 0; i < 50; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ok, so := book(fmt.Sprintf("LB-P%02d", i))
					mu.Lock()
					defer mu.Unlock()
					if ok {
						won++
					}
					if so {
						soldOut++
					}
				}()
			}
			wg.Wait()
			assert.Equal(t, 1, won, "exactly one booking gets the last room")
			assert.Equal(t, 49, soldOut, "the rest are told it is sold out")
		})
	}
}

func TestRepeatReferenceAndCancelReturnsRoom(t *testing.T) {
	t.Parallel()
	for _, supplier := range Suppliers {
		t.Run(supplier, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			book := lastRoomOffer(t, e, supplier)
			ok, _ := book("LB-R1")
			require.True(t, ok)
			ok, soldOut := book("LB-R2")
			assert.False(t, ok)
			assert.True(t, soldOut, "the room is gone")
			ok, _ = book("LB-R1")
			assert.True(t, ok || supplier == Ascenda, "a repeated reference returns the first booking")
			if supplier == Ascenda { // 200 rather than 201 for the repeat
				st, _ := e.postJSON(t, "/ascenda/api/bookings", map[string]any{"key": "ignored", "reference": "LB-R1"})
				assert.Equal(t, http.StatusOK, st)
			}
			b, err := e.sim.inv.find(supplier, "LB-R1")
			require.NoError(t, err)
			_, err = e.sim.inv.find(supplier, "LB-R2")
			assert.ErrorIs(t, err, ErrBookingNotFound)
			// cancel through the dialect, then the room can be sold again
			switch supplier {
			case Ascenda:
				st, _ := e.postJSON(t, "/ascenda/api/bookings/LB-R1/cancel", nil)
				require.Equal(t, http.StatusOK, st)
			case Bedcom:
				st, _, _ := e.do(t, http.MethodDelete, "/bedcom/bookings/LB-R1", "", nil)
				require.Equal(t, http.StatusOK, st)
			default:
				st, _ := e.postXML(t, "/wgl/OTA_CancelRQ", `<OTA_CancelRQ CancelType="Commit"><UniqueID Type="14" ID="LB-R1"/></OTA_CancelRQ>`)
				require.Equal(t, http.StatusOK, st)
			}
			assert.Equal(t, 1, e.sim.inv.available(b.sh.hotel, b.ri, b.stay), "the cancellation gave the room back")
			ok, _ = book("LB-R3")
			assert.True(t, ok, "the returned room sells again")
		})
	}
}
