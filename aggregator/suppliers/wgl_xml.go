package suppliers

import "encoding/xml"

// The wgl wire format: OTA-style XML messages. Requests are written with
// these types; responses are read into them. Numbers stay strings and are
// parsed tolerantly by the decoders.

const otaNamespace = "http://www.opentravel.org/OTA/2003/05"

type otaErrorX struct {
	Type      string `xml:"Type,attr"`
	Code      string `xml:"Code,attr"`
	ShortText string `xml:"ShortText,attr"`
	Text      string `xml:",chardata"`
}

// otaRSX is what every response carries.
type otaRSX struct {
	Success *struct{}   `xml:"Success"`
	Errors  []otaErrorX `xml:"Errors>Error"`
}

type otaUniqueIDX struct {
	Type string `xml:"Type,attr"`
	ID   string `xml:"ID,attr"`
}

type otaGuestCountX struct {
	AgeQualifyingCode string `xml:"AgeQualifyingCode,attr"`
	Age               string `xml:"Age,attr,omitempty"`
	Count             string `xml:"Count,attr"`
}

type otaTimeSpanX struct {
	Start string `xml:"Start,attr"`
	End   string `xml:"End,attr"`
}

type otaHotelRefX struct {
	HotelCode     string `xml:"HotelCode,attr,omitempty"`
	HotelCityCode string `xml:"HotelCityCode,attr,omitempty"`
	HotelName     string `xml:"HotelName,attr,omitempty"`
}

// Descriptive info.

type otaDescriptiveRQX struct {
	XMLName xml.Name `xml:"OTA_HotelDescriptiveInfoRQ"`
	Xmlns   string   `xml:"xmlns,attr"`
	Version string   `xml:"Version,attr"`
	Infos   []struct {
		HotelCityCode string `xml:"HotelCityCode,attr,omitempty"`
		HotelCode     string `xml:"HotelCode,attr,omitempty"`
	} `xml:"HotelDescriptiveInfos>HotelDescriptiveInfo"`
}

type otaDescriptiveContentX struct {
	HotelCode     string `xml:"HotelCode,attr"`
	HotelName     string `xml:"HotelName,attr"`
	HotelCityCode string `xml:"HotelCityCode,attr"`
	HotelInfo     struct {
		Categories []struct {
			Code       string `xml:"Code,attr"`
			CodeDetail string `xml:"CodeDetail,attr"`
		} `xml:"CategoryCodes>HotelCategory"`
		Position *struct {
			Latitude  string `xml:"Latitude,attr"`
			Longitude string `xml:"Longitude,attr"`
		} `xml:"Position"`
		Services []struct {
			Code        string `xml:"Code,attr"`
			Description string `xml:",chardata"`
		} `xml:"Services>Service"`
	} `xml:"HotelInfo"`
	Multimedia []struct {
		TextItems []struct {
			Title       string `xml:"Title,attr"`
			Description string `xml:"Description"`
		} `xml:"TextItems>TextItem"`
		ImageItems []struct {
			Category string `xml:"Category,attr"`
			URL      string `xml:"ImageFormat>URL"`
		} `xml:"ImageItems>ImageItem"`
	} `xml:"MultimediaDescriptions>MultimediaDescription"`
	Awards []struct {
		Provider string `xml:"Provider,attr"`
		Rating   string `xml:"Rating,attr"`
	} `xml:"AffiliationInfo>Awards>Award"`
	Address struct {
		AddressLine []string `xml:"AddressLine"`
		CityName    string   `xml:"CityName"`
		PostalCode  string   `xml:"PostalCode"`
		Country     struct {
			Code string `xml:"Code,attr"`
		} `xml:"CountryName"`
	} `xml:"ContactInfos>ContactInfo>Addresses>Address"`
}

type otaDescriptiveRSX struct {
	XMLName xml.Name `xml:"OTA_HotelDescriptiveInfoRS"`
	otaRSX
	Contents []otaDescriptiveContentX `xml:"HotelDescriptiveContents>HotelDescriptiveContent"`
}

// Availability.

type otaRoomStayCandidateX struct {
	Quantity    int              `xml:"Quantity,attr"`
	GuestCounts []otaGuestCountX `xml:"GuestCounts>GuestCount"`
}

type otaAvailRQX struct {
	XMLName  xml.Name `xml:"OTA_HotelAvailRQ"`
	Xmlns    string   `xml:"xmlns,attr"`
	Version  string   `xml:"Version,attr"`
	Segments []struct {
		StayDateRange otaTimeSpanX            `xml:"StayDateRange"`
		Candidates    []otaRoomStayCandidateX `xml:"RoomStayCandidates>RoomStayCandidate"`
		HotelRefs     []otaHotelRefX          `xml:"HotelSearchCriteria>Criterion>HotelRef"`
	} `xml:"AvailRequestSegments>AvailRequestSegment"`
}

type otaTaxX struct {
	Type   string `xml:"Type,attr"`
	Code   string `xml:"Code,attr"`
	Name   string `xml:"Name,attr"`
	Amount string `xml:"Amount,attr"`
}

type otaTotalX struct {
	AmountBeforeTax string `xml:"AmountBeforeTax,attr"`
	AmountAfterTax  string `xml:"AmountAfterTax,attr"`
	CurrencyCode    string `xml:"CurrencyCode,attr"`
	Taxes           []struct {
		Tax []otaTaxX `xml:"Tax"`
	} `xml:"Taxes"`
}

type otaCancelPenaltyX struct {
	NonRefundable string `xml:"NonRefundable,attr"`
	Deadline      struct {
		AbsoluteDeadline string `xml:"AbsoluteDeadline,attr"`
	} `xml:"Deadline"`
	Amount struct {
		Amount       string `xml:"Amount,attr"`
		CurrencyCode string `xml:"CurrencyCode,attr"`
	} `xml:"AmountPercent"`
}

type otaRatePlanX struct {
	RatePlanCode   string              `xml:"RatePlanCode,attr"`
	RatePlanName   string              `xml:"RatePlanName,attr"`
	CancelPenalies []otaCancelPenaltyX `xml:"CancelPenalties>CancelPenalty"`
	Meals          *struct {
		Breakfast string `xml:"Breakfast,attr"`
		Lunch     string `xml:"Lunch,attr"`
		Dinner    string `xml:"Dinner,attr"`
	} `xml:"MealsIncluded"`
}

type otaRoomStayX struct {
	RoomTypes []struct {
		RoomTypeCode  string `xml:"RoomTypeCode,attr"`
		NumberOfUnits string `xml:"NumberOfUnits,attr"`
		Description   struct {
			Name string `xml:"Name,attr"`
		} `xml:"RoomDescription"`
	} `xml:"RoomTypes>RoomType"`
	RatePlans []otaRatePlanX `xml:"RatePlans>RatePlan"`
	RoomRates []struct {
		RoomTypeCode string    `xml:"RoomTypeCode,attr"`
		RatePlanCode string    `xml:"RatePlanCode,attr"`
		Total        otaTotalX `xml:"Total"`
	} `xml:"RoomRates>RoomRate"`
	TimeSpan otaTimeSpanX `xml:"TimeSpan"`
	Property otaHotelRefX `xml:"BasicPropertyInfo"`
}

type otaAvailRSX struct {
	XMLName xml.Name `xml:"OTA_HotelAvailRS"`
	otaRSX
	RoomStays []otaRoomStayX `xml:"RoomStays>RoomStay"`
}

// Reservations.

type otaResRoomStayX struct {
	RoomTypes []struct {
		RoomTypeCode  string `xml:"RoomTypeCode,attr"`
		NumberOfUnits int    `xml:"NumberOfUnits,attr"`
	} `xml:"RoomTypes>RoomType"`
	RatePlans []struct {
		RatePlanCode string `xml:"RatePlanCode,attr"`
	} `xml:"RatePlans>RatePlan"`
	GuestCounts []otaGuestCountX `xml:"GuestCounts>GuestCount"`
	TimeSpan    otaTimeSpanX     `xml:"TimeSpan"`
	Property    otaHotelRefX     `xml:"BasicPropertyInfo"`
}

type otaResGuestX struct {
	GivenName string `xml:"Profiles>ProfileInfo>Profile>Customer>PersonName>GivenName"`
	Surname   string `xml:"Profiles>ProfileInfo>Profile>Customer>PersonName>Surname"`
	Email     string `xml:"Profiles>ProfileInfo>Profile>Customer>Email,omitempty"`
}

type otaResRQX struct {
	XMLName      xml.Name `xml:"OTA_HotelResRQ"`
	Xmlns        string   `xml:"xmlns,attr"`
	Version      string   `xml:"Version,attr"`
	Reservations []struct {
		UniqueID  otaUniqueIDX      `xml:"UniqueID"`
		RoomStays []otaResRoomStayX `xml:"RoomStays>RoomStay"`
		ResGuests []otaResGuestX    `xml:"ResGuests>ResGuest"`
		Comment   string            `xml:"ResGlobalInfo>Comments>Comment>Text,omitempty"`
	} `xml:"HotelReservations>HotelReservation"`
}

// otaReservationX is a reservation as wgl answers it.
type otaReservationX struct {
	ResStatus string         `xml:"ResStatus,attr"`
	UniqueID  otaUniqueIDX   `xml:"UniqueID"`
	RoomStays []otaRoomStayX `xml:"RoomStays>RoomStay"`
	Global    struct {
		IDs []struct {
			Type  string `xml:"ResID_Type,attr"`
			Value string `xml:"ResID_Value,attr"`
		} `xml:"HotelReservationIDs>HotelReservationID"`
		Total *otaTotalX `xml:"Total"`
	} `xml:"ResGlobalInfo"`
}

type otaResRSX struct {
	XMLName xml.Name `xml:"OTA_HotelResRS"`
	otaRSX
	Reservations []otaReservationX `xml:"HotelReservations>HotelReservation"`
}

type otaReadRQX struct {
	XMLName   xml.Name       `xml:"OTA_ReadRQ"`
	Xmlns     string         `xml:"xmlns,attr"`
	Version   string         `xml:"Version,attr"`
	UniqueIDs []otaUniqueIDX `xml:"ReadRequests>ReadRequest>UniqueID"`
}

type otaRetrieveRSX struct {
	XMLName xml.Name `xml:"OTA_ResRetrieveRS"`
	otaRSX
	List []otaReservationX `xml:"ReservationsList>HotelReservation"`
}

type otaCancelRQX struct {
	XMLName    xml.Name     `xml:"OTA_CancelRQ"`
	Xmlns      string       `xml:"xmlns,attr"`
	Version    string       `xml:"Version,attr"`
	CancelType string       `xml:"CancelType,attr"`
	UniqueID   otaUniqueIDX `xml:"UniqueID"`
}

type otaCancelRSX struct {
	XMLName xml.Name `xml:"OTA_CancelRS"`
	otaRSX
	Status   string        `xml:"Status,attr"`
	UniqueID *otaUniqueIDX `xml:"UniqueID"`
	Rules    []struct {
		Type         string `xml:"Type,attr"`
		Amount       string `xml:"Amount,attr"`
		CurrencyCode string `xml:"CurrencyCode,attr"`
	} `xml:"CancelInfoRS>CancelRules>CancelRule"`
}
