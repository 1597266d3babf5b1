package suppliers

import (
	"strings"
	"unicode"
)

// Mapping of every supplier's amenity codes and wording onto our vocabulary.

// wglAmenityCodes maps wgl's (OTA-style) service codes to our keys; codes
// without a counterpart (hair dryer, iron) are left out on purpose.
var wglAmenityCodes = map[int]string{
	1: "front_desk_24h", 5: "air_conditioning", 8: "family_rooms", 22: "concierge",
	24: "meeting_rooms", 33: "elevator", 35: "gym", 41: "airport_shuttle", 54: "pool",
	66: "pool", 68: "parking", 76: "restaurant", 77: "room_service", 78: "safe", 79: "sauna",
	84: "spa", 165: "bar", 168: "laundry", 179: "wifi", 224: "pets", 228: "business_centre",
	1002: "tv", 1004: "kitchen", 1005: "breakfast",
}

// ascendaAmenityKeys maps ascenda's camelCase amenity flags (lower-cased) to
// our keys where the wording rules would guess wrong.
var ascendaAmenityKeys = map[string]string{
	"dataports": "wifi", "frontdesk24hour": "front_desk_24h", "tvinroom": "tv",
	"parkinggarage": "parking", "valetparking": "parking", "airporttransportation": "airport_shuttle",
	"drycleaning": "laundry", "continentalbreakfast": "breakfast", "fitnessfacility": "gym",
	"minibarinroom": "minibar", "nonsmokingrooms": "non_smoking", "handicapaccessible": "accessible",
	"kidsclub": "kids_club", "inhouserestaurant": "restaurant",
}

// amenityPhrases maps words or phrases of supplier wording (lower case, words
// separated by single spaces) to our keys. The first match wins, so longer,
// more specific phrases come first.
var amenityPhrases = []struct{ phrase, key string }{
	{"24 hour", "front_desk_24h"}, {"24h", "front_desk_24h"}, {"round the clock", "front_desk_24h"},
	{"wi fi", "wifi"}, {"wifi", "wifi"}, {"wireless", "wifi"},
	{"internet", "internet"}, {"data ports", "internet"},
	{"air conditioning", "air_conditioning"}, {"air conditioned", "air_conditioning"}, {"aircon", "air_conditioning"}, {"climate control", "air_conditioning"},
	{"room service", "room_service"},
	{"mini bar", "minibar"}, {"minibar", "minibar"},
	{"restaurant", "restaurant"}, {"bar", "bar"}, {"lounge", "bar"},
	{"breakfast", "breakfast"},
	{"swimming", "pool"}, {"pool", "pool"},
	{"spa", "spa"}, {"wellness", "spa"}, {"massage", "spa"},
	{"gym", "gym"}, {"fitness", "gym"},
	{"sauna", "sauna"}, {"steam room", "sauna"},
	{"concierge", "concierge"},
	{"laundry", "laundry"}, {"dry cleaning", "laundry"},
	{"luggage", "luggage_storage"}, {"baggage", "luggage_storage"},
	{"non smoking", "non_smoking"}, {"smoke free", "non_smoking"},
	{"pet", "pets"}, {"pets", "pets"},
	{"tv", "tv"}, {"television", "tv"},
	{"safe", "safe"}, {"safety deposit", "safe"},
	{"kitchen", "kitchen"}, {"kitchenette", "kitchen"},
	{"car park", "parking"}, {"parking", "parking"}, {"garage", "parking"},
	{"airport", "airport_shuttle"}, {"shuttle", "airport_shuttle"},
	{"ev charging", "ev_charging"}, {"electric vehicle", "ev_charging"},
	{"family room", "family_rooms"}, {"family rooms", "family_rooms"},
	{"kids club", "kids_club"}, {"children s club", "kids_club"}, {"kids", "kids_club"},
	{"wheelchair", "accessible"}, {"accessible", "accessible"}, {"disabled", "accessible"},
	{"lift", "elevator"}, {"elevator", "elevator"},
	{"business centre", "business_centre"}, {"business center", "business_centre"},
	{"conference", "meeting_rooms"}, {"meeting", "meeting_rooms"}, {"banquet", "meeting_rooms"},
}

// words lower-cases s, splits camelCase and replaces everything that is not
// a letter or digit by one space: "tVInRoom" → "t v in room",
// "24-hour reception" → "24 hour reception".
func words(s string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			if prevLower {
				b.WriteByte(' ')
			}
			b.WriteRune(unicode.ToLower(r))
			prevLower = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
		default:
			b.WriteByte(' ')
			prevLower = false
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// amenityFromWording maps a supplier's amenity wording to one of our keys.
func amenityFromWording(s string) (string, bool) {
	w := " " + words(s) + " "
	if w == "  " {
		return "", false
	}
	for _, p := range amenityPhrases {
		if strings.Contains(w, " "+p.phrase+" ") {
			return p.key, true
		}
	}
	return "", false
}

// amenitySet collects our amenity keys without duplicates, in vocabulary
// order.
type amenitySet map[string]bool

func (a amenitySet) add(key string, ok bool) {
	if ok && key != "" {
		a[key] = true
	}
}

func (a amenitySet) list() []string {
	out := []string{}
	for _, am := range Amenities {
		if a[am.Key] {
			out = append(out, am.Key)
		}
	}
	return out
}
