package destinations

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// undecomposed spells the lower-case letters that Unicode does not decompose
// into a base letter plus a mark, so removing marks alone would keep them.
var undecomposed = map[rune]string{
	'ı': "i", 'ł': "l", 'ø': "o", 'ß': "ss", 'đ': "d", 'ð': "d", 'œ': "oe",
	'æ': "ae", 'ə': "e", 'þ': "th", 'ħ': "h", 'ŋ': "ng",
}

// Fold prepares s for accent- and case-insensitive matching: lower case,
// accents removed (Zürich -> zurich, São Paulo -> sao paulo), every run of
// punctuation, symbols and spaces turned into one space, no leading or
// trailing space. Letters of other scripts are kept, lower-cased.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	// NFKD splits accented letters into base letter and combining marks and
	// also unfolds compatibility forms (ligatures, full-width letters).
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) && !unicode.Is(unicode.Lm, r), unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			r = unicode.ToLower(r)
			if rep, ok := undecomposed[r]; ok {
				b.WriteString(rep)
			} else {
				b.WriteRune(r)
			}
		default:
			// Punctuation, symbols, spaces and modifier letters such as the
			// apostrophe-like ʼ of transliterations.
			space = true
		}
	}
	return b.String()
}

// Slug is the URL slug of the destination: its folded name in lower-case ASCII
// letters and digits joined by hyphens ("zurich", "kuala-lumpur"). A name with
// no ASCII letters at all gives "destination", so a slug is never empty.
func (d Destination) Slug() string {
	if s := slugify(d.Name); s != "" {
		return s
	}
	if s := slugify(d.ASCIIName); s != "" {
		return s
	}
	return "destination"
}

func slugify(name string) string {
	folded := Fold(name)
	var b strings.Builder
	b.Grow(len(folded))
	hyphen := false
	for i := 0; i < len(folded); i++ {
		c := folded[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteByte(c)
			continue
		}
		hyphen = true
	}
	return b.String()
}
