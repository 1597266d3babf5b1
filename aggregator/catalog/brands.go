package catalog

import "strings"

// brand is one hotel product (sub-brand) and the family that owns it. Two
// hotels of different products never merge, even within one family:
// "Holiday Inn Express Orchard" and "Holiday Inn Orchard" are neighbours,
// not one hotel.
type brand struct {
	key      string   // stable product key
	family   string   // owning group
	spelling string   // the brand's own spelling, used when a name is shouted
	patterns []string // folded token sequences that name the product
}

// brands lists hotel products. Matching takes the longest pattern found in
// a name, so sub-brands ("hilton garden inn") win over their parent
// ("hilton").
var brands = []brand{
	{"ritz_carlton", "marriott", "The Ritz-Carlton", []string{"ritz carlton"}},
	{"jw_marriott", "marriott", "JW Marriott", []string{"jw marriott"}},
	{"marriott", "marriott", "Marriott", []string{"marriott"}},
	{"marriott_exec", "marriott", "Marriott Executive Apartments", []string{"marriott executive apartments"}},
	{"courtyard", "marriott", "Courtyard by Marriott", []string{"courtyard by marriott", "courtyard marriott"}},
	{"sheraton", "marriott", "Sheraton", []string{"sheraton"}},
	{"four_points", "marriott", "Four Points by Sheraton", []string{"four points by sheraton", "four points"}},
	{"westin", "marriott", "The Westin", []string{"westin"}},
	{"st_regis", "marriott", "The St. Regis", []string{"st regis", "saint regis"}},
	{"renaissance", "marriott", "Renaissance", []string{"renaissance"}},
	{"le_meridien", "marriott", "Le Méridien", []string{"le meridien"}},
	{"aloft", "marriott", "Aloft", []string{"aloft"}},
	{"element", "marriott", "Element", []string{"element by westin"}},
	{"moxy", "marriott", "Moxy", []string{"moxy"}},
	{"fairfield", "marriott", "Fairfield Inn", []string{"fairfield inn", "fairfield by marriott"}},
	{"residence_inn", "marriott", "Residence Inn", []string{"residence inn"}},
	{"springhill", "marriott", "SpringHill Suites", []string{"springhill suites"}},
	{"ac_hotels", "marriott", "AC Hotel", []string{"ac hotel", "ac hotels"}},
	{"w_hotels", "marriott", "W", []string{"w hotel", "w hotels"}},
	{"hilton", "hilton", "Hilton", []string{"hilton"}},
	{"hilton_garden_inn", "hilton", "Hilton Garden Inn", []string{"hilton garden inn"}},
	{"hampton", "hilton", "Hampton by Hilton", []string{"hampton by hilton", "hampton inn"}},
	{"doubletree", "hilton", "DoubleTree by Hilton", []string{"doubletree", "double tree"}},
	{"conrad", "hilton", "Conrad", []string{"conrad"}},
	{"waldorf", "hilton", "Waldorf Astoria", []string{"waldorf astoria"}},
	{"embassy_suites", "hilton", "Embassy Suites", []string{"embassy suites"}},
	{"homewood", "hilton", "Homewood Suites", []string{"homewood suites"}},
	{"home2", "hilton", "Home2 Suites", []string{"home2 suites"}},
	{"canopy", "hilton", "Canopy by Hilton", []string{"canopy by hilton"}},
	{"curio", "hilton", "Curio Collection", []string{"curio collection"}},
	{"park_hyatt", "hyatt", "Park Hyatt", []string{"park hyatt"}},
	{"grand_hyatt", "hyatt", "Grand Hyatt", []string{"grand hyatt"}},
	{"hyatt_regency", "hyatt", "Hyatt Regency", []string{"hyatt regency"}},
	{"hyatt_place", "hyatt", "Hyatt Place", []string{"hyatt place"}},
	{"hyatt_house", "hyatt", "Hyatt House", []string{"hyatt house"}},
	{"hyatt_centric", "hyatt", "Hyatt Centric", []string{"hyatt centric"}},
	{"hyatt", "hyatt", "Hyatt", []string{"hyatt"}},
	{"andaz", "hyatt", "Andaz", []string{"andaz"}},
	{"intercontinental", "ihg", "InterContinental", []string{"intercontinental", "inter continental"}},
	{"crowne_plaza", "ihg", "Crowne Plaza", []string{"crowne plaza"}},
	{"holiday_inn", "ihg", "Holiday Inn", []string{"holiday inn"}},
	{"holiday_inn_express", "ihg", "Holiday Inn Express", []string{"holiday inn express"}},
	{"holiday_inn_resort", "ihg", "Holiday Inn Resort", []string{"holiday inn resort"}},
	{"hotel_indigo", "ihg", "Hotel Indigo", []string{"hotel indigo"}},
	{"kimpton", "ihg", "Kimpton", []string{"kimpton"}},
	{"voco", "ihg", "voco", []string{"voco"}},
	{"staybridge", "ihg", "Staybridge Suites", []string{"staybridge suites", "staybridge"}},
	{"candlewood", "ihg", "Candlewood Suites", []string{"candlewood suites", "candlewood"}},
	{"sofitel", "accor", "Sofitel", []string{"sofitel"}},
	{"fairmont", "accor", "Fairmont", []string{"fairmont"}},
	{"swissotel", "accor", "Swissôtel", []string{"swissotel"}},
	{"movenpick", "accor", "Mövenpick", []string{"movenpick", "moevenpick"}},
	{"pullman", "accor", "Pullman", []string{"pullman"}},
	{"novotel", "accor", "Novotel", []string{"novotel"}},
	{"novotel_suites", "accor", "Novotel Suites", []string{"novotel suites"}},
	{"mercure", "accor", "Mercure", []string{"mercure"}},
	{"grand_mercure", "accor", "Grand Mercure", []string{"grand mercure"}},
	{"ibis", "accor", "ibis", []string{"ibis"}},
	{"ibis_styles", "accor", "ibis Styles", []string{"ibis styles"}},
	{"ibis_budget", "accor", "ibis budget", []string{"ibis budget"}},
	{"mgallery", "accor", "MGallery", []string{"mgallery"}},
	{"adagio", "accor", "Adagio", []string{"adagio"}},
	{"radisson", "radisson", "Radisson", []string{"radisson"}},
	{"radisson_blu", "radisson", "Radisson Blu", []string{"radisson blu"}},
	{"radisson_red", "radisson", "Radisson RED", []string{"radisson red"}},
	{"park_inn", "radisson", "Park Inn by Radisson", []string{"park inn by radisson", "park inn"}},
	{"park_plaza", "radisson", "Park Plaza", []string{"park plaza"}},
	{"country_inn", "radisson", "Country Inn & Suites", []string{"country inn"}},
	{"four_seasons", "fourseasons", "Four Seasons", []string{"four seasons"}},
	{"mandarin_oriental", "mo", "Mandarin Oriental", []string{"mandarin oriental"}},
	{"shangri_la", "shangrila", "Shangri-La", []string{"shangri la", "shangrila"}},
	{"best_western", "bestwestern", "Best Western", []string{"best western"}},
	{"best_western_plus", "bestwestern", "Best Western Plus", []string{"best western plus"}},
	{"best_western_premier", "bestwestern", "Best Western Premier", []string{"best western premier"}},
	{"travelodge", "travelodge", "Travelodge", []string{"travelodge"}},
	{"premier_inn", "whitbread", "Premier Inn", []string{"premier inn"}},
	{"motel_one", "motelone", "Motel One", []string{"motel one"}},
	{"citadines", "ascott", "Citadines", []string{"citadines"}},
	{"ascott", "ascott", "Ascott", []string{"ascott"}},
	{"somerset", "ascott", "Somerset", []string{"somerset serviced"}},
	{"wyndham", "wyndham", "Wyndham", []string{"wyndham"}},
	{"ramada", "wyndham", "Ramada", []string{"ramada"}},
	{"days_inn", "wyndham", "Days Inn", []string{"days inn"}},
	{"super_8", "wyndham", "Super 8", []string{"super 8"}},
}

// brandPattern is one pattern of brands, split into tokens.
type brandPattern struct {
	tokens []string
	brand  *brand
}

var brandPatterns = func() []brandPattern {
	var out []brandPattern
	for i := range brands {
		for _, p := range brands[i].patterns {
			out = append(out, brandPattern{strings.Fields(p), &brands[i]})
		}
	}
	return out
}()

// findBrand returns the product named in folded tokens (the longest pattern
// wins) and the token span it covers, or nil.
func findBrand(tokens []string) (b *brand, start, end int) {
	best := 0
	for _, p := range brandPatterns {
		n := len(p.tokens)
		if n <= best {
			continue
		}
		for i := 0; i+n <= len(tokens); i++ {
			if equalTokens(tokens[i:i+n], p.tokens) {
				b, start, end, best = p.brand, i, i+n, n
				break
			}
		}
	}
	return b, start, end
}

func equalTokens(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
