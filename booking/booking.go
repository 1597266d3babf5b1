// Package booking is Lobang's money path without its pages: a stored room
// offer becomes a quote re-checked with the supplier, the guest's details
// are saved once, the customer pays at the provider's hosted checkout, and
// the booking is made with the supplier under our reference before the
// payment is captured. Every status change goes through one function that
// checks it is allowed, under the booking's row lock, and records it in
// booking_events. Reconcile finishes what a time-out or a crash left open.
package booking

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"lobang/aggregator/suppliers"
	"lobang/booking/payments"
	"lobang/db"
	"lobang/fx"
)

// Booking is a booking as stored.
type Booking = db.Booking

// Errors the service returns; branch with errors.Is.
var (
	// ErrNotFound: no booking under that id (or the offer is gone).
	ErrNotFound = errors.New("booking not found")
	// ErrOfferExpired: the stored room offer expired or never existed.
	ErrOfferExpired = errors.New("offer expired")
	// ErrPriceChanged: the supplier's price differs from the offer shown; the
	// booking holds old and new and waits for AcceptPrice.
	ErrPriceChanged = errors.New("price changed")
	// ErrSoldOut: the supplier has no room left at this rate.
	ErrSoldOut = errors.New("sold out")
	// ErrQuoteExpired: the quote's 15 minutes passed.
	ErrQuoteExpired = errors.New("quote expired")
	// ErrBadToken: the form token is not this booking's (a stale or forged form).
	ErrBadToken = errors.New("form token invalid")
	// ErrNotAllowed: the booking's status does not allow the step.
	ErrNotAllowed = errors.New("not allowed in this booking status")
	// ErrNotPaid: the checkout session has no authorised payment (yet).
	ErrNotPaid = errors.New("payment not authorised")
	// ErrBadWebhook: a webhook whose signature does not verify.
	ErrBadWebhook = errors.New("webhook rejected")
	// ErrFeeChanged: the cancellation fee is not the one shown (or its quote
	// ran out); the *FeeChangedError holds the current quote to show.
	ErrFeeChanged = errors.New("cancellation fee changed")
	// ErrCancelFailed: the supplier did not cancel (or could not say what
	// cancelling costs); the booking stays confirmed.
	ErrCancelFailed = errors.New("supplier did not cancel; the booking stays confirmed")
	// ErrCancelUnconfirmed: the supplier's answer to the cancellation was
	// lost and a look-up could not tell whether it cancelled; the booking
	// stays confirmed.
	ErrCancelUnconfirmed = errors.New("could not confirm the cancellation with the supplier; the booking stays confirmed")
	// ErrUpcomingBookings: the person still has bookings to come, which they
	// must cancel before their data can be erased; the
	// *UpcomingBookingsError lists them.
	ErrUpcomingBookings = errors.New("upcoming bookings")
)

// RateSource gives current exchange rates (*fx.Source does).
type RateSource interface {
	Rates(ctx context.Context) (fx.Rates, error)
}

// Deps are what the service works with.
type Deps struct {
	DB *sql.DB
	// Redis holds the room offers shown to customers, under RedisPrefix.
	Redis       *redis.Client
	RedisPrefix string
	Suppliers   []suppliers.Supplier
	Payments    payments.Provider
	Rates       RateSource
	Logger      *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Notify, when set, hears of every booking just confirmed or failed
	// (after its transaction commits); see Publisher.
	Notify func(Booking)
}

// Config tunes the service; zero fields take the defaults.
type Config struct {
	QuoteTTL    time.Duration // how long a quote holds (15 min)
	CallTimeout time.Duration // bound of one supplier or provider call (60 s)
	// Grace is how long a booking may stay confirming with no booking at the
	// supplier before its payment is voided and it fails (30 min).
	Grace time.Duration
	// Lease is how long one worker owns a booking's supplier and payment
	// calls before another may take over (2 min).
	Lease time.Duration
	// RecheckEvery is how often a confirmed booking whose stay is still to
	// come is re-checked with its supplier (6 h); RecheckNear is how often
	// in the 48 hours before check-in (1 h).
	RecheckEvery, RecheckNear time.Duration
	// RecheckBatch bounds the re-checks per supplier in one pass (20).
	RecheckBatch int
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.QuoteTTL, 15*time.Minute)
	def(&c.CallTimeout, 60*time.Second)
	def(&c.Grace, 30*time.Minute)
	def(&c.Lease, 2*time.Minute)
	def(&c.RecheckEvery, 6*time.Hour)
	def(&c.RecheckNear, time.Hour)
	if c.RecheckBatch <= 0 {
		c.RecheckBatch = 20
	}
	return c
}

// Service runs bookings.
type Service struct {
	db     *sql.DB
	rdb    *redis.Client
	prefix string
	sups   map[string]suppliers.Supplier
	pay    payments.Provider
	rates  RateSource
	log    *slog.Logger
	now    func() time.Time
	cfg    Config
	notify func(Booking)
}

// New returns a service over its dependencies.
func New(d Deps, cfg Config) *Service {
	s := &Service{db: d.DB, rdb: d.Redis, prefix: d.RedisPrefix, sups: map[string]suppliers.Supplier{},
		pay: d.Payments, rates: d.Rates, log: d.Logger, now: d.Now, cfg: cfg.withDefaults(), notify: d.Notify}
	for _, sup := range d.Suppliers {
		s.sups[sup.Name()] = sup
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Get returns a booking by id, or ErrNotFound.
func (s *Service) Get(ctx context.Context, id string) (Booking, error) {
	if !validID(id) {
		return Booking{}, ErrNotFound
	}
	b, err := db.GetBooking(ctx, s.db, id)
	if errors.Is(err, db.ErrNotFound) {
		return Booking{}, ErrNotFound
	}
	if err != nil {
		return Booking{}, fmt.Errorf("get booking: %w", err)
	}
	return b, nil
}

// Events returns a booking's recorded status changes in order.
func (s *Service) Events(ctx context.Context, id string) ([]db.BookingEvent, error) {
	return db.BookingEvents(ctx, s.db, id)
}

// clock returns the current time in UTC, to the microsecond that MySQL keeps.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }
