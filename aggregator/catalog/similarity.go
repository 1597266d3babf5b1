package catalog

import (
	"math"
	"slices"
	"strings"
	"unicode"

	"lobang/destinations"
)

// nameMatch is how two parsed names compare.
type nameMatch struct {
	sim           float64 // 0–1
	brandConflict bool    // both name a product and the products differ
	extraA        int     // identity tokens of a with no counterpart in b
	extraB        int     // and the other way round
}

// compareNames scores two parsed names. Identity tokens must find a
// counterpart (equal, equal after transliteration, an abbreviation, or a
// small spelling difference); tokens left over distinguish two hotels.
func compareNames(a, b name) nameMatch {
	var m nameMatch
	if a.brand != nil && b.brand != nil && a.brand.key != b.brand.key {
		m.brandConflict = true
	}
	switch {
	case len(a.tokens) == 0 && len(b.tokens) == 0:
		if a.brand != nil || b.brand != nil {
			if a.brand == b.brand {
				m.sim = 1
			}
			return m
		}
		m.sim = trigramSim(strings.Join(a.allWords, " "), strings.Join(b.allWords, " "))
		return m
	case len(a.tokens) == 0 || len(b.tokens) == 0:
		m.extraA, m.extraB = len(a.tokens), len(b.tokens)
		if a.brand != nil && a.brand == b.brand {
			m.sim = 0.5
		}
		return m
	}
	if a.compact == b.compact {
		m.sim = 1
		return m
	}
	sumA, extraA := align(a.keys, b.keys)
	sumB, extraB := align(b.keys, a.keys)
	m.sim = (sumA + sumB) / float64(len(a.keys)+len(b.keys))
	m.extraA, m.extraB = extraA, extraB
	// Tokens split or joined differently ("Xiang Shan" / "Xiangshan").
	if c := levSim(a.compact, b.compact); c >= 0.85 && c > m.sim {
		m.sim, m.extraA, m.extraB = c, 0, 0
	}
	if a.brand != b.brand && (a.brand == nil) != (b.brand == nil) {
		m.sim *= 0.8
	}
	return m
}

// align sums, for each key of xs, its best similarity among ys and counts
// the keys with no counterpart.
func align(xs, ys []string) (sum float64, extra int) {
	for _, x := range xs {
		best := 0.0
		for _, y := range ys {
			best = max(best, tokenSim(x, y))
		}
		if best < 0.75 {
			extra++
		}
		sum += best
	}
	return sum, extra
}

// tokenSim compares two transliteration keys.
func tokenSim(x, y string) float64 {
	if x == y {
		return 1
	}
	// "S." for "São": a one-letter abbreviation of the other token.
	if (len(x) == 1 && strings.HasPrefix(y, x)) || (len(y) == 1 && strings.HasPrefix(x, y)) {
		return 0.9
	}
	if min(len(x), len(y)) < 4 {
		return 0
	}
	s := levSim(x, y)
	if s < 0.6 {
		return 0
	}
	return s
}

// levSim is 1 minus the edit distance over the longer length.
func levSim(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	n := max(len(ra), len(rb))
	if n == 0 {
		return 1
	}
	return 1 - float64(levenshtein(ra, rb))/float64(n)
}

func levenshtein(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// trigramSim is the Dice coefficient of the character trigrams of two
// strings (padded, so short words still have trigrams).
func trigramSim(a, b string) float64 {
	ta, tb := trigrams(a), trigrams(b)
	if len(ta) == 0 && len(tb) == 0 {
		return 1
	}
	common := 0
	for g := range ta {
		if tb[g] {
			common++
		}
	}
	return 2 * float64(common) / float64(len(ta)+len(tb))
}

func trigrams(s string) map[string]bool {
	r := []rune("  " + s + " ")
	out := map[string]bool{}
	for i := 0; i+3 <= len(r); i++ {
		out[string(r[i:i+3])] = true
	}
	return out
}

// addressWords spell street-type abbreviations out.
var addressWords = map[string]string{
	"st": "street", "str": "strasse", "rd": "road", "ave": "avenue", "av": "avenue", "blvd": "boulevard",
	"ln": "lane", "sq": "square", "dr": "drive", "pl": "place", "hwy": "highway", "jln": "jalan",
}

// address is a street address prepared for comparison.
type address struct {
	words   map[string]bool
	numbers []string // in order: "2-15-4" is 2, 15, 4
	compact string
}

func parseAddress(raw string) address {
	a := address{words: map[string]bool{}}
	var b strings.Builder
	for _, w := range strings.Fields(destinations.Fold(raw)) {
		if full, ok := addressWords[w]; ok {
			w = full
		}
		b.WriteString(w)
		if strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			a.numbers = append(a.numbers, strings.TrimLeft(w, "0"))
		} else {
			a.words[w] = true
		}
	}
	a.compact = b.String()
	return a
}

func (a address) empty() bool { return a.compact == "" }

// compareAddresses is 1 for the same address, 0 for clearly different ones
// (different numbers: one list of house, block or unit numbers must start
// the other) and the word overlap in between.
func compareAddresses(a, b address) float64 {
	if a.compact == b.compact {
		return 1
	}
	if len(a.numbers) > 0 && len(b.numbers) > 0 {
		n := min(len(a.numbers), len(b.numbers))
		if !slices.Equal(a.numbers[:n], b.numbers[:n]) {
			return 0
		}
	}
	if len(a.words) == 0 || len(b.words) == 0 {
		return 0.5
	}
	common := 0
	for w := range a.words {
		if b.words[w] {
			common++
		}
	}
	return 2 * float64(common) / float64(len(a.words)+len(b.words))
}

// distanceM is the great-circle (haversine) distance in metres.
func distanceM(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6_371_000
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lng2-lng1)*math.Pi/180
	h := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Sqrt(min(1, h)))
}
