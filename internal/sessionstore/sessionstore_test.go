package sessionstore_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/db/dbtest"
	"lobang/internal/sessionstore"
)

// clock is a test clock that only moves when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var (
	keyA = []byte("0123456789abcdef0123456789abcdef")
	keyB = []byte("fedcba9876543210fedcba9876543210")
)

// app is a tiny site over a store: /login stores a user and renews the id,
// /me shows who is logged in, /logout destroys, /public never touches the
// session, /peek loads it without storing anything.
type app struct {
	store  *sessionstore.Store
	rdb    redis.UniversalClient
	prefix string
	clock  *clock
	srv    *httptest.Server
}

func newApp(t *testing.T, tls bool, opt sessionstore.Options) *app {
	t.Helper()
	rdb, prefix := dbtest.Redis(t)
	a := &app{rdb: rdb, prefix: prefix, clock: &clock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}}
	opt.KeyPrefix, opt.Now = prefix, a.clock.Now
	if opt.Name == "" {
		opt.Name = "lobang_session"
	}
	if opt.Keys == nil {
		opt.Keys = [][]byte{keyA}
	}
	store, err := sessionstore.New(rdb, opt)
	require.NoError(t, err)
	a.store = store
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		sess, err := store.Session(r)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		sess.Values["user"] = r.FormValue("user")
		if err := store.Login(r, w, sess, r.FormValue("user")); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		sess, err := store.Session(r)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		user, _ := sess.Values["user"].(string)
		_, _ = w.Write([]byte(user))
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		sess, err := store.Session(r)
		if err == nil {
			err = store.Destroy(r, w, sess)
		}
		if err != nil {
			http.Error(w, err.Error(), 500)
		}
	})
	mux.HandleFunc("GET /peek", func(w http.ResponseWriter, r *http.Request) {
		sess, err := store.Session(r)
		if err == nil {
			err = sess.Save(r, w)
		}
		if err != nil {
			http.Error(w, err.Error(), 500)
		}
	})
	mux.HandleFunc("GET /public", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("hello"))
	})
	if tls {
		a.srv = httptest.NewTLSServer(mux)
	} else {
		a.srv = httptest.NewServer(mux)
	}
	t.Cleanup(a.srv.Close)
	return a
}

// browser is a client with its own cookie jar.
func (a *app) browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := a.srv.Client()
	return &http.Client{Transport: c.Transport, Jar: jar, Timeout: 10 * time.Second}
}

func do(t *testing.T, c *http.Client, method, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	sb := string(b)
	require.Equal(t, http.StatusOK, resp.StatusCode, sb)
	return resp, sb
}

func (a *app) login(t *testing.T, c *http.Client, user string) *http.Cookie {
	t.Helper()
	resp, _ := do(t, c, http.MethodPost, a.srv.URL+"/login?user="+user)
	cookies := resp.Cookies()
	require.Len(t, cookies, 1)
	return cookies[0]
}

// with is a client without a jar that sends exactly cookie.
func (a *app) with(t *testing.T, cookie *http.Cookie, path string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
	require.NoError(t, err)
	req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	resp, err := a.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	sb := string(b)
	return sb
}

func TestNoSessionUntilSomethingIsStored(t *testing.T) {
	a := newApp(t, false, sessionstore.Options{})
	c := a.browser(t)
	for _, path := range []string{"/public", "/peek", "/me"} {
		resp, _ := do(t, c, http.MethodGet, a.srv.URL+path)
		assert.Empty(t, resp.Header.Values("Set-Cookie"), path)
	}
	keys, err := a.rdb.Keys(context.Background(), a.prefix+"*").Result()
	require.NoError(t, err)
	assert.Empty(t, keys, "nothing stored in Redis")
}

func TestLoginRenewsTheID(t *testing.T) {
	a := newApp(t, false, sessionstore.Options{})
	c := a.browser(t)
	first := a.login(t, c, "ana")
	assert.Equal(t, "ana", a.with(t, first, "/me"))
	second := a.login(t, c, "ana")
	assert.NotEqual(t, first.Value, second.Value)
	assert.Empty(t, a.with(t, first, "/me"), "the old id stops working at once")
	assert.Equal(t, "ana", a.with(t, second, "/me"))
	_, body := do(t, c, http.MethodGet, a.srv.URL+"/me")
	assert.Equal(t, "ana", body, "the browser holds the new cookie")
}

func TestLogoutRevokesServerSide(t *testing.T) {
	a := newApp(t, false, sessionstore.Options{})
	c := a.browser(t)
	cookie := a.login(t, c, "ana")
	resp, _ := do(t, c, http.MethodPost, a.srv.URL+"/logout")
	gone := resp.Cookies()
	require.Len(t, gone, 1)
	assert.Equal(t, -1, gone[0].MaxAge, "the cookie is expired")
	assert.Empty(t, a.with(t, cookie, "/me"), "a copy of the old cookie is worthless")
}

func TestIdleTimeout(t *testing.T) {
	a := newApp(t, false, sessionstore.Options{IdleTimeout: 30 * time.Minute, Lifetime: 12 * time.Hour})
	c := a.browser(t)
	cookie := a.login(t, c, "ana")
	for range 4 { // used every 20 minutes: stays
		a.clock.Advance(20 * time.Minute)
		require.Equal(t, "ana", a.with(t, cookie, "/me"))
	}
	ttl, err := a.rdb.PTTL(context.Background(), a.sessionKeys(t)[0]).Result()
	require.NoError(t, err)
	assert.InDelta(t, (30 * time.Minute).Seconds(), ttl.Seconds(), 5, "Redis forgets it when it would go idle")
	a.clock.Advance(30 * time.Minute)
	assert.Empty(t, a.with(t, cookie, "/me"), "idle for 30 minutes: gone")
	assert.Empty(t, a.with(t, cookie, "/me"))
	assert.Empty(t, a.sessionKeys(t), "and deleted")
}

func TestAbsoluteLifetime(t *testing.T) {
	a := newApp(t, false, sessionstore.Options{IdleTimeout: 30 * time.Minute, Lifetime: 12 * time.Hour})
	c := a.browser(t)
	cookie := a.login(t, c, "ana")
	for range 12*3 - 1 { // busy every 20 minutes for just under 12 hours
		a.clock.Advance(20 * time.Minute)
		require.Equal(t, "ana", a.with(t, cookie, "/me"))
	}
	a.clock.Advance(20 * time.Minute)
	assert.Empty(t, a.with(t, cookie, "/me"), "12 hours after login it ends however busy")
}

func TestRevokeOwner(t *testing.T) {
	a := newApp(t, false, sessionstore.Options{})
	phone, laptop, other := a.browser(t), a.browser(t), a.browser(t)
	p := a.login(t, phone, "ana")
	l := a.login(t, laptop, "ana")
	o := a.login(t, other, "bob")
	n, err := a.store.RevokeOwner(context.Background(), "ana", a.idOf(t, l))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Empty(t, a.with(t, p, "/me"))
	assert.Equal(t, "ana", a.with(t, l, "/me"), "the kept session stays")
	assert.Equal(t, "bob", a.with(t, o, "/me"), "another owner's sessions stay")
}

func TestSecureCookieOverTLS(t *testing.T) {
	a := newApp(t, true, sessionstore.Options{Secure: true})
	c := a.browser(t)
	resp, _ := do(t, c, http.MethodPost, a.srv.URL+"/login?user=ana")
	cookies := resp.Cookies()
	require.Len(t, cookies, 1)
	ck := cookies[0]
	assert.Equal(t, "__Host-lobang_session", ck.Name)
	assert.True(t, ck.Secure)
	assert.True(t, ck.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, ck.SameSite)
	assert.Equal(t, "/", ck.Path)
	assert.Empty(t, ck.Domain, "__Host- cookies have no Domain")
	assert.NotContains(t, ck.Value, "ana", "the cookie holds only a signed id")
	_, body := do(t, c, http.MethodGet, a.srv.URL+"/me")
	assert.Equal(t, "ana", body)
}

func TestPlainHTTPCookie(t *testing.T) {
	a := newApp(t, false, sessionstore.Options{})
	ck := a.login(t, a.browser(t), "ana")
	assert.Equal(t, "lobang_session", ck.Name)
	assert.False(t, ck.Secure)
	assert.True(t, ck.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, ck.SameSite)
}

func TestKeyRotationAndForgery(t *testing.T) {
	a := newApp(t, false, sessionstore.Options{Keys: [][]byte{keyA}})
	cookie := a.login(t, a.browser(t), "ana")
	// A new key is added in front: cookies signed with the old one still work.
	rotated, err := sessionstore.New(a.rdb, sessionstore.Options{Name: "lobang_session", Keys: [][]byte{keyB, keyA},
		KeyPrefix: a.prefix, Now: a.clock.Now})
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	sess, err := rotated.Session(req)
	require.NoError(t, err)
	assert.Equal(t, "ana", sess.Values["user"])
	// Once the old key is retired, or the value is tampered with, no session.
	retired, err := sessionstore.New(a.rdb, sessionstore.Options{Name: "lobang_session", Keys: [][]byte{keyB},
		KeyPrefix: a.prefix, Now: a.clock.Now})
	require.NoError(t, err)
	req = httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	sess, err = retired.Session(req)
	require.NoError(t, err)
	assert.True(t, sess.IsNew)
	assert.Empty(t, a.with(t, &http.Cookie{Name: cookie.Name, Value: "x" + cookie.Value[1:]}, "/me"))
}

func TestOptionsAreChecked(t *testing.T) {
	rdb, _ := dbtest.Redis(t)
	_, err := sessionstore.New(rdb, sessionstore.Options{Name: "lobang session"})
	assert.Error(t, err)
	_, err = sessionstore.New(rdb, sessionstore.Options{Name: "s", Keys: [][]byte{[]byte("short")}})
	assert.Error(t, err)
	s, err := sessionstore.New(rdb, sessionstore.Options{Name: "s"})
	require.NoError(t, err)
	_, err = s.Get(httptest.NewRequest(http.MethodGet, "/", nil), "other")
	assert.ErrorIs(t, err, sessionstore.ErrWrongCookie)
}

// sessionKeys lists the store's session keys in Redis.
func (a *app) sessionKeys(t *testing.T) []string {
	t.Helper()
	keys, err := a.rdb.Keys(context.Background(), a.prefix+"session:*").Result()
	require.NoError(t, err)
	return keys
}

// idOf reads the session id behind a cookie.
func (a *app) idOf(t *testing.T, cookie *http.Cookie) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	sess, err := a.store.Session(req)
	require.NoError(t, err)
	require.False(t, sess.IsNew)
	return sess.ID
}
