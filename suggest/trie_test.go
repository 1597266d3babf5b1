package suggest

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/destinations"
)

// osaTable is the plain optimal string alignment table of a against b, the
// reference for the trie walk: t[i][j] is the distance of a[:i] to b[:j].
func osaTable(a, b []rune) [][]int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d
}

// osa is the optimal string alignment distance of a and b.
func osa(a, b []rune) int {
	return osaTable(a, b)[len(a)][len(b)]
}

// prefixDistance is the smallest osa distance of q to any prefix of w.
func prefixDistance(q, w []rune) int {
	return slices.Min(osaTable(q, w)[len(q)])
}

func TestOSA(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"paris", "paris", 0}, {"pariss", "paris", 1},
		{"sinagpore", "singapore", 1}, {"bangkock", "bangkok", 1}, {"tokio", "tokyo", 1},
		{"ca", "abc", 3}, {"lumpr", "lumpur", 1}, {"zürich", "zurich", 1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, osa([]rune(tt.a), []rune(tt.b)), "%q %q", tt.a, tt.b)
	}
}

// TestFuzzyMatchesBruteForce compares the trie walk with the reference over
// every word of the real destinations, for typos made at random.
func TestFuzzyMatchesBruteForce(t *testing.T) {
	t.Parallel()
	ix := New(FromDestinations(destinations.All()))
	words := make([][]rune, len(ix.tokens))
	for i, w := range ix.tokens {
		words[i] = []rune(w)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	queries := []string{"sinagpore", "bangkock", "pariss", "tokio", "lumpr", "zzzzzzzz", "abcd", "münchen"}
	for len(queries) < 24 {
		w := []rune(ix.tokens[rng.IntN(len(ix.tokens))])
		if len(w) < 4 {
			continue
		}
		queries = append(queries, string(mutate(rng, w)))
	}
	for _, q := range queries {
		qr := []rune(q)
		prefix := make([]int, len(words))
		for tok, w := range words {
			prefix[tok] = prefixDistance(qr, w)
		}
		for d := 1; d <= 2; d++ {
			got := map[int32]int{}
			for _, h := range ix.words.fuzzy(qr, d, nil) {
				_, dup := got[h.token]
				require.False(t, dup, "%q: token %q reported twice", q, ix.tokens[h.token])
				got[h.token] = h.dist
				whole := osa(qr, words[h.token])
				if whole <= d {
					assert.Equal(t, whole, h.whole, "%q vs %q: whole-word distance", q, ix.tokens[h.token])
				} else {
					assert.Equal(t, -1, h.whole, "%q vs %q: whole-word distance", q, ix.tokens[h.token])
				}
			}
			for tok, w := range words {
				pd := prefix[tok]
				dist, found := got[int32(tok)]
				switch {
				case pd > d && found:
					t.Errorf("%q (d=%d) should not find %q", q, d, string(w))
				case pd <= d && !found:
					t.Errorf("%q (d=%d) should find %q", q, d, string(w))
				case found && dist != pd:
					t.Errorf("%q vs %q: distance %d, want %d", q, string(w), dist, pd)
				}
			}
		}
	}
}

// mutate makes one or two random edits to w.
func mutate(rng *rand.Rand, w []rune) []rune {
	w = slices.Clone(w)
	for range 1 + rng.IntN(2) {
		i := rng.IntN(len(w))
		switch rng.IntN(4) {
		case 0:
			w = slices.Delete(w, i, i+1)
		case 1:
			w = slices.Insert(w, i, 'a'+rune(rng.IntN(26)))
		case 2:
			w[i] = 'a' + rune(rng.IntN(26))
		default:
			if i+1 < len(w) {
				w[i], w[i+1] = w[i+1], w[i]
			}
		}
		if len(w) == 0 {
			w = []rune("x")
		}
	}
	return w
}

func TestTrieFind(t *testing.T) {
	t.Parallel()
	tr := newTrie()
	for i, w := range []string{"kuala", "kual", "lumpur", "zürich"} {
		tr.insert([]rune(w), int32(i))
	}
	n, ok := tr.find([]rune("ku"))
	require.True(t, ok)
	got, _ := tr.subtree(n, nil, nil)
	slices.Sort(got)
	assert.Equal(t, []int32{0, 1}, got)
	_, ok = tr.find([]rune("kx"))
	assert.False(t, ok)
	n, ok = tr.find([]rune(strings.ToLower("ZÜR")))
	require.True(t, ok)
	got, _ = tr.subtree(n, nil, nil)
	assert.Equal(t, []int32{3}, got)
}
