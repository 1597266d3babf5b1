package suggest

import (
	"strings"
	"testing"
	"unicode/utf8"

	"lobang/destinations"
)

// FuzzSuggest checks that any query and limit give at most limit results,
// never panic, and only return entries whose name relates to the query: some
// query word starts a word of the name, or comes within the allowed typo
// distance of the start of one. Its seed corpus is in testdata/fuzz.
func FuzzSuggest(f *testing.F) {
	ix := realIndex(f)
	for _, q := range []string{"sinagpore", "kuala l", "zürich", "", "!!", "\xff", "new york"} {
		f.Add(q, 5)
	}
	f.Fuzz(func(t *testing.T, q string, limit int) {
		ms := ix.Suggest(q, limit)
		if len(ms) > max(limit, 0) || len(ms) > maxLimit {
			t.Fatalf("Suggest(%q, %d) gave %d results", q, limit, len(ms))
		}
		words := referenceWords(q)
		for _, m := range ms {
			if !relates(words, strings.Fields(destinations.Fold(m.Name))) {
				t.Fatalf("Suggest(%q) gave %q, unrelated to the query words %q", q, m.Name, words)
			}
			if m.Exact && destinations.Fold(m.Name) != strings.Join(words, " ") {
				t.Fatalf("Suggest(%q) calls %q exact", q, m.Name)
			}
		}
		for i := 1; i < len(ms); i++ {
			if ms[i].Score > ms[i-1].Score {
				t.Fatalf("Suggest(%q): result %d scores above result %d", q, i, i-1)
			}
		}
	})
}

// referenceWords splits q the way the package documents: folded, at most
// eight words of at most 32 runes, from the first 256 bytes.
func referenceWords(q string) []string {
	if len(q) > 256 {
		q = q[:256]
	}
	ws := strings.Fields(destinations.Fold(q))
	if len(ws) > 8 {
		ws = ws[:8]
	}
	for i, w := range ws {
		if utf8.RuneCountInString(w) > 32 {
			ws[i] = string([]rune(w)[:32])
		}
	}
	return ws
}

// relates reports whether some query word starts some name word, or is
// within the allowed typo distance of the start of one.
func relates(query, name []string) bool {
	for _, q := range query {
		qr := []rune(q)
		allowed := 0
		switch n := len(qr); {
		case n >= 8:
			allowed = 2
		case n >= 4:
			allowed = 1
		}
		for _, w := range name {
			if strings.HasPrefix(w, q) || prefixDistance(qr, []rune(w)) <= allowed {
				return true
			}
		}
	}
	return false
}
