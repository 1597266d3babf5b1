package suggest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	ix := realIndex(t)
	tests := []struct {
		name    string
		q       string
		ok      bool
		best    string // Name of best when ok
		context string // a word of best's context
		alt     string // a Name expected among the alternatives, if any
	}{
		{"exact name, most populous of several", "London", true, "London", "United Kingdom", "London"},
		{"exact name shared by many", "springfield", true, "Springfield", "Missouri", "Springfield"},
		{"exact name without accents", "Zurich", true, "Zürich", "Switzerland", ""},
		{"exact two words", "sao paulo", true, "São Paulo", "Brazil", ""},
		{"exact name beats a bigger place containing it", "york", true, "York", "United Kingdom", "New York City"},
		{"typo with a clear best", "Sinagpore", true, "Singapore", "Singapore", ""},
		{"typo in a later word", "Kuala Lumpr", true, "Kuala Lumpur", "Malaysia", ""},
		{"typo matching two places of one name", "Pariss", true, "Paris", "France", "Paris"},
		{"typo of a 5-letter word", "tokio", true, "Tokyo", "Japan", ""},
		{"prefix naming one place far above the rest", "new york", true, "New York City", "United States", "East New York"},
		{"context decides", "paris texas", true, "Paris", "Texas", ""},
		{"hotel by exact name", "marina bay sands", true, "Marina Bay Sands", "Singapore", ""},
		{"ambiguous prefix", "new", false, "", "", "New York City"},
		{"ambiguous short prefix", "par", false, "", "", "Paris"},
		{"ambiguous two words", "kuala l", false, "", "", "Kuala Lumpur"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			best, alts, ok := ix.Resolve(tt.q)
			require.Equal(t, tt.ok, ok, "query %q: best %q, alternatives %v", tt.q, best.Name, names(alts))
			assert.LessOrEqual(t, len(alts), 5)
			if tt.ok {
				assert.Equal(t, tt.best, best.Name)
				assert.Contains(t, best.Context, tt.context)
				assert.NotContains(t, alts, best)
			} else {
				assert.Zero(t, best)
				assert.NotEmpty(t, alts)
			}
			if tt.alt != "" {
				assert.Contains(t, names(alts), tt.alt)
			}
		})
	}
}

func TestResolveNothing(t *testing.T) {
	t.Parallel()
	ix := realIndex(t)
	for _, q := range []string{"", "   ", "!!!", "xqztvw", "\xff"} {
		best, alts, ok := ix.Resolve(q)
		assert.False(t, ok, "query %q", q)
		assert.Zero(t, best, "query %q", q)
		assert.Empty(t, alts, "query %q", q)
	}
}

func TestResolveRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		entries []Entry
		q       string
		ok      bool
		best    string // ID
	}{
		{
			name: "exact destination before a more popular exact hotel",
			entries: []Entry{
				{Kind: KindHotel, ID: "hotel", Name: "Ubud", Popularity: 1e7},
				place("place", "Ubud", 1000),
			},
			q: "ubud", ok: true, best: "place",
		},
		{
			name:    "the only match",
			entries: []Entry{place("a", "Alphaville", 10)},
			q:       "alp", ok: true, best: "a",
		},
		{
			name:    "100 times the population clears the margin",
			entries: []Entry{place("big", "Alpha Big", 100_000), place("small", "Alpha Small", 999)},
			q:       "alpha", ok: true, best: "big",
		},
		{
			name:    "10 times the population does not",
			entries: []Entry{place("big", "Alpha Big", 10_000), place("small", "Alpha Small", 1000)},
			q:       "alpha", ok: false,
		},
		{
			name:    "a true prefix match clears typo matches",
			entries: []Entry{place("typo", "Tokyo", 37_000_000), place("prefix", "Tokiomachi", 10)},
			q:       "tokio", ok: true, best: "prefix",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			best, _, ok := New(tt.entries).Resolve(tt.q)
			require.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.best, best.ID)
		})
	}
}

func TestResolveHotelInsideBest(t *testing.T) {
	t.Parallel()
	ix := New([]Entry{
		place("paris", "Paris", 2_000_000),
		{Kind: KindHotel, ID: "ritz", Name: "Ritz Paris", Popularity: 1_000_000, DestinationUID: "paris"},
		{Kind: KindHotel, ID: "elsewhere", Name: "Paris Inn", Popularity: 1_000_000, DestinationUID: "vegas"},
	})
	_, alts, ok := ix.Resolve("pari")
	assert.False(t, ok, "a hotel elsewhere is a rival")
	assert.Len(t, alts, 3)

	ix = New([]Entry{
		place("paris", "Paris", 2_000_000),
		{Kind: KindHotel, ID: "ritz", Name: "Ritz Paris", Popularity: 1_000_000, DestinationUID: "paris"},
	})
	best, alts, ok := ix.Resolve("pari")
	require.True(t, ok, "a hotel inside the destination is no rival")
	assert.Equal(t, "paris", best.ID)
	assert.Equal(t, []string{"Ritz Paris"}, names(alts))
}
