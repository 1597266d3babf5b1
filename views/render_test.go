package views

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testAttribution = "Destination data from GeoNames, licensed under CC BY 4.0."

// render renders c and parses the result; it also returns the raw HTML.
func render(t *testing.T, c templ.Component) (*goquery.Document, string) {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, c.Render(context.Background(), &buf))
	html := buf.String()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	require.NoError(t, err)
	return doc, html
}

// allPages is one of every full page and fragment, for checks that apply to all.
func allPages() map[string]templ.Component {
	errView := ErrorView{Meta: Meta{Title: "Page not found", NoIndex: true}, Status: 404,
		Heading: "We can't find that page", Message: "Check the address.", RequestID: "req-1", Attribution: testAttribution}
	return map[string]templ.Component{
		"home":          HomePage(sampleHome()),
		"home-errors":   HomePage(Home{Form: formWithErrors(), Attribution: testAttribution}),
		"error":         ErrorPage(errView),
		"errorFragment": ErrorFragment(errView),
		"terms":         TermsPage(Static{Meta: Meta{Title: "Terms of use"}, Attribution: testAttribution}),
		"privacy":       PrivacyPage(Static{Meta: Meta{Title: "Privacy notice"}, Attribution: testAttribution}),
	}
}

func sampleHome() Home {
	return Home{
		Meta: Meta{Title: "Compare hotel prices", Description: "Hotel prices compared.", Canonical: "https://lobang.test/"},
		Form: SearchForm{MinDate: "2026-03-01", Checkin: "2026-03-10", Checkout: "2026-03-12", Rooms: 2, Adults: 3, Children: []int{5, 0}},
		Popular: []DestinationLink{
			{Name: "Singapore", Country: "Singapore", URL: "/destinations/sg/singapore", Hotels: 412},
			{Name: "Ipoh", Country: "Malaysia", URL: "/destinations/ipoh/ipoh"},
		},
		Attribution: testAttribution,
	}
}

func formWithErrors() SearchForm {
	return SearchForm{Q: "Singapur", MinDate: "2026-03-01", Errors: map[string]string{
		"destination": "Choose a destination from the list.",
		"checkout":    "Check-out must be after check-in.",
		"children":    "Choose an age for each child.",
	}}
}

func TestNoInlineStyleOrScript(t *testing.T) {
	t.Parallel()
	for name, c := range allPages() {
		doc, html := render(t, c)
		assert.Zero(t, doc.Find("[style]").Length(), "%s: style attribute", name)
		assert.Zero(t, doc.Find("style").Length(), "%s: <style>", name)
		assert.NotContains(t, strings.ToLower(html), "style=", name)
		doc.Find("script").Each(func(_ int, s *goquery.Selection) {
			src, ok := s.Attr("src")
			assert.True(t, ok && strings.HasPrefix(src, "/assets/js/"), "%s: script without a local src", name)
			assert.Empty(t, strings.TrimSpace(s.Text()), "%s: inline script", name)
		})
		doc.Find("*").Each(func(_ int, s *goquery.Selection) {
			for _, a := range s.Nodes[0].Attr {
				assert.False(t, strings.HasPrefix(a.Key, "on") || strings.HasPrefix(a.Key, "hx-on"),
					"%s: event handler attribute %s", name, a.Key)
			}
		})
	}
}

func TestLayout(t *testing.T) {
	t.Parallel()
	doc, html := render(t, HomePage(sampleHome()))
	assert.True(t, strings.HasPrefix(strings.ToLower(html), "<!doctype html>"))
	assert.Equal(t, "en", doc.Find("html").AttrOr("lang", ""))
	assert.Equal(t, "Compare hotel prices · Lobang", doc.Find("title").Text())
	assert.Equal(t, "Hotel prices compared.", doc.Find(`meta[name="description"]`).AttrOr("content", ""))
	assert.Equal(t, "https://lobang.test/", doc.Find(`link[rel="canonical"]`).AttrOr("href", ""))
	assert.Zero(t, doc.Find(`meta[name="robots"]`).Length(), "indexable page")
	assert.Contains(t, doc.Find(`meta[name="viewport"]`).AttrOr("content", ""), "width=device-width")
	assert.Regexp(t, `^/assets/css/app\.[0-9a-f]+\.css$`, doc.Find(`link[rel="stylesheet"]`).AttrOr("href", ""))

	// The htmx config comes before htmx, and the extensions after it.
	head := doc.Find("head").Children()
	cfg := head.IndexOfSelection(head.Filter(`meta[name="htmx-config"]`))
	scripts := doc.Find("head script")
	require.Equal(t, 3, scripts.Length())
	assert.Less(t, cfg, head.IndexOfSelection(scripts.First()))
	assert.GreaterOrEqual(t, cfg, 0)
	assert.Contains(t, scripts.Eq(0).AttrOr("src", ""), "/assets/js/htmx-4.0.1.min.")
	assert.Contains(t, scripts.Eq(1).AttrOr("src", ""), "/assets/js/hx-sse-4.0.1.min.")
	assert.Contains(t, scripts.Eq(2).AttrOr("src", ""), "/assets/js/hx-upsert-4.0.1.min.")
	assert.JSONEq(t, `{"defaultTimeout":15000,"includeIndicatorCSS":false}`,
		doc.Find(`meta[name="htmx-config"]`).AttrOr("content", ""))

	skip := doc.Find("body > a").First()
	assert.Equal(t, "#main", skip.AttrOr("href", ""), "the skip link comes first")
	assert.Equal(t, 1, doc.Find("main#main").Length())
	assert.Contains(t, doc.Find("header").Text(), "Lobang")
	footer := doc.Find("footer")
	assert.Equal(t, testAttribution, footer.Find(`[data-testid="attribution"]`).Text())
	assert.Equal(t, 1, footer.Find(`a[href="/terms"]`).Length())
	assert.Equal(t, 1, footer.Find(`a[href="/privacy"]`).Length())
}

func TestMetaNoIndexAndNoCanonical(t *testing.T) {
	t.Parallel()
	doc, _ := render(t, ErrorPage(ErrorView{Meta: Meta{Title: "Server error", NoIndex: true}, Heading: "x"}))
	assert.Equal(t, "noindex", doc.Find(`meta[name="robots"]`).AttrOr("content", ""))
	assert.Zero(t, doc.Find(`link[rel="canonical"]`).Length())
	assert.Zero(t, doc.Find(`meta[name="description"]`).Length())
}

func TestTitle(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "Lobang", Meta{}.fullTitle())
	assert.Equal(t, "Terms of use · Lobang", Meta{Title: "Terms of use"}.fullTitle())
	assert.Equal(t, "Lobang — hotel deals", Meta{Title: "Lobang — hotel deals"}.fullTitle())
}
