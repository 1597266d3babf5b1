package handlers

import (
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/internal/browsertest"
)

// TestDestinationComboboxInBrowser types a misspelt destination, picks the
// first suggestion with the keyboard and checks the combobox state: the
// hidden destination holds Singapore's uid, the list is closed, the form
// was not submitted, and typing again clears the stale uid.
func TestDestinationComboboxInBrowser(t *testing.T) {
	srv := httptest.NewServer(newSearchHandler(t, nil).Routes())
	t.Cleanup(srv.Close)
	b := browsertest.New(t, true)

	q := chromedp.CSS(`#q`)
	firstOption := chromedp.CSS(`#destination-suggestions [role="option"]`)
	b.Do(t,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(q),
		chromedp.SendKeys(q, "Sinagpore"),
		chromedp.WaitVisible(firstOption),
	)
	assert.Equal(t, "true", attr(t, b, `#q`, "aria-expanded"), "the list is open")
	assert.Equal(t, "Singapore", browsertest.Get(t, b, chromedp.Evaluate[string](
		`document.querySelector('#destination-suggestions [role="option"]').dataset.name`)))

	b.Do(t, chromedp.SendKeys(q, kb.ArrowDown))
	active := attr(t, b, `#q`, "aria-activedescendant")
	require.NotEmpty(t, active, "ArrowDown makes an option active")
	assert.Equal(t, "true", attr(t, b, "#"+active, "aria-selected"))

	pressEnter(t, b)
	assert.Equal(t, "i8gS", value(t, b, "destination"), "the hidden field holds the uid")
	assert.Equal(t, "Singapore", value(t, b, "q"))
	assert.Equal(t, "false", attr(t, b, `#q`, "aria-expanded"), "picking closes the list")
	assert.True(t, browsertest.Get(t, b, chromedp.Evaluate[bool](`document.getElementById('destination-suggestions').hidden`)))
	loc, err := url.Parse(browsertest.Get(t, b, chromedp.Location()))
	require.NoError(t, err)
	assert.Equal(t, "/", loc.Path, "Enter on an option picks, it does not submit")

	// Typing again makes the picked uid stale: it is cleared.
	b.Do(t, chromedp.SendKeys(q, " x"))
	assert.Empty(t, value(t, b, "destination"))

	// Escape closes a list that is open again.
	clearQ(t, b)
	b.Do(t, chromedp.SendKeys(q, "zurich"))
	waitFor(t, b, `listOpen() && options()[0].dataset.name === "Zürich"`)
	b.Do(t, chromedp.SendKeys(q, kb.Escape))
	waitFor(t, b, `!listOpen()`)
	assert.Equal(t, "false", attr(t, b, `#q`, "aria-expanded"))

	// Leaving the field closes the list.
	b.Do(t, chromedp.SendKeys(q, "h"))
	waitFor(t, b, `listOpen()`)
	b.Do(t, chromedp.Focus(chromedp.CSS(`#checkin`)))
	waitFor(t, b, `!listOpen()`)
	assert.Equal(t, "false", attr(t, b, `#q`, "aria-expanded"))

	// A mouse click picks too.
	clearQ(t, b)
	b.Do(t, chromedp.SendKeys(q, "kuala lumpr"))
	waitFor(t, b, `listOpen() && options()[0].dataset.name === "Kuala Lumpur"`)
	b.Do(t, chromedp.Click(chromedp.CSS(`#destination-suggestions [role="option"]`)))
	assert.Equal(t, "Kuala Lumpur", value(t, b, "q"))
	assert.NotEmpty(t, value(t, b, "destination"))
	assert.Equal(t, "false", attr(t, b, `#q`, "aria-expanded"))
	assert.Empty(t, b.Problems(), "no console errors or CSP violations")
}

// TestSearchWithoutJavaScript submits the home form with a typed
// destination and no JavaScript: the server resolves the text and lands on
// the search with Singapore's uid.
func TestSearchWithoutJavaScript(t *testing.T) {
	srv := httptest.NewServer(newSearchHandler(t, nil).Routes())
	t.Cleanup(srv.Close)
	b := browsertest.New(t, false)
	in := time.Now().UTC().AddDate(0, 0, 20)
	b.Do(t,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`form[data-testid="search-form"]`)),
		chromedp.SendKeys(chromedp.CSS(`#q`), "Singapore"),
		chromedp.SetValue(chromedp.CSS(`#checkin`), in.Format(time.DateOnly)),
		chromedp.SetValue(chromedp.CSS(`#checkout`), in.AddDate(0, 0, 3).Format(time.DateOnly)),
		chromedp.SetValue(chromedp.CSS(`#child-1`), "7"),
	)
	_, err := chromedp.RunResponse(b.Ctx, chromedp.Click(chromedp.CSS(`[data-testid="search-submit"]`)))
	require.NoError(t, err)
	b.Do(t, chromedp.WaitVisible(chromedp.CSS(`[data-testid="results"]`)))
	loc, err := url.Parse(browsertest.Get(t, b, chromedp.Location()))
	require.NoError(t, err)
	assert.Equal(t, "/search", loc.Path)
	assert.Equal(t, "i8gS", loc.Query().Get("destination"))
	assert.Equal(t, "7", loc.Query().Get("children"))
	assert.Contains(t, browsertest.Get(t, b, chromedp.Title()), "Hotels in Singapore")
}

// pressEnter presses Enter in the focused element as a keyboard does: one
// keyDown that carries the text "\r" (its default action, implicit form
// submission, is what preventDefault on keydown cancels), then keyUp.
// chromedp's SendKeys sends a separate char event instead, which submits a
// form whatever the keydown handler did.
func pressEnter(t *testing.T, b *browsertest.Browser) {
	t.Helper()
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeKeyUp} {
		p := input.DispatchKeyEventParams{Type: typ, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}
		if typ == input.DispatchKeyEventTypeKeyDown {
			p.Text, p.UnmodifiedText = "\r", "\r"
		}
		if _, err := chromedp.Call(b.Ctx, input.DispatchKeyEvent, p); err != nil {
			t.Fatalf("press enter: %v", err)
		}
	}
}

// waitFor polls a JavaScript condition until it holds, for at most 10 s.
// listOpen() and options() describe the destination listbox.
func waitFor(t *testing.T, b *browsertest.Browser, cond string) {
	t.Helper()
	expr := `(() => {
		const list = () => document.getElementById("destination-suggestions");
		const options = () => Array.from(list().querySelectorAll('[role="option"]'));
		const listOpen = () => !list().hidden && options().length > 0 && list().offsetParent !== null;
		return ` + cond + `;
	})()`
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("waiting for %s: %v\nproblems: %v", cond, err, b.Problems())
	}
}

// clearQ empties the destination field, as selecting its text and typing
// over it would.
func clearQ(t *testing.T, b *browsertest.Browser) {
	t.Helper()
	browsertest.Get(t, b, chromedp.Evaluate[string](`document.getElementById("q").value = ""`))
}

// value reads the value of the input with the given id.
func value(t *testing.T, b *browsertest.Browser, id string) string {
	t.Helper()
	return browsertest.Get(t, b, chromedp.Evaluate[string](`document.getElementById("`+id+`").value`))
}

// attr reads an attribute of the first element matching sel.
func attr(t *testing.T, b *browsertest.Browser, sel, name string) string {
	t.Helper()
	return browsertest.Get(t, b, chromedp.Evaluate[string](
		`document.querySelector(`+strconv.Quote(sel)+`).getAttribute(`+strconv.Quote(name)+`) || ""`))
}
