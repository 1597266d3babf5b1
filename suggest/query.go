package suggest

import (
	"strings"

	"lobang/destinations"
)

// Bounds on the work one query may cause; longer input is cut, not refused.
const (
	maxQueryBytes = 256 // of raw input, before folding
	maxWords      = 8   // query words beyond this are ignored
	maxWordRunes  = 32  // runes of a query word beyond this are ignored
)

// query is a folded, bounded search text.
type query struct {
	folded  string   // the words joined by single spaces, compared with names for Exact
	words   [][]rune // at most maxWords words of at most maxWordRunes runes
	typoSet bool     // some word is long enough to be matched through a typo
}

// parseQuery folds and splits q; ok is false when no word is left.
func parseQuery(q string) (query, bool) {
	if len(q) > maxQueryBytes {
		// A rune cut in half folds to a space like any invalid byte.
		q = q[:maxQueryBytes]
	}
	fields := strings.Fields(destinations.Fold(q))
	if len(fields) == 0 {
		return query{}, false
	}
	if len(fields) > maxWords {
		fields = fields[:maxWords]
	}
	out := query{words: make([][]rune, len(fields))}
	for i, f := range fields {
		w := []rune(f)
		if len(w) > maxWordRunes {
			w = w[:maxWordRunes]
			fields[i] = string(w)
		}
		out.words[i] = w
		out.typoSet = out.typoSet || maxTypos(len(w)) > 0
	}
	out.folded = strings.Join(fields, " ")
	return out, true
}

// maxTypos is the edit distance allowed for a query word of n runes.
func maxTypos(n int) int {
	switch {
	case n >= 8:
		return 2
	case n >= 4:
		return 1
	default:
		return 0
	}
}
