// Package admin is the core of Lobang's staff side, without HTML: staff
// accounts with a password and a TOTP second factor, enrolment by one-time
// link, login with throttling and replay protection, roles, one-time
// confirmation tokens for staff actions and the append-only audit log.
// Staff sessions live in the shared session store under their own cookie
// (15 minutes idle, 8 hours at most: SessionIdle, SessionLifetime).
package admin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

// Errors the service returns; branch with errors.Is.
var (
	// ErrBadLogin: the email, password or code is wrong (which one is not said).
	ErrBadLogin = errors.New("email, password or code is wrong")
	// ErrReplay: the TOTP code was already used.
	ErrReplay = errors.New("code already used")
	// ErrThrottled: too many failed logins for the account or the address.
	ErrThrottled = errors.New("too many attempts")
	// ErrEnrolment: the enrolment link is unknown, used or expired.
	ErrEnrolment = errors.New("enrolment link invalid or expired")
	// ErrBadCode: the code confirming an enrolment is wrong.
	ErrBadCode = errors.New("code is wrong")
	// ErrWeakPassword: the password is too short.
	ErrWeakPassword = errors.New("password too short")
	// ErrExists: a staff account with this email exists.
	ErrExists = errors.New("staff account exists")
	// ErrNoSession: no valid staff session (none, expired or revoked).
	ErrNoSession = errors.New("no staff session")
	// ErrBadToken: a confirmation token that is unknown, used or not for this action.
	ErrBadToken = errors.New("confirmation token invalid")
)

// The staff session limits.
const (
	SessionIdle     = 15 * time.Minute
	SessionLifetime = 8 * time.Hour
)

// Config tunes the service; zero fields take the defaults.
type Config struct {
	EnrolmentTTL time.Duration // how long an enrolment link works (24 h)
	// MaxFailures is how many failed logins an account may have in
	// FailureWindow (5); MaxFailuresPerIP the same for one address (20).
	MaxFailures, MaxFailuresPerIP int
	FailureWindow                 time.Duration // 15 min
	// Issuer names Lobang in authenticator apps.
	Issuer string
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.EnrolmentTTL, 24*time.Hour)
	def(&c.FailureWindow, 15*time.Minute)
	if c.MaxFailures <= 0 {
		c.MaxFailures = 5
	}
	if c.MaxFailuresPerIP <= 0 {
		c.MaxFailuresPerIP = 20
	}
	if c.Issuer == "" {
		c.Issuer = "Lobang"
	}
	return c
}

// Deps are what the service works with.
type Deps struct {
	DB          *sql.DB
	Redis       redis.UniversalClient
	RedisPrefix string
	Logger      *slog.Logger
	// Now is the clock; nil means time.Now. Tests move it to expire sessions.
	Now func() time.Time
}

// Service runs staff identity and the audit log.
type Service struct {
	db     *sql.DB
	rdb    redis.UniversalClient
	prefix string
	log    *slog.Logger
	now    func() time.Time
	cfg    Config
}

// New returns a service over its dependencies.
func New(d Deps, cfg Config) *Service {
	s := &Service{db: d.DB, rdb: d.Redis, prefix: d.RedisPrefix, log: d.Logger, now: d.Now, cfg: cfg.withDefaults()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// DB is the database the service writes; handlers use it for transactions
// that must hold an audit entry.
func (s *Service) DB() *sql.DB { return s.db }

// Now is the service's clock, in UTC to the microsecond MySQL keeps.
func (s *Service) Now() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

func (s *Service) key(parts ...string) string {
	k := s.prefix + "staff"
	for _, p := range parts {
		k += ":" + p
	}
	return k
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error()) // never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// hashToken is the SHA-256 of a secret token in hex: tokens and recovery
// codes are stored only this way.
func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// NewActionID returns a random id for one staff action (refund requests,
// idempotency keys).
func NewActionID() string { return randomHex(8) }

// ctxKey keeps the service's context values apart.
type ctxKey struct{}

// WithStaff returns ctx carrying the signed-in staff member.
func WithStaff(ctx context.Context, st Staff) context.Context {
	return context.WithValue(ctx, ctxKey{}, st)
}

// StaffFrom returns the staff member WithStaff put in ctx.
func StaffFrom(ctx context.Context) (Staff, bool) {
	st, ok := ctx.Value(ctxKey{}).(Staff)
	return st, ok
}
