package suggest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/destinations"
)

// testHotels are hand-made hotel entries in Singapore and Paris.
func testHotels(t testing.TB) []Entry {
	t.Helper()
	sg, paris := uidOf(t, "Singapore", "SG"), uidOf(t, "Paris", "FR")
	return []Entry{
		{Kind: KindHotel, ID: "h-mbs", Name: "Marina Bay Sands", Context: "Hotel · Singapore", Popularity: 200_000, DestinationUID: sg},
		{Kind: KindHotel, ID: "h-raffles", Name: "Raffles Hotel", Context: "Hotel · Singapore", Popularity: 150_000, DestinationUID: sg},
		{Kind: KindHotel, ID: "h-fullerton", Name: "The Fullerton Hotel", Context: "Hotel · Singapore", Popularity: 120_000, DestinationUID: sg},
		{Kind: KindHotel, ID: "h-ritz", Name: "Ritz Paris", Context: "Hotel · Paris", Popularity: 90_000, DestinationUID: paris},
		{Kind: KindHotel, ID: "h-plaza", Name: "Hôtel Plaza Athénée", Context: "Hotel · Paris", Popularity: 80_000, DestinationUID: paris},
	}
}

// uidOf finds the uid of the most populous destination with this name and country.
func uidOf(t testing.TB, name, cc string) string {
	t.Helper()
	for _, d := range destinations.All() {
		if d.Name == name && d.CountryCode == cc {
			return d.UID
		}
	}
	require.Failf(t, "destination missing", "%s, %s", name, cc)
	return ""
}

// realIndex indexes all destinations and the test hotels.
func realIndex(t testing.TB) *Index {
	t.Helper()
	ix := New(FromDestinations(destinations.All()))
	ix.Add(testHotels(t)...)
	return ix
}

// TestSuggestReal checks the top results for what customers type, over the
// real destinations plus a few hotels. One index serves every row.
func TestSuggestReal(t *testing.T) {
	t.Parallel()
	ix := realIndex(t)
	tests := []struct {
		name    string
		q       string
		top     string // expected Name of the first match
		context string // a word of its context, to tell same-named places apart
		exact   bool
	}{
		{"prefix of a later word", "lump", "Kuala Lumpur", "Malaysia", false},
		{"multi-word prefix", "kuala l", "Kuala Lumpur", "Malaysia", false},
		{"words in any order", "lumpur kuala", "Kuala Lumpur", "Malaysia", false},
		{"punctuation and case", "  KUALA---lumpur!! ", "Kuala Lumpur", "Malaysia", true},
		{"exact name, most populous first", "London", "London", "United Kingdom", true},
		{"exact name beats a more populous prefix", "york", "York", "United Kingdom", true},
		{"short prefix, most populous", "sing", "Singapore", "Singapore", false},
		{"three letters", "lon", "London", "United Kingdom", false},
		{"three letters, no whole-word bonus", "par", "Paris", "France", false},
		{"two words", "new york", "New York City", "United States", false},
		{"context narrows", "paris texas", "Paris", "Texas", false},
		{"transposition in a long word", "Sinagpore", "Singapore", "Singapore", false},
		{"transposition while typing", "sinagp", "Singapore", "Singapore", false},
		{"deletion in a later word", "Kuala Lumpr", "Kuala Lumpur", "Malaysia", false},
		{"insertion in a long word", "Bangkock", "Bangkok", "Thailand", false},
		{"insertion in a short word", "Pariss", "Paris", "France", false},
		{"substitution in a 5-letter word", "tokio", "Tokyo", "Japan", false},
		{"deletion in a 6-letter word", "londn", "London", "United Kingdom", false},
		{"deletion in an 8-letter word", "amsterdm", "Amsterdam", "Netherlands", false},
		{"doubled letter in a long word", "barcelonna", "Barcelona", "Spain", false},
		{"typo in the second word", "san fransisco", "San Francisco", "California", false},
		{"substitution at the end", "berlim", "Berlin", "Germany", false},
		{"accent-free spelling", "Zurich", "Zürich", "Switzerland", true},
		{"accented spelling", "zürich", "Zürich", "Switzerland", true},
		{"upper-case accented", "ZÜRICH", "Zürich", "Switzerland", true},
		{"accents in two words", "sao paulo", "São Paulo", "Brazil", true},
		{"accent-free prefix", "queb", "Québec", "Canada", false},
		{"umlaut folded", "koln", "Köln", "Germany", true},
		{"hotel by name", "marina bay", "Marina Bay Sands", "Singapore", false},
		{"hotel by later words", "bay sands", "Marina Bay Sands", "Singapore", false},
		{"hotel with a typo", "raffels", "Raffles Hotel", "Singapore", false},
		{"hotel with a typo and a second word", "fulerton hotel", "The Fullerton Hotel", "Singapore", false},
		{"hotel with accents", "plaza athenee", "Hôtel Plaza Athénée", "Paris", false},
		{"hotel by name and city", "ritz par", "Ritz Paris", "Paris", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := ix.Suggest(tt.q, 8)
			require.NotEmpty(t, ms, "query %q", tt.q)
			assert.Equal(t, tt.top, ms[0].Name, "query %q: %v", tt.q, names(ms))
			assert.Contains(t, ms[0].Context, tt.context, "query %q", tt.q)
			assert.Equal(t, tt.exact, ms[0].Exact, "query %q", tt.q)
		})
	}
}

// TestSuggestFindsLaterWords checks that a word inside a name is found even
// when a better match ranks first.
func TestSuggestFindsLaterWords(t *testing.T) {
	t.Parallel()
	ix := New(FromDestinations(destinations.All()))
	assert.Contains(t, names(ix.Suggest("york", 5)), "New York City")
	assert.Contains(t, names(ix.Suggest("lumpur", 5)), "Kuala Lumpur")
}

func names(ms []Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return out
}

// place is a made-up destination for ranking tests.
func place(id, name string, pop float64) Entry {
	return Entry{Kind: KindDestination, ID: id, Name: name, Context: "Testland", Popularity: pop}
}

func TestSuggestRanking(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		entries []Entry
		q       string
		want    []string // IDs, best first
	}{
		{
			name:    "equal matches by popularity",
			entries: []Entry{place("town", "Alpha Town", 10), place("city", "Alpha City", 1000), place("bay", "Alpha Bay", 100)},
			q:       "alp",
			want:    []string{"city", "bay", "town"},
		},
		{
			name:    "exact name before a more populous prefix match",
			entries: []Entry{place("derry", "Londonderry", 10_000_000), place("london", "London", 1000)},
			q:       "london",
			want:    []string{"london", "derry"},
		},
		{
			name:    "same name: most populous first",
			entries: []Entry{place("ca", "London", 300_000), place("gb", "London", 8_000_000)},
			q:       "London",
			want:    []string{"gb", "ca"},
		},
		{
			name:    "typos below true prefix matches",
			entries: []Entry{place("tokyo", "Tokyo", 37_000_000), place("tokiomachi", "Tokiomachi", 10)},
			q:       "tokio",
			want:    []string{"tokiomachi", "tokyo"},
		},
		{
			name:    "one typo above two at equal popularity",
			entries: []Entry{place("two", "Singapore", 1000), place("one", "Singapura", 1000)},
			q:       "singapuro",
			want:    []string{"one", "two"},
		},
		{
			name: "name match above context match",
			entries: []Entry{
				{Kind: KindHotel, ID: "ctx", Name: "Grand Hotel", Context: "Hotel · Ubud", Popularity: 1000},
				{Kind: KindHotel, ID: "name", Name: "Grand Ubud Villas", Context: "Hotel · Bali", Popularity: 1000},
			},
			q:    "grand ubud",
			want: []string{"name", "ctx"},
		},
		{
			name:    "no match through context alone",
			entries: []Entry{{Kind: KindHotel, ID: "h", Name: "Grand Hotel", Context: "Hotel · Ubud"}},
			q:       "hotel ubud",
			want:    []string{"h"},
		},
		{
			name:    "context words must not stand in for the name",
			entries: []Entry{{Kind: KindHotel, ID: "h", Name: "Grand Hotel", Context: "Hotel · Ubud"}},
			q:       "ubud",
			want:    []string{},
		},
		{
			name:    "short words must match exactly",
			entries: []Entry{place("bali", "Bali", 1000)},
			q:       "bsli",
			want:    []string{"bali"},
		},
		{
			name:    "three letters tolerate no typo",
			entries: []Entry{place("bali", "Bali", 1000)},
			q:       "bsl",
			want:    []string{},
		},
		{
			name:    "a 4-letter word tolerates one edit, not two",
			entries: []Entry{place("bali", "Bali", 1000)},
			q:       "bsly",
			want:    []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ms := New(tt.entries).Suggest(tt.q, 10)
			got := make([]string, len(ms))
			for i, m := range ms {
				got[i] = m.ID
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSuggestGarbage(t *testing.T) {
	t.Parallel()
	ix := realIndex(t)
	tests := []struct {
		name  string
		q     string
		limit int
	}{
		{"empty", "", 5},
		{"blank", " \t\n ", 5},
		{"punctuation only", "!!!---???", 5},
		{"invalid utf-8", "\xff\xfe\xfd", 5},
		{"emoji", "🏨🌴", 5},
		{"control characters", "\x00\x01\x02", 5},
		{"no such place", "xqztv", 5},
		{"long nonsense word", strings.Repeat("zq", 5000), 5},
		{"many nonsense words", strings.Repeat("qxz ", 1000), 5},
		{"zero limit", "london", 0},
		{"negative limit", "london", -3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.NotPanics(t, func() {
				assert.Empty(t, ix.Suggest(tt.q, tt.limit))
			})
		})
	}
}

func TestSuggestLimit(t *testing.T) {
	t.Parallel()
	ix := New(FromDestinations(destinations.All()))
	assert.Len(t, ix.Suggest("s", 3), 3)
	assert.Len(t, ix.Suggest("s", 1000), maxLimit)
	assert.Len(t, ix.Suggest(strings.Repeat("san ", 100), 5), 5, "words beyond the cap are ignored")
}

func TestAddReplacesSameID(t *testing.T) {
	t.Parallel()
	ix := New([]Entry{place("a", "Alpha", 10)})
	ix.Add(Entry{Kind: KindHotel, ID: "h1", Name: "Old Name Inn"})
	ix.Add(Entry{Kind: KindHotel, ID: "h1", Name: "New Name Lodge"})
	assert.Equal(t, 2, ix.Len())
	assert.Empty(t, ix.Suggest("old name", 5))
	ms := ix.Suggest("lodge", 5)
	require.Len(t, ms, 1)
	assert.Equal(t, "h1", ms[0].ID)
	assert.Equal(t, KindHotel, ms[0].Kind)
}

func TestFromDestinations(t *testing.T) {
	t.Parallel()
	ds := destinations.All()
	es := FromDestinations(ds)
	require.Len(t, es, len(ds))
	for i, e := range es {
		require.Equal(t, KindDestination, e.Kind)
		require.Equal(t, ds[i].UID, e.ID)
		require.Equal(t, ds[i].Name, e.Name)
		require.Contains(t, e.Context, ds[i].Country)
	}
	ix := New(es)
	ms := ix.Suggest("zurich", 1)
	require.Len(t, ms, 1)
	assert.Equal(t, "Switzerland", ms[0].Context, "a region that repeats the name is left out")
}
