package handlers

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/pquerna/otp/totp"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"lobang/admin"
	"lobang/booking"
	"lobang/db"
	"lobang/db/dbtest"
	"lobang/internal/sessionstore"
	"lobang/suggest"
)

// staffWorld is the staff screens on a real server over a real database
// and Redis, with a clock tests move (sessions, TOTP codes).
type staffWorld struct {
	app    *httptest.Server
	pool   *sql.DB
	rdb    *redis.Client
	svc    *admin.Service
	h      *Handler
	offset atomic.Int64 // added to the wall clock, in nanoseconds
}

func (s *staffWorld) now() time.Time { return time.Now().Add(time.Duration(s.offset.Load())) }

// advance moves the staff clock on.
func (s *staffWorld) advance(d time.Duration) { s.offset.Add(int64(d)) }

// newStaffWorld starts the staff screens; bookings, when given, is the
// booking service (and pool its database) of a booking world.
func newStaffWorld(t testing.TB, pool *sql.DB, bookings *booking.Service, cfg AdminConfig) *staffWorld {
	t.Helper()
	s := &staffWorld{pool: pool}
	if s.pool == nil {
		s.pool = dbtest.MySQL(t)
	}
	rdb, prefix := dbtest.Redis(t)
	s.rdb = rdb
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s.svc = admin.New(admin.Deps{DB: s.pool, Redis: rdb, RedisPrefix: prefix, Logger: log, Now: s.now}, admin.Config{})
	store, err := sessionstore.New(rdb, sessionstore.Options{Name: "lobang-staff", IdleTimeout: admin.SessionIdle,
		Lifetime: admin.SessionLifetime, KeyPrefix: prefix, Now: s.now})
	require.NoError(t, err)
	cfg.Sessions = store
	var router atomic.Pointer[http.Handler]
	s.app = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		(*router.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(s.app.Close)
	base, err := url.Parse(s.app.URL)
	require.NoError(t, err)
	s.h = New(Deps{DB: s.pool, Redis: rdb, Log: log, Suggest: suggest.New(nil), Config: Config{BaseURL: base,
		RedisPrefix: prefix}})
	if bookings == nil {
		bookings = booking.New(booking.Deps{DB: s.pool, Redis: rdb, RedisPrefix: prefix, Logger: log}, booking.Config{})
	}
	s.h.AttachBooking(bookings)
	s.h.AttachAdmin(s.svc, cfg)
	app := s.h.Routes()
	router.Store(&app)
	return s
}

// member is a staff account and its authenticator secret.
type member struct {
	email, password, secret string
	recovery                []string
}

// enrol creates and enrols a staff account directly through the service.
func (s *staffWorld) enrol(t testing.TB, email string, role admin.Role) member {
	t.Helper()
	ctx := context.Background()
	token, err := s.svc.CreateUser(ctx, admin.Staff{}, email, role)
	require.NoError(t, err)
	en, err := s.svc.StartEnrolment(ctx, token)
	require.NoError(t, err)
	code, err := totp.GenerateCode(en.Secret, s.now())
	require.NoError(t, err)
	m := member{email: email, password: "correct horse battery", secret: en.Secret}
	m.recovery, err = s.svc.FinishEnrolment(ctx, token, m.password, code, "127.0.0.1")
	require.NoError(t, err)
	s.advance(31 * time.Second) // the next login needs a fresh TOTP step
	return m
}

// browser is a staff member's browser without JavaScript: a cookie jar and
// no redirect followed by itself.
type browser struct {
	t      testing.TB
	c      *http.Client
	origin string
}

func (s *staffWorld) browser(t testing.TB) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t: t, origin: s.app.URL, c: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, path string, form url.Values) answer {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.origin+path, body)
	require.NoError(b.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(raw)))
	require.NoError(b.t, err)
	return answer{status: resp.StatusCode, header: resp.Header, location: resp.Header.Get("Location"), body: string(raw), doc: doc}
}

func (b *browser) get(path string) answer { b.t.Helper(); return b.do(http.MethodGet, path, nil) }

func (b *browser) post(path string, form url.Values) answer {
	b.t.Helper()
	return b.do(http.MethodPost, path, form)
}

// login signs in with the current TOTP code and returns the answer.
func (s *staffWorld) login(b *browser, m member, code string) answer {
	b.t.Helper()
	if code == "" {
		var err error
		code, err = totp.GenerateCode(m.secret, s.now())
		require.NoError(b.t, err)
	}
	return b.post("/admin/login", url.Values{"email": {m.email}, "password": {m.password}, "code": {code}})
}

// signedIn returns a browser signed in as m; every login moves the clock
// to a fresh TOTP step.
func (s *staffWorld) signedIn(t testing.TB, m member) *browser {
	t.Helper()
	b := s.browser(t)
	a := s.login(b, m, "")
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	require.Equal(t, "/admin/bookings", a.location)
	s.advance(31 * time.Second)
	return b
}

// confirmation is an action's filled-in confirmation form.
type confirmation struct {
	action string
	values url.Values
}

// confirm opens an action's confirmation page and posts its form with
// extra fields, returning the answer to the post.
func (b *browser) confirm(path string, extra url.Values) answer {
	b.t.Helper()
	f := b.confirmForm(path, extra)
	return b.post(f.action, f.values)
}

// confirmForm opens an action's confirmation page and fills its form in
// with extra fields, without posting it.
func (b *browser) confirmForm(path string, extra url.Values) confirmation {
	b.t.Helper()
	p := b.get(path)
	require.Equal(b.t, http.StatusOK, p.status, p.body)
	f := p.doc.Find(`form[data-testid="confirm-form"]`)
	require.Equal(b.t, 1, f.Length(), "the confirmation page has a form: %s", p.doc.Find(`[data-testid="confirm"]`).Text())
	form := url.Values{}
	f.Find(`input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		form.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	for k, v := range extra {
		form[k] = v
	}
	return confirmation{action: f.AttrOr("action", ""), values: form}
}

// auditCount counts audit entries of an action on an object.
func (s *staffWorld) auditCount(t testing.TB, action, objectID string) int {
	t.Helper()
	es, err := db.SearchAudit(context.Background(), s.pool, db.AuditFilter{Action: action, ObjectID: objectID}, 1000, 0)
	require.NoError(t, err)
	return len(es)
}

// auditTotal counts every audit entry.
func (s *staffWorld) auditTotal(t testing.TB) int {
	t.Helper()
	var n int
	require.NoError(t, s.pool.QueryRow("SELECT COUNT(*) FROM audit_log").Scan(&n))
	return n
}

// totpCode is the TOTP code of secret at t.
func totpCode(secret string, t time.Time) (string, error) { return totp.GenerateCode(secret, t) }
