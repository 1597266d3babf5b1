// Package cachepolicy is the one table that says how every route may be
// cached: by browsers, by CloudFront and by any proxy in between. The HTTP
// middleware applies it and the deploy tests check the CDN against it.
package cachepolicy

import "time"

// Class is a caching behaviour shared by a group of routes.
type Class int

// The cache classes of DESIGN.md §4.
const (
	// Unclassified is the zero value: a route missing from the table.
	Unclassified Class = iota
	// PublicPage is HTML any visitor may see: cached by the CDN, revalidated
	// by ETag, served stale while the origin is slow or down. Never carries
	// Set-Cookie.
	PublicPage
	// PublicShort is a small public fragment or file that changes often.
	PublicShort
	// Immutable is a fingerprinted asset: its URL changes with its content.
	Immutable
	// Private is personal or live data: never stored anywhere.
	Private
	// Operational is health and metrics: never cached, never indexed.
	Operational
)

// Policy is the full set of caching facts for a class.
type Policy struct {
	Class        Class
	Name         string
	CacheControl string
	// Public reports whether shared caches may store the response; such a
	// response must never set a cookie.
	Public bool
	// ETag reports whether responses get a strong ETag and 304 answers.
	ETag bool
	// BrowserTTL and CDNTTL are max-age and s-maxage, zero when not cached.
	BrowserTTL, CDNTTL time.Duration
}

var policies = map[Class]Policy{
	PublicPage: {
		Class: PublicPage, Name: "public-page", Public: true, ETag: true,
		CacheControl: "public, max-age=60, s-maxage=600, stale-while-revalidate=86400, stale-if-error=86400",
		BrowserTTL:   60 * time.Second, CDNTTL: 600 * time.Second,
	},
	PublicShort: {
		Class: PublicShort, Name: "public-short", Public: true, ETag: true,
		CacheControl: "public, max-age=60, s-maxage=300, stale-if-error=3600",
		BrowserTTL:   60 * time.Second, CDNTTL: 300 * time.Second,
	},
	Immutable: {
		Class: Immutable, Name: "immutable", Public: true,
		CacheControl: "public, max-age=31536000, immutable",
		BrowserTTL:   365 * 24 * time.Hour, CDNTTL: 365 * 24 * time.Hour,
	},
	Private: {
		Class: Private, Name: "private", CacheControl: "private, no-store",
	},
	Operational: {
		Class: Operational, Name: "operational", CacheControl: "no-store",
	},
}

// Routes maps every route pattern of the router (chi syntax, method first)
// to its class. A route missing here fails the cacheability test.
var Routes = map[string]Class{
	"GET /":                          PublicPage,
	"GET /terms":                     PublicPage,
	"GET /privacy":                   PublicPage,
	"GET /destinations/suggest":      PublicShort,
	"GET /search":                    Private,
	"GET /search/{sid}/stream":       Private,
	"GET /assets/*":                  Immutable,
	"GET /hotels/{id}":               PublicPage,
	"GET /hotels/{id}/{slug}":        PublicPage,
	"GET /hotels/{id}/rooms":         Private,
	"GET /destinations/{uid}":        PublicPage,
	"GET /destinations/{uid}/{slug}": PublicPage,
	"POST /bookings":                 Private,
	"GET /bookings/{id}":             Private,
	"POST /bookings/{id}/price":      Private,
	"POST /bookings/{id}/details":    Private,
	"POST /bookings/{id}/pay":        Private,
	"GET /bookings/{id}/return":      Private,
	"POST /payments/webhook":         Operational,
	"GET /manage":                    Private,
	"POST /manage":                   Private,
	"POST /manage/link":              Private,
	"GET /manage/link/{token}":       Private,
	"GET /manage/{ref}":              Private,
	"GET /manage/{ref}/cancel":       Private,
	"POST /manage/{ref}/cancel":      Private,
	"GET /manage/{ref}/erase":        Private,
	"POST /manage/{ref}/erase":       Private,
	"GET /account":                   Private,
	"GET /account/erase":             Private,
	"POST /account/erase":            Private,
	"POST /account/details":          Private,
	"GET /account/signup":            Private,
	"POST /account/signup":           Private,
	"GET /account/verify":            Private,
	"POST /account/verify":           Private,
	"POST /account/verify/resend":    Private,
	"GET /account/login":             Private,
	"POST /account/login":            Private,
	"POST /account/logout":           Private,
	"GET /account/reset":             Private,
	"POST /account/reset":            Private,
	"GET /account/reset/{token}":     Private,
	"POST /account/reset/{token}":    Private,
	"GET /account/password":          Private,
	"POST /account/password":         Private,
	"GET /robots.txt":                PublicPage,
	"GET /sitemap.xml":               PublicPage,
	"GET /sitemaps/{name}":           PublicPage,
	"GET /healthz":                   Operational,
	"GET /readyz":                    Operational,
	"GET /metrics":                   Operational,

	// Staff screens: every one private, whatever its role (handlers/admin.go).
	"GET /admin":                           Private,
	"GET /admin/login":                     Private,
	"POST /admin/login":                    Private,
	"POST /admin/logout":                   Private,
	"GET /admin/enrol/{token}":             Private,
	"POST /admin/enrol/{token}":            Private,
	"GET /admin/bookings":                  Private,
	"GET /admin/bookings/{ref}":            Private,
	"GET /admin/bookings/{ref}/resend":     Private,
	"POST /admin/bookings/{ref}/resend":    Private,
	"GET /admin/bookings/{ref}/notes":      Private,
	"POST /admin/bookings/{ref}/notes":     Private,
	"GET /admin/bookings/{ref}/cancel":     Private,
	"POST /admin/bookings/{ref}/cancel":    Private,
	"GET /admin/bookings/{ref}/refund":     Private,
	"POST /admin/bookings/{ref}/refund":    Private,
	"GET /admin/bookings/{ref}/reconcile":  Private,
	"POST /admin/bookings/{ref}/reconcile": Private,
	"GET /admin/refunds/{id}":              Private,
	"POST /admin/refunds/{id}":             Private,
	"GET /admin/outbox":                    Private,
	"GET /admin/outbox/{id}":               Private,
	"GET /admin/outbox/{id}/resend":        Private,
	"POST /admin/outbox/{id}/resend":       Private,
	"GET /admin/audit":                     Private,
	"GET /admin/staff":                     Private,

	// Operations screens (handlers/admin_ops.go).
	"GET /admin/suppliers":                Private,
	"POST /admin/suppliers/{name}/switch": Private,

	// Markups screen (handlers/admin_markups.go).
	"GET /admin/markups":              Private,
	"GET /admin/markups/new":          Private,
	"POST /admin/markups":             Private,
	"GET /admin/markups/{id}/delete":  Private,
	"POST /admin/markups/{id}/delete": Private,

	// Catalog review (handlers/admin_catalog.go).
	"GET /admin/catalog":                  Private,
	"GET /admin/catalog/review":           Private,
	"GET /admin/catalog/review/{action}":  Private,
	"POST /admin/catalog/review/{action}": Private,

	// Operations dashboard (handlers/admin_dashboard.go).
	"GET /admin/dashboard":      Private,
	"GET /admin/dashboard/live": Private,
}

// Behaviour is one path pattern of the CDN (a CloudFront cache behaviour):
// the class whose TTLs it takes and exactly what reaches its cache key and
// the origin. Routes under a pattern whose own class is stricter (the
// private room offers below /hotels/) rely on their Cache-Control, which
// the CDN honours because every dynamic behaviour has Min TTL 0.
type Behaviour struct {
	PathPattern string
	Class       Class
	// QueryKeys are the query parameters in the cache key (and so the only
	// ones forwarded); AllQuery keys on every parameter instead.
	QueryKeys []string
	AllQuery  bool
	// Headers are forwarded to the origin without being part of the key.
	Headers []string
	// Cookies forwards every cookie to the origin, outside the key: only
	// private responses may depend on them, and those are never stored.
	Cookies bool
	// Writes lets unsafe methods (POST…) through; other behaviours allow
	// only GET and HEAD.
	Writes bool
}

// StayKeys are the query parameters of a stay that the hotel page and its
// room offers read.
var StayKeys = []string{"checkin", "checkout", "rooms", "adults", "children", "currency"}

// webhookHeaders carry the payment providers' webhook signatures (Stripe's
// and the simulated provider's): without them a webhook cannot be verified.
var webhookHeaders = []string{"Stripe-Signature", "Lobang-Signature"}

// htmxHeaders are the request headers that choose a fragment or a page on
// private routes.
var htmxHeaders = []string{"HX-Request", "HX-Request-Type"}

// Behaviours are the CDN's path patterns in order of precedence; the last,
// "*", is the default behaviour (home, legal pages, search, bookings).
var Behaviours = []Behaviour{
	{PathPattern: "/assets/*", Class: Immutable},
	{PathPattern: "/hotels/*", Class: PublicPage, QueryKeys: StayKeys, Headers: htmxHeaders},
	{PathPattern: "/destinations/*", Class: PublicPage, QueryKeys: []string{"page", "sort", "q"}},
	{PathPattern: "/sitemap*", Class: PublicPage},
	{PathPattern: "/robots.txt", Class: PublicPage},
	{PathPattern: "/payments/*", Class: Operational, Headers: webhookHeaders, Writes: true},
	{PathPattern: "*", Class: PublicPage, AllQuery: true, Headers: htmxHeaders, Cookies: true, Writes: true},
}

// For returns the policy of a class; Unclassified behaves as Private, the
// safe default for anything not yet in the table (errors, 404s).
func For(c Class) Policy {
	if p, ok := policies[c]; ok {
		return p
	}
	return policies[Private]
}

// Lookup returns the class of a route pattern ("GET /hotels/{id}/{slug}").
// HEAD shares its GET route's class.
func Lookup(method, pattern string) Class {
	if method == "HEAD" {
		method = "GET"
	}
	return Routes[method+" "+pattern]
}
