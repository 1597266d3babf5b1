package handlers

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/admin"
)

// TestAdminRoleMatrix walks every /admin route of the router with no
// session, a customer's session and each staff role: the login page for
// the first two, 403 below the declared role, through at or above it. A
// route the role table does not declare fails.
func TestAdminRoleMatrix(t *testing.T) {
	s := newStaffWorld(t, nil, nil, AdminConfig{})
	declared := s.h.staff.roles // filled as the routes were registered
	var routes []string
	require.NoError(t, chi.Walk(s.h.router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(route, "/admin") && method != http.MethodHead {
			routes = append(routes, method+" "+route)
		}
		return nil
	}))
	require.GreaterOrEqual(t, len(routes), len(adminRoutes), "every route of the table is registered")
	// Logging out ends the session: walk it last.
	sort.SliceStable(routes, func(i, j int) bool { return routes[j] == "POST /admin/logout" && routes[i] != routes[j] })

	browsers := map[string]*browser{"nobody": s.browser(t), "customer": s.browser(t)}
	cust, err := url.Parse(s.app.URL)
	require.NoError(t, err)
	browsers["customer"].c.Jar.SetCookies(cust, []*http.Cookie{{Name: "lobang_session", Value: "customer-session"}})
	for _, role := range admin.Roles {
		browsers[string(role)] = s.signedIn(t, s.enrol(t, string(role)+"@lobang.example", role))
	}
	fill := strings.NewReplacer("{ref}", "LB-NOPE22", "{id}", "1", "{token}", strings.Repeat("0", 64), "{name}", "bedcom")
	for _, rt := range routes {
		need, ok := declared[rt]
		if !assert.True(t, ok, "%s declares no role", rt) {
			continue
		}
		method, pattern, _ := strings.Cut(rt, " ")
		path := fill.Replace(pattern)
		for who, b := range browsers {
			var form url.Values
			if method == http.MethodPost {
				form = url.Values{}
			}
			a := b.do(method, path, form)
			toLogin := a.status == http.StatusSeeOther && a.location == "/admin/login"
			switch {
			case need == admin.Anyone:
				assert.False(t, toLogin || a.status == http.StatusForbidden, "%s as %s: %d", rt, who, a.status)
			case who == "nobody" || who == "customer":
				assert.True(t, toLogin, "%s as %s: %d %s", rt, who, a.status, a.location)
			case admin.Role(who).Allows(need) && rt == "POST /admin/logout":
				assert.Equal(t, http.StatusSeeOther, a.status, "%s as %s", rt, who)
			case admin.Role(who).Allows(need):
				assert.False(t, toLogin || a.status == http.StatusForbidden, "%s as %s: %d", rt, who, a.status)
				assert.Less(t, a.status, 500, "%s as %s", rt, who)
			default:
				assert.Equal(t, http.StatusForbidden, a.status, "%s as %s", rt, who)
			}
			assert.Equal(t, "private, no-store", a.header.Get("Cache-Control"), rt)
		}
	}
}

// TestStaffRouteWithoutRoleRefused: registering a staff route without a
// role panics, so it cannot ship.
func TestStaffRouteWithoutRoleRefused(t *testing.T) {
	s := newStaffWorld(t, nil, nil, AdminConfig{})
	assert.Panics(t, func() {
		s.h.staffRoute(chi.NewRouter(), http.MethodGet, "/admin/new", "", s.h.AdminHome)
	})
}

// TestAdminLogin: a wrong code, a replayed code, a recovery code used
// once, idle and absolute expiry on the session clock, and logout.
func TestAdminLogin(t *testing.T) {
	s := newStaffWorld(t, nil, nil, AdminConfig{})
	m := s.enrol(t, "Agent.One@lobang.example", admin.Agent)
	m.email = strings.ToLower(m.email)
	b := s.browser(t)

	a := s.login(b, m, "000000")
	assert.Equal(t, http.StatusUnprocessableEntity, a.status)
	assert.Equal(t, 1, a.doc.Find(`[data-testid="login-error"]`).Length())

	a = s.login(b, m, "")
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	assert.Equal(t, http.StatusOK, b.get("/admin/bookings").status)
	assert.Equal(t, 1, s.auditCount(t, "staff.login", ""))

	// The same code again, from another browser: refused.
	other := s.browser(t)
	a = s.login(other, m, "")
	assert.Equal(t, http.StatusUnprocessableEntity, a.status)
	assert.Contains(t, a.doc.Find(`[data-testid="login-error"]`).Text(), "already used")

	// A recovery code works once.
	a = s.login(other, m, m.recovery[0])
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	a = s.login(s.browser(t), m, m.recovery[0])
	assert.Equal(t, http.StatusUnprocessableEntity, a.status)

	// Idle: 14 minutes is fine, 15 more is not.
	s.advance(14 * time.Minute)
	assert.Equal(t, http.StatusOK, b.get("/admin/bookings").status)
	s.advance(15 * time.Minute)
	a = b.get("/admin/bookings")
	assert.Equal(t, http.StatusSeeOther, a.status)
	assert.Equal(t, "/admin/login", a.location)

	// Absolute: busy for 8 hours, then out.
	s.advance(time.Minute)
	c := s.signedIn(t, m)
	for range 8 * 6 {
		s.advance(10 * time.Minute)
		if c.get("/admin/bookings").status != http.StatusOK {
			break
		}
	}
	a = c.get("/admin/bookings")
	assert.Equal(t, http.StatusSeeOther, a.status, "8 hours after login the session has ended")

	// Logout revokes at once, even for a copy of the cookie.
	d := s.signedIn(t, m)
	origin, err := url.Parse(s.app.URL)
	require.NoError(t, err)
	copyJar := s.browser(t)
	copyJar.c.Jar.SetCookies(origin, d.c.Jar.Cookies(origin))
	assert.Equal(t, http.StatusOK, copyJar.get("/admin/bookings").status)
	a = d.post("/admin/logout", url.Values{})
	assert.Equal(t, http.StatusSeeOther, a.status)
	assert.Equal(t, "/admin/login", copyJar.get("/admin/bookings").location)
	assert.Equal(t, 1, s.auditCount(t, "staff.logout", ""))
}

// TestAdminLoginThrottled: after five failures the account is refused
// even with the right code.
func TestAdminLoginThrottled(t *testing.T) {
	s := newStaffWorld(t, nil, nil, AdminConfig{})
	m := s.enrol(t, "manager@lobang.example", admin.Manager)
	b := s.browser(t)
	for range 5 {
		assert.Equal(t, http.StatusUnprocessableEntity, s.login(b, m, "123456").status)
	}
	assert.Equal(t, http.StatusTooManyRequests, s.login(b, m, "").status)
}

// TestAdminEnrolPage: the link shows a QR code and the secret, a wrong
// code is refused, the right one shows recovery codes once and uses the
// link up.
func TestAdminEnrolPage(t *testing.T) {
	s := newStaffWorld(t, nil, nil, AdminConfig{})
	token, err := s.svc.CreateUser(t.Context(), admin.Staff{}, "new@lobang.example", admin.Agent)
	require.NoError(t, err)
	b := s.browser(t)
	p := b.get("/admin/enrol/" + token)
	require.Equal(t, http.StatusOK, p.status)
	assert.True(t, strings.HasPrefix(p.doc.Find(`[data-testid="totp-qr"]`).AttrOr("src", ""), "data:image/png;base64,"))
	secret := p.doc.Find(`[data-testid="totp-secret"]`).Text()
	require.NotEmpty(t, secret)
	a := b.post("/admin/enrol/"+token, url.Values{"password": {"long enough password"}, "code": {"000000"}})
	assert.Equal(t, http.StatusUnprocessableEntity, a.status)
	code, err := totpCode(secret, s.now())
	require.NoError(t, err)
	a = b.post("/admin/enrol/"+token, url.Values{"password": {"long enough password"}, "code": {code}})
	require.Equal(t, http.StatusOK, a.status, a.body)
	assert.Equal(t, 10, a.doc.Find(`[data-testid="recovery-codes"] li`).Length())
	assert.Equal(t, http.StatusNotFound, b.get("/admin/enrol/"+token).status, "the link is used up")
	assert.Equal(t, 1, s.auditCount(t, "staff.enrol", ""))
}

// TestAuditLogIsAppendOnly: no Go code of Lobang updates or deletes the
// audit log, and no route offers to.
func TestAuditLogIsAppendOnly(t *testing.T) {
	forbidden := regexp.MustCompile(`(?is)(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|TRUNCATE\s+(TABLE\s+)?audit_log|DROP\s+TABLE\s+(IF\s+EXISTS\s+)?audit_log)`)
	root := ".."
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || (!strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".sql")) ||
			strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		assert.False(t, forbidden.Match(src), "%s changes the audit log", path)
		return nil
	})
	require.NoError(t, err)
	for _, ar := range adminRoutes {
		if strings.HasPrefix(ar.Pattern, "/admin/audit") {
			assert.Equal(t, http.MethodGet, ar.Method, "the audit log is read-only")
		}
	}
}
