package handlers

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/accounts"
	"lobang/db"
	"lobang/db/dbtest"
	"lobang/internal/sessionstore"
)

// testClock is a clock tests move by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// accountWorld is the router with customer accounts over real HTTP, MySQL
// and Redis; the accounts' clock is the test's.
type accountWorld struct {
	app   *httptest.Server
	pool  *sql.DB
	rdb   *redis.Client
	clock *testClock
	h     *Handler
}

// accountWorldOn builds the accounts app over pool (migrated) with its own
// Redis prefix; tls serves it over https with an https base URL.
func accountWorldOn(t *testing.T, pool *sql.DB, tls bool) *accountWorld {
	t.Helper()
	rdb, prefix := dbtest.Redis(t)
	w := &accountWorld{pool: pool, rdb: rdb, clock: &testClock{now: time.Now().UTC()}}
	var handler http.Handler
	serve := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { handler.ServeHTTP(rw, r) })
	if tls {
		w.app = httptest.NewTLSServer(serve)
	} else {
		w.app = httptest.NewServer(serve)
	}
	t.Cleanup(w.app.Close)
	base, err := url.Parse(w.app.URL)
	require.NoError(t, err)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := sessionstore.New(rdb, sessionstore.Options{Name: "lobang_session", Secure: tls, KeyPrefix: prefix})
	require.NoError(t, err)
	svc, err := accounts.New(accounts.Config{DB: pool, Redis: rdb, RedisPrefix: prefix, BaseURL: base, Log: log,
		Now: w.clock.Now})
	require.NoError(t, err)
	w.h = New(Deps{DB: pool, Redis: rdb, Log: log, Sessions: store, Accounts: svc, Config: Config{
		BaseURL: base, RedisPrefix: prefix, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
	}})
	handler = w.h.Routes()
	return w
}

func newAccountWorld(t *testing.T) *accountWorld {
	t.Helper()
	return accountWorldOn(t, dbtest.MySQL(t), false)
}

// visitor is a browser with its own cookies that follows no redirect and
// may present a client address through the trusted proxy header.
type visitor struct {
	c  *http.Client
	w  *accountWorld
	ip string
}

func (w *accountWorld) visitor(t *testing.T) *visitor {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &visitor{w: w, c: &http.Client{Transport: w.app.Client().Transport, Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (v *visitor) do(t *testing.T, method, path string, form url.Values) answer {
	t.Helper()
	target := path
	if !strings.HasPrefix(path, "http") {
		target = v.w.app.URL + path
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	require.NoError(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if v.ip != "" {
		req.Header.Set("X-Forwarded-For", v.ip)
	}
	resp, err := v.c.Do(req)
	require.NoError(t, err)
	return readAnswer(t, resp)
}

func readAnswer(t *testing.T, resp *http.Response) answer {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(b))
	require.NoError(t, err)
	return answer{status: resp.StatusCode, header: resp.Header, location: resp.Header.Get("Location"), body: string(b), doc: doc}
}

func (v *visitor) get(t *testing.T, path string) answer { return v.do(t, http.MethodGet, path, nil) }

func (v *visitor) post(t *testing.T, path string, form url.Values) answer {
	return v.do(t, http.MethodPost, path, form)
}

// cookie is the visitor's session cookie value ("" when none).
func (v *visitor) cookie(t *testing.T) string {
	t.Helper()
	u, err := url.Parse(v.w.app.URL)
	require.NoError(t, err)
	for _, c := range v.c.Jar.Cookies(u) {
		if strings.HasSuffix(c.Name, "lobang_session") {
			return c.Value
		}
	}
	return ""
}

// withCookie is a fresh visitor holding a copy of a session cookie.
func (w *accountWorld) withCookie(t *testing.T, value string) *visitor {
	t.Helper()
	v := w.visitor(t)
	u, err := url.Parse(w.app.URL)
	require.NoError(t, err)
	v.c.Jar.SetCookies(u, []*http.Cookie{{Name: w.h.sessions.CookieName(), Value: value, Path: "/"}})
	return v
}

// outbox lists the account emails (those of no booking), oldest first.
func (w *accountWorld) outbox(t *testing.T) []db.OutboxMessage {
	t.Helper()
	msgs, err := db.OutboxOf(context.Background(), w.pool, "")
	require.NoError(t, err)
	return msgs
}

var linkPattern = regexp.MustCompile(`https?://\S+`)

// lastLink is the link in the newest account email of kind (prefix) to.
func (w *accountWorld) lastLink(t *testing.T, kind, to string) string {
	t.Helper()
	var link string
	for _, m := range w.outbox(t) {
		if strings.HasPrefix(m.Kind, kind+":") && m.To == to {
			link = linkPattern.FindString(m.Body)
		}
	}
	require.NotEmpty(t, link, "an email %s to %s with a link", kind, to)
	require.True(t, strings.HasPrefix(link, w.app.URL+"/account/"), "the link is absolute, on the site: %s", link)
	return link
}

const goodPassword = "correct horse battery"

// signUp creates and verifies an account through the pages.
func (w *accountWorld) signUp(t *testing.T, email, password string) {
	t.Helper()
	v := w.visitor(t)
	p := v.post(t, "/account/signup", url.Values{"email": {email}, "password": {password}})
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	w.verify(t, v, email)
}

// verify follows the newest verification link sent to email.
func (w *accountWorld) verify(t *testing.T, v *visitor, email string) answer {
	t.Helper()
	page := v.get(t, w.lastLink(t, "account_verify", email))
	require.Equal(t, http.StatusOK, page.status, page.body)
	f := page.doc.Find(`form[data-testid="verify-form"]`)
	require.Equal(t, 1, f.Length())
	return v.post(t, f.AttrOr("action", ""), url.Values{"token": {f.Find(`input[name="token"]`).AttrOr("value", "")}})
}

// logIn logs a visitor in and checks it worked.
func (v *visitor) logIn(t *testing.T, email, password string) {
	t.Helper()
	p := v.post(t, "/account/login", url.Values{"email": {email}, "password": {password}})
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	require.Equal(t, "/account", p.location)
}

// loggedIn reports whether the visitor's /account shows their account.
func (v *visitor) loggedIn(t *testing.T) bool {
	t.Helper()
	p := v.get(t, "/account")
	if p.status == http.StatusSeeOther {
		assert.Equal(t, "/account/login", p.location)
		return false
	}
	require.Equal(t, http.StatusOK, p.status, p.body)
	return true
}

func TestAccountSignUpVerifyAndLogIn(t *testing.T) {
	w := newAccountWorld(t)
	v := w.visitor(t)
	const email = "mei.tan@example.com"

	p := v.get(t, "/account/signup")
	require.Equal(t, http.StatusOK, p.status)
	assert.Equal(t, "private, no-store", p.header.Get("Cache-Control"))
	assert.Empty(t, p.header.Values("Set-Cookie"), "looking at a form starts no session")

	for _, c := range []struct{ email, password, field string }{
		{"mei.tan@example", goodPassword, "email"},
		{email, "short", "password"},
		{email, "MEI.TAN@example.com", "password"},
	} {
		p = v.post(t, "/account/signup", url.Values{"email": {c.email}, "password": {c.password}})
		assert.Equal(t, http.StatusUnprocessableEntity, p.status, c)
		assert.NotEmpty(t, strings.TrimSpace(p.doc.Find(`[data-testid="error-`+c.field+`"]`).Text()), c)
		assert.Equal(t, c.email, p.doc.Find(`input[name="email"]`).AttrOr("value", ""), "what was typed stays")
	}
	assert.Empty(t, w.outbox(t), "nothing sent for invalid forms")

	p = v.post(t, "/account/signup", url.Values{"email": {" Mei.Tan@Example.com "}, "password": {goodPassword}})
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	assert.Equal(t, "/account/signup?sent=1", p.location)
	assert.Empty(t, p.header.Values("Set-Cookie"))
	sent := v.get(t, p.location)
	assert.Contains(t, sent.doc.Find(`[data-testid="account-notice"]`).Text(), "sent a link")

	// Logging in before verifying works, but bookings wait for the email.
	v.logIn(t, email, goodPassword)
	acct := v.get(t, "/account")
	require.Equal(t, http.StatusOK, acct.status)
	assert.Equal(t, email, strings.TrimSpace(acct.doc.Find(`[data-testid="account-email"]`).Text()))
	assert.Equal(t, 1, acct.doc.Find(`[data-testid="unverified"]`).Length())

	p = w.verify(t, v, email)
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	assert.Equal(t, "/account?notice=verified", p.location)
	acct = v.get(t, p.location)
	assert.Zero(t, acct.doc.Find(`[data-testid="unverified"]`).Length(), "verified")
	var verified sql.NullTime
	require.NoError(t, w.pool.QueryRow("SELECT verified_at FROM accounts WHERE email = ?", email).Scan(&verified))
	assert.True(t, verified.Valid)

	// The link works once.
	link := w.lastLink(t, "account_verify", email)
	token := strings.TrimPrefix(link, w.app.URL+"/account/verify?token=")
	again := v.post(t, "/account/verify", url.Values{"token": {token}})
	assert.Equal(t, http.StatusGone, again.status)

	// Signing up again with the same email answers the same, and the
	// owner is told by email; no second account.
	other := w.visitor(t)
	p = other.post(t, "/account/signup", url.Values{"email": {email}, "password": {"another long password"}})
	assert.Equal(t, http.StatusSeeOther, p.status)
	assert.Equal(t, "/account/signup?sent=1", p.location)
	w.lastLink(t, "account_exists", email)
	var n int
	require.NoError(t, w.pool.QueryRow("SELECT COUNT(*) FROM accounts").Scan(&n))
	assert.Equal(t, 1, n)

	// Wrong and right passwords.
	other = w.visitor(t)
	p = other.post(t, "/account/login", url.Values{"email": {email}, "password": {"another long password"}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.status)
	assert.Contains(t, p.doc.Find(`[data-testid="account-error"]`).Text(), "Wrong email or password")
	assert.Empty(t, p.header.Values("Set-Cookie"))
	p = other.post(t, "/account/login", url.Values{"email": {"nobody@example.com"}, "password": {goodPassword}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.status, "an unknown email gets the same answer")
	assert.Contains(t, p.doc.Find(`[data-testid="account-error"]`).Text(), "Wrong email or password")
	p = other.post(t, "/account/login", url.Values{"email": {""}, "password": {""}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.status)
	assert.NotEmpty(t, p.doc.Find(`[data-testid="error-email"]`).Text())
	other.logIn(t, "MEI.TAN@example.com", goodPassword)
	assert.True(t, other.loggedIn(t))
}

func TestAccountLoginRenewsSessionAndLogoutRevokes(t *testing.T) {
	w := newAccountWorld(t)
	const email = "arjun@example.com"
	w.signUp(t, email, goodPassword)
	v := w.visitor(t)
	assert.False(t, v.loggedIn(t))
	assert.Empty(t, v.cookie(t), "no session for a logged-out visit")

	v.logIn(t, email, goodPassword)
	first := v.cookie(t)
	require.NotEmpty(t, first)
	v.logIn(t, email, goodPassword)
	second := v.cookie(t)
	require.NotEmpty(t, second)
	assert.NotEqual(t, first, second, "a login gives the session a new id")
	assert.False(t, w.withCookie(t, first).loggedIn(t), "the id before login stops working at once")
	assert.True(t, w.withCookie(t, second).loggedIn(t))

	p := v.post(t, "/account/logout", nil)
	require.Equal(t, http.StatusSeeOther, p.status)
	assert.Equal(t, "/account/login?notice=logged-out", p.location)
	assert.False(t, v.loggedIn(t))
	assert.False(t, w.withCookie(t, second).loggedIn(t), "a copied cookie is worthless after logout")
}

func TestAccountLoginThrottling(t *testing.T) {
	t.Run("per account", func(t *testing.T) {
		w := newAccountWorld(t)
		const email = "lina@example.com"
		w.signUp(t, email, goodPassword)
		for i := range accounts.FailuresPerAccount {
			v := w.visitor(t)
			v.ip = "203.0.113." + string(rune('1'+i)) // a different address each time
			p := v.post(t, "/account/login", url.Values{"email": {email}, "password": {"wrong password " + v.ip}})
			require.Equal(t, http.StatusUnprocessableEntity, p.status)
		}
		v := w.visitor(t)
		v.ip = "198.51.100.7"
		p := v.post(t, "/account/login", url.Values{"email": {email}, "password": {goodPassword}})
		assert.Equal(t, http.StatusTooManyRequests, p.status, "even the right password waits")
		assert.Contains(t, p.doc.Find(`[data-testid="account-error"]`).Text(), "Too many failed attempts")
		assert.Empty(t, p.header.Values("Set-Cookie"))
		// Another account is not held up.
		w.signUp(t, "omar@example.com", goodPassword)
		v.logIn(t, "omar@example.com", goodPassword)
	})
	t.Run("per address", func(t *testing.T) {
		w := newAccountWorld(t)
		w.signUp(t, "ravi@example.com", goodPassword)
		v := w.visitor(t)
		v.ip = "192.0.2.9"
		for i := range accounts.FailuresPerIP {
			p := v.post(t, "/account/login", url.Values{"email": {"guess" + string(rune('a'+i)) + "@example.com"},
				"password": {goodPassword}})
			require.Equal(t, http.StatusUnprocessableEntity, p.status)
		}
		p := v.post(t, "/account/login", url.Values{"email": {"ravi@example.com"}, "password": {goodPassword}})
		assert.Equal(t, http.StatusTooManyRequests, p.status)
		elsewhere := w.visitor(t)
		elsewhere.ip = "192.0.2.10"
		elsewhere.logIn(t, "ravi@example.com", goodPassword)
	})
}

func TestAccountPasswordReset(t *testing.T) {
	w := newAccountWorld(t)
	const email = "nadia@example.com"
	w.signUp(t, email, goodPassword)
	phone := w.visitor(t)
	phone.logIn(t, email, goodPassword)
	v := w.visitor(t)

	// The same answer with or without an account; an email only for one.
	before := len(w.outbox(t))
	p := v.post(t, "/account/reset", url.Values{"email": {"nobody@example.com"}})
	require.Equal(t, http.StatusSeeOther, p.status)
	assert.Equal(t, "/account/reset?sent=1", p.location)
	assert.Len(t, w.outbox(t), before, "no email for an unknown address")
	p = v.post(t, "/account/reset", url.Values{"email": {email}})
	require.Equal(t, http.StatusSeeOther, p.status)
	assert.Equal(t, "/account/reset?sent=1", p.location)
	link := w.lastLink(t, "password_reset", email)
	require.Regexp(t, `/account/reset/[0-9a-f]{64}$`, link)

	page := v.get(t, link)
	require.Equal(t, http.StatusOK, page.status)
	action := page.doc.Find(`form[data-testid="new-password-form"]`).AttrOr("action", "")
	p = v.post(t, action, url.Values{"password": {"short"}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.status)
	assert.NotEmpty(t, p.doc.Find(`[data-testid="error-password"]`).Text())

	const newPassword = "a brand new passphrase"
	p = v.post(t, action, url.Values{"password": {newPassword}})
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	assert.Equal(t, "/account?notice=password-reset", p.location)
	assert.True(t, v.loggedIn(t), "the reset logs this browser in")
	assert.False(t, phone.loggedIn(t), "every other session ended")

	assert.Equal(t, http.StatusGone, v.get(t, link).status, "the link works once")
	assert.Equal(t, http.StatusGone, v.post(t, action, url.Values{"password": {"yet another passphrase"}}).status)

	old := w.visitor(t)
	p = old.post(t, "/account/login", url.Values{"email": {email}, "password": {goodPassword}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.status, "the old password is gone")
	old.logIn(t, email, newPassword)

	// A link expires after an hour.
	require.Equal(t, http.StatusSeeOther, v.post(t, "/account/reset", url.Values{"email": {email}}).status)
	late := w.lastLink(t, "password_reset", email)
	require.NotEqual(t, link, late)
	w.clock.Advance(61 * time.Minute)
	assert.Equal(t, http.StatusGone, v.get(t, late).status)
	assert.Equal(t, http.StatusGone, v.post(t, strings.TrimPrefix(late, w.app.URL), url.Values{"password": {"too late passphrase"}}).status)
}

func TestAccountChangePassword(t *testing.T) {
	w := newAccountWorld(t)
	const email = "hana@example.com"
	w.signUp(t, email, goodPassword)
	laptop, phone := w.visitor(t), w.visitor(t)
	laptop.logIn(t, email, goodPassword)
	phone.logIn(t, email, goodPassword)

	p := laptop.get(t, "/account/password")
	require.Equal(t, http.StatusOK, p.status)
	p = laptop.post(t, "/account/password", url.Values{"current": {"not my password"}, "password": {"a fresh passphrase"}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.status)
	assert.NotEmpty(t, p.doc.Find(`[data-testid="error-current"]`).Text())
	p = laptop.post(t, "/account/password", url.Values{"current": {goodPassword}, "password": {email}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.status)
	assert.NotEmpty(t, p.doc.Find(`[data-testid="error-password"]`).Text())

	before := laptop.cookie(t)
	p = laptop.post(t, "/account/password", url.Values{"current": {goodPassword}, "password": {"a fresh passphrase"}})
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	assert.Equal(t, "/account?notice=password-changed", p.location)
	assert.True(t, laptop.loggedIn(t))
	assert.NotEqual(t, before, laptop.cookie(t), "the session got a new id")
	assert.False(t, phone.loggedIn(t), "the other device was logged out")
	w.visitor(t).logIn(t, email, "a fresh passphrase")

	// Not logged in: to the login page.
	p = w.visitor(t).post(t, "/account/password", url.Values{"current": {goodPassword}, "password": {"whatever passphrase"}})
	assert.Equal(t, http.StatusSeeOther, p.status)
	assert.Equal(t, "/account/login", p.location)
}

func TestAccountSavedDetails(t *testing.T) {
	w := newAccountWorld(t)
	const email = "wei@example.com"
	w.signUp(t, email, goodPassword)
	v := w.visitor(t)
	v.logIn(t, email, goodPassword)
	p := v.post(t, "/account/details", url.Values{"title": {"Sir"}, "first_name": {"Wei"}, "phone": {"call me"}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.status)
	assert.NotEmpty(t, p.doc.Find(`[data-testid="error-title"]`).Text())
	assert.NotEmpty(t, p.doc.Find(`[data-testid="error-phone"]`).Text())
	assert.Equal(t, "Wei", p.doc.Find(`input[name="first_name"]`).AttrOr("value", ""), "what was typed stays")

	p = v.post(t, "/account/details", url.Values{"title": {"Dr"}, "first_name": {"Wei"}, "last_name": {"Lim"},
		"phone": {"+65 6123 4567"}, "billing_address": {"2 Orchard Rd"}})
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	page := v.get(t, p.location)
	assert.Contains(t, page.doc.Find(`[data-testid="account-notice"]`).Text(), "saved")
	f := page.doc.Find(`form[data-testid="account-details"]`)
	assert.Equal(t, "Lim", f.Find(`input[name="last_name"]`).AttrOr("value", ""))
	assert.Equal(t, "Dr", f.Find(`option[selected]`).AttrOr("value", ""))
	assert.Equal(t, "2 Orchard Rd", strings.TrimSpace(f.Find(`textarea[name="billing_address"]`).Text()))
}

func TestAccountPagesArePrivate(t *testing.T) {
	w := newAccountWorld(t)
	v := w.visitor(t)
	for _, path := range []string{"/account/signup", "/account/login", "/account/reset", "/account/verify?token=x",
		"/account/reset/" + strings.Repeat("ab", 32)} {
		p := v.get(t, path)
		assert.Less(t, p.status, 500, path)
		assert.Equal(t, "private, no-store", p.header.Get("Cache-Control"), path)
		assert.Empty(t, p.header.Values("Set-Cookie"), path)
	}
	for _, path := range []string{"/account", "/account/password"} {
		p := v.get(t, path)
		assert.Equal(t, http.StatusSeeOther, p.status, path)
		assert.Equal(t, "/account/login", p.location, path)
	}
	assert.Equal(t, http.StatusGone, v.get(t, "/account/reset/"+strings.Repeat("ab", 32)).status)
	// Cross-site form posts are refused like every other unsafe request.
	req, err := http.NewRequest(http.MethodPost, w.app.URL+"/account/logout", nil)
	require.NoError(t, err)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := v.c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

func TestAccountsUnattachedAnswer503(t *testing.T) {
	h := newTestHandler(t, Config{}, nil)
	rec := httptest.NewRecorder()
	h.Routes().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/account/login", nil))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
}

func TestSessionCookieOverHTTPS(t *testing.T) {
	w := accountWorldOn(t, dbtest.MySQL(t), true)
	const email = "zara@example.com"
	w.signUp(t, email, goodPassword)
	v := w.visitor(t)
	p := v.post(t, "/account/login", url.Values{"email": {email}, "password": {goodPassword}})
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	resp := &http.Response{Header: p.header}
	cookies := resp.Cookies()
	require.Len(t, cookies, 1)
	c := cookies[0]
	assert.Equal(t, "__Host-lobang_session", c.Name)
	assert.True(t, c.Secure)
	assert.True(t, c.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, c.SameSite)
	assert.Equal(t, "/", c.Path)
	assert.Empty(t, c.Domain)
	assert.True(t, v.loggedIn(t))
	assert.Contains(t, p.header.Get("Strict-Transport-Security"), "max-age", "https turns on HSTS too")
}
