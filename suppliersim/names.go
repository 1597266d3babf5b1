package suppliersim

import (
	"math/rand/v2"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// brand is a hotel chain: its name as used in hotel names, its family (for the hard case of two
// different hotels of one family side by side) and its star level.
type brand struct {
	name, family string
	stars        int
}

var brands = []brand{
	{"The Ritz-Carlton", "marriott", 5}, {"Four Seasons Hotel", "fourseasons", 5}, {"Mandarin Oriental", "mo", 5},
	{"Shangri-La", "shangrila", 5}, {"InterContinental", "ihg", 5}, {"Park Hyatt", "hyatt", 5},
	{"Grand Hyatt", "hyatt", 5}, {"JW Marriott Hotel", "marriott", 5}, {"Conrad", "hilton", 5},
	{"Sofitel", "accor", 5}, {"Fairmont", "accor", 5}, {"The St. Regis", "marriott", 5},
	{"Hilton", "hilton", 4}, {"Marriott", "marriott", 4}, {"Sheraton", "marriott", 4},
	{"Hyatt Regency", "hyatt", 4}, {"Pullman", "accor", 4}, {"Novotel", "accor", 4},
	{"Crowne Plaza", "ihg", 4}, {"Radisson Blu", "radisson", 4}, {"The Westin", "marriott", 4},
	{"Renaissance", "marriott", 4}, {"Swissôtel", "accor", 4}, {"Mövenpick Hotel", "accor", 4},
	{"Holiday Inn", "ihg", 3}, {"Holiday Inn Express", "ihg", 3}, {"Courtyard by Marriott", "marriott", 3},
	{"Hilton Garden Inn", "hilton", 3}, {"Mercure", "accor", 3}, {"ibis", "accor", 2},
	{"ibis Styles", "accor", 3}, {"Best Western", "bestwestern", 3}, {"Park Inn by Radisson", "radisson", 3},
	{"Hampton by Hilton", "hilton", 3}, {"Citadines", "ascott", 3}, {"Novotel Suites", "accor", 3},
	{"ibis budget", "accor", 2}, {"Travelodge", "travelodge", 2}, {"Premier Inn", "whitbread", 3},
	{"Motel One", "motelone", 2},
}

// brandTwins are pairs of one family that sit within 150 m of each other in the hard case.
var brandTwins = [][2]string{
	{"Holiday Inn Express", "Holiday Inn"}, {"Hilton Garden Inn", "Hilton"}, {"ibis", "ibis Styles"},
	{"Courtyard by Marriott", "Marriott"}, {"Novotel", "Novotel Suites"}, {"Park Inn by Radisson", "Radisson Blu"},
}

func brandNamed(name string) brand {
	for _, b := range brands {
		if b.name == name {
			return b
		}
	}
	return brand{name: name, stars: 3}
}

var nameWords = []string{
	"Fullerton", "Regent", "Carlton", "Majestic", "Royal", "Grand", "Palace", "Heritage", "Harbour",
	"Garden", "Lotus", "Orchid", "Jade", "Emerald", "Sapphire", "Pearl", "Sunrise", "Riverside",
	"Parkview", "Bayview", "Hillside", "Oasis", "Amber", "Cedar", "Willow", "Maple", "Linden",
	"Aurora", "Meridian", "Crown", "Empress", "Victoria", "Albert", "Kensington", "Bellevue",
	"Belvedere", "Beaumont", "Clarendon", "Waverly", "Ashford", "Montague", "Aster", "Magnolia",
	"Jasmine", "Camellia", "Ginkgo", "Bamboo", "Coral", "Lagoon", "Summit", "Horizon", "Compass",
	"Anchor", "Lighthouse", "Market", "Quay", "Wharf", "Bridge", "Mill", "Chapel", "Abbey",
	"Cloister", "Tower", "Gate", "Lantern", "Saffron", "Indigo", "Cobalt", "Ivory", "Ember",
	"Hawthorn", "Juniper", "Rosewood", "Kingsley", "Marlow", "Whitfield", "Carrington", "Langham",
	"Ashbury", "Sterling", "Windsor", "Stratford", "Chelsea", "Alcove", "Nomad", "Wanderlust",
}

var areaWords = []string{
	"City Centre", "Old Town", "Central", "Riverside", "Harbourfront", "Airport", "Station",
	"Downtown", "Marina", "North", "East", "West", "Chinatown", "Waterfront", "Museum Quarter",
	"Park", "University", "Orchard", "Kingsway", "Cathedral", "Market Square", "Beach", "Hills",
	"Convention Centre", "Financial District", "Arts District", "Little India", "Old Port",
}

var streetWords = []string{
	"Victoria", "Market", "Church", "Station", "Park", "River", "Garden", "Harbour", "King",
	"Queen", "Mill", "Bridge", "Cathedral", "Temple", "Orchard", "Palm", "Lotus", "Cedar",
	"Beach", "Hill", "Castle", "Lake", "Forest", "Museum", "Liberty", "Union", "Central",
}

// independentName builds a plausible name for a hotel without a brand.
func independentName(r *rand.Rand, city, area, cc string) string {
	w, w2 := pick(r, nameWords), pick(r, nameWords)
	local := map[string][]string{
		"JP": {"Ryokan %w", "Hotel %w %c", "%w Inn %a"}, "DE": {"Gasthof %w", "Hotel %w", "%w Hof"},
		"AT": {"Gasthof %w", "Hotel %w"}, "CH": {"Hotel %w", "Gasthaus %w"}, "FR": {"Hôtel %w", "Le %w", "Hôtel du %w"},
		"IT": {"Albergo %w", "Hotel %w", "Villa %w"}, "ES": {"Hostal %w", "Casa %w", "Hotel %w"},
		"PT": {"Casa %w", "Pousada %w"}, "MX": {"Casa %w", "Hotel %w"},
	}
	patterns := []string{"The %w Hotel %c", "%w Hotel", "Hotel %w", "%w Boutique Hotel", "%w House",
		"%w Inn", "%w Residences %a", "%w Suites", "%w Lodge", "%w Guesthouse", "The %w", "%w & %v Hotel",
		"%c %w Hotel", "%w Hostel %a", "Villa %w", "The %w %a"}
	if l, ok := local[cc]; ok && r.IntN(3) == 0 {
		patterns = l
	}
	p := pick(r, patterns)
	return strings.NewReplacer("%w", w, "%v", w2, "%c", city, "%a", area).Replace(p)
}

// brandName builds a chain hotel name like "Holiday Inn Express Singapore Orchard".
func brandName(r *rand.Rand, b brand, city, area string) string {
	switch r.IntN(4) {
	case 0:
		return b.name + " " + city
	case 1:
		return b.name + " " + area
	default:
		return b.name + " " + city + " " + area
	}
}

// translits are names whose romanisation differs between suppliers: canonical, a folded form,
// and another system (Hepburn vs Kunrei, Pinyin vs Wade-Giles, umlaut spelled out …).
var translits = map[string][][3]string{
	"JP": {{"Hotel Kōrakuen", "Hotel Korakuen", "Hotel Kourakuen"}, {"Shinjuku Chūō Hotel", "Shinjuku Chuo Hotel", "Sinzyuku Tyuuou Hotel"}, {"Ryokan Tsukiji Shōfūkaku", "Ryokan Tsukiji Shofukaku", "Ryokan Tukizi Syouhuukaku"}},
	"CN": {{"Jinjiang Xiangshan Hotel", "Jin Jiang Xiang Shan Hotel", "Chin Chiang Hsiang Shan Hotel"}, {"Beijing Qianmen Hotel", "Beijing Qian Men Hotel", "Peking Chien Men Hotel"}},
	"TW": {{"Taipei Zhongshan Hotel", "Taipei Zhong Shan Hotel", "Taipei Chungshan Hotel"}},
	"TH": {{"Chao Phraya Riverside Hotel", "Chaophraya Riverside Hotel", "Chao Praya Riverside Hotel"}, {"Sukhumvit Suites", "Sukhumwit Suites", "Sukumvit Suites"}},
	"RU": {{"Gostinitsa Aleksandrovskaya", "Gostinitsa Alexandrovskaya", "Gostinica Aleksandrovskaja"}},
	"KR": {{"Hotel Gyeongbokgung", "Hotel Gyeongbok Gung", "Hotel Kyongbokkung"}},
	"GR": {{"Hotel Akrópolis Vista", "Hotel Akropolis Vista", "Hotel Akropoli Vista"}},
	"DE": {{"Hotel Königshof", "Hotel Konigshof", "Hotel Koenigshof"}, {"Gasthof Zur Mühle", "Gasthof Zur Muhle", "Gasthof Zur Muehle"}},
	"CH": {{"Hotel Zürichberg", "Hotel Zurichberg", "Hotel Zuerichberg"}},
	"FR": {{"Hôtel Élysées Étoile", "Hotel Elysees Etoile", "Hotel Elysee Etoile"}},
	"":   {{"Hôtel Mérville", "Hotel Merville", "Hotel Merwille"}, {"Pensão São João", "Pensao Sao Joao", "Pensao S. Joao"}, {"Villa Sørensen", "Villa Sorensen", "Villa Soerensen"}},
}

func translitFor(r *rand.Rand, cc string) [3]string {
	if l, ok := translits[cc]; ok {
		return pick(r, l)
	}
	return pick(r, translits[""])
}

// fold removes diacritics ("Zürich" → "Zurich").
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return strings.NewReplacer("ø", "o", "Ø", "O", "ß", "ss", "æ", "ae", "ł", "l").Replace(out)
}

// supplierName renders the canonical name the way a supplier's content team would: ascenda
// keeps it, bedcom shouts it and drops articles, wgl shortens it.
func supplierName(r *rand.Rand, supplier, name, city string) string {
	switch supplier {
	case Bedcom:
		n := strings.TrimPrefix(name, "The ")
		if r.IntN(10) < 6 {
			return strings.ToUpper(fold(n))
		}
		return n
	case WGL:
		n := name
		if r.IntN(10) < 6 {
			n = strings.TrimPrefix(n, "The ")
			if short := strings.TrimSpace(strings.TrimSuffix(n, " "+city)); short != "" && r.IntN(2) == 0 {
				n = short
			}
		}
		if r.IntN(10) < 3 {
			n = strings.ReplaceAll(n, " Hotel", "")
			if !strings.Contains(strings.ToLower(n), "hotel") {
				n += " Hotel"
			}
		}
		if r.IntN(10) < 2 {
			n = strings.ReplaceAll(n, " & ", " and ")
		}
		return fold(n)
	}
	return name
}
