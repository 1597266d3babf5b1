package aggregator

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func hotel(id int64, prices ...SupplierPrice) HotelResult {
	return HotelResult{HotelID: id, Prices: prices}
}

func TestSelectFiltersSortsAndPages(t *testing.T) {
	hotels := []HotelResult{
		hotel(1, SupplierPrice{Supplier: "a", Total: 300}),
		hotel(2, SupplierPrice{Supplier: "a", Total: 100}, SupplierPrice{Supplier: "b", Total: 150, FreeCancellation: true}),
		hotel(3, SupplierPrice{Supplier: "b", Total: 200}),
		hotel(4, SupplierPrice{Supplier: "c", Total: 50}),
	}
	facts := map[int64]HotelFacts{
		1: {Stars: 5, ReviewScore: 9.1, HasGeo: true, Lat: 1.30, Lng: 103.85, Amenities: []string{"pool", "wifi"}},
		2: {Stars: 3, ReviewScore: 7.0, HasGeo: true, Lat: 1.35, Lng: 103.90, Amenities: []string{"wifi"}},
		3: {Stars: 4, ReviewScore: 8.2, HasGeo: true, Lat: 1.29, Lng: 103.85, Amenities: []string{"pool"}},
		// 4 has no facts: it passes no content filter and sorts last on facts.
	}
	ids := func(p Page) []int64 {
		var out []int64
		for _, h := range p.Hotels {
			out = append(out, h.HotelID)
		}
		return out
	}
	cases := []struct {
		name string
		o    ResultOptions
		want []int64
	}{
		{"cheapest first by default", ResultOptions{}, []int64{4, 2, 3, 1}},
		{"review", ResultOptions{Sort: SortReview}, []int64{1, 3, 2, 4}},
		{"stars", ResultOptions{Sort: SortStars}, []int64{1, 3, 2, 4}},
		{"distance", ResultOptions{Sort: SortDistance, CenterLat: 1.29, CenterLng: 103.85}, []int64{3, 1, 2, 4}},
		{"price range", ResultOptions{MinPrice: 100, MaxPrice: 250}, []int64{2, 3}},
		{"stars filter", ResultOptions{Stars: []int{4, 5}}, []int64{3, 1}},
		{"free cancellation anywhere", ResultOptions{FreeCancellation: true}, []int64{2}},
		{"amenities all", ResultOptions{Amenities: []string{"pool", "wifi"}}, []int64{1}},
		{"min review", ResultOptions{MinReview: 8}, []int64{3, 1}},
		{"page 2 of 2", ResultOptions{PerPage: 3, Page: 2}, []int64{1}},
		{"page past the end", ResultOptions{PerPage: 3, Page: 9}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, ids(Select(hotels, facts, tc.o)))
		})
	}
	p := Select(hotels, facts, ResultOptions{PerPage: 3})
	assert.Equal(t, 4, p.Matched)
	assert.Equal(t, 2, p.Pages)
}

func TestGroupPricesCheapestFirst(t *testing.T) {
	got := groupPrices(map[string]string{
		"7|bedcom":  `{"s":"bedcom","t":900,"c":"SGD"}`,
		"7|ascenda": `{"s":"ascenda","t":800,"c":"SGD"}`,
		"8|wgl":     `{"s":"wgl","t":100,"c":"SGD"}`,
		"garbage":   `{}`,
		"9|wgl":     `not json`,
	})
	assert.Len(t, got, 2)
	assert.Equal(t, int64(7), got[0].HotelID)
	assert.Equal(t, "ascenda", got[0].Cheapest().Supplier)
	assert.Len(t, got[0].Prices, 2)
}

func TestValidEventID(t *testing.T) {
	for _, ok := range []string{"", "0", "1700000000000-0", "1700000000000-12"} {
		assert.True(t, ValidEventID(ok), ok)
	}
	for _, bad := range []string{"x", "1-2-3", "-", "1700000000000-", "../"} {
		assert.False(t, ValidEventID(bad), bad)
	}
}
