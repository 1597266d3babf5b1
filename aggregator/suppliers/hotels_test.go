package suppliers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator/suppliers"
)

func TestHotelsEveryDialect(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	for _, name := range dialects {
		for _, uid := range []string{singapore, paris, tokyo} {
			t.Run(name+"/"+uid, func(t *testing.T) {
				s := env.adapter(t, name)
				assert.Equal(t, name, s.Name())
				hs, err := s.Hotels(ctxFor(t, 10*time.Second), uid)
				require.NoError(t, err)
				require.NotEmpty(t, hs)
				ids := map[string]bool{}
				var geo, withImages, withAmenities, withStars int
				for _, h := range hs {
					require.NotEmpty(t, h.SupplierHotelID)
					assert.False(t, ids[h.SupplierHotelID], "duplicate id %s", h.SupplierHotelID)
					ids[h.SupplierHotelID] = true
					assert.NotEmpty(t, h.Name)
					assert.NotEmpty(t, h.CountryCode)
					if h.HasGeo {
						geo++
						assert.True(t, h.Lat >= -90 && h.Lat <= 90 && h.Lng >= -180 && h.Lng <= 180)
					}
					if len(h.Images) > 0 {
						withImages++
					}
					for _, im := range h.Images {
						assert.True(t, strings.HasPrefix(im.URL, "http://"), im.URL)
					}
					for _, a := range h.Amenities {
						_, ok := suppliers.AmenityByKey(a)
						assert.True(t, ok, "amenity %q not in the vocabulary", a)
					}
					if len(h.Amenities) > 0 {
						withAmenities++
					}
					if h.Stars > 0 {
						withStars++
					}
					assert.True(t, h.ReviewScore >= 0 && h.ReviewScore <= 10, "review %v", h.ReviewScore)
				}
				assert.Greater(t, geo, len(hs)/2, "most hotels have coordinates")
				assert.Greater(t, withImages, 0)
				assert.Greater(t, withAmenities, len(hs)/2)
				assert.Equal(t, len(hs), withStars)
			})
		}
	}
}

func TestHotelsUnknownDestinationIsEmpty(t *testing.T) {
	t.Parallel()
	env := newSim(t)
	for _, name := range dialects {
		hs, err := env.adapter(t, name).Hotels(ctxFor(t, 5*time.Second), "zzzz")
		require.NoError(t, err, name)
		assert.Empty(t, hs, name)
	}
}
