package suppliers

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const bcHotelsPayload = `{"from":1,"to":3,"total":3,"hotels":[
 {"code":4410021,"name":{"content":"GRAND QUAY"},"description":{"content":"<b>Riverside</b> hotel."},"countryCode":"sg",
  "destinationCode":"i8gS","coordinates":{"latitude":"1.2871","longitude":103.8529},"categoryCode":"4EST","categoryName":"4 STARS",
  "address":{"content":"1 Quay Walk"},"postalCode":"049178","city":{"content":"SINGAPORE"},
  "facilities":[{"facilityCode":261,"facilityGroupCode":70,"description":{"content":"Wi-fi"}},
   {"facilityCode":260,"description":{"content":"24-hour reception"}},{"facilityCode":320,"description":{"content":"Car park"}},
   {"facilityCode":310,"description":{"content":"Conference room"}},{"facilityCode":270,"description":{"content":"Lift access"}},
   {"facilityCode":295,"description":{"content":"Hairdryer"}},{"facilityCode":460,"description":{"content":"Spa centre"}},
   {"facilityCode":261,"description":{"content":"Wi-fi"}}],
  "images":[{"path":"https://img.example.test/b/1.jpg","order":1,"imageTypeCode":"GEN"},{"path":"","order":2}],
  "reviews":[{"rate":"4.3","reviewCount":"812","type":"HOTELBEDS"}]},
 {"code":"4410022","name":"Plain Name Hotel","categoryCode":"H3_5","coordinates":null,"reviews":[{"rate":null}],"facilities":null,"images":null},
 {"code":null,"name":{"content":"skipped"}}
]}`

func TestDecodeBedcomHotels(t *testing.T) {
	t.Parallel()
	hs, total, err := decodeBedcomHotels([]byte(bcHotelsPayload))
	require.NoError(t, err)
	assert.Equal(t, 3, total)
	require.Len(t, hs, 2)
	h := hs[0]
	assert.Equal(t, "4410021", h.SupplierHotelID)
	assert.Equal(t, "GRAND QUAY", h.Name, "names are kept as given; the catalog picks the best")
	assert.Equal(t, "Singapore", h.City)
	assert.Equal(t, "SG", h.CountryCode)
	assert.Equal(t, "049178", h.PostalCode)
	assert.True(t, h.HasGeo, "latitude as a string")
	assert.Equal(t, 4.0, h.Stars)
	assert.Equal(t, 8.6, h.ReviewScore, "bedcom rates out of 5")
	assert.Equal(t, 812, h.ReviewCount)
	assert.Equal(t, []string{"wifi", "spa", "front_desk_24h", "parking", "elevator", "meeting_rooms"}, h.Amenities)
	assert.Equal(t, []Image{{URL: "https://img.example.test/b/1.jpg"}}, h.Images)
	assert.Equal(t, "<b>Riverside</b> hotel.", h.Description)

	p := hs[1]
	assert.Equal(t, "Plain Name Hotel", p.Name, "a plain string where an object is expected")
	assert.Equal(t, 3.5, p.Stars, "H3_5 is three and a half stars")
	assert.False(t, p.HasGeo)
	assert.Zero(t, p.ReviewScore)
}

const bcAvailPayload = `{"hotels":{"checkIn":"2030-03-03","checkOut":"2030-03-05","total":2,"hotels":[
 {"code":4410021,"name":"GRAND QUAY","currency":"EUR","minRate":"180.40","rooms":[
  {"code":"DBL.ST","name":"DOUBLE STANDARD","rates":[
   {"rateKey":"k-nor","rateClass":"NOR","rateType":"BOOKABLE","net":"150.12","sellingRate":"180.40","boardCode":"BB",
    "cancellationPolicies":[{"amount":"90.20","from":"2030-03-01T18:00:00+01:00"},{"amount":"180.40","from":"2030-02-27T18:00:00+01:00"}],
    "taxes":{"allIncluded":false,"taxes":[{"included":true,"amount":"16.40","currency":"EUR","type":"TAXESANDFEES","name":"VAT"},
     {"included":false,"amount":"10.40","currency":"EUR","type":"TAX","name":"Taxe de séjour"},
     {"included":false,"amount":"3.00","currency":"USD","type":"TAX","name":"other currency: skipped"}]}},
   {"rateKey":"k-nrf","rateClass":"NRF","rateType":"RECHECK","net":"","sellingRate":"160.00","boardCode":"RO",
    "cancellationPolicies":[{"amount":"160.00","from":"2029-03-03T00:00:00+01:00"}],"taxes":null},
   {"rateKey":"","sellingRate":"1.00"},
   {"rateKey":"k-bad","sellingRate":"n/a"}]}]},
 {"code":4410022,"rooms":[]}
]}}`

func TestDecodeBedcomAvailability(t *testing.T) {
	t.Parallel()
	hotels, err := decodeBedcomAvailability([]byte(bcAvailPayload))
	require.NoError(t, err)
	require.Len(t, hotels, 1, "a hotel without rates is left out")
	offers := hotels[0]
	require.Len(t, offers, 2)

	o := offers[0]
	assert.Equal(t, "4410021", o.SupplierHotelID)
	assert.Equal(t, "DBL.ST", o.RoomCode)
	assert.Equal(t, "Double Standard", o.RoomName)
	assert.Equal(t, "breakfast", o.Board)
	assert.Equal(t, Money{Amount: 18040 + 1040, Currency: "EUR"}, o.Total)
	assert.Equal(t, Money{Amount: 1040, Currency: "EUR"}, o.PayAtHotel)
	assert.Equal(t, Money{Amount: 15012, Currency: "EUR"}, o.Net)
	assert.Len(t, o.Fees, 2)
	assert.False(t, o.NeedsPriceCheck)
	assert.True(t, o.Cancellation.Refundable)
	assert.Equal(t, time.Date(2030, 2, 27, 17, 0, 0, 0, time.UTC), o.Cancellation.FreeUntil, "the earliest penalty, in UTC")

	n := offers[1]
	assert.True(t, n.NeedsPriceCheck, "RECHECK")
	assert.False(t, n.Cancellation.Refundable, "NRF")
	assert.True(t, n.Cancellation.FreeUntil.IsZero())
	assert.Equal(t, Money{Currency: "EUR"}, n.Net, "empty net")

	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	hp, ok := cheapest(offers, now)
	require.True(t, ok)
	assert.Equal(t, HotelPrice{SupplierHotelID: "4410021", Total: Money{Amount: 16000, Currency: "EUR"},
		PayAtHotel: Money{Currency: "EUR"}}, hp, "the cheapest is non-refundable")
}

func TestDecodeBedcomBookingAndCheck(t *testing.T) {
	t.Parallel()
	b, fee, err := decodeBedcomBooking([]byte(`{"booking":{"reference":"102-334455","clientReference":"LB-9","status":"CANCELLED",
		"hotel":{"code":4410021,"checkIn":"2030-03-03","checkOut":"2030-03-05"},"totalNet":"150.12","totalSellingRate":"180.40",
		"pendingAmount":"10.40","currency":"EUR","cancellationAmount":"90.2"}}`))
	require.NoError(t, err)
	assert.Equal(t, Booking{Reference: "LB-9", SupplierReference: "102-334455", Status: StatusCancelled, SupplierHotelID: "4410021",
		Checkin: time.Date(2030, 3, 3, 0, 0, 0, 0, time.UTC), Checkout: time.Date(2030, 3, 5, 0, 0, 0, 0, time.UTC),
		Total: Money{Amount: 19080, Currency: "EUR"}, Net: Money{Amount: 15012, Currency: "EUR"}}, b)
	assert.Equal(t, Money{Amount: 9020, Currency: "EUR"}, fee)

	_, err = decodeBedcomCheck([]byte(`{"hotel":{"code":1,"rooms":[]}}`))
	assert.ErrorIs(t, err, ErrBadResponse)
	o, err := decodeBedcomCheck([]byte(`{"hotel":{"code":1,"currency":"EUR","rooms":[{"code":"R","name":"ROOM","rates":[{"rateKey":"kb","rateType":"BOOKABLE","sellingRate":"99.99"}]}]}}`))
	require.NoError(t, err)
	assert.Equal(t, Money{Amount: 9999, Currency: "EUR"}, o.Total)
}
