package suppliersim

import "encoding/xml"

// OTA-style message types of the wgl dialect. Requests and responses share element types.

const otaNS = "http://www.opentravel.org/OTA/2003/05"

type otaError struct {
	Type      string `xml:"Type,attr"`
	Code      string `xml:"Code,attr"`
	ShortText string `xml:"ShortText,attr"`
	Text      string `xml:",chardata"`
}

type otaErrors struct {
	Error []otaError `xml:"Error"`
}

// otaRS holds what every response carries.
type otaRS struct {
	Xmlns     string     `xml:"xmlns,attr"`
	Version   string     `xml:"Version,attr"`
	EchoToken string     `xml:"EchoToken,attr,omitempty"`
	Success   *struct{}  `xml:"Success"`
	Errors    *otaErrors `xml:"Errors"`
}

type otaUniqueID struct {
	Type string `xml:"Type,attr"`
	ID   string `xml:"ID,attr"`
}

type otaGuestCount struct {
	AgeQualifyingCode int `xml:"AgeQualifyingCode,attr"` // 10 adult, 8 child
	Age               int `xml:"Age,attr,omitempty"`
	Count             int `xml:"Count,attr"`
}

type otaGuestCounts struct {
	GuestCount []otaGuestCount `xml:"GuestCount"`
}

type otaTimeSpan struct {
	Start string `xml:"Start,attr"`
	End   string `xml:"End,attr"`
}

type otaHotelRef struct {
	HotelCode     string `xml:"HotelCode,attr,omitempty"`
	HotelCityCode string `xml:"HotelCityCode,attr,omitempty"`
	HotelName     string `xml:"HotelName,attr,omitempty"`
}

// Descriptive info.

type otaDescriptiveRQ struct {
	XMLName   xml.Name `xml:"OTA_HotelDescriptiveInfoRQ"`
	EchoToken string   `xml:"EchoToken,attr"`
	Infos     []struct {
		HotelCode     string `xml:"HotelCode,attr"`
		HotelCityCode string `xml:"HotelCityCode,attr"`
	} `xml:"HotelDescriptiveInfos>HotelDescriptiveInfo"`
}

type otaService struct {
	Code        int    `xml:"Code,attr"`
	Description string `xml:",chardata"`
}

type otaGuestRoom struct {
	Code              string `xml:"Code,attr"`
	RoomTypeName      string `xml:"RoomTypeName,attr"`
	MaxOccupancy      int    `xml:"MaxOccupancy,attr"`
	MaxAdultOccupancy int    `xml:"MaxAdultOccupancy,attr"`
}

type otaPosition struct {
	Latitude  string `xml:"Latitude,attr"`
	Longitude string `xml:"Longitude,attr"`
}

type otaTextItem struct {
	Title       string `xml:"Title,attr"`
	Description string `xml:"Description"`
}

type otaImageItem struct {
	Category int    `xml:"Category,attr"`
	URL      string `xml:"ImageFormat>URL"`
}

type otaMultimedia struct {
	TextItems  []otaTextItem  `xml:"TextItems>TextItem,omitempty"`
	ImageItems []otaImageItem `xml:"ImageItems>ImageItem,omitempty"`
}

type otaAddress struct {
	AddressLine string `xml:"AddressLine"`
	CityName    string `xml:"CityName"`
	PostalCode  string `xml:"PostalCode"`
	Country     struct {
		Code string `xml:"Code,attr"`
		Name string `xml:",chardata"`
	} `xml:"CountryName"`
}

type otaDescriptiveContent struct {
	HotelCode     string `xml:"HotelCode,attr"`
	HotelName     string `xml:"HotelName,attr"`
	HotelCityCode string `xml:"HotelCityCode,attr"`
	CurrencyCode  string `xml:"CurrencyCode,attr"`
	HotelInfo     struct {
		Category struct {
			Code       int    `xml:"Code,attr"`
			CodeDetail string `xml:"CodeDetail,attr"`
		} `xml:"CategoryCodes>HotelCategory"`
		Position *otaPosition `xml:"Position"`
		Services []otaService `xml:"Services>Service"`
	} `xml:"HotelInfo"`
	GuestRooms []otaGuestRoom  `xml:"FacilityInfo>GuestRooms>GuestRoom"`
	Multimedia []otaMultimedia `xml:"MultimediaDescriptions>MultimediaDescription"`
	Award      struct {
		Provider string `xml:"Provider,attr"`
		Rating   int    `xml:"Rating,attr"`
	} `xml:"AffiliationInfo>Awards>Award"`
	Address otaAddress `xml:"ContactInfos>ContactInfo>Addresses>Address"`
}

type otaDescriptiveRS struct {
	XMLName xml.Name `xml:"OTA_HotelDescriptiveInfoRS"`
	otaRS
	Contents []otaDescriptiveContent `xml:"HotelDescriptiveContents>HotelDescriptiveContent"`
}

// Availability.

type otaRoomStayCandidate struct {
	Quantity    int            `xml:"Quantity,attr"`
	GuestCounts otaGuestCounts `xml:"GuestCounts"`
}

type otaAvailRQ struct {
	XMLName   xml.Name `xml:"OTA_HotelAvailRQ"`
	EchoToken string   `xml:"EchoToken,attr"`
	Segments  []struct {
		StayDateRange otaTimeSpan            `xml:"StayDateRange"`
		Candidates    []otaRoomStayCandidate `xml:"RoomStayCandidates>RoomStayCandidate"`
		HotelRefs     []otaHotelRef          `xml:"HotelSearchCriteria>Criterion>HotelRef"`
	} `xml:"AvailRequestSegments>AvailRequestSegment"`
}

type otaRoomType struct {
	RoomTypeCode  string              `xml:"RoomTypeCode,attr"`
	NumberOfUnits int                 `xml:"NumberOfUnits,attr,omitempty"`
	Description   *otaRoomDescription `xml:"RoomDescription"`
	Occupancy     *otaOccupancy       `xml:"Occupancy"`
}

type otaRoomDescription struct {
	Name string `xml:"Name,attr"`
}

type otaOccupancy struct {
	MaxOccupancy int `xml:"MaxOccupancy,attr"`
	MaxAdult     int `xml:"MaxAdult,attr"`
}

type otaCancelPenalty struct {
	NonRefundable bool         `xml:"NonRefundable,attr"`
	Deadline      *otaDeadline `xml:"Deadline"`
	Amount        otaAmount    `xml:"AmountPercent"`
}

type otaDeadline struct {
	AbsoluteDeadline string `xml:"AbsoluteDeadline,attr"`
}

type otaAmount struct {
	Amount       string `xml:"Amount,attr"`
	CurrencyCode string `xml:"CurrencyCode,attr"`
}

type otaRatePlan struct {
	RatePlanCode   string             `xml:"RatePlanCode,attr"`
	RatePlanName   string             `xml:"RatePlanName,attr,omitempty"`
	CancelPenalies []otaCancelPenalty `xml:"CancelPenalties>CancelPenalty,omitempty"`
	Meals          *otaMeals          `xml:"MealsIncluded"`
}

type otaMeals struct {
	Breakfast bool `xml:"Breakfast,attr"`
	Dinner    bool `xml:"Dinner,attr"`
}

type otaTax struct {
	Type   string `xml:"Type,attr"` // Inclusive (in AmountAfterTax) or Exclusive (payable at the hotel)
	Code   string `xml:"Code,attr"`
	Name   string `xml:"Name,attr"`
	Amount string `xml:"Amount,attr"`
}

type otaTotal struct {
	AmountBeforeTax string `xml:"AmountBeforeTax,attr"`
	AmountAfterTax  string `xml:"AmountAfterTax,attr"`
	CurrencyCode    string `xml:"CurrencyCode,attr"`
	Taxes           struct {
		Amount string   `xml:"Amount,attr"`
		Tax    []otaTax `xml:"Tax"`
	} `xml:"Taxes"`
}

type otaRate struct {
	EffectiveDate string `xml:"EffectiveDate,attr"`
	ExpireDate    string `xml:"ExpireDate,attr"`
	Base          struct {
		AmountBeforeTax string `xml:"AmountBeforeTax,attr"`
		CurrencyCode    string `xml:"CurrencyCode,attr"`
	} `xml:"Base"`
}

type otaRoomRate struct {
	RoomTypeCode  string    `xml:"RoomTypeCode,attr"`
	RatePlanCode  string    `xml:"RatePlanCode,attr"`
	NumberOfUnits int       `xml:"NumberOfUnits,attr"`
	Rates         []otaRate `xml:"Rates>Rate"`
	Total         otaTotal  `xml:"Total"`
}

type otaRoomStay struct {
	RoomTypes   []otaRoomType   `xml:"RoomTypes>RoomType"`
	RatePlans   []otaRatePlan   `xml:"RatePlans>RatePlan"`
	RoomRates   []otaRoomRate   `xml:"RoomRates>RoomRate,omitempty"`
	GuestCounts *otaGuestCounts `xml:"GuestCounts"`
	TimeSpan    otaTimeSpan     `xml:"TimeSpan"`
	Property    otaHotelRef     `xml:"BasicPropertyInfo"`
}

type otaAvailRS struct {
	XMLName xml.Name `xml:"OTA_HotelAvailRS"`
	otaRS
	RoomStays []otaRoomStay `xml:"RoomStays>RoomStay"`
}

// Reservations.

type otaPersonName struct {
	GivenName string `xml:"GivenName"`
	Surname   string `xml:"Surname"`
}

type otaResGuest struct {
	PersonName otaPersonName `xml:"Profiles>ProfileInfo>Profile>Customer>PersonName"`
	Email      string        `xml:"Profiles>ProfileInfo>Profile>Customer>Email,omitempty"`
}

type otaResID struct {
	Type  string `xml:"ResID_Type,attr"` // 14 = ours, 10 = wgl's confirmation
	Value string `xml:"ResID_Value,attr"`
}

type otaHotelReservation struct {
	ResStatus string        `xml:"ResStatus,attr,omitempty"`
	UniqueID  otaUniqueID   `xml:"UniqueID"`
	RoomStays []otaRoomStay `xml:"RoomStays>RoomStay"`
	ResGuests []otaResGuest `xml:"ResGuests>ResGuest"`
	Global    *otaResGlobal `xml:"ResGlobalInfo"`
}

type otaResGlobal struct {
	IDs   []otaResID `xml:"HotelReservationIDs>HotelReservationID"`
	Total *otaTotal  `xml:"Total"`
}

type otaResRQ struct {
	XMLName      xml.Name              `xml:"OTA_HotelResRQ"`
	EchoToken    string                `xml:"EchoToken,attr"`
	Reservations []otaHotelReservation `xml:"HotelReservations>HotelReservation"`
}

type otaResRS struct {
	XMLName xml.Name `xml:"OTA_HotelResRS"`
	otaRS
	Reservations []otaHotelReservation `xml:"HotelReservations>HotelReservation"`
}

type otaReadRQ struct {
	XMLName   xml.Name      `xml:"OTA_ReadRQ"`
	EchoToken string        `xml:"EchoToken,attr"`
	UniqueIDs []otaUniqueID `xml:"ReadRequests>ReadRequest>UniqueID"`
}

type otaRetrieveRS struct {
	XMLName xml.Name `xml:"OTA_ResRetrieveRS"`
	otaRS
	List []otaHotelReservation `xml:"ReservationsList>HotelReservation"`
}

type otaCancelRQ struct {
	XMLName    xml.Name    `xml:"OTA_CancelRQ"`
	EchoToken  string      `xml:"EchoToken,attr"`
	CancelType string      `xml:"CancelType,attr"` // Initiate = fee preview, Commit = cancel
	UniqueID   otaUniqueID `xml:"UniqueID"`
}

type otaCancelRS struct {
	XMLName xml.Name `xml:"OTA_CancelRS"`
	otaRS
	Status   string         `xml:"Status,attr,omitempty"` // Pending (preview) or Cancelled
	UniqueID *otaUniqueID   `xml:"UniqueID"`
	Info     *otaCancelInfo `xml:"CancelInfoRS"`
}

type otaCancelRule struct {
	Type         string `xml:"Type,attr"` // Fee (charged or to be charged) or Refund
	Amount       string `xml:"Amount,attr"`
	CurrencyCode string `xml:"CurrencyCode,attr"`
}

type otaCancelInfo struct {
	Rules    []otaCancelRule `xml:"CancelRules>CancelRule"`
	UniqueID *otaUniqueID    `xml:"UniqueID"`
}
