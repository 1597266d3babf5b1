package catalog

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator/suppliers"
)

func TestSanitizeDescription(t *testing.T) {
	t.Parallel()
	got := SanitizeDescription(`<p onclick="x()">Hello <script>alert(1)</script><b>bold</b> <a href="javascript:x">link</a></p><img src=x onerror="alert(1)"><ul><li>Pool</li></ul><div style="color:red"><em>ok</em></div>`)
	for _, bad := range []string{"<script", "alert", "onerror", "onclick", "<img", "<a ", "javascript", "style", "<div"} {
		assert.NotContains(t, got, bad)
	}
	for _, good := range []string{"<p>Hello", "<b>bold</b>", "<ul><li>Pool</li></ul>", "<em>ok</em>", "link"} {
		assert.Contains(t, got, good)
	}
	plain := SanitizeDescription("First paragraph.\n\nSecond & last.")
	assert.Equal(t, "<p>First paragraph.</p>\n<p>Second &amp; last.</p>", plain)
	mixed := SanitizeDescription("Distances below. <br /> <p>Museum - 1 km <br /> </p>\n\nEnd.")
	assert.Equal(t, "<p>Distances below.</p>\n<p>Museum - 1 km <br/> </p>\n<p>End.</p>", mixed)
	assert.Empty(t, SanitizeDescription("<script>x</script>"))
}

func TestMergeRules(t *testing.T) {
	t.Parallel()
	asc := suppliers.Hotel{SupplierHotelID: "a", Name: "Hôtel du Jade Paris", Lat: 48.1, Lng: 2.1, HasGeo: true, Stars: 4,
		ReviewScore: 8.1, ReviewCount: 100, Description: "<p>Short <script>x</script></p>",
		Amenities: []string{"wifi", "pool", "not_ours"}, Address: "1 rue Jade",
		Images: []suppliers.Image{{URL: "http://img/a/1.jpg"}, {URL: "http://img/shared.jpg"}}, CheckInTime: "15:00"}
	bed := suppliers.Hotel{SupplierHotelID: "1", Name: "HOTEL DU JADE PARIS", Lat: 48.2, Lng: 2.2, HasGeo: true, Stars: 3,
		ReviewScore: 7.9, ReviewCount: 500, Description: "A much longer description of the hotel, in plain words.",
		Amenities: []string{"wifi", "gym"}, Images: []suppliers.Image{{URL: "https://img/shared.jpg?w=200"}, {URL: "http://img/b/2.jpg"}},
		CheckOutTime: "11:00"}
	wgl := suppliers.Hotel{SupplierHotelID: "W", Name: "Hotel du Jade", Stars: 3, Amenities: []string{"gym"}}

	h := Merge([]member{{"wgl", wgl}, {"bedcom", bed}, {"ascenda", asc}}, []string{"ascenda", "bedcom", "wgl"})
	assert.Equal(t, "Hôtel du Jade Paris", h.Name, "the form two suppliers agree on, in proper case with accents")
	assert.Equal(t, "ascenda", h.Sources["name"])
	assert.Equal(t, "hotel-du-jade-paris", h.Slug)
	assert.Equal(t, "<p>A much longer description of the hotel, in plain words.</p>", h.Description)
	assert.Equal(t, "bedcom", h.Sources["description"])
	assert.Equal(t, []string{"wifi", "pool", "gym"}, h.Amenities, "union in vocabulary order, unknown keys dropped")
	require.Len(t, h.Images, 3, "the shared image once")
	assert.Equal(t, 48.1, h.Lat, "coordinates of the most trusted supplier")
	assert.Equal(t, "ascenda", h.Sources["location"])
	assert.Equal(t, 3.0, h.Stars, "stars by majority")
	assert.Equal(t, 7.9, h.ReviewScore, "score of the supplier with most reviews")
	assert.Equal(t, 500, h.ReviewCount)
	assert.Equal(t, "15:00", h.CheckInTime)
	assert.Equal(t, "11:00", h.CheckOutTime)
	assert.Equal(t, []string{"ascenda", "bedcom", "wgl"}, h.Suppliers)
	assert.Equal(t, contentHash(h), contentHash(Merge([]member{{"ascenda", asc}, {"bedcom", bed}, {"wgl", wgl}}, []string{"ascenda", "bedcom", "wgl"})),
		"member order does not change the result")

	shout := Merge([]member{{"bedcom", suppliers.Hotel{Name: "IBIS STYLES SINGAPORE ON MACPHERSON"}}}, nil)
	assert.Equal(t, "ibis Styles Singapore On Macpherson", shout.Name, "title case, the brand's own spelling")
	assert.False(t, strings.Contains(shout.Slug, " "))
}
