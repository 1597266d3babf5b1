package suppliers

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const wglDescriptivePayload = `<?xml version="1.0" encoding="UTF-8"?>
<OTA_HotelDescriptiveInfoRS xmlns="http://www.opentravel.org/OTA/2003/05" Version="1.0"><Success/>
<HotelDescriptiveContents>
 <HotelDescriptiveContent HotelCode="WGL00001234" HotelName="Grand Quay" HotelCityCode="i8gS" CurrencyCode="USD">
  <HotelInfo><CategoryCodes><HotelCategory Code="4" CodeDetail="4 Stars"/></CategoryCodes>
   <Position Latitude=" 1.287100" Longitude="103.852900"/>
   <Services><Service Code="179"/><Service Code="66"/><Service Code="54"/><Service Code="1001"/><Service Code="x">Fitness room</Service><Service Code="9999"/></Services>
  </HotelInfo>
  <FacilityInfo><GuestRooms><GuestRoom Code="STDD" RoomTypeName="Standard Double Room"/></GuestRooms></FacilityInfo>
  <MultimediaDescriptions>
   <MultimediaDescription><TextItems><TextItem Title="Description"><Description>&lt;p&gt;By the river&lt;/p&gt;</Description></TextItem></TextItems></MultimediaDescription>
   <MultimediaDescription><ImageItems><ImageItem Category="1"><ImageFormat><URL>https://img.example.test/w/0.jpg</URL></ImageFormat></ImageItem>
    <ImageItem Category="2"><ImageFormat><URL></URL></ImageFormat></ImageItem></ImageItems></MultimediaDescription>
  </MultimediaDescriptions>
  <AffiliationInfo><Awards><Award Provider="WGL" Rating=""/></Awards></AffiliationInfo>
  <ContactInfos><ContactInfo><Addresses><Address><AddressLine>1 Quay Walk</AddressLine><CityName>Singapore</CityName>
   <PostalCode>049178</PostalCode><CountryName Code="SG">Singapore</CountryName></Address></Addresses></ContactInfo></ContactInfos>
 </HotelDescriptiveContent>
 <HotelDescriptiveContent HotelCode="WGL00001235" HotelName="No Position"><HotelInfo><Position Latitude="" Longitude=""/></HotelInfo></HotelDescriptiveContent>
 <HotelDescriptiveContent HotelName="no code: skipped"/>
</HotelDescriptiveContents></OTA_HotelDescriptiveInfoRS>`

func TestDecodeWGLDescriptive(t *testing.T) {
	t.Parallel()
	hs, err := decodeWGLDescriptive([]byte(wglDescriptivePayload))
	require.NoError(t, err)
	require.Len(t, hs, 2)
	h := hs[0]
	assert.Equal(t, "WGL00001234", h.SupplierHotelID)
	assert.Equal(t, 4.0, h.Stars, "category when the award rating is empty")
	assert.True(t, h.HasGeo)
	assert.InDelta(t, 103.8529, h.Lng, 1e-9)
	assert.Equal(t, []string{"wifi", "pool", "gym"}, h.Amenities, "codes, wording, unknown codes dropped")
	assert.Equal(t, "<p>By the river</p>", h.Description)
	assert.Equal(t, []Image{{URL: "https://img.example.test/w/0.jpg"}}, h.Images)
	assert.Equal(t, "SG", h.CountryCode)
	assert.False(t, hs[1].HasGeo)

	hs, err = decodeWGLDescriptive([]byte(`<OTA_HotelDescriptiveInfoRS><Errors><Error Type="3" Code="392" ShortText="invalid HotelCityCode"/></Errors></OTA_HotelDescriptiveInfoRS>`))
	require.NoError(t, err, "an unknown city is an empty list")
	assert.Empty(t, hs)
	_, err = decodeWGLDescriptive([]byte(`<OTA_HotelAvailRS/>`))
	assert.ErrorIs(t, err, ErrBadResponse, "another message")
	_, err = decodeWGLDescriptive([]byte("<OTA_HotelDescriptiveInfoRS><Success/><HotelDescr\x00<<garbled"))
	assert.ErrorIs(t, err, ErrBadResponse)
}

const wglAvailPayload = `<OTA_HotelAvailRS xmlns="http://www.opentravel.org/OTA/2003/05" Version="1.0"><Success/><RoomStays>
<RoomStay>
 <RoomTypes><RoomType RoomTypeCode="STDD" NumberOfUnits="4"><RoomDescription Name="Standard Double Room"/></RoomType>
  <RoomType RoomTypeCode="DLXK"><RoomDescription Name="Deluxe King Room"/></RoomType></RoomTypes>
 <RatePlans>
  <RatePlan RatePlanCode="FLX-BB-0" RatePlanName="Bed and Breakfast"><CancelPenalties>
   <CancelPenalty NonRefundable="false"><Deadline AbsoluteDeadline="2030-03-01T18:00:00+01:00"/><AmountPercent Amount="95.50" CurrencyCode="USD"/></CancelPenalty>
  </CancelPenalties><MealsIncluded Breakfast="true" Dinner="false"/></RatePlan>
  <RatePlan RatePlanCode="NRF-HB-1" RatePlanName="Half Board"><CancelPenalties>
   <CancelPenalty NonRefundable="true"><Deadline AbsoluteDeadline="2029-03-03T00:00:00Z"/><AmountPercent Amount="210.00" CurrencyCode="USD"/></CancelPenalty>
  </CancelPenalties><MealsIncluded Breakfast="true" Dinner="true"/></RatePlan>
 </RatePlans>
 <RoomRates>
  <RoomRate RoomTypeCode="STDD" RatePlanCode="FLX-BB-0" NumberOfUnits="1"><Total AmountBeforeTax="173.64" AmountAfterTax="191.00" CurrencyCode="USD">
   <Taxes Amount="17.36"><Tax Type="Inclusive" Code="tax" Name="VAT" Amount="17.36"/><Tax Type="Exclusive" Code="city_tax" Name="" Amount="11.20"/></Taxes></Total></RoomRate>
  <RoomRate RoomTypeCode="DLXK" RatePlanCode="NRF-HB-1" NumberOfUnits="1"><Total AmountAfterTax="210" CurrencyCode=""/></RoomRate>
  <RoomRate RoomTypeCode="DLXK" RatePlanCode="X" NumberOfUnits="1"><Total AmountAfterTax="abc"/></RoomRate>
 </RoomRates>
 <TimeSpan Start="2030-03-03" End="2030-03-05"/><BasicPropertyInfo HotelCode="WGL00001234" HotelName="Grand Quay"/>
</RoomStay>
<RoomStay><BasicPropertyInfo HotelCode=""/></RoomStay>
</RoomStays></OTA_HotelAvailRS>`

func TestDecodeWGLAvail(t *testing.T) {
	t.Parallel()
	hotels, err := decodeWGLAvail([]byte(wglAvailPayload))
	require.NoError(t, err)
	require.Len(t, hotels, 1)
	offers := hotels[0]
	require.Len(t, offers, 2)
	o := offers[0]
	assert.Equal(t, "WGL00001234|STDD|FLX-BB-0", o.Key)
	assert.Equal(t, "Standard Double Room", o.RoomName)
	assert.Equal(t, "breakfast", o.Board)
	assert.Equal(t, Money{Amount: 19100 + 1120, Currency: "USD"}, o.Total)
	assert.Equal(t, Money{Amount: 1120, Currency: "USD"}, o.PayAtHotel)
	assert.Equal(t, []Fee{{Name: "VAT", Amount: Money{Amount: 1736, Currency: "USD"}},
		{Name: "City tax", Amount: Money{Amount: 1120, Currency: "USD"}, PayAtHotel: true}}, o.Fees)
	assert.True(t, o.Cancellation.Refundable)
	assert.Equal(t, time.Date(2030, 3, 1, 17, 0, 0, 0, time.UTC), o.Cancellation.FreeUntil)

	n := offers[1]
	assert.Equal(t, "half_board", n.Board)
	assert.False(t, n.Cancellation.Refundable)
	assert.Equal(t, Money{Amount: 21000, Currency: "USD"}, n.Total, "empty CurrencyCode means USD")

	_, err = decodeWGLAvail([]byte(`<OTA_HotelAvailRS><Errors><Error Type="10" Code="15" ShortText="bad dates"/></Errors></OTA_HotelAvailRS>`))
	assert.ErrorIs(t, err, ErrInvalid)
}

func TestDecodeWGLReservations(t *testing.T) {
	t.Parallel()
	b, err := decodeWGLRes([]byte(`<OTA_HotelResRS><Success/><HotelReservations><HotelReservation ResStatus="Reserved">
		<UniqueID Type="14" ID="LB-7"/><RoomStays><RoomStay><TimeSpan Start="2030-03-03" End="2030-03-05"/>
		<BasicPropertyInfo HotelCode="WGL00001234"/></RoomStay></RoomStays>
		<ResGlobalInfo><HotelReservationIDs><HotelReservationID ResID_Type="14" ResID_Value="LB-7"/><HotelReservationID ResID_Type="10" ResID_Value="W998877"/></HotelReservationIDs>
		<Total AmountAfterTax="191.00" CurrencyCode="USD"><Taxes><Tax Type="Exclusive" Amount="11.20"/></Taxes></Total></ResGlobalInfo>
		</HotelReservation></HotelReservations></OTA_HotelResRS>`))
	require.NoError(t, err)
	assert.Equal(t, Booking{Reference: "LB-7", SupplierReference: "W998877", Status: StatusConfirmed, SupplierHotelID: "WGL00001234",
		Checkin: time.Date(2030, 3, 3, 0, 0, 0, 0, time.UTC), Checkout: time.Date(2030, 3, 5, 0, 0, 0, 0, time.UTC),
		Total: Money{Amount: 20220, Currency: "USD"}, Net: Money{Currency: "USD"}}, b)

	_, err = decodeWGLRead([]byte(`<OTA_ResRetrieveRS><Errors><Error Type="3" Code="245" ShortText="reservation not found"/></Errors></OTA_ResRetrieveRS>`))
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = decodeWGLRes([]byte(`<OTA_HotelResRS><Errors><Error Type="3" Code="322" ShortText="no availability"/></Errors></OTA_HotelResRS>`))
	assert.ErrorIs(t, err, ErrSoldOut)

	c, err := decodeWGLCancel([]byte(`<OTA_CancelRS Status="Pending"><Success/><UniqueID Type="14" ID="LB-7"/><CancelInfoRS><CancelRules>
		<CancelRule Type="Refund" Amount="191.00" CurrencyCode="USD"/><CancelRule Type="Fee" Amount="0.00" CurrencyCode="USD"/></CancelRules></CancelInfoRS></OTA_CancelRS>`))
	require.NoError(t, err)
	assert.Equal(t, Cancellation{Reference: "LB-7", Status: StatusPending, Fee: Money{Currency: "USD"}}, c)
	_, err = decodeWGLCancel([]byte(`<OTA_CancelRS Status="Cancelled"><Success/></OTA_CancelRS>`))
	assert.ErrorIs(t, err, ErrBadResponse)
}

func TestWordingHelpers(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"3:00 PM": "15:00", "12:00 PM": "12:00", "12:30 am": "00:30", "14:00": "14:00",
		"15:00:00": "15:00", "": "", "noon": "", "25:00": ""} {
		assert.Equal(t, want, clockTime(in), in)
	}
	for in, want := range map[string]string{"Wi-fi": "wifi", "24-hour reception": "front_desk_24h", "Minibar": "minibar",
		"Bar": "bar", "Car park": "parking", "Indoor swimming pool": "pool", "Lift access": "elevator", "Conference room": "meeting_rooms",
		"Laundry service": "laundry", "Pets allowed": "pets", "Spa centre": "spa", "airConditioning": "air_conditioning"} {
		got, ok := amenityFromWording(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"Hairdryer", "Ironing set", "voiceMail", ""} {
		_, ok := amenityFromWording(in)
		assert.False(t, ok, in)
	}
}
