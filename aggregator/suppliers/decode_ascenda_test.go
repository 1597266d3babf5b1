package suppliers

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Payloads written for these tests in the shape of ascenda's real answers:
// nulls, misspelt fields, empty strings, numbers as strings, HTML.

const ascHotelsPayload = `[
 {"id":"Xy1Z","imageCount":3,"latitude":1.2865,"longitude":103.8531,"name":" The Harbour Grand ",
  "address":"1 Quay Walk","address1":"1 Quay Walk","rating":4.5,"distance":812.5,
  "trustyou":{"id":"5e0c-11","score":{"overall":87.0,"kaligo_overall":4.4,"solo":85.0,"couple":null,"family":90,"business":null}},
  "categories":{"overall":{"name":"Overall","score":88,"popularity":4.0}},
  "amenities_ratings":[{"name":"Location","score":93},{"name":"Room","score":71},{"name":"Service","score":"80"},{"name":"Vibe","score":60}],
  "description":"<p>Steps from the <b>river</b>.</p><br /> Pool &amp; spa.",
  "amenities":{"dataPorts":true,"outdoorPool":true,"fitnessFacility":true,"tVInRoom":true,"voiceMail":true,"hairDryer":true,"airConditioning":false,"businessCenter":"true"},
  "original_metadata":{"name":null,"city":"Singapore","state":null,"country":"SG"},
  "image_details":{"suffix":".jpg","count":3,"prefix":"https://img.example.test/Xy1Z/"},
  "number_of_images":3,"default_image_index":1,"checkin_time":"3:00 PM"},
 {"id":"Nul1","imageCount":0,"latitude":null,"longitude":null,"name":"Quiet Inn","address":"","address1":"9 Side Lane",
  "rating":"3","trustyou":{"id":null,"score":{"overall":null,"kaligo_overall":0,"solo":null}},
  "amenities":null,"original_metadata":{"city":"Singapore","country":"SG"},
  "image_details":{"suffix":".jpg","count":0,"prefix":"https://img.example.test/Nul1/"},"checkin_time":""},
 {"id":"Str2","latitude":"","longitude":"103.9","name":"Half Geo Hotel","rating":"","trustyou":"n/a",
  "image_details":{"count":"2","prefix":"/relative/","suffix":".jpg"}},
 {"id":"","name":"no id: skipped"},
 null,
 {"id":"Xy1Z","name":"duplicate: skipped"}
]`

func TestDecodeAscendaHotels(t *testing.T) {
	t.Parallel()
	hs, err := decodeAscendaHotels([]byte(ascHotelsPayload))
	require.NoError(t, err)
	require.Len(t, hs, 3)

	h := hs[0]
	assert.Equal(t, "Xy1Z", h.SupplierHotelID)
	assert.Equal(t, "The Harbour Grand", h.Name)
	assert.Equal(t, "1 Quay Walk", h.Address)
	assert.Equal(t, "Singapore", h.City)
	assert.Equal(t, "SG", h.CountryCode)
	assert.True(t, h.HasGeo)
	assert.InDelta(t, 1.2865, h.Lat, 1e-9)
	assert.Equal(t, 4.5, h.Stars)
	assert.Equal(t, 8.7, h.ReviewScore, "trustyou /100 → /10")
	assert.Equal(t, map[string]float64{"location": 9.3, "rooms": 7.1, "service": 8}, h.ReviewBreakdown)
	assert.Equal(t, "<p>Steps from the <b>river</b>.</p><br /> Pool &amp; spa.", h.Description, "HTML passed through raw")
	assert.Equal(t, []string{"wifi", "pool", "gym", "tv", "business_centre"}, h.Amenities, "false flags and unknown keys dropped")
	require.Len(t, h.Images, 3)
	assert.Equal(t, "https://img.example.test/Xy1Z/0.jpg", h.Images[0].URL)
	assert.Equal(t, "https://img.example.test/Xy1Z/2.jpg", h.Images[2].URL)
	assert.Equal(t, "15:00", h.CheckInTime)

	n := hs[1]
	assert.False(t, n.HasGeo, "null coordinates")
	assert.Zero(t, n.ReviewScore, "null score and kaligo 0 mean unknown")
	assert.Equal(t, "9 Side Lane", n.Address, "address1 when address is empty")
	assert.Equal(t, 3.0, n.Stars, "stars as a string")
	assert.Empty(t, n.Images, "image_details.count 0")
	assert.Empty(t, n.Amenities)
	assert.Empty(t, n.CheckInTime)

	s := hs[2]
	assert.False(t, s.HasGeo, "one coordinate empty")
	assert.Zero(t, s.Stars)
	assert.Empty(t, s.Images, "relative image prefixes are not usable URLs")
}

func TestDecodeAscendaHotelsGarbage(t *testing.T) {
	t.Parallel()
	for _, body := range []string{``, `{`, `{"id":"x"}`, `"hotels"`, "[{\"id\":\"a\"}\x00<<garbled"} {
		_, err := decodeAscendaHotels([]byte(body))
		assert.ErrorIs(t, err, ErrBadResponse, body)
	}
	hs, err := decodeAscendaHotels([]byte(`[]`))
	require.NoError(t, err)
	assert.Empty(t, hs)
}

const ascPricesPayload = `{"searchCompleted":null,"completed":false,"status":null,"currency":"SGD","hotels":[
 {"id":"aB12","searchRank":0.95,"price_type":"multi","free_cancellation":true,"rooms_available":5,
  "max_cash_payment":1615.38,"coverted_max_cash_payment":2116.8,"points":52900,"lowest_price":1615.38,
  "price":2116.8,"converted_price":2116.8,"lowest_converted_price":2116.8,"market_rates":[{"supplier":"expedia","rate":1832.73131412}]},
 {"id":"cD34","free_cancellation":null,"price":"","converted_price":null,"coverted_max_cash_payment":"251.735"},
 {"id":"eF56","free_cancellation":"false","price":"abc","converted_price":""},
 {"id":"gH78","price":0},
 {"id":"aB12","price":1}
]}`

func TestDecodeAscendaPrices(t *testing.T) {
	t.Parallel()
	got, done, err := decodeAscendaPrices([]byte(ascPricesPayload), "USD")
	require.NoError(t, err)
	assert.False(t, done)
	require.Len(t, got, 2)
	assert.Equal(t, HotelPrice{SupplierHotelID: "aB12", Total: Money{Amount: 211680, Currency: "SGD"},
		PayAtHotel: Money{Currency: "SGD"}, FreeCancellation: true}, got[0])
	assert.Equal(t, Money{Amount: 25174, Currency: "SGD"}, got[1].Total, "the misspelt field as a fallback, rounded half away from zero")
	assert.False(t, got[1].FreeCancellation, "null free_cancellation")

	got, done, err = decodeAscendaPrices([]byte(`{"completed":true,"currency":null,"hotels":[{"id":"j1","price":12500}]}`), "JPY")
	require.NoError(t, err)
	assert.True(t, done)
	assert.Equal(t, Money{Amount: 12500, Currency: "JPY"}, got[0].Total, "JPY has no minor unit")
}

const ascRoomsPayload = `{"searchCompleted":null,"completed":true,"status":null,"currency":null,"rooms":[
 {"key":"3f2a-key-1","roomDescription":"Deluxe Room King","roomNormalizedDescription":"Deluxe King Room","type":"451230",
  "free_cancellation":true,"long_description":"<p><strong>1 King Bed</strong></p>",
  "roomAdditionalInfo":{"breakfastInfo":"hotel_detail_breakfast_included","displayFields":{"fees_mandatory":"<ul><li>City tax</li></ul>",
   "hotel_fees":[{"id":"city_tax","amount":12.4,"currency":"SGD"}]}},
  "price":523.17,"converted_price":523.17,"base_rate":440.0,"included_taxes_and_fees_total":83.17,
  "excluded_taxes_and_fees_currency":"SGD","excluded_taxes_and_fees_total":12.4,"excluded_taxes_and_fees_total_in_currency":12.4,
  "included_taxes_and_fees_in_currency":[{"id":"service_charge","amount":44.0,"currency":"SGD"},{"id":"tax","amount":39.17,"currency":"SGD"}],
  "cancellation_policy":{"free_cancellation_until":"2030-03-01T18:00:00+08:00","description":"Free cancellation until 1 March.",
   "penalties":[{"from":"2030-03-01T18:00:00+08:00","amount":261.59},{"from":"bad","amount":1}]}},
 {"key":"3f2a-key-2","roomDescription":"Standard Twin (Non-refundable)","type":"451231","free_cancellation":false,
  "roomAdditionalInfo":{"breakfastInfo":"hotel_detail_room_only","displayFields":{"hotel_fees":[]}},
  "price":"300.00","excluded_taxes_and_fees_total_in_currency":"","cancellation_policy":{"free_cancellation_until":null,"penalties":null}},
 {"key":null,"price":100},
 {"key":"k3","price":null}
]}`

func TestDecodeAscendaRooms(t *testing.T) {
	t.Parallel()
	offers, done, err := decodeAscendaRooms([]byte(ascRoomsPayload), "Xy1Z", "SGD")
	require.NoError(t, err)
	assert.True(t, done)
	require.Len(t, offers, 2)

	o := offers[0]
	assert.Equal(t, "Xy1Z", o.SupplierHotelID)
	assert.Equal(t, "3f2a-key-1", o.Key)
	assert.Equal(t, "451230", o.RoomCode)
	assert.Equal(t, "Deluxe King Room", o.RoomName)
	assert.Equal(t, "breakfast", o.Board)
	assert.Equal(t, Money{Amount: 52317 + 1240, Currency: "SGD"}, o.Total, "total includes what is paid at the hotel")
	assert.Equal(t, Money{Amount: 1240, Currency: "SGD"}, o.PayAtHotel)
	assert.Equal(t, []Fee{
		{Name: "Service charge", Amount: Money{Amount: 4400, Currency: "SGD"}},
		{Name: "Tax", Amount: Money{Amount: 3917, Currency: "SGD"}},
		{Name: "City tax", Amount: Money{Amount: 1240, Currency: "SGD"}, PayAtHotel: true},
	}, o.Fees)
	assert.True(t, o.Cancellation.Refundable)
	assert.Equal(t, time.Date(2030, 3, 1, 10, 0, 0, 0, time.UTC), o.Cancellation.FreeUntil)
	require.Len(t, o.Cancellation.Penalties, 1, "an unreadable penalty is dropped")
	assert.Equal(t, int64(26159), o.Cancellation.Penalties[0].Amount.Amount)

	n := offers[1]
	assert.Equal(t, "Standard Twin (Non-refundable)", n.RoomName, "the raw description when no normalised one")
	assert.Equal(t, "room_only", n.Board)
	assert.Equal(t, Money{Amount: 30000, Currency: "SGD"}, n.Total)
	assert.False(t, n.Cancellation.Refundable)
	assert.True(t, n.Cancellation.FreeUntil.IsZero())
}

func TestDecodeAscendaBooking(t *testing.T) {
	t.Parallel()
	b, fee, err := decodeAscendaBooking([]byte(`{"booking_id":"ASC-1","reference":"LB-1","status":"cancelled","hotel_id":"Xy1Z",
		"checkin":"2030-03-03","checkout":"2030-03-05","currency":"SGD","price":"523.17","excluded_taxes_and_fees_total":12.4,
		"cancellation_fee":261.59}`), "SGD")
	require.NoError(t, err)
	assert.Equal(t, StatusCancelled, b.Status)
	assert.Equal(t, Money{Amount: 53557, Currency: "SGD"}, b.Total)
	assert.Equal(t, Money{Amount: 26159, Currency: "SGD"}, fee)
	assert.Equal(t, time.Date(2030, 3, 3, 0, 0, 0, 0, time.UTC), b.Checkin)
	_, _, err = decodeAscendaBooking([]byte(`{"status":"confirmed"}`), "SGD")
	assert.ErrorIs(t, err, ErrBadResponse)
}

func TestAscendaGuests(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "3|3", ascendaGuests(Query{Rooms: 2, Adults: 2, ChildrenAges: []int{5}}))
	assert.Equal(t, "2", ascendaGuests(Query{Rooms: 1, Adults: 2}))
}
