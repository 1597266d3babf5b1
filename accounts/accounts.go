// Package accounts is the core of Lobang's optional customer accounts:
// sign-up with email verification, passwords (argon2id), login throttling,
// password resets, saved guest details, and the guest bookings that attach
// to an account once its email is verified. It knows no HTTP or HTML;
// sessions are the caller's.
package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/redis/go-redis/v9"

	"lobang/db"
	"lobang/internal/ratelimit"
)

// Sentinel errors of the package.
var (
	// ErrBadLogin is a wrong email or password (never saying which).
	ErrBadLogin = errors.New("wrong email or password")
	// ErrThrottled is too many failed logins for the account or the address.
	ErrThrottled = errors.New("too many failed attempts")
	// ErrBadToken is a link token that is unknown, used or expired.
	ErrBadToken = errors.New("the link is invalid, used or expired")
	// ErrNotFound is an account that does not exist.
	ErrNotFound = errors.New("account not found")
)

// FieldErrors holds a message per form field (email, password, current…).
type FieldErrors map[string]string

func (e FieldErrors) Error() string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return "invalid: " + strings.Join(keys, ", ")
}

// Token lifetimes and login limits.
const (
	VerifyTTL = 48 * time.Hour
	ResetTTL  = time.Hour
	// FailuresPerAccount and FailuresPerIP failed logins within
	// FailureWindow stop further attempts until the window ends.
	FailuresPerAccount = 5
	FailuresPerIP      = 20
	FailureWindow      = 15 * time.Minute
	// EmailsPerAddress is how many account emails one address receives per
	// hour, so that the forms cannot be used to flood a mailbox.
	EmailsPerAddress = 5
)

// Token purposes.
const (
	purposeVerify = "verify"
	purposeReset  = "reset"
)

// hashParams follow OWASP's argon2id recommendation (19 MiB, 2 passes).
var hashParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Config is what New needs.
type Config struct {
	DB    *sql.DB
	Redis redis.UniversalClient
	// RedisPrefix is prepended to the throttling counters' keys.
	RedisPrefix string
	// BaseURL is the public origin the emailed links start with.
	BaseURL *url.URL
	Log     *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Service runs accounts.
type Service struct {
	db     *sql.DB
	rdb    redis.UniversalClient
	prefix string
	base   *url.URL
	log    *slog.Logger
	now    func() time.Time
	// dummyHash is compared against when an email has no account, so that
	// a login takes as long either way.
	dummyHash string
}

// Account is a customer account as callers see it.
type Account struct {
	ID       int64
	Email    string
	Verified bool
	Details  Details
}

// Details are the guest details an account saves for its next booking.
type Details struct {
	Title, FirstName, LastName, Phone, BillingAddress string
}

// New returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.DB == nil || cfg.Redis == nil || cfg.BaseURL == nil {
		return nil, errors.New("accounts: needs a database, Redis and a base URL")
	}
	s := &Service{db: cfg.DB, rdb: cfg.Redis, prefix: cfg.RedisPrefix, base: cfg.BaseURL, log: cfg.Log, now: cfg.Now}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	h, err := argon2id.CreateHash(newToken(), hashParams)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	s.dummyHash = h
	return s, nil
}

// Get returns an account by id.
func (s *Service) Get(ctx context.Context, id int64) (Account, error) {
	a, err := db.GetAccount(ctx, s.db, id)
	if errors.Is(err, db.ErrNotFound) {
		return Account{}, ErrNotFound
	}
	if err != nil {
		return Account{}, err
	}
	return fromRow(a), nil
}

func fromRow(a db.Account) Account {
	return Account{ID: a.ID, Email: a.Email, Verified: a.VerifiedAt.Valid, Details: Details{Title: a.Title,
		FirstName: a.FirstName, LastName: a.LastName, Phone: a.Phone, BillingAddress: a.Billing}}
}

// SignUp creates an unverified account and emails its verification link.
// An email that already has an account gets a note saying so instead, and
// the caller answers the same either way (no account enumeration).
func (s *Service) SignUp(ctx context.Context, email, password string) error {
	email = NormaliseEmail(email)
	errs := FieldErrors{}
	if msg := checkEmail(email); msg != "" {
		errs["email"] = msg
	}
	if msg := CheckPassword(password, email); msg != "" {
		errs["password"] = msg
	}
	if len(errs) > 0 {
		return errs
	}
	if !s.allowEmail(ctx, email) {
		return nil
	}
	hash, err := argon2id.CreateHash(password, hashParams)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	now := s.now()
	return db.WithTx(ctx, s.db, func(tx *sql.Tx) error {
		id, err := db.CreateAccount(ctx, tx, db.Account{Email: email, PasswordHash: hash, CreatedAt: now})
		if errors.Is(err, db.ErrDuplicate) {
			return s.mail(ctx, tx, "account_exists:"+newToken()[:16], email, "You already have a Lobang account",
				"Someone (probably you) tried to create a Lobang account with this email address, but you already have one.\n\n"+
					"Log in: "+s.link("/account/login", "")+"\n"+
					"Forgotten your password? Choose a new one: "+s.link("/account/reset", "")+"\n\n"+
					"If it wasn't you, you can ignore this email.\n")
		}
		if err != nil {
			return err
		}
		return s.sendVerification(ctx, tx, id, email, now)
	})
}

// ResendVerification emails a new verification link to an unverified
// account.
func (s *Service) ResendVerification(ctx context.Context, id int64) error {
	a, err := db.GetAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	if a.VerifiedAt.Valid || !s.allowEmail(ctx, a.Email) {
		return nil
	}
	return db.WithTx(ctx, s.db, func(tx *sql.Tx) error { return s.sendVerification(ctx, tx, a.ID, a.Email, s.now()) })
}

func (s *Service) sendVerification(ctx context.Context, tx *sql.Tx, id int64, email string, now time.Time) error {
	token, tid, err := s.issue(ctx, tx, id, purposeVerify, now, VerifyTTL)
	if err != nil {
		return err
	}
	return s.mail(ctx, tx, fmt.Sprintf("account_verify:%d", tid), email, "Confirm your email for Lobang",
		"Welcome to Lobang.\n\nConfirm your email address by opening this link within 48 hours:\n\n"+
			s.link("/account/verify", token)+"\n\n"+
			"Once it is confirmed, bookings you made as a guest with this address appear in your account.\n\n"+
			"If you didn't create an account, you can ignore this email.\n")
}

// Verify uses a verification token: the account's email is proven and its
// guest bookings attach.
func (s *Service) Verify(ctx context.Context, token string) (Account, error) {
	now := s.now()
	var acct db.Account
	err := db.WithTx(ctx, s.db, func(tx *sql.Tx) error {
		t, err := db.UseAccountToken(ctx, tx, hashToken(token), purposeVerify, now)
		if err != nil {
			return err
		}
		if err := db.MarkAccountVerified(ctx, tx, t.AccountID, now); err != nil {
			return err
		}
		acct, err = db.GetAccount(ctx, tx, t.AccountID)
		return err
	})
	if errors.Is(err, db.ErrNotFound) {
		return Account{}, ErrBadToken
	}
	if err != nil {
		return Account{}, err
	}
	a := fromRow(acct)
	if _, err := s.AttachBookings(ctx, a); err != nil {
		return Account{}, err
	}
	return a, nil
}

// AttachBookings attaches a verified account's guest bookings (those made
// with its email) and reports how many were new; an unverified account
// gets none.
func (s *Service) AttachBookings(ctx context.Context, a Account) (int, error) {
	if !a.Verified {
		return 0, nil
	}
	return db.AttachBookingsByEmail(ctx, s.db, a.ID, a.Email, s.now())
}

// Bookings lists the bookings attached to a verified account.
func (s *Service) Bookings(ctx context.Context, a Account) ([]db.AccountBooking, error) {
	if !a.Verified {
		return nil, nil
	}
	return db.AccountBookings(ctx, s.db, a.ID, a.Email)
}

// Login checks an email and password from ip. Failures count against both
// the account (the email) and the address; past either limit every attempt
// is ErrThrottled until the window ends, right password or not.
func (s *Service) Login(ctx context.Context, email, password, ip string) (Account, error) {
	email = NormaliseEmail(email)
	acctKey, ipKey := s.prefix+"login-fail:account:{"+email+"}", s.prefix+"login-fail:ip:{"+ip+"}"
	if s.over(ctx, acctKey, FailuresPerAccount) || s.over(ctx, ipKey, FailuresPerIP) {
		return Account{}, ErrThrottled
	}
	row, err := db.AccountByEmail(ctx, s.db, email)
	hash := row.PasswordHash
	if errors.Is(err, db.ErrNotFound) {
		hash = s.dummyHash
	} else if err != nil {
		return Account{}, err
	}
	match, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil {
		return Account{}, fmt.Errorf("compare password: %w", err)
	}
	if !match || row.ID == 0 {
		s.count(ctx, acctKey)
		s.count(ctx, ipKey)
		return Account{}, ErrBadLogin
	}
	if err := s.rdb.Del(ctx, acctKey).Err(); err != nil {
		s.log.Warn("reset login failures", "err", err)
	}
	a := fromRow(row)
	if _, err := s.AttachBookings(ctx, a); err != nil {
		s.log.Warn("attach bookings at login", "account", a.ID, "err", err)
	}
	return a, nil
}

// over reports whether the failures counted at key have reached limit.
// Redis trouble lets the attempt through (and is logged): the password
// still decides.
func (s *Service) over(ctx context.Context, key string, limit int) bool {
	reached, err := s.window(limit, FailureWindow).Reached(ctx, key)
	if err != nil {
		s.log.Warn("read login throttle", "err", err)
	}
	return reached
}

// count adds one failure; the window starts with the first.
func (s *Service) count(ctx context.Context, key string) {
	if err := s.window(0, FailureWindow).Record(ctx, key); err != nil {
		s.log.Warn("count login failure", "err", err)
	}
}

// allowEmail counts one account email to address and reports whether it
// may go out.
func (s *Service) allowEmail(ctx context.Context, address string) bool {
	ok, err := s.window(EmailsPerAddress, time.Hour).Allow(ctx, s.prefix+"account-mail:{"+address+"}")
	if err != nil {
		s.log.Warn("count account email", "err", err)
		return true
	}
	return ok
}

func (s *Service) window(limit int, d time.Duration) ratelimit.Window {
	return ratelimit.Window{Redis: s.rdb, Limit: limit, Window: d}
}

// RequestReset emails a password reset link when email has an account;
// otherwise it does nothing, and the caller answers the same.
func (s *Service) RequestReset(ctx context.Context, email string) error {
	email = NormaliseEmail(email)
	if checkEmail(email) != "" {
		return FieldErrors{"email": "Enter an email address like name@example.com."}
	}
	row, err := db.AccountByEmail(ctx, s.db, email)
	if errors.Is(err, db.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !s.allowEmail(ctx, email) {
		return nil
	}
	now := s.now()
	return db.WithTx(ctx, s.db, func(tx *sql.Tx) error {
		token, tid, err := s.issue(ctx, tx, row.ID, purposeReset, now, ResetTTL)
		if err != nil {
			return err
		}
		return s.mail(ctx, tx, fmt.Sprintf("password_reset:%d", tid), email, "Choose a new Lobang password",
			"Someone (probably you) asked to choose a new password for your Lobang account.\n\n"+
				"Open this link within an hour to choose one; it works once:\n\n"+
				s.link("/account/reset/"+token, "")+"\n\n"+
				"If it wasn't you, ignore this email: your password stays as it is.\n")
	})
}

// CheckResetToken reports whether a reset token is still good, without
// using it.
func (s *Service) CheckResetToken(ctx context.Context, token string) error {
	_, err := db.PeekAccountToken(ctx, s.db, hashToken(token), purposeReset, s.now())
	if errors.Is(err, db.ErrNotFound) {
		return ErrBadToken
	}
	return err
}

// ResetPassword uses a reset token to set a new password. It also proves
// the email, so an unverified account becomes verified. The caller ends
// the account's sessions.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (Account, error) {
	now := s.now()
	var acct db.Account
	err := db.WithTx(ctx, s.db, func(tx *sql.Tx) error {
		t, err := db.PeekAccountToken(ctx, tx, hashToken(token), purposeReset, now)
		if err != nil {
			return err
		}
		acct, err = db.GetAccount(ctx, tx, t.AccountID)
		if err != nil {
			return err
		}
		if msg := CheckPassword(password, acct.Email); msg != "" {
			return FieldErrors{"password": msg}
		}
		if _, err := db.UseAccountToken(ctx, tx, t.Hash, purposeReset, now); err != nil {
			return err
		}
		hash, err := argon2id.CreateHash(password, hashParams)
		if err != nil {
			return fmt.Errorf("hash password: %w", err)
		}
		if err := db.SetAccountPassword(ctx, tx, acct.ID, hash, now); err != nil {
			return err
		}
		return db.MarkAccountVerified(ctx, tx, acct.ID, now)
	})
	if errors.Is(err, db.ErrNotFound) {
		return Account{}, ErrBadToken
	}
	if err != nil {
		return Account{}, err
	}
	if err := s.rdb.Del(ctx, s.prefix+"login-fail:account:{"+acct.Email+"}").Err(); err != nil {
		s.log.Warn("reset login failures", "err", err)
	}
	acct.VerifiedAt = sql.NullTime{Time: now, Valid: true}
	return fromRow(acct), nil
}

// ChangePassword replaces a logged-in account's password after checking
// the current one.
func (s *Service) ChangePassword(ctx context.Context, id int64, current, next string) error {
	row, err := db.GetAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	match, err := argon2id.ComparePasswordAndHash(current, row.PasswordHash)
	if err != nil {
		return fmt.Errorf("compare password: %w", err)
	}
	if !match {
		return FieldErrors{"current": "That is not your current password."}
	}
	if msg := CheckPassword(next, row.Email); msg != "" {
		return FieldErrors{"password": msg}
	}
	hash, err := argon2id.CreateHash(next, hashParams)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	return db.SetAccountPassword(ctx, s.db, id, hash, s.now())
}

// SaveDetails stores the guest details an account pre-fills; every field
// is optional.
func (s *Service) SaveDetails(ctx context.Context, id int64, d Details) error {
	d = d.normalise()
	if errs := d.validate(); len(errs) > 0 {
		return errs
	}
	return db.SaveAccountDetails(ctx, s.db, db.Account{ID: id, Title: d.Title, FirstName: d.FirstName,
		LastName: d.LastName, Phone: d.Phone, Billing: d.BillingAddress}, s.now())
}

// issue stores a new token for an account and returns it and its row id.
func (s *Service) issue(ctx context.Context, tx *sql.Tx, accountID int64, purpose string, now time.Time, ttl time.Duration) (string, int64, error) {
	token := newToken()
	id, err := db.InsertAccountToken(ctx, tx, db.AccountToken{Hash: hashToken(token), AccountID: accountID,
		Purpose: purpose, CreatedAt: now, ExpiresAt: now.Add(ttl)})
	return token, id, err
}

// mail queues an account email in the outbox; account emails belong to no
// booking.
func (s *Service) mail(ctx context.Context, tx *sql.Tx, kind, to, subject, body string) error {
	now := s.now()
	return db.EnqueueOutbox(ctx, tx, db.OutboxMessage{BookingID: "", Kind: kind, To: to, Subject: subject,
		Body: body, NextAt: now, CreatedAt: now})
}

// link is an absolute URL on the site, with a token query when given.
func (s *Service) link(path, token string) string {
	u := s.base.JoinPath(path)
	if token != "" {
		u.RawQuery = url.Values{"token": {token}}.Encode()
	}
	return u.String()
}

// newToken is 256 random bits in hex.
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	return hex.EncodeToString(b)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
