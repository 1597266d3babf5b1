package catalog

import (
	"strings"

	"lobang/destinations"
)

// stopWords carry no identity in a hotel name: articles, connectives and the
// generic word "hotel" in the languages suppliers use.
var stopWords = map[string]bool{
	"the": true, "a": true, "an": true, "and": true, "by": true, "of": true, "at": true, "in": true,
	"hotel": true, "hotels": true, "hotell": true, "hoteles": true,
	"le": true, "la": true, "les": true, "l": true, "de": true, "du": true, "des": true, "d": true,
	"el": true, "los": true, "las": true, "y": true, "et": true, "und": true, "der": true, "die": true, "das": true,
	"il": true, "di": true, "e": true,
}

// aliases are exonyms and abbreviations suppliers use for the same word.
var aliases = map[string]string{
	"peking": "beijing", "canton": "guangzhou", "saigon": "hochiminh",
	"st": "saint", "ste": "sainte", "intl": "international", "ctr": "centre", "center": "centre",
	"apts": "apartments", "apt": "apartment", "mt": "mount",
}

// name is a hotel name prepared for matching.
type name struct {
	folded   string   // destinations.Fold of the whole name
	brand    *brand   // the product named, or nil
	tokens   []string // identity tokens: no brand, stop words or city name
	keys     []string // transliteration-tolerant keys of tokens
	compact  string   // keys joined without spaces
	allWords []string // every folded token (for the fallback when tokens is empty)
}

// cityTokens returns the folded token sequences naming a destination.
func cityTokens(names ...string) [][]string {
	var out [][]string
	seen := map[string]bool{}
	for _, n := range names {
		f := destinations.Fold(n)
		if f == "" || seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, strings.Fields(f))
	}
	return out
}

// parseName normalises a supplier's hotel name: case and accents folded,
// aliases applied, the brand product recognised, stop words and the city
// name dropped, and each remaining token keyed for transliteration.
func parseName(raw string, city [][]string) name {
	n := name{folded: destinations.Fold(raw)}
	words := strings.Fields(n.folded)
	for i, w := range words {
		if a, ok := aliases[w]; ok {
			words[i] = a
		}
	}
	n.allWords = words
	b, bs, be := findBrand(words)
	n.brand = b
	skip := make([]bool, len(words))
	for i := bs; i < be; i++ {
		skip[i] = true
	}
	for _, c := range city {
		for i := 0; i+len(c) <= len(words); i++ {
			if equalTokens(words[i:i+len(c)], c) {
				for j := i; j < i+len(c); j++ {
					skip[j] = true
				}
			}
		}
	}
	for i, w := range words {
		if skip[i] || stopWords[w] {
			continue
		}
		n.tokens = append(n.tokens, w)
		n.keys = append(n.keys, translitKey(w))
	}
	n.compact = strings.Join(n.keys, "")
	return n
}

// translitSteps rewrite romanisation variants onto one spelling, in order:
// spelled-out umlauts (oe, ue, ae), long vowels (ou, oo, uu), Hepburn onto
// Kunrei-shiki (shi/si, chi/ti, tsu/tu, j/zy, fu/hu), Wade-Giles and Pinyin
// onto a shared form (hs/x, ch/q/zh), and common consonant variants
// (ph/p, kh/k, w/v, g/k, c/ts).
var translitSteps = [][2]string{
	{"oe", "o"}, {"ue", "u"}, {"ae", "a"},
	{"ou", "o"}, {"oo", "o"}, {"uu", "u"}, {"eo", "o"},
	{"ck", "k"}, {"zh", "ch"}, {"q", "ch"}, {"hs", "x"}, {"x", "ks"},
	{"tsu", "tu"}, {"shi", "si"}, {"chi", "ti"}, {"sh", "sy"}, {"ch", "ty"},
	{"ji", "zi"}, {"j", "zy"}, {"fu", "hu"},
	{"ph", "p"}, {"kh", "k"}, {"th", "t"}, {"w", "v"}, {"g", "k"}, {"c", "ts"}, {"ie", "ia"},
}

// translitKey maps a folded token to a key shared by its usual
// romanisations ("kourakuen" and "korakuen", "sinzyuku" and "shinjuku").
func translitKey(w string) string {
	for _, s := range translitSteps {
		if strings.Contains(w, s[0]) {
			w = strings.ReplaceAll(w, s[0], s[1])
		}
	}
	// Squash doubled letters ("kk" in Kyongbokkung).
	var b strings.Builder
	var prev rune
	for i, r := range w {
		if i > 0 && r == prev {
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}
