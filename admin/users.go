package admin

import (
	"bytes"
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"image/png"
	"net/mail"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/redis/go-redis/v9"

	"lobang/db"
	"lobang/internal/ratelimit"
)

// MinPasswordLength is the shortest password staff may choose.
const MinPasswordLength = 12

// recoveryCodes is how many recovery codes an enrolment hands out.
const recoveryCodes = 10

// totpPeriod is the TOTP time step; codes one step either side are accepted
// for clock drift.
const totpPeriod = 30

// Staff is a signed-in member of staff, as handlers and the audit log see
// them.
type Staff struct {
	ID        int64
	Email     string
	Role      Role
	IP        string // the client address of the request
	SessionID string
}

// CreateUser creates a staff account waiting for enrolment and returns the
// token of its one-time enrolment link (/admin/enrol/{token}), valid for
// EnrolmentTTL. by is who created it (the command line: ID 0).
func (s *Service) CreateUser(ctx context.Context, by Staff, email string, role Role) (string, error) {
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email {
		return "", fmt.Errorf("create staff user: %q is not an email address", email)
	}
	email = strings.ToLower(email)
	if !role.Valid() {
		return "", fmt.Errorf("create staff user: role %q is not agent, manager or admin", role)
	}
	token := randomHex(32)
	now := s.Now()
	err = db.WithTx(ctx, s.db, func(tx *sql.Tx) error {
		id, err := db.InsertStaffUser(ctx, tx, db.StaffUser{Email: email, Role: string(role), Status: db.StaffEnrolling,
			CreatedAt: now})
		if errors.Is(err, db.ErrDuplicate) {
			return ErrExists
		}
		if err != nil {
			return err
		}
		if err := db.InsertStaffEnrolment(ctx, tx, hashToken(token), id, now.Add(s.cfg.EnrolmentTTL)); err != nil {
			return err
		}
		return s.Audit(ctx, tx, by, "staff.create", "staff", fmt.Sprint(id), nil,
			map[string]any{"email": email, "role": role, "status": db.StaffEnrolling})
	})
	if err != nil {
		return "", fmt.Errorf("create staff user %s: %w", email, err)
	}
	return token, nil
}

// Enrolment is what the enrolment page shows: whose account, and the TOTP
// secret to scan (QR, a PNG) or type.
type Enrolment struct {
	Email  string
	Secret string
	URL    string // otpauth:// URL
	QRPNG  []byte
}

// enrolment checks an enrolment link and returns it with its account.
func (s *Service) enrolment(ctx context.Context, q db.DBTX, token string, lock bool) (db.StaffEnrolment, db.StaffUser, error) {
	if len(token) != 64 {
		return db.StaffEnrolment{}, db.StaffUser{}, ErrEnrolment
	}
	e, err := db.GetStaffEnrolment(ctx, q, hashToken(token), lock)
	if errors.Is(err, db.ErrNotFound) {
		return e, db.StaffUser{}, ErrEnrolment
	}
	if err != nil {
		return e, db.StaffUser{}, err
	}
	if e.UsedAt.Valid || !s.Now().Before(e.ExpiresAt) {
		return e, db.StaffUser{}, ErrEnrolment
	}
	u, err := db.GetStaffUser(ctx, q, e.StaffID)
	if err != nil {
		return e, u, err
	}
	if u.Status != db.StaffEnrolling {
		return e, u, ErrEnrolment
	}
	return e, u, nil
}

// StartEnrolment checks an enrolment link and returns the TOTP secret the
// account will have: the same one however often the page is opened, until
// the enrolment is finished.
func (s *Service) StartEnrolment(ctx context.Context, token string) (Enrolment, error) {
	e, u, err := s.enrolment(ctx, s.db, token, false)
	if err != nil {
		return Enrolment{}, err
	}
	k := s.key("enrol", e.TokenHash)
	url, err := s.rdb.Get(ctx, k).Result()
	if errors.Is(err, redis.Nil) {
		key, gerr := totp.Generate(totp.GenerateOpts{Issuer: s.cfg.Issuer, AccountName: u.Email, Period: totpPeriod})
		if gerr != nil {
			return Enrolment{}, fmt.Errorf("generate totp secret: %w", gerr)
		}
		if _, err := s.rdb.SetNX(ctx, k, key.URL(), time.Until(e.ExpiresAt)+time.Hour).Result(); err != nil {
			return Enrolment{}, fmt.Errorf("keep totp secret: %w", err)
		}
		url, err = s.rdb.Get(ctx, k).Result() // whoever set it first wins
	}
	if err != nil {
		return Enrolment{}, fmt.Errorf("totp secret: %w", err)
	}
	key, err := otp.NewKeyFromURL(url)
	if err != nil {
		return Enrolment{}, fmt.Errorf("totp secret: %w", err)
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return Enrolment{}, fmt.Errorf("totp qr code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Enrolment{}, fmt.Errorf("totp qr code: %w", err)
	}
	return Enrolment{Email: u.Email, Secret: key.Secret(), URL: url, QRPNG: buf.Bytes()}, nil
}

// FinishEnrolment sets the account's password and TOTP secret once code
// proves the authenticator works, uses up the link and returns the
// recovery codes, shown once.
func (s *Service) FinishEnrolment(ctx context.Context, token, password, code, ip string) ([]string, error) {
	if len(password) < MinPasswordLength {
		return nil, ErrWeakPassword
	}
	en, err := s.StartEnrolment(ctx, token)
	if err != nil {
		return nil, err
	}
	step, ok := matchTOTP(en.Secret, code, s.Now())
	if !ok {
		return nil, ErrBadCode
	}
	hash, err := argon2id.CreateHash(password, argon2id.DefaultParams)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	codes := make([]string, recoveryCodes)
	hashes := make([]string, recoveryCodes)
	for i := range codes {
		r := randomHex(5)
		codes[i] = r[:5] + "-" + r[5:]
		hashes[i] = hashToken(codes[i])
	}
	err = db.WithTx(ctx, s.db, func(tx *sql.Tx) error {
		e, u, err := s.enrolment(ctx, tx, token, true)
		if err != nil {
			return err
		}
		now := s.Now()
		if err := db.CompleteStaffEnrolment(ctx, tx, u.ID, hash, en.Secret, step, now); err != nil {
			return err
		}
		if err := db.UseStaffEnrolment(ctx, tx, e.TokenHash, now); err != nil {
			return err
		}
		if err := db.InsertRecoveryCodes(ctx, tx, u.ID, hashes); err != nil {
			return err
		}
		by := Staff{ID: u.ID, Email: u.Email, Role: Role(u.Role), IP: ip}
		return s.Audit(ctx, tx, by, "staff.enrol", "staff", fmt.Sprint(u.ID),
			map[string]any{"status": db.StaffEnrolling}, map[string]any{"status": db.StaffActive, "recovery_codes": recoveryCodes})
	})
	if err != nil {
		return nil, fmt.Errorf("finish enrolment: %w", err)
	}
	if err := s.rdb.Del(ctx, s.key("enrol", hashToken(token))).Err(); err != nil {
		s.log.Warn("drop enrolment secret", "err", err)
	}
	return codes, nil
}

// matchTOTP finds the time step, one either side of now, whose code is
// code; ok is false when none is.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return 0, false
	}
	opts := totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	cur := now.Unix() / totpPeriod
	for _, step := range []int64{cur - 1, cur, cur + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), opts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// isRecoveryCode reports whether a login code has the shape of a recovery
// code (xxxxx-xxxxx) rather than a TOTP code.
func isRecoveryCode(code string) bool { return len(code) == 11 && code[5] == '-' }

// dummyHash is compared against when the account does not exist, so that a
// wrong email takes as long as a wrong password.
var dummyHash = func() string {
	h, err := argon2id.CreateHash("not a real password", argon2id.DefaultParams)
	if err != nil {
		panic(err)
	}
	return h
}()

// Login checks an email, password and TOTP code (or an unused recovery
// code, which it uses up) and returns the member of staff. Failures count
// against the account and the address: past the limits every attempt is
// ErrThrottled until the window passes. A TOTP code is accepted once.
func (s *Service) Login(ctx context.Context, email, password, code, ip string) (Staff, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	code = strings.ToLower(strings.TrimSpace(code))
	acctKey, ipKey := s.key("fail", "acct", hashToken(email)), s.key("fail", "ip", ip)
	perAccount := ratelimit.Window{Redis: s.rdb, Limit: s.cfg.MaxFailures, Window: s.cfg.FailureWindow}
	perIP := ratelimit.Window{Redis: s.rdb, Limit: s.cfg.MaxFailuresPerIP, Window: s.cfg.FailureWindow}
	acctOver, err := perAccount.Reached(ctx, acctKey)
	if err != nil {
		return Staff{}, fmt.Errorf("login throttle: %w", err)
	}
	ipOver, err := perIP.Reached(ctx, ipKey)
	if err != nil {
		return Staff{}, fmt.Errorf("login throttle: %w", err)
	}
	if acctOver || ipOver {
		s.log.Warn("staff login throttled", "ip", ip)
		return Staff{}, ErrThrottled
	}
	st, method, err := s.checkLogin(ctx, email, password, code, ip)
	if err != nil {
		if errors.Is(err, ErrBadLogin) || errors.Is(err, ErrReplay) {
			if perr := errors.Join(perAccount.Record(ctx, acctKey), perIP.Record(ctx, ipKey)); perr != nil {
				return Staff{}, errors.Join(err, fmt.Errorf("count failed login: %w", perr))
			}
			s.log.Info("staff login failed", "ip", ip, "reason", err.Error())
		}
		return Staff{}, err
	}
	if err := perAccount.Reset(ctx, acctKey); err != nil {
		s.log.Warn("reset login failures", "err", err)
	}
	if err := s.Audit(ctx, s.db, st, "staff.login", "staff", fmt.Sprint(st.ID), nil,
		map[string]any{"second_factor": method}); err != nil {
		return Staff{}, err
	}
	return st, nil
}

// checkLogin does Login's checks and uses up the code; method is totp or
// recovery.
func (s *Service) checkLogin(ctx context.Context, email, password, code, ip string) (Staff, string, error) {
	u, err := db.StaffUserByEmail(ctx, s.db, email)
	if errors.Is(err, db.ErrNotFound) {
		if _, cerr := argon2id.ComparePasswordAndHash(password, dummyHash); cerr != nil {
			return Staff{}, "", cerr
		}
		return Staff{}, "", ErrBadLogin
	}
	if err != nil {
		return Staff{}, "", err
	}
	if u.Status != db.StaffActive || !u.PasswordHash.Valid || !u.TOTPSecret.Valid {
		return Staff{}, "", ErrBadLogin
	}
	ok, err := argon2id.ComparePasswordAndHash(password, u.PasswordHash.String)
	if err != nil {
		return Staff{}, "", fmt.Errorf("compare password: %w", err)
	}
	if !ok {
		return Staff{}, "", ErrBadLogin
	}
	st := Staff{ID: u.ID, Email: u.Email, Role: Role(u.Role), IP: ip}
	if isRecoveryCode(code) {
		used, err := db.UseRecoveryCode(ctx, s.db, u.ID, hashToken(code), s.Now())
		if err != nil {
			return Staff{}, "", err
		}
		if !used {
			return Staff{}, "", ErrBadLogin
		}
		return st, "recovery", nil
	}
	step, ok := matchTOTP(u.TOTPSecret.String, code, s.Now())
	if !ok {
		return Staff{}, "", ErrBadLogin
	}
	fresh, err := db.AdvanceTOTPStep(ctx, s.db, u.ID, step)
	if err != nil {
		return Staff{}, "", err
	}
	if !fresh {
		return Staff{}, "", ErrReplay
	}
	return st, "totp", nil
}

// Users lists every staff account.
func (s *Service) Users(ctx context.Context) ([]db.StaffUser, error) {
	return db.ListStaffUsers(ctx, s.db)
}
