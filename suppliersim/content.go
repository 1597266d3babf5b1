package suppliersim

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// feature is a canonical world amenity and its name in each supplier's vocabulary.
type feature struct {
	key        string
	ascenda    string // camelCase key of the ascenda amenities object
	bedcom     string // bedcom facility description
	bedcomCode int    // bedcom facilityCode (group 70 = hotel facilities)
	wgl        int    // wgl amenity code (OTA HAC-style)
	minStars   int    // hotels below this rarely have it
}

var features = []feature{
	{"wifi", "dataPorts", "Wi-fi", 261, 179, 1},
	{"aircon", "airConditioning", "Air conditioning", 180, 5, 1},
	{"front_desk_24h", "frontDesk24Hour", "24-hour reception", 260, 1, 2},
	{"restaurant", "restaurant", "Restaurant", 200, 76, 3},
	{"bar", "bar", "Bar", 130, 165, 3},
	{"room_service", "roomService", "Room service", 250, 77, 4},
	{"outdoor_pool", "outdoorPool", "Outdoor swimming pool", 363, 66, 4},
	{"indoor_pool", "indoorPool", "Indoor swimming pool", 364, 54, 4},
	{"gym", "fitnessFacility", "Gym", 470, 35, 3},
	{"spa", "spa", "Spa centre", 460, 84, 5},
	{"sauna", "sauna", "Sauna", 450, 79, 4},
	{"parking", "parkingGarage", "Car park", 320, 68, 2},
	{"airport_shuttle", "airportTransportation", "Airport shuttle", 562, 41, 3},
	{"business_centre", "businessCenter", "Business centre", 300, 228, 4},
	{"meeting_rooms", "meetingRooms", "Conference room", 310, 24, 4},
	{"laundry", "dryCleaning", "Laundry service", 280, 168, 2},
	{"concierge", "concierge", "Concierge", 285, 22, 4},
	{"safe", "safe", "Safe", 290, 78, 2},
	{"hair_dryer", "hairDryer", "Hairdryer", 295, 1001, 3},
	{"tv", "tVInRoom", "TV", 298, 1002, 1},
	{"iron", "clothingIron", "Ironing set", 299, 1003, 3},
	{"kitchen", "kitchen", "Kitchenette", 305, 1004, 1},
	{"breakfast", "continentalBreakfast", "Breakfast", 264, 1005, 2},
	{"family_rooms", "familyRooms", "Family rooms", 330, 8, 2},
	{"pets", "petsAllowed", "Pets allowed", 340, 224, 1},
	{"elevator", "elevator", "Lift access", 270, 33, 2},
}

// roomKind is a room type template: names in the canonical and supplier styles.
type roomKind struct {
	code, name, bedcomName, bedcomCode string
	maxAdults, maxOcc, size, minStars  int
	factor                             float64
}

var roomKinds = []roomKind{
	{"STD-D", "Standard Double Room", "DOUBLE STANDARD", "DBL.ST", 2, 3, 18, 1, 1.0},
	{"STD-T", "Standard Twin Room", "TWIN STANDARD", "TWN.ST", 2, 3, 18, 1, 1.0},
	{"SUP-K", "Superior King Room", "DOUBLE SUPERIOR", "DBL.SU", 2, 3, 24, 2, 1.2},
	{"SUP-T", "Superior Twin Room", "TWIN SUPERIOR", "TWN.SU", 2, 3, 24, 2, 1.2},
	{"DLX-K", "Deluxe King Room", "DOUBLE DELUXE", "DBL.DX", 3, 3, 30, 3, 1.45},
	{"DLX-T", "Deluxe Twin Room", "TWIN DELUXE", "TWN.DX", 2, 3, 30, 3, 1.45},
	{"FAM-Q", "Family Room", "FAMILY ROOM", "FAM.ST", 4, 5, 36, 2, 1.7},
	{"EXE-K", "Executive King Room", "DOUBLE EXECUTIVE", "DBL.EJ", 2, 3, 34, 4, 1.9},
	{"JRS-K", "Junior Suite", "JUNIOR SUITE", "JSU.ST", 3, 4, 45, 4, 2.3},
	{"SUI-K", "One-Bedroom Suite", "SUITE 1 BEDROOM", "SUI.B1", 3, 4, 60, 4, 3.1},
	{"DRM-B", "Bed in 6-Bed Dormitory", "BED IN DORMITORY", "BED.DM", 1, 1, 12, 1, 0.35},
}

// boards are meal plans: code and bedcom board name.
var boardNames = map[string]string{"RO": "ROOM ONLY", "BB": "BED AND BREAKFAST", "HB": "HALF BOARD"}

// checkinTimes are hotel check-in times in the ascenda style.
var checkinTimes = []string{"2:00 PM", "3:00 PM", "3:00 PM", "4:00 PM", "12:00 PM"}

// describeAscenda writes the long, HTML-sprinkled description in the ascenda style.
func describeAscenda(r *rand.Rand, h *hotel) string {
	var b strings.Builder
	amen := featureList(h, 3, func(f feature) string { return strings.ToLower(f.bedcom) })
	fmt.Fprintf(&b, "Take advantage of recreation opportunities including %s. Additional amenities at this %s include complimentary wireless internet access and concierge services.\n\n",
		amen, kindWord(h))
	fmt.Fprintf(&b, "Make yourself at home in one of the %d air-conditioned rooms featuring minibars and LCD televisions.\n\n", h.totalRooms)
	fmt.Fprintf(&b, "Distances are displayed to the nearest 0.1 mile and kilometer. <br /> <p>")
	for i := 0; i < 3+r.IntN(4); i++ {
		km := 0.2 + float64(i)*0.4 + r.Float64()*0.3
		fmt.Fprintf(&b, "%s %s - %.1f km / %.1f mi <br /> ", pick(r, streetWords), pick(r, []string{"Museum", "Market", "Park", "Mall", "Temple", "Gallery", "Square"}), km, km*0.621)
	}
	fmt.Fprintf(&b, "</p>\n\nWith a stay at %s, you'll be centrally located in %s, within a %d-minute walk of %s.", h.name, h.dest.place.Name, 3+r.IntN(12), h.area)
	return b.String()
}

// describeBedcom writes bedcom's plain, shorter text.
func describeBedcom(r *rand.Rand, h *hotel) string {
	return fmt.Sprintf("This %d-star %s is located in the %s area of %s. It offers %d rooms, %s. %s",
		h.stars, kindWord(h), h.area, h.dest.place.Name, h.totalRooms,
		featureList(h, 4, func(f feature) string { return strings.ToLower(f.bedcom) }),
		pick(r, []string{"Ideal for business and leisure travellers.", "Public transport is a short walk away.", "Guests appreciate the friendly staff.", ""}))
}

// describeWGL writes wgl's terse marketing text.
func describeWGL(r *rand.Rand, h *hotel) string {
	return fmt.Sprintf("%s. %s property in %s, %s. %d guest rooms.",
		pick(r, []string{"Welcome", "Stay in style", "Comfort and value", "Your home away from home"}),
		strings.ToUpper(kindWord(h)[:1])+kindWord(h)[1:], h.area, h.dest.place.Name, h.totalRooms)
}

func kindWord(h *hotel) string {
	switch {
	case strings.Contains(h.name, "Residences") || strings.Contains(h.name, "Citadines"):
		return "aparthotel"
	case strings.Contains(h.name, "Hostel"):
		return "hostel"
	case strings.Contains(h.name, "Ryokan"):
		return "ryokan"
	case h.stars >= 5:
		return "luxury hotel"
	case h.stars <= 2:
		return "budget hotel"
	}
	return "hotel"
}

func featureList(h *hotel, n int, name func(feature) string) string {
	var names []string
	for _, f := range h.features {
		if len(names) == n {
			break
		}
		names = append(names, name(features[f]))
	}
	switch len(names) {
	case 0:
		return "a friendly welcome"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
