package suppliers

// Amenity is one entry of Lobang's own amenity vocabulary: every supplier's
// codes and wording are mapped onto these keys.
type Amenity struct {
	Key   string
	Label string
	Group string
}

// Amenity groups, in the order a hotel page shows them.
const (
	GroupInternet  = "Internet"
	GroupFood      = "Food and drink"
	GroupWellness  = "Pool and wellness"
	GroupServices  = "Services"
	GroupRoom      = "In your room"
	GroupTransport = "Getting around"
	GroupFamily    = "Families and accessibility"
	GroupBusiness  = "Business"
)

// Amenities is the vocabulary, in display order.
var Amenities = []Amenity{
	{"wifi", "Free Wi-Fi", GroupInternet},
	{"internet", "Internet access", GroupInternet},
	{"restaurant", "Restaurant", GroupFood},
	{"bar", "Bar", GroupFood},
	{"breakfast", "Breakfast available", GroupFood},
	{"room_service", "Room service", GroupFood},
	{"pool", "Swimming pool", GroupWellness},
	{"spa", "Spa", GroupWellness},
	{"gym", "Fitness centre", GroupWellness},
	{"sauna", "Sauna", GroupWellness},
	{"front_desk_24h", "24-hour front desk", GroupServices},
	{"concierge", "Concierge", GroupServices},
	{"laundry", "Laundry service", GroupServices},
	{"luggage_storage", "Luggage storage", GroupServices},
	{"non_smoking", "Non-smoking rooms", GroupServices},
	{"pets", "Pets allowed", GroupServices},
	{"air_conditioning", "Air conditioning", GroupRoom},
	{"tv", "TV", GroupRoom},
	{"minibar", "Minibar", GroupRoom},
	{"safe", "In-room safe", GroupRoom},
	{"kitchen", "Kitchenette", GroupRoom},
	{"parking", "Parking", GroupTransport},
	{"airport_shuttle", "Airport shuttle", GroupTransport},
	{"ev_charging", "EV charging", GroupTransport},
	{"family_rooms", "Family rooms", GroupFamily},
	{"kids_club", "Kids' club", GroupFamily},
	{"accessible", "Wheelchair accessible", GroupFamily},
	{"elevator", "Lift", GroupFamily},
	{"business_centre", "Business centre", GroupBusiness},
	{"meeting_rooms", "Meeting rooms", GroupBusiness},
}

// AmenityByKey finds a vocabulary entry.
func AmenityByKey(key string) (Amenity, bool) {
	for _, a := range Amenities {
		if a.Key == key {
			return a, true
		}
	}
	return Amenity{}, false
}
