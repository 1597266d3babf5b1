package views

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestErrorPage(t *testing.T) {
	t.Parallel()
	doc, _ := render(t, ErrorPage(ErrorView{
		Meta: Meta{Title: "Too many requests", NoIndex: true}, Status: 429,
		Heading: "Slow down a little", Message: "Try again in a minute.", RequestID: "req-42",
		Attribution: testAttribution,
	}))
	assert.Equal(t, "Slow down a little", doc.Find(`h1[data-testid="error-heading"]`).Text())
	assert.Contains(t, doc.Find(`[data-testid="error-status"]`).Text(), "429")
	assert.Equal(t, "Try again in a minute.", doc.Find(`[data-testid="error-message"]`).Text())
	assert.Contains(t, doc.Find(`[data-testid="request-id"]`).Text(), "req-42")
	assert.Equal(t, 1, doc.Find("main#main").Length(), "in the site layout")
	assert.Equal(t, 1, doc.Find(`footer a[href="/privacy"]`).Length())
	assert.Equal(t, "noindex", doc.Find(`meta[name="robots"]`).AttrOr("content", ""))
}

func TestErrorFragmentIsSmall(t *testing.T) {
	t.Parallel()
	doc, html := render(t, ErrorFragment(ErrorView{Heading: "Suggestions are unavailable", RequestID: "req-7"}))
	lower := strings.ToLower(html)
	for _, tag := range []string{"<html", "<head", "<body", "<main", "<footer", "<!doctype"} {
		assert.NotContains(t, lower, tag)
	}
	frag := doc.Find(`[data-testid="error-fragment"]`)
	assert.Equal(t, "alert", frag.AttrOr("role", ""))
	assert.Equal(t, "Suggestions are unavailable", frag.Find(`[data-testid="error-heading"]`).Text())
	assert.Contains(t, frag.Text(), "req-7")
	assert.Less(t, len(html), 600)
}
