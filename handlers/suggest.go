package handlers

import (
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"lobang/destinations"
	"lobang/suggest"
	"lobang/views"
)

// Bounds of the autocomplete.
const (
	maxSuggestions   = 8
	minSuggestRunes  = 2   // letters of folded text before suggesting anything
	maxSuggestQBytes = 100 // longer input is cut, not refused
)

// newSuggestIndex indexes every destination; it takes about 100 ms.
func newSuggestIndex() *suggest.Index {
	return suggest.New(suggest.FromDestinations(destinations.All()))
}

// AddSuggestions makes more entries (hotels) findable by the autocomplete
// and by the resolution of a typed destination.
func (h *Handler) AddSuggestions(entries ...suggest.Entry) {
	h.suggest().Add(entries...)
}

// DestinationSuggest answers the destination field's active search with the
// listbox of the best matches. It is a public, cached URL: the answer
// depends on q alone, never on htmx headers, and bad input is an empty list.
func (h *Handler) DestinationSuggest(w http.ResponseWriter, r *http.Request) {
	q := truncateValid(r.URL.Query().Get("q"), maxSuggestQBytes)
	var list views.SuggestList
	folded := destinations.Fold(q)
	if utf8.RuneCountInString(strings.ReplaceAll(folded, " ", "")) >= minSuggestRunes {
		words := strings.Fields(folded)
		for _, m := range h.suggest().Suggest(q, maxSuggestions) {
			s := views.Suggestion{
				Value:     m.ID,
				Name:      m.Name,
				NameParts: highlight(m.Name, words),
				Context:   m.Context,
			}
			if m.Kind == suggest.KindHotel {
				s.Value, s.Hotel = m.DestinationUID, true
			}
			list.Items = append(list.Items, s)
		}
	}
	h.render(w, r, http.StatusOK, views.Suggestions(list))
}

// highlight splits name into the parts that start with one of the folded
// query words (emphasised) and the rest. Words matched only through a typo
// are not emphasised: what would be, is not what was typed.
func highlight(name string, words []string) []views.TextPart {
	var parts []views.TextPart
	plain := 0 // start of the pending unemphasised text
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		end := i
		for end < len(name) {
			r, size := utf8.DecodeRuneInString(name[end:])
			if !isWordRune(r) {
				break
			}
			end += size
		}
		if n := matchedPrefix(name[i:end], words); n > 0 {
			if plain < i {
				parts = append(parts, views.TextPart{Text: name[plain:i]})
			}
			parts = append(parts, views.TextPart{Text: name[i : i+n], Match: true})
			plain = i + n
		}
		i = end
	}
	if plain < len(name) {
		parts = append(parts, views.TextPart{Text: name[plain:]})
	}
	return parts
}

// isWordRune reports whether r belongs to a word as destinations.Fold sees
// it (letters, digits and the marks that accent them).
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// matchedPrefix is the length in bytes of the longest start of word whose
// folded form is one of the query words or begins with it, or 0.
func matchedPrefix(word string, words []string) int {
	fw := destinations.Fold(word)
	best := 0
	for _, q := range words {
		if q == "" || !strings.HasPrefix(fw, q) {
			continue
		}
		if isASCII(word) {
			// A word of ASCII letters and digits folds byte for byte.
			best = max(best, len(q))
			continue
		}
		// Grow the original prefix rune by rune until it folds to at least
		// the query word: "zü" folds to "zu", "ß" to "ss".
		for n := 0; n < len(word); {
			_, size := utf8.DecodeRuneInString(word[n:])
			n += size
			if len(destinations.Fold(word[:n])) >= len(q) {
				best = max(best, n)
				break
			}
		}
	}
	return best
}
