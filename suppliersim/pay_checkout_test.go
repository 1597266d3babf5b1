package suppliersim

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPayCheckoutPageIsAPlainForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	s := e.newSession(t, "LB-PAGE", 12_345)
	page := e.browse(t, http.MethodGet, checkoutPath(t, s), nil)
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, "SGD 123.45", page.doc.Find(`[data-testid="amount"]`).Text())
	assert.Equal(t, "LB-PAGE", page.doc.Find(`[data-testid="reference"]`).Text())
	for _, id := range []string{"card_number", "expiry", "cvc", "name"} {
		assert.Equal(t, 1, page.doc.Find(`label[for="`+id+`"]`).Length(), "label for %s", id)
	}
	assert.Zero(t, page.doc.Find("script").Length(), "no JavaScript")
	assert.Zero(t, page.doc.Find("style,[style]").Length(), "no inline CSS")
	href, _ := page.doc.Find(`a[data-testid="cancel"]`).Attr("href")
	assert.Equal(t, "https://lobang.test/bookings/b1/cancelled", href)

	css, _ := page.doc.Find(`link[rel="stylesheet"]`).Attr("href")
	status, hdr, body := e.get(t, css, nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, hdr.Get("Content-Type"), "text/css")
	assert.NotEmpty(t, body)
}

func TestPayDeclineThenSuccess(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, DefaultPayWebhookSecret, 0)
	e := newEnv(t, func(c *Config) { c.PayWebhookURL = rc.srv.URL })
	s := e.newSession(t, "LB-DECL", 20_000)

	declined := e.payWithCard(t, s, "4000 0000 0000 0002")
	require.Equal(t, http.StatusPaymentRequired, declined.status, declined.body)
	assert.Contains(t, declined.doc.Find(`[data-testid="payment-error"]`).Text(), "declined")
	_, echoed := declined.doc.Find("#card_number").Attr("value")
	assert.False(t, echoed, "the card number is not rendered back")
	_, echoed = declined.doc.Find("#cvc").Attr("value")
	assert.False(t, echoed, "nor the CVC")
	assert.NotContains(t, declined.body, "4000000000000002")

	got := e.session(t, s.ID)
	assert.Equal(t, "open", got.Status, "a decline leaves the session open")
	require.NotNil(t, got.Payment)
	assert.Equal(t, "failed", got.Payment.Status)
	require.NotNil(t, got.Payment.LastError)
	assert.Equal(t, "card_declined", got.Payment.LastError.Code)

	ok := e.submitCard(t, declined, "4242 4242 4242 4242")
	require.Equal(t, http.StatusSeeOther, ok.status, ok.body)
	assert.True(t, strings.HasPrefix(ok.location, "https://lobang.test/bookings/b1/paid?"))
	got = e.session(t, s.ID)
	assert.Equal(t, "authorized", got.Status)
	assert.Equal(t, "authorized", got.Payment.Status)
	assert.Equal(t, "4242", got.Payment.Card.Last4)
	assert.Nil(t, got.Payment.LastError)

	evs := rc.waitEvents(t, 2)
	assert.ElementsMatch(t, []string{"payment.failed", "payment.authorized"}, eventTypes(evs))
	for _, ev := range evs {
		assert.Equal(t, s.ID, ev.Data.SessionID)
		assert.Equal(t, "LB-DECL", ev.Data.Reference)
		assert.Equal(t, got.Payment.ID, ev.Data.Payment.ID)
	}

	// A second submit (a double click, or back and submit again) only redirects once more.
	twice := e.browse(t, http.MethodPost, checkoutPath(t, s), url.Values{"card_number": {"4242424242424242"},
		"expiry": {"12/40"}, "cvc": {"123"}, "name": {"A"}})
	assert.Equal(t, http.StatusSeeOther, twice.status)
	assert.Equal(t, ok.location, twice.location)
}

func TestPayThreeDSecure(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	s := e.newSession(t, "LB-3DS", 30_000)

	step := e.payWithCard(t, s, "4000 0027 6000 3184")
	require.Equal(t, http.StatusSeeOther, step.status, step.body)
	assert.Equal(t, checkoutPath(t, s)+"/3ds", step.location)
	challenge := e.browse(t, http.MethodGet, step.location, nil)
	require.Equal(t, http.StatusOK, challenge.status)
	assert.Equal(t, "Approve this payment", challenge.doc.Find("h1").Text())
	assert.Equal(t, "3184", challenge.doc.Find(`[data-testid="last4"]`).Text())
	assert.Equal(t, "requires_action", e.session(t, s.ID).Payment.Status)

	// While the challenge is open the form page leads back to it.
	back := e.browse(t, http.MethodGet, checkoutPath(t, s), nil)
	assert.Equal(t, http.StatusSeeOther, back.status)

	failed := e.pressButton(t, challenge, "fail")
	require.Equal(t, http.StatusSeeOther, failed.status)
	assert.Equal(t, checkoutPath(t, s), failed.location)
	form := e.browse(t, http.MethodGet, failed.location, nil)
	require.Equal(t, http.StatusOK, form.status)
	assert.Contains(t, form.doc.Find(`[data-testid="payment-error"]`).Text(), "authenticate")
	assert.Equal(t, "failed", e.session(t, s.ID).Payment.Status)

	step = e.submitCard(t, form, "4000002760003184")
	require.Equal(t, http.StatusSeeOther, step.status)
	challenge = e.browse(t, http.MethodGet, step.location, nil)
	approved := e.pressButton(t, challenge, "approve")
	require.Equal(t, http.StatusSeeOther, approved.status)
	assert.Contains(t, approved.location, "session_id="+s.ID)
	got := e.session(t, s.ID)
	assert.Equal(t, "authorized", got.Status)
	assert.Equal(t, payCard{Brand: "visa", Last4: "3184"}, *got.Payment.Card)
}

func TestPayFormValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	s := e.newSession(t, "LB-FORM", 100)
	cases := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"bad luhn", url.Values{"card_number": {"4242424242424241"}, "expiry": {"12/40"}, "cvc": {"123"}, "name": {"A"}}, "card_number"},
		{"not a test card", url.Values{"card_number": {"4111111111111111"}, "expiry": {"12/40"}, "cvc": {"123"}, "name": {"A"}}, "card_number"},
		{"expired", url.Values{"card_number": {"4242424242424242"}, "expiry": {"01/20"}, "cvc": {"123"}, "name": {"A"}}, "expiry"},
		{"bad expiry", url.Values{"card_number": {"4242424242424242"}, "expiry": {"13/40"}, "cvc": {"123"}, "name": {"A"}}, "expiry"},
		{"short cvc", url.Values{"card_number": {"4242424242424242"}, "expiry": {"12/40"}, "cvc": {"12"}, "name": {"A"}}, "cvc"},
		{"no name", url.Values{"card_number": {"4242424242424242"}, "expiry": {"12/40"}, "cvc": {"123"}, "name": {" "}}, "name"},
	}
	digits := regexp.MustCompile(`\d{12,19}`)
	for _, c := range cases {
		page := e.browse(t, http.MethodPost, checkoutPath(t, s), c.form)
		assert.Equal(t, http.StatusUnprocessableEntity, page.status, c.name)
		assert.Equal(t, 1, page.doc.Find("#"+c.field+"-error").Length(), "%s: message beside %s", c.name, c.field)
		v, _ := page.doc.Find("#" + c.field).Attr("aria-invalid")
		assert.Equal(t, "true", v, c.name)
		assert.NotContains(t, page.body, c.form.Get("card_number"), "%s: number not echoed", c.name)
		assert.Empty(t, digits.FindAllString(page.doc.Find("form").Text(), -1), c.name)
	}
	assert.Nil(t, e.session(t, s.ID).PaymentID, "no payment from invalid forms")
}

func TestPayCheckoutRefusesCrossSitePosts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	s := e.newSession(t, "LB-CSRF", 100)
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+checkoutPath(t, s), strings.NewReader("card_number=4242424242424242"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := browser.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Nil(t, e.session(t, s.ID).PaymentID)
}
