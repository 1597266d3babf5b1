package catalog

import (
	"html"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// descriptionPolicy allows the safe subset hotel descriptions keep:
// paragraphs, line breaks, lists and emphasis, without any attribute.
var descriptionPolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "ul", "ol", "li", "strong", "em", "b", "i")
	return p
}()

var (
	blankLines = regexp.MustCompile(`\n\s*\n`)
	blockTag   = regexp.MustCompile(`(?i)<(p|ul|ol)[\s>]`)
	brRuns     = regexp.MustCompile(`(?i)(\s*<br\s*/?>\s*)+$|^(\s*<br\s*/?>\s*)+`)
	tagRe      = regexp.MustCompile(`<[^>]*>`)
	spaceRe    = regexp.MustCompile(`\s+`)
)

// SanitizeDescription turns a supplier's description (plain text or HTML)
// into safe HTML: only p, br, ul/ol/li and strong/em/b/i survive, without
// attributes; scripts, styles and event handlers are dropped. Plain-text
// paragraphs (blank-line separated) become <p> elements.
func SanitizeDescription(raw string) string {
	var out []string
	for _, chunk := range blankLines.Split(strings.TrimSpace(raw), -1) {
		clean := strings.TrimSpace(descriptionPolicy.Sanitize(chunk))
		clean = strings.TrimSpace(brRuns.ReplaceAllString(clean, ""))
		if textOf(clean) == "" {
			continue
		}
		if blockTag.MatchString(clean) {
			// Text before the first block becomes its own paragraph.
			loc := blockTag.FindStringIndex(clean)
			if lead := strings.TrimSpace(brRuns.ReplaceAllString(clean[:loc[0]], "")); textOf(lead) != "" {
				out = append(out, "<p>"+lead+"</p>")
			}
			out = append(out, clean[loc[0]:])
			continue
		}
		out = append(out, "<p>"+clean+"</p>")
	}
	// A second pass makes sure the assembled fragment is balanced and safe.
	return descriptionPolicy.Sanitize(strings.Join(out, "\n"))
}

// textOf is the visible text of sanitised HTML, whitespace collapsed.
func textOf(s string) string {
	return strings.TrimSpace(spaceRe.ReplaceAllString(html.UnescapeString(tagRe.ReplaceAllString(s, " ")), " "))
}
