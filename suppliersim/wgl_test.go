package suppliersim

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func wglAvailRQ(ref, in, out string, rooms, adults int) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<OTA_HotelAvailRQ xmlns="http://www.opentravel.org/OTA/2003/05" Version="1.0" EchoToken="e1">
 <AvailRequestSegments><AvailRequestSegment>
  <StayDateRange Start="%s" End="%s"/>
  <RoomStayCandidates><RoomStayCandidate Quantity="%d"><GuestCounts><GuestCount AgeQualifyingCode="10" Count="%d"/></GuestCounts></RoomStayCandidate></RoomStayCandidates>
  <HotelSearchCriteria><Criterion>%s</Criterion></HotelSearchCriteria>
 </AvailRequestSegment></AvailRequestSegments>
</OTA_HotelAvailRQ>`, in, out, rooms, adults, ref)
}

func wglResRQ(ref, hotel, room, plan, in, out string, rooms, adults int) string {
	return fmt.Sprintf(`<OTA_HotelResRQ xmlns="http://www.opentravel.org/OTA/2003/05" Version="1.0" ResStatus="Commit">
 <HotelReservations><HotelReservation>
  <UniqueID Type="14" ID="%s"/>
  <RoomStays><RoomStay>
   <RoomTypes><RoomType RoomTypeCode="%s" NumberOfUnits="%d"/></RoomTypes>
   <RatePlans><RatePlan RatePlanCode="%s"/></RatePlans>
   <GuestCounts><GuestCount AgeQualifyingCode="10" Count="%d"/></GuestCounts>
   <TimeSpan Start="%s" End="%s"/>
   <BasicPropertyInfo HotelCode="%s"/>
  </RoomStay></RoomStays>
  <ResGuests><ResGuest><Profiles><ProfileInfo><Profile><Customer><PersonName><GivenName>Ana</GivenName><Surname>Lim</Surname></PersonName></Customer></Profile></ProfileInfo></Profiles></ResGuest></ResGuests>
 </HotelReservation></HotelReservations>
</OTA_HotelResRQ>`, ref, room, rooms, plan, adults, in, out, hotel)
}

func TestWGLDescriptiveInfo(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for _, dest := range []struct{ name, cc string }{{"Singapore", "SG"}, {"Tokyo", "JP"}, {"Sydney", "AU"}} {
		uid := uidOf(t, dest.name, dest.cc)
		st, b := e.postXML(t, "/wgl/OTA_HotelDescriptiveInfoRQ", `<OTA_HotelDescriptiveInfoRQ Version="1.0"><HotelDescriptiveInfos><HotelDescriptiveInfo HotelCityCode="`+uid+`"/></HotelDescriptiveInfos></OTA_HotelDescriptiveInfoRQ>`)
		require.Equal(t, http.StatusOK, st, "%s", b)
		rs := decodeXMLInto[otaDescriptiveRS](t, b)
		require.NotNil(t, rs.Success)
		require.NotEmpty(t, rs.Contents)
		c := rs.Contents[0]
		assert.Regexp(t, `^WGL\d{8}$`, c.HotelCode)
		assert.Equal(t, "USD", c.CurrencyCode)
		assert.NotEmpty(t, c.HotelInfo.Services, "amenity codes")
		// by hotel code
		st, b = e.postXML(t, "/wgl/OTA_HotelDescriptiveInfoRQ", `<OTA_HotelDescriptiveInfoRQ><HotelDescriptiveInfos><HotelDescriptiveInfo HotelCode="`+c.HotelCode+`"/></HotelDescriptiveInfos></OTA_HotelDescriptiveInfoRQ>`)
		require.Equal(t, http.StatusOK, st)
		one := decodeXMLInto[otaDescriptiveRS](t, b)
		require.Len(t, one.Contents, 1)
		assert.Equal(t, c.HotelName, one.Contents[0].HotelName)
	}
}

func TestWGLErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	in, out := dates(30, 2)
	cases := []struct {
		name, path, body string
		status           int
		code             string
	}{
		{"broken xml", "/wgl/OTA_HotelAvailRQ", "<OTA_HotelAvailRQ><oops", 400, otaUnableToProcess},
		{"wrong message", "/wgl/OTA_HotelAvailRQ", "<OTA_CancelRQ/>", 400, otaUnableToProcess},
		{"no segment", "/wgl/OTA_HotelAvailRQ", "<OTA_HotelAvailRQ/>", 400, otaRequiredMissing},
		{"bad dates", "/wgl/OTA_HotelAvailRQ", wglAvailRQ(`<HotelRef HotelCityCode="x"/>`, "soon", out, 1, 2), 400, otaInvalidDate},
		{"no adults", "/wgl/OTA_HotelAvailRQ", wglAvailRQ(`<HotelRef HotelCityCode="x"/>`, in, out, 1, 0), 400, otaRequiredMissing},
		{"unknown city", "/wgl/OTA_HotelDescriptiveInfoRQ", `<OTA_HotelDescriptiveInfoRQ><HotelDescriptiveInfos><HotelDescriptiveInfo HotelCityCode="nope"/></HotelDescriptiveInfos></OTA_HotelDescriptiveInfoRQ>`, 200, otaInvalidHotel},
		{"unknown hotel", "/wgl/OTA_HotelDescriptiveInfoRQ", `<OTA_HotelDescriptiveInfoRQ><HotelDescriptiveInfos><HotelDescriptiveInfo HotelCode="WGL00000000"/></HotelDescriptiveInfos></OTA_HotelDescriptiveInfoRQ>`, 200, otaInvalidHotel},
		{"unknown reservation", "/wgl/OTA_ReadRQ", `<OTA_ReadRQ><ReadRequests><ReadRequest><UniqueID Type="14" ID="none"/></ReadRequest></ReadRequests></OTA_ReadRQ>`, 200, otaInvalidConfNum},
		{"bad cancel type", "/wgl/OTA_CancelRQ", `<OTA_CancelRQ CancelType="Maybe"><UniqueID Type="14" ID="x"/></OTA_CancelRQ>`, 400, otaRequiredMissing},
		{"bad res", "/wgl/OTA_HotelResRQ", `<OTA_HotelResRQ/>`, 400, otaRequiredMissing},
		{"unknown rate", "/wgl/OTA_HotelResRQ", wglResRQ("R9", "WGL00000000", "STDD", "FLX-RO-0", in, out, 1, 2), 200, otaInvalidHotel},
	}
	for _, c := range cases {
		st, b := e.postXML(t, c.path, c.body)
		assert.Equal(t, c.status, st, c.name)
		rs := decodeXMLInto[struct {
			otaRS
		}](t, b)
		require.NotNil(t, rs.Errors, c.name)
		assert.Nil(t, rs.Success, c.name)
		assert.Equal(t, c.code, rs.Errors.Error[0].Code, c.name)
	}
}

// wglFirstOffer returns the first hotel code, room and rate plan of a destination's availability.
func wglFirstOffer(t *testing.T, e *testEnv, uid, in, out string, rooms, adults int) (string, string, string, otaRoomRate) {
	t.Helper()
	st, b := e.postXML(t, "/wgl/OTA_HotelAvailRQ", wglAvailRQ(`<HotelRef HotelCityCode="`+uid+`"/>`, in, out, rooms, adults))
	require.Equal(t, http.StatusOK, st, "%s", b)
	rs := decodeXMLInto[otaAvailRS](t, b)
	require.NotNil(t, rs.Success)
	require.NotEmpty(t, rs.RoomStays)
	stay := rs.RoomStays[0]
	rr := stay.RoomRates[0]
	return stay.Property.HotelCode, rr.RoomTypeCode, rr.RatePlanCode, rr
}

func TestWGLAvailResReadCancel(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	in, out := dates(50, 3)
	hotel, room, plan, rr := wglFirstOffer(t, e, uidOf(t, "Singapore", "SG"), in, out, 2, 2)
	assert.Len(t, rr.Rates, 3, "one rate per night")
	assert.Equal(t, "USD", rr.Total.CurrencyCode)

	st, b := e.postXML(t, "/wgl/OTA_HotelResRQ", wglResRQ("LB-W1", hotel, room, plan, in, out, 2, 2))
	require.Equal(t, http.StatusOK, st, "%s", b)
	res := decodeXMLInto[otaResRS](t, b)
	require.NotNil(t, res.Success, "%s", b)
	require.Len(t, res.Reservations, 1)
	assert.Equal(t, "Reserved", res.Reservations[0].ResStatus)
	assert.Equal(t, rr.Total.AmountAfterTax, res.Reservations[0].Global.Total.AmountAfterTax)
	conf := res.Reservations[0].Global.IDs[1].Value

	// idempotent on our reference
	st, b = e.postXML(t, "/wgl/OTA_HotelResRQ", wglResRQ("LB-W1", hotel, room, plan, in, out, 2, 2))
	require.Equal(t, http.StatusOK, st)
	assert.Equal(t, conf, decodeXMLInto[otaResRS](t, b).Reservations[0].Global.IDs[1].Value)

	st, b = e.postXML(t, "/wgl/OTA_ReadRQ", `<OTA_ReadRQ><ReadRequests><ReadRequest><UniqueID Type="10" ID="`+conf+`"/></ReadRequest></ReadRequests></OTA_ReadRQ>`)
	require.Equal(t, http.StatusOK, st)
	read := decodeXMLInto[otaRetrieveRS](t, b)
	require.Len(t, read.List, 1)
	assert.Equal(t, "LB-W1", read.List[0].UniqueID.ID)

	st, b = e.postXML(t, "/wgl/OTA_CancelRQ", `<OTA_CancelRQ CancelType="Initiate"><UniqueID Type="14" ID="LB-W1"/></OTA_CancelRQ>`)
	require.Equal(t, http.StatusOK, st)
	preview := decodeXMLInto[otaCancelRS](t, b)
	assert.Equal(t, "Pending", preview.Status)
	require.NotNil(t, preview.Info)
	assert.Equal(t, "Fee", preview.Info.Rules[0].Type)

	st, b = e.postXML(t, "/wgl/OTA_CancelRQ", `<OTA_CancelRQ CancelType="Commit"><UniqueID Type="14" ID="LB-W1"/></OTA_CancelRQ>`)
	require.Equal(t, http.StatusOK, st)
	assert.Equal(t, "Cancelled", decodeXMLInto[otaCancelRS](t, b).Status)
}
