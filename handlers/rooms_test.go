package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/suppliersim"
)

func TestRoomOffers(t *testing.T) {
	t.Parallel()
	w := newHotelWorld(t)
	hotel := w.hotels[0]
	rooms := "/hotels/" + strconv.FormatInt(hotel.ID, 10) + "/rooms?"

	t.Run("fragment with stored offers", func(t *testing.T) {
		rec := w.do(t, rooms+stayIn(40, 2)+"&currency=SGD", "HX-Request", "true", "HX-Request-Type", "partial")
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		assert.Equal(t, "private, no-store", rec.Header().Get("Cache-Control"))
		assert.Contains(t, rec.Header().Get("Vary"), "HX-Request")
		assert.NotContains(t, rec.Body.String(), "<html", "a fragment for htmx")
		doc := htmlDoc(t, rec)
		require.Positive(t, doc.Find(`[data-testid="room"]`).Length(), rec.Body.String())
		rates := doc.Find(`[data-testid="rate"]`)
		require.Positive(t, rates.Length())
		rates.Each(func(_ int, s *goquery.Selection) {
			form := s.Find("form")
			assert.Equal(t, "post", form.AttrOr("method", ""))
			assert.Equal(t, "/bookings", form.AttrOr("action", ""))
			inputs := form.Find("input")
			require.Equal(t, 1, inputs.Length(), "the Book form carries the offer id only")
			id := inputs.AttrOr("value", "")
			assert.Len(t, id, 32, "128 random bits, hex")
			o, err := w.h.LoadOffer(context.Background(), id)
			require.NoError(t, err)
			assert.Equal(t, hotel.ID, o.HotelID)
			assert.NotEmpty(t, o.Offer.Key)
			assert.Equal(t, "SGD", o.Display.Currency)
			assert.Contains(t, s.Find(`[data-testid="rate-total"]`).Text(), "SGD ")
		})
		ttl, err := w.h.redis.TTL(context.Background(), w.prefix+"offer:"+rates.First().Find("input").AttrOr("value", "")).Result()
		require.NoError(t, err)
		assert.Greater(t, ttl.Minutes(), 25.0)
		assert.Empty(t, doc.Find(`[data-testid="supplier-missing"]`).Text())
	})

	t.Run("full page without htmx", func(t *testing.T) {
		rec := w.do(t, rooms+stayIn(40, 2))
		require.Equal(t, http.StatusOK, rec.Code)
		doc := htmlDoc(t, rec)
		assert.Equal(t, 1, doc.Find("html").Length())
		assert.Equal(t, "noindex", doc.Find(`meta[name="robots"]`).AttrOr("content", ""))
		assert.Positive(t, doc.Find(`[data-testid="rate"]`).Length())
	})

	t.Run("invalid stay is 422", func(t *testing.T) {
		for _, q := range []string{"checkin=2020-01-01&checkout=2020-01-03", "checkin=x", "", stayIn(10, 2) + "&currency=XXX", strings.Replace(stayIn(10, 2), "rooms=1", "rooms=99", 1)} {
			rec := w.do(t, rooms+q, "HX-Request", "true", "HX-Request-Type", "partial")
			assert.Equal(t, http.StatusUnprocessableEntity, rec.Code, q)
			assert.Equal(t, 1, htmlDoc(t, rec).Find(`[data-testid="rooms-problems"]`).Length(), q)
		}
	})

	t.Run("unknown hotel is 404", func(t *testing.T) {
		assert.Equal(t, http.StatusNotFound, w.do(t, "/hotels/999999999/rooms?"+stayIn(10, 2)).Code)
		assert.Equal(t, http.StatusNotFound, w.do(t, "/hotels/x/rooms?"+stayIn(10, 2)).Code)
	})

	t.Run("a failing supplier is named", func(t *testing.T) {
		// Find a hotel wgl lists, then make wgl fail.
		var target string
		for _, h := range w.hotels {
			for _, s := range h.Suppliers {
				if s == "wgl" && len(h.Suppliers) > 1 {
					target = "/hotels/" + strconv.FormatInt(h.ID, 10) + "/rooms?"
				}
			}
		}
		require.NotEmpty(t, target)
		require.NoError(t, w.sim.SetKnobs("wgl", suppliersim.Knobs{ErrorRate: 1}))
		rec := w.do(t, target+stayIn(50, 1), "HX-Request", "true", "HX-Request-Type", "partial")
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, "wgl could not be reached", htmlDoc(t, rec).Find(`[data-testid="supplier-missing"]`).Text())
	})
}

func TestRoomKey(t *testing.T) {
	t.Parallel()
	assert.Equal(t, roomKey("Deluxe Double Room"), roomKey("deluxe double"))
	assert.Equal(t, roomKey("Superior King Room, City View"), roomKey("SUPERIOR KING - CITY VIEW"))
	assert.NotEqual(t, roomKey("Deluxe Double"), roomKey("Deluxe Twin"))
}
