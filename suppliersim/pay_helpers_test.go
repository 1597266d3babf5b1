package suppliersim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/require"
)

const testSuccessURL = "https://lobang.test/bookings/b1/paid?x=1"

// payCall makes one server-to-server call with the default secret key.
func (e *testEnv) payCall(t *testing.T, method, path, idemKey string, body any) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+DefaultPaySecretKey)
	req.Header.Set("Content-Type", "application/json")
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, b
}

func sessionBody(ref string, amount int64) map[string]any {
	return map[string]any{"amount": amount, "currency": "SGD", "reference": ref, "capture": "manual",
		"success_url": testSuccessURL, "cancel_url": "https://lobang.test/bookings/b1/cancelled"}
}

func (e *testEnv) newSession(t *testing.T, ref string, amount int64) paySessionJSON {
	t.Helper()
	status, _, b := e.payCall(t, http.MethodPost, "/pay/v1/sessions", "", sessionBody(ref, amount))
	require.Equal(t, http.StatusCreated, status, "%s", b)
	return decodeInto[paySessionJSON](t, b)
}

func (e *testEnv) session(t *testing.T, id string) paySessionJSON {
	t.Helper()
	status, _, b := e.payCall(t, http.MethodGet, "/pay/v1/sessions/"+id, "", nil)
	require.Equal(t, http.StatusOK, status, "%s", b)
	return decodeInto[paySessionJSON](t, b)
}

func (e *testEnv) payment(t *testing.T, id string) payPaymentJSON {
	t.Helper()
	status, _, b := e.payCall(t, http.MethodGet, "/pay/v1/payments/"+id, "", nil)
	require.Equal(t, http.StatusOK, status, "%s", b)
	return decodeInto[payPaymentJSON](t, b)
}

// browser is a customer's browser without JavaScript: it does not follow redirects, so that
// tests see each 303.
var browser = &http.Client{Timeout: 30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// pageResp is one page the browser got.
type pageResp struct {
	status   int
	location string
	body     string
	doc      *goquery.Document
}

func (e *testEnv) browse(t *testing.T, method, path string, form url.Values) pageResp {
	t.Helper()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	require.NoError(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := browser.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(b))
	require.NoError(t, err)
	return pageResp{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(b), doc: doc}
}

// checkoutPath is the path of a session's hosted page (its url names the public host).
func checkoutPath(t *testing.T, s paySessionJSON) string {
	t.Helper()
	u, err := url.Parse(s.URL)
	require.NoError(t, err)
	return u.Path
}

// payWithCard opens the checkout page, fills its form as a customer would and submits it.
func (e *testEnv) payWithCard(t *testing.T, s paySessionJSON, number string) pageResp {
	t.Helper()
	page := e.browse(t, http.MethodGet, checkoutPath(t, s), nil)
	require.Equal(t, http.StatusOK, page.status, page.body)
	return e.submitCard(t, page, number)
}

// submitCard fills the card form found on a page and posts it to the form's action.
func (e *testEnv) submitCard(t *testing.T, page pageResp, number string) pageResp {
	t.Helper()
	form := page.doc.Find(`form[data-testid="card-form"]`)
	require.Equal(t, 1, form.Length(), "card form on the page")
	action, _ := form.Attr("action")
	values := url.Values{}
	form.Find("input").Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		values.Set(name, map[string]string{"card_number": number, "expiry": "12/" + time.Now().AddDate(2, 0, 0).Format("06"),
			"cvc": "123", "name": "Tan Ah Kow"}[name])
	})
	require.Len(t, values, 4, "the form asks for number, expiry, CVC and name")
	return e.browse(t, http.MethodPost, action, values)
}

// pressButton submits the form holding a button, as a click on it does.
func (e *testEnv) pressButton(t *testing.T, page pageResp, testid string) pageResp {
	t.Helper()
	btn := page.doc.Find(`button[data-testid="` + testid + `"]`)
	require.Equal(t, 1, btn.Length(), "button %s", testid)
	action, _ := btn.Closest("form").Attr("action")
	name, _ := btn.Attr("name")
	value, _ := btn.Attr("value")
	return e.browse(t, http.MethodPost, action, url.Values{name: {value}})
}

// receiver is a webhook endpoint that checks signatures and records what it got.
type receiver struct {
	srv    *httptest.Server
	secret string

	mu      sync.Mutex
	events  []payEventJSON
	bad     int // deliveries with a wrong signature
	failN   int // answer 500 to this many deliveries first
	arrived chan struct{}
}

func newReceiver(t *testing.T, secret string, failFirst int) *receiver {
	t.Helper()
	rc := &receiver{secret: secret, failN: failFirst, arrived: make(chan struct{}, 100)}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if !validSig(r.Header.Get(PaySignatureHeader), body, rc.secret) {
			rc.bad++
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if rc.failN > 0 {
			rc.failN--
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		var ev payEventJSON
		if json.Unmarshal(body, &ev) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		rc.events = append(rc.events, ev)
		rc.arrived <- struct{}{}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

// validSig checks a Lobang-Signature header independently of the simulator's signing code.
func validSig(header string, body []byte, secret string) bool {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "." + string(body)))
	want := hex.EncodeToString(mac.Sum(nil))
	return ts != "" && hmac.Equal([]byte(sig), []byte(want))
}

// waitEvents waits until the receiver has n events (or fails after a few seconds).
func (rc *receiver) waitEvents(t *testing.T, n int) []payEventJSON {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		rc.mu.Lock()
		got := append([]payEventJSON{}, rc.events...)
		rc.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-rc.arrived:
		case <-deadline:
			t.Fatalf("waited for %d webhook events, got %d", n, len(got))
		}
	}
}

func eventTypes(evs []payEventJSON) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}
