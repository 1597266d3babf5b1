package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"lobang/aggregator/suppliers"
)

func TestParseName(t *testing.T) {
	t.Parallel()
	city := cityTokens("Singapore")
	tests := []struct {
		raw    string
		brand  string
		tokens []string
	}{
		{"The Jade Hotel Singapore", "", []string{"jade"}},
		{"JADE HOTEL SINGAPORE", "", []string{"jade"}},
		{"Jade & Lotus Hotel", "", []string{"jade", "lotus"}},
		{"Jade and Lotus", "", []string{"jade", "lotus"}},
		{"Holiday Inn Express Orchard", "holiday_inn_express", []string{"orchard"}},
		{"HOLIDAY INN ORCHARD CITY CENTRE", "holiday_inn", []string{"orchard", "city", "centre"}},
		{"Courtyard by Marriott Singapore Novena", "courtyard", []string{"novena"}},
		{"Hôtel Élysées Étoile", "", []string{"elysees", "etoile"}},
		{"ibis Styles Singapore on Macpherson", "ibis_styles", []string{"on", "macpherson"}},
	}
	for _, tt := range tests {
		n := parseName(tt.raw, city)
		got := ""
		if n.brand != nil {
			got = n.brand.key
		}
		assert.Equal(t, tt.brand, got, tt.raw)
		assert.Equal(t, tt.tokens, n.tokens, tt.raw)
	}
}

func TestTransliterationKeys(t *testing.T) {
	t.Parallel()
	same := [][]string{
		{"Hotel Kōrakuen", "Hotel Korakuen", "Hotel Kourakuen"},
		{"Shinjuku Chūō Hotel", "Shinjuku Chuo Hotel", "Sinzyuku Tyuuou Hotel"},
		{"Ryokan Tsukiji Shōfūkaku", "Ryokan Tsukiji Shofukaku", "Ryokan Tukizi Syouhuukaku"},
		{"Hotel Königshof", "Hotel Konigshof", "Hotel Koenigshof"},
		{"Gasthof Zur Mühle", "Gasthof Zur Muhle", "Gasthof Zur Muehle"},
		{"Hotel Zürichberg", "Hotel Zurichberg", "Hotel Zuerichberg"},
		{"Jinjiang Xiangshan Hotel", "Jin Jiang Xiang Shan Hotel", "Chin Chiang Hsiang Shan Hotel"},
		{"Beijing Qianmen Hotel", "Beijing Qian Men Hotel", "Peking Chien Men Hotel"},
		{"Taipei Zhongshan Hotel", "Taipei Zhong Shan Hotel", "Taipei Chungshan Hotel"},
		{"Chao Phraya Riverside Hotel", "Chaophraya Riverside Hotel", "Chao Praya Riverside Hotel"},
		{"Sukhumvit Suites", "Sukhumwit Suites", "Sukumvit Suites"},
		{"Gostinitsa Aleksandrovskaya", "Gostinitsa Alexandrovskaya", "Gostinica Aleksandrovskaja"},
		{"Hotel Gyeongbokgung", "Hotel Gyeongbok Gung", "Hotel Kyongbokkung"},
		{"Pensão São João", "Pensao Sao Joao", "Pensao S. Joao"},
		{"Villa Sørensen", "Villa Sorensen", "Villa Soerensen"},
		{"Hôtel Mérville", "Hotel Merville", "Hotel Merwille"},
	}
	for _, names := range same {
		for _, other := range names[1:] {
			m := compareNames(parseName(names[0], nil), parseName(other, nil))
			assert.GreaterOrEqual(t, m.sim, 0.75, "%s ~ %s", names[0], other)
			assert.Zero(t, m.extraA+m.extraB, "%s ~ %s: no distinguishing token", names[0], other)
		}
	}
}

func TestNameSimilarity(t *testing.T) {
	t.Parallel()
	city := cityTokens("Singapore")
	sim := func(a, b string) nameMatch { return compareNames(parseName(a, city), parseName(b, city)) }

	assert.InDelta(t, 1, sim("The Jade Hotel Singapore", "JADE HOTEL").sim, 1e-9)
	assert.InDelta(t, 1, sim("Hilton Singapore", "HILTON").sim, 1e-9)
	assert.Greater(t, trigramSim("orchard", "orchard"), 0.99)
	assert.Less(t, trigramSim("orchard", "marina"), 0.2)

	// Differing sub-brands are a conflict.
	twins := [][2]string{
		{"Holiday Inn Express Orchard", "Holiday Inn Orchard City Centre"},
		{"Hilton Garden Inn Riverside", "Hilton Riverside Plaza"},
		{"ibis Riverside", "ibis Styles Riverside Central"},
		{"Courtyard by Marriott Riverside", "Marriott Riverside City Centre"},
		{"Novotel Riverside", "Novotel Suites Riverside Plaza"},
		{"Park Inn by Radisson Riverside", "Radisson Blu Riverside Central"},
	}
	for _, tw := range twins {
		assert.True(t, sim(tw[0], tw[1]).brandConflict, "%s / %s", tw[0], tw[1])
	}
	// Distinguishing words on both sides.
	m := sim("Jade Suites", "Lotus Suites")
	assert.Positive(t, m.extraA)
	assert.Positive(t, m.extraB)
	assert.Positive(t, sim("Jade Hotel", "Jade Suites").extraB)
}

func hotel(id, name string, lat, lng float64, addr string, stars float64) suppliers.Hotel {
	return suppliers.Hotel{SupplierHotelID: id, Name: name, Lat: lat, Lng: lng, HasGeo: lat != 0, Address: addr, Stars: stars}
}

// offset moves a point roughly metres north.
func north(lat, m float64) float64 { return lat + m/111_320 }

func TestScoreBands(t *testing.T) {
	t.Parallel()
	city := cityTokens("Singapore")
	e := func(s string, h suppliers.Hotel) *entry { return newEntry(s, h, city) }
	const lat, lng = 1.3, 103.85

	same := scorePair(e("ascenda", hotel("a", "The Jade Hotel Singapore", lat, lng, "12 Orchard Road", 4)),
		e("bedcom", hotel("1", "JADE HOTEL SINGAPORE", north(lat, 120), lng, "12 Orchard Rd", 4)))
	assert.GreaterOrEqual(t, same.conf, MergeThreshold, "same hotel")

	noGeo := scorePair(e("ascenda", hotel("a", "Jade Hotel", lat, lng, "12 Orchard Road", 4)),
		e("wgl", hotel("W1", "Jade Hotel", 0, 0, "12 Orchard Road", 4)))
	assert.GreaterOrEqual(t, noGeo.conf, MergeThreshold, "no coordinates, same name and address")
	assert.LessOrEqual(t, noGeo.conf, 0.9, "never certain without coordinates")
	nameOnly := scorePair(e("ascenda", hotel("a", "Jade Hotel", lat, lng, "", 4)),
		e("wgl", hotel("W1", "Jade Hotel", 0, 0, "", 4)))
	assert.Less(t, nameOnly.conf, MergeThreshold, "name alone is not enough")

	twin := scorePair(e("ascenda", hotel("a", "Holiday Inn Express Riverside", lat, lng, "3 King Street", 3)),
		e("bedcom", hotel("1", "HOLIDAY INN RIVERSIDE CITY CENTRE", north(lat, 100), lng, "88 Queen Road", 3)))
	assert.True(t, twin.blocked)
	assert.Less(t, twin.conf, ReviewThreshold)

	renamed := scorePair(e("ascenda", hotel("a", "Aurora Hotel", lat, lng, "7 Market Street", 3)),
		e("wgl", hotel("W1", "Kingsley Inn Marina", north(lat, 60), lng, "7 Market Street", 3)))
	assert.GreaterOrEqual(t, renamed.conf, ReviewThreshold, "renamed: same spot, address and stars")
	assert.Less(t, renamed.conf, MergeThreshold, "renamed: review, not merge")

	far := scorePair(e("ascenda", hotel("a", "Hilton Orchard", lat, lng, "1 Orchard Road", 4)),
		e("bedcom", hotel("1", "Hilton Orchard", north(lat, 2000), lng, "1 Orchard Road", 4)))
	assert.True(t, far.blocked)

	neighbours := scorePair(e("ascenda", hotel("a", "Aster Hotel", lat, lng, "5 Palm Lane", 3)),
		e("bedcom", hotel("1", "Amber Hotel", north(lat, 50), lng, "9 Cedar Road", 3)))
	assert.Less(t, neighbours.conf, ReviewThreshold)
}

func TestMatchOnePerSupplier(t *testing.T) {
	t.Parallel()
	const lat, lng = 1.3, 103.85
	content := []SupplierContent{
		{"ascenda", []suppliers.Hotel{hotel("a1", "Jade Hotel", lat, lng, "1 Palm Lane", 3)}},
		{"bedcom", []suppliers.Hotel{
			hotel("b1", "JADE HOTEL", north(lat, 10), lng, "1 Palm Lane", 3),
			hotel("b2", "JADE HOTEL", north(lat, 20), lng, "1 Palm Lane", 3),
		}},
	}
	res := Match(content, Constraints{}, "Singapore")
	assert.Len(t, res.Groups, 2, "a hotel holds at most one hotel of each supplier")
	for _, g := range res.Groups {
		seen := map[string]bool{}
		for _, k := range g.Members {
			assert.False(t, seen[k.Supplier])
			seen[k.Supplier] = true
		}
	}
	assert.Len(t, res.Reviews, 1, "the second candidate goes to review")
}
