// Package handlers is Lobang's HTTP layer: the route table, middleware and
// one small file per resource. It knows HTTP; it hands real work to the
// stores and services it is given and renders views.
package handlers

import (
	"database/sql"
	"log/slog"
	"net/netip"
	"net/url"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"lobang/accounts"
	"lobang/aggregator"
	"lobang/aggregator/catalog"
	"lobang/aggregator/suppliers"
	"lobang/booking"
	"lobang/internal/sessionstore"

	"lobang/suggest"
)

// Config is what the HTTP layer needs to know about its deployment.
type Config struct {
	// BaseURL is the public origin; an https scheme turns on HSTS and
	// secure cookies.
	BaseURL *url.URL
	// TrustedProxies are the networks whose forwarding headers are believed.
	TrustedProxies []netip.Prefix
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken string
	// ImageOrigins are extra origins pages may load images from (suppliers'
	// image hosts).
	ImageOrigins []string
	// FormOrigins are origins forms may lead to (the payment provider's
	// hosted checkout, reached by redirect after the guest details form).
	FormOrigins []string
	// Attribution is the data attribution sentence shown in every footer.
	Attribution string
	// RedisPrefix is prepended to every Redis key the handlers write
	// (stored room offers).
	RedisPrefix string
}

// Deps are the services the handlers use.
type Deps struct {
	DB      *sql.DB
	Redis   redis.UniversalClient
	Log     *slog.Logger
	Metrics *prometheus.Registry
	Config  Config
	// Suggest is the autocomplete index; nil builds one over every
	// destination in the background, so that New returns at once.
	Suggest *suggest.Index
	// Sessions is the customers' session store (accounts, managing a
	// booking); it may also arrive later with AttachSessions.
	Sessions *sessionstore.Store
	// Accounts runs customer accounts; it may also arrive later with
	// AttachAccounts.
	Accounts *accounts.Service
}

// Handler holds every dependency of the HTTP layer.
type Handler struct {
	db      *sql.DB
	redis   redis.UniversalClient
	log     *slog.Logger
	cfg     Config
	metrics *metrics
	csp     string
	// suggest returns the autocomplete index, waiting while it is built.
	suggest func() *suggest.Index
	// agg runs searches; cat is the hotel catalog. Both arrive with Attach.
	agg *aggregator.Aggregator
	cat *catalog.Catalog
	// resultsState caches what results pages and their streams share.
	resultsState *resultsState
	// sups and conv price room offers; they arrive with AttachSuppliers.
	sups []suppliers.Supplier
	conv aggregator.Converter
	// markups adds staff markups to room offers (AttachMarkups); nil adds none.
	markups aggregator.Markups
	// ops feeds the operations screens (AttachOps); nil answers 503.
	ops *opsState
	// pages holds rendered public pages (hotel pages) and their ETags.
	pages pageCache
	// cacheCounts counts hits and misses of pages for the dashboard.
	cacheCounts pageCacheCounts
	// sitemaps holds the sitemap URLs, rebuilt every few minutes.
	sitemaps sitemapSet
	// bookings runs the booking flow; it arrives with AttachBooking.
	bookings *booking.Service
	// accounts runs customer accounts (Deps or AttachAccounts).
	accounts *accounts.Service
	// staff runs the staff screens; it arrives with AttachAdmin.
	staff *adminState
	// sessions is the customers' session store; nil until the backends are
	// attached (sessions are never needed before).
	sessions *sessionstore.Store

	ready     atomic.Bool
	drainOnce sync.Once
	drain     chan struct{}
}

// New builds the HTTP layer. It starts not ready: call SetReady once the
// process can serve traffic.
func New(d Deps) *Handler {
	if d.Metrics == nil {
		d.Metrics = prometheus.NewRegistry()
	}
	h := &Handler{
		db:      d.DB,
		redis:   d.Redis,
		log:     d.Log,
		cfg:     d.Config,
		metrics: newMetrics(d.Metrics),
		drain:   make(chan struct{}),

		resultsState: newResultsState(),
		sessions:     d.Sessions,
		accounts:     d.Accounts,
	}
	h.csp = contentSecurityPolicy(d.Config.ImageOrigins, d.Config.FormOrigins)
	if d.Suggest != nil {
		h.suggest = func() *suggest.Index { return d.Suggest }
	} else {
		h.suggest = sync.OnceValue(newSuggestIndex)
		go h.suggest()
	}
	return h
}

// Attach hands the handlers their backends once they are up; the process
// listens (and answers /healthz) before that.
func (h *Handler) Attach(pool *sql.DB, rdb redis.UniversalClient) {
	h.db, h.redis = pool, rdb
}

// AttachSessions hands the handlers the customers' session store, which
// needs Redis and so arrives with the backends.
func (h *Handler) AttachSessions(s *sessionstore.Store) { h.sessions = s }

// AttachSearch hands the handlers the search pipeline and the catalog.
func (h *Handler) AttachSearch(agg *aggregator.Aggregator, cat *catalog.Catalog) {
	h.agg, h.cat = agg, cat
}

// SetReady turns readiness (/readyz) on or off.
func (h *Handler) SetReady(ready bool) { h.ready.Store(ready) }

// Drain marks the instance as going away: readiness turns false at once and
// long-lived streams are told to reconnect (to another instance).
func (h *Handler) Drain() {
	h.ready.Store(false)
	h.drainOnce.Do(func() { close(h.drain) })
}

// Draining is closed when the instance has started to shut down.
func (h *Handler) Draining() <-chan struct{} { return h.drain }

func (h *Handler) secure() bool {
	return h.cfg.BaseURL != nil && h.cfg.BaseURL.Scheme == "https"
}
