package views

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSearchFormWorksWithoutJavaScript(t *testing.T) {
	t.Parallel()
	doc, _ := render(t, HomePage(sampleHome()))
	form := doc.Find(`form[data-testid="search-form"]`)
	require.Equal(t, 1, form.Length())
	assert.Equal(t, "get", strings.ToLower(form.AttrOr("method", "")))
	assert.Equal(t, "/search", form.AttrOr("action", ""))
	assert.Equal(t, 1, form.Find(`button[type="submit"]`).Length())

	names := map[string]int{}
	form.Find("input[name], select[name]").Each(func(_ int, s *goquery.Selection) {
		names[s.AttrOr("name", "")]++
	})
	assert.Equal(t, map[string]int{"q": 1, "destination": 1, "checkin": 1, "checkout": 1,
		"rooms": 1, "adults": 1, "children": MaxChildren}, names)

	// Every visible control has a label.
	form.Find("input:not([type=hidden]), select").Each(func(_ int, s *goquery.Selection) {
		id := s.AttrOr("id", "")
		require.NotEmpty(t, id)
		assert.Equal(t, 1, form.Find(`label[for="`+id+`"]`).Length(), "label for %s", id)
	})
}

func TestSearchFormFields(t *testing.T) {
	t.Parallel()
	doc, _ := render(t, HomePage(sampleHome()))
	q := doc.Find(`[data-testid="field-q"]`)
	assert.Equal(t, "text", q.AttrOr("type", ""))
	assert.Equal(t, "off", q.AttrOr("autocomplete", ""))
	assert.Equal(t, "combobox", q.AttrOr("role", ""))
	assert.Equal(t, "list", q.AttrOr("aria-autocomplete", ""))
	assert.Equal(t, "false", q.AttrOr("aria-expanded", ""))
	assert.Equal(t, "destination-suggestions", q.AttrOr("aria-controls", ""))
	assert.Equal(t, "/destinations/suggest", q.AttrOr("hx-get", ""))
	assert.Equal(t, "#destination-suggestions", q.AttrOr("hx-target", ""))
	assert.Equal(t, "Where to?", doc.Find(`label[for="q"]`).Text())
	list := doc.Find("#destination-suggestions")
	assert.Equal(t, "listbox", list.AttrOr("role", ""))
	assert.Empty(t, strings.TrimSpace(list.Text()))

	assert.Equal(t, "hidden", doc.Find(`[data-testid="field-destination"]`).AttrOr("type", ""))
	for _, f := range []struct{ id, value string }{{"checkin", "2026-03-10"}, {"checkout", "2026-03-12"}} {
		in := doc.Find(`[data-testid="field-` + f.id + `"]`)
		assert.Equal(t, "date", in.AttrOr("type", ""), f.id)
		assert.Equal(t, "2026-03-01", in.AttrOr("min", ""), f.id)
		assert.Equal(t, f.value, in.AttrOr("value", ""), f.id)
	}

	rooms := doc.Find(`[data-testid="field-rooms"] option`)
	assert.Equal(t, MaxRooms, rooms.Length())
	assert.Equal(t, "2", doc.Find(`[data-testid="field-rooms"] option[selected]`).AttrOr("value", ""))
	assert.Equal(t, MaxAdults, doc.Find(`[data-testid="field-adults"] option`).Length())
	assert.Equal(t, "3", doc.Find(`[data-testid="field-adults"] option[selected]`).AttrOr("value", ""))

	children := doc.Find(`[data-testid="field-children"]`)
	assert.True(t, children.Is("fieldset"))
	assert.Contains(t, children.Find("legend").Text(), "per room")
	wantSelected := []string{"5", "0", "", ""}
	for i, want := range wantSelected {
		sel := children.Find(`select[name="children"]`).Eq(i)
		opts := sel.Find("option")
		assert.Equal(t, MaxChildAge+2, opts.Length())
		assert.Equal(t, "", opts.First().AttrOr("value", "x"), "first option is empty")
		assert.Equal(t, want, sel.Find("option[selected]").AttrOr("value", "?"), "child %d", i+1)
		label := doc.Find(`label[for="` + sel.AttrOr("id", "") + `"]`).Text()
		assert.Equal(t, "Child "+string(rune('1'+i))+" age", label)
	}
}

func TestSearchFormDefaults(t *testing.T) {
	t.Parallel()
	doc, _ := render(t, HomePage(Home{}))
	assert.Equal(t, "1", doc.Find(`#rooms option[selected]`).AttrOr("value", ""))
	assert.Equal(t, "2", doc.Find(`#adults option[selected]`).AttrOr("value", ""))
	assert.Equal(t, MaxChildren, doc.Find(`select[name="children"] option[value=""][selected]`).Length())
	assert.Zero(t, doc.Find(`[aria-invalid]`).Length())
	assert.Zero(t, doc.Find(`.field__error`).Length())
	assert.Zero(t, doc.Find(`[data-testid="popular-destinations"]`).Length(), "no empty section")
}

func TestSearchFormErrorsBesideFields(t *testing.T) {
	t.Parallel()
	doc, _ := render(t, HomePage(Home{Form: formWithErrors()}))
	cases := []struct{ control, errKey, msg string }{
		{"#q", "q", "Choose a destination from the list."},
		{"#checkout", "checkout", "Check-out must be after check-in."},
		{"#child-1", "children", "Choose an age for each child."},
		{"#child-4", "children", "Choose an age for each child."},
	}
	for _, c := range cases {
		ctl := doc.Find(c.control)
		assert.Equal(t, "true", ctl.AttrOr("aria-invalid", ""), c.control)
		id := ctl.AttrOr("aria-describedby", "")
		msg := doc.Find("#" + id)
		require.Equal(t, 1, msg.Length(), c.control)
		assert.Equal(t, c.msg, strings.TrimSpace(msg.Text()), c.control)
		assert.Equal(t, "error-"+c.errKey, msg.AttrOr("data-testid", ""))
	}
	// The message sits in the same field as its control.
	assert.Equal(t, 1, doc.Find("#checkout").Parent().Find(`[data-testid="error-checkout"]`).Length())
	for _, ok := range []string{"#checkin", "#rooms", "#adults"} {
		assert.False(t, doc.Find(ok).Is("[aria-invalid]"), ok)
	}
	assert.Equal(t, "Singapur", doc.Find("#q").AttrOr("value", ""))
}

func TestPopularDestinations(t *testing.T) {
	t.Parallel()
	doc, _ := render(t, HomePage(sampleHome()))
	items := doc.Find(`[data-testid="popular-destinations"] [data-testid="popular-destination"]`)
	require.Equal(t, 2, items.Length())
	sg := items.Eq(0)
	assert.Equal(t, "/destinations/sg/singapore", sg.AttrOr("href", ""))
	assert.Contains(t, sg.Text(), "Singapore")
	assert.Contains(t, sg.Text(), "412 hotels")
	assert.NotContains(t, items.Eq(1).Text(), "hotel", "no count when zero")
	assert.Contains(t, items.Eq(1).Text(), "Malaysia")
}

func TestTrustPoints(t *testing.T) {
	t.Parallel()
	doc, _ := render(t, HomePage(sampleHome()))
	text := doc.Find(`[data-testid="trust-points"]`).Text()
	for _, want := range []string{"Compare 3 suppliers", "Free cancellation", "hosted checkout"} {
		assert.Contains(t, text, want)
	}
	assert.Equal(t, 1, doc.Find("h1").Length())
}
