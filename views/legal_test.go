package views

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTermsPage(t *testing.T) {
	t.Parallel()
	doc, _ := render(t, TermsPage(Static{Meta: Meta{Title: "Terms of use", Canonical: "https://lobang.test/terms"}}))
	page := doc.Find(`[data-testid="terms"]`)
	assert.Equal(t, "Terms of use", page.Find("h1").Text())
	assert.GreaterOrEqual(t, page.Find("h2").Length(), 6)
	for _, want := range []string{"cancellation", "price", "/privacy"} {
		assert.Contains(t, page.Text()+page.Find(`a[href="/privacy"]`).AttrOr("href", ""), want)
	}
	assert.Equal(t, "https://lobang.test/terms", doc.Find(`link[rel="canonical"]`).AttrOr("href", ""))
}

func TestPrivacyPage(t *testing.T) {
	t.Parallel()
	doc, _ := render(t, PrivacyPage(Static{Meta: Meta{Title: "Privacy notice"}}))
	page := doc.Find(`[data-testid="privacy"]`)
	assert.Equal(t, "Privacy notice", page.Find("h1").Text())
	text := page.Text()
	for _, want := range []string{"Booking details", "never reach our servers", "erase", "last four digits"} {
		assert.Contains(t, text, want)
	}
}
