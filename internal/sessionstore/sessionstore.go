// Package sessionstore is Lobang's server-side store for gorilla/sessions:
// session data lives in Redis and the cookie carries only a signed, random
// id. Sessions can be renewed (a new id at login), destroyed (logout) and
// revoked for an owner everywhere at once (password reset); idle and
// absolute lifetimes are enforced on the server.
//
// A store writes nothing, and sets no cookie, until a session holds values
// and is saved: looking at a session never starts one.
package sessionstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/gob"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/redis/go-redis/v9"
)

// Options configure one store: one cookie with its own limits. Customer and
// staff sessions are two stores over the same Redis.
type Options struct {
	// Name is the cookie's base name ("lobang_session"); with Secure it is
	// sent as "__Host-" + Name. It also separates the stores' Redis keys.
	Name string
	// Secure marks the cookie Secure and gives it the __Host- prefix: set it
	// when the site's base URL is https.
	Secure bool
	// IdleTimeout ends a session not used for this long (30 minutes when 0).
	IdleTimeout time.Duration
	// Lifetime ends a session this long after it began, however busy
	// (12 hours when 0).
	Lifetime time.Duration
	// Keys sign the cookie (HMAC-SHA256), newest first: a cookie signed by
	// any of them is accepted and new cookies use the first. Each needs at
	// least 32 bytes. None: a random key for this process only.
	Keys [][]byte
	// KeyPrefix is prepended to every Redis key.
	KeyPrefix string
	// Now is the clock (time.Now when nil); tests move it.
	Now func() time.Time
}

// Store keeps sessions in Redis; it implements sessions.Store.
type Store struct {
	rdb    redis.UniversalClient
	opt    Options
	cookie string
	codecs []securecookie.Codec
}

var _ sessions.Store = (*Store)(nil)

// Redis hash fields of a session.
const (
	fieldData    = "data"
	fieldCreated = "created"
	fieldSeen    = "seen"
	fieldOwner   = "owner"
)

// ownerKey holds a session's owner in its Values, so that saving the
// session keeps it.
const ownerKey = "sessionstore.owner"

// ErrWrongCookie is returned by Get and New for a name other than the
// store's own cookie.
var ErrWrongCookie = errors.New("sessionstore: not this store's cookie")

// ErrEnded is returned when saving or renewing a session that was destroyed
// or revoked after it was loaded.
var ErrEnded = errors.New("sessionstore: the session has ended")

// New returns a store over rdb.
func New(rdb redis.UniversalClient, opt Options) (*Store, error) {
	if opt.Name == "" || !validName(opt.Name) {
		return nil, fmt.Errorf("sessionstore: invalid cookie name %q", opt.Name)
	}
	if opt.IdleTimeout <= 0 {
		opt.IdleTimeout = 30 * time.Minute
	}
	if opt.Lifetime <= 0 {
		opt.Lifetime = 12 * time.Hour
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	keys := opt.Keys
	if len(keys) == 0 {
		keys = [][]byte{securecookie.GenerateRandomKey(32)}
	}
	s := &Store{rdb: rdb, opt: opt, cookie: opt.Name}
	if opt.Secure {
		s.cookie = "__Host-" + opt.Name
	}
	for i, k := range keys {
		if len(k) < 32 {
			return nil, fmt.Errorf("sessionstore: key %d is shorter than 32 bytes", i+1)
		}
		c := securecookie.New(k, nil)
		// The signed value carries its own timestamp: never accept one
		// older than the session could live.
		c.MaxAge(int(opt.Lifetime / time.Second))
		c.SetSerializer(securecookie.NopEncoder{})
		s.codecs = append(s.codecs, c)
	}
	return s, nil
}

// CookieName is the name of the store's cookie as browsers see it.
func (s *Store) CookieName() string { return s.cookie }

// Session returns the request's session of this store (loaded once per
// request): the stored one, or a new empty one that is not saved until it
// holds values.
func (s *Store) Session(r *http.Request) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, s.cookie)
}

// Get is sessions.Store.Get: the request's session, cached per request.
func (s *Store) Get(r *http.Request, name string) (*sessions.Session, error) {
	if name != s.cookie {
		return nil, fmt.Errorf("%w: %q", ErrWrongCookie, name)
	}
	return sessions.GetRegistry(r).Get(s, name)
}

// New is sessions.Store.New: it loads the session named by the request's
// cookie, or returns a new one when there is none or it has expired. A
// stored session's last use is moved to now. On a Redis failure it returns
// a new session and the error.
func (s *Store) New(r *http.Request, name string) (*sessions.Session, error) {
	if name != s.cookie {
		return nil, fmt.Errorf("%w: %q", ErrWrongCookie, name)
	}
	sess := s.fresh()
	c, err := r.Cookie(s.cookie)
	if err != nil {
		return sess, nil
	}
	var id []byte
	if err := securecookie.DecodeMulti(s.cookie, c.Value, &id, s.codecs...); err != nil {
		return sess, nil // forged, expired or signed with a retired key
	}
	ok, err := s.load(r.Context(), string(id), sess)
	if err != nil || !ok {
		return s.fresh(), err
	}
	return sess, nil
}

// fresh is a new session with the store's cookie options.
func (s *Store) fresh() *sessions.Session {
	sess := sessions.NewSession(s, s.cookie)
	sess.IsNew = true
	sess.Options = s.cookieOptions()
	return sess
}

func (s *Store) cookieOptions() *sessions.Options {
	return &sessions.Options{Path: "/", MaxAge: int(s.opt.Lifetime / time.Second), Secure: s.opt.Secure,
		HttpOnly: true, SameSite: http.SameSiteLaxMode}
}

// load reads session id into sess and marks it used now. It reports false
// when there is no such session or it has expired (and is then deleted).
func (s *Store) load(ctx context.Context, id string, sess *sessions.Session) (bool, error) {
	key := s.key(id)
	fields, err := s.rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return false, fmt.Errorf("load session: %w", err)
	}
	created, errC := parseNanos(fields[fieldCreated])
	seen, errS := parseNanos(fields[fieldSeen])
	if len(fields) == 0 || errC != nil || errS != nil {
		return false, nil
	}
	now := s.opt.Now()
	if now.Sub(seen) >= s.opt.IdleTimeout || now.Sub(created) >= s.opt.Lifetime {
		if err := s.rdb.Del(ctx, key).Err(); err != nil {
			return false, fmt.Errorf("delete expired session: %w", err)
		}
		return false, nil
	}
	if err := gob.NewDecoder(bytes.NewReader([]byte(fields[fieldData]))).Decode(&sess.Values); err != nil {
		return false, nil // unreadable data: start again rather than fail
	}
	sess.ID, sess.IsNew = id, false
	pipe := s.rdb.Pipeline()
	pipe.HSet(ctx, key, fieldSeen, nanos(now))
	pipe.PExpire(ctx, key, s.ttl(created, now))
	if _, err := pipe.Exec(ctx); err != nil {
		return false, fmt.Errorf("touch session: %w", err)
	}
	sess.Options.MaxAge = int(created.Add(s.opt.Lifetime).Sub(now) / time.Second)
	return true, nil
}

// ttl is how long Redis keeps a session used at now: until it would go
// idle, never past its absolute end.
func (s *Store) ttl(created, now time.Time) time.Duration {
	return max(min(s.opt.IdleTimeout, created.Add(s.opt.Lifetime).Sub(now)), time.Millisecond)
}

// Save is sessions.Store.Save. A session with Options.MaxAge < 0 is
// destroyed; a new session without values is not stored and sets no
// cookie; any other is written and its cookie (re)sent.
func (s *Store) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if sess.Options != nil && sess.Options.MaxAge < 0 {
		return s.Destroy(r, w, sess)
	}
	if sess.ID == "" && len(sess.Values) == 0 {
		return nil
	}
	return s.write(r.Context(), w, sess, "")
}

// write stores sess under its id (a new one when it has none), deleting
// oldID in the same round trip, and sends the cookie.
func (s *Store) write(ctx context.Context, w http.ResponseWriter, sess *sessions.Session, oldID string) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(sess.Values); err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	now := s.opt.Now()
	created := now
	if sess.ID != "" || oldID != "" {
		from := sess.ID
		if from == "" {
			from = oldID
		}
		c, err := s.rdb.HGet(ctx, s.key(from), fieldCreated).Result()
		if errors.Is(err, redis.Nil) {
			// Destroyed or revoked since it was loaded: never bring it back.
			return ErrEnded
		}
		if err != nil {
			return fmt.Errorf("read session: %w", err)
		}
		if t, err := parseNanos(c); err == nil {
			created = t
		}
	}
	if sess.ID == "" {
		sess.ID = newID()
	}
	owner, _ := sess.Values[ownerKey].(string)
	key := s.key(sess.ID)
	pipe := s.rdb.Pipeline()
	if oldID != "" && oldID != sess.ID {
		pipe.Del(ctx, s.key(oldID))
	}
	pipe.HSet(ctx, key, fieldData, buf.Bytes(), fieldCreated, nanos(created), fieldSeen, nanos(now), fieldOwner, owner)
	pipe.PExpire(ctx, key, s.ttl(created, now))
	if owner != "" {
		pipe.SAdd(ctx, s.ownerKey(owner), sess.ID)
		pipe.Expire(ctx, s.ownerKey(owner), s.opt.Lifetime)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	encoded, err := securecookie.EncodeMulti(s.cookie, []byte(sess.ID), s.codecs...)
	if err != nil {
		return fmt.Errorf("sign session cookie: %w", err)
	}
	opts := *s.cookieOptions()
	opts.MaxAge = max(int(created.Add(s.opt.Lifetime).Sub(now)/time.Second), 1)
	sess.Options = &opts
	http.SetCookie(w, sessions.NewCookie(s.cookie, encoded, &opts))
	sess.IsNew = false
	return nil
}

// Renew gives sess a new id, keeping its values, and saves it: the old id
// stops working at once. Call it whenever privilege changes (log in).
func (s *Store) Renew(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	old := sess.ID
	sess.ID = ""
	return s.write(r.Context(), w, sess, old)
}

// Login records owner (an account id) on sess, renews its id and saves it,
// so that RevokeOwner can later end every session of that owner.
func (s *Store) Login(r *http.Request, w http.ResponseWriter, sess *sessions.Session, owner string) error {
	sess.Values[ownerKey] = owner
	return s.Renew(r, w, sess)
}

// Owner is the owner Login recorded on sess, "" when none.
func Owner(sess *sessions.Session) string {
	o, _ := sess.Values[ownerKey].(string)
	return o
}

// Destroy deletes sess on the server at once and expires its cookie.
func (s *Store) Destroy(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if sess.ID != "" {
		if err := s.rdb.Del(r.Context(), s.key(sess.ID)).Err(); err != nil {
			return fmt.Errorf("destroy session: %w", err)
		}
	}
	sess.ID, sess.IsNew = "", true
	clear(sess.Values)
	opts := *s.cookieOptions()
	opts.MaxAge = -1
	sess.Options = &opts
	http.SetCookie(w, sessions.NewCookie(s.cookie, "", &opts))
	return nil
}

// RevokeOwner deletes every session Login gave owner except keepID ("" for
// none), and reports how many it ended.
func (s *Store) RevokeOwner(ctx context.Context, owner, keepID string) (int, error) {
	ids, err := s.rdb.SMembers(ctx, s.ownerKey(owner)).Result()
	if err != nil {
		return 0, fmt.Errorf("sessions of owner: %w", err)
	}
	var keys []string
	for _, id := range ids {
		if id != keepID {
			keys = append(keys, s.key(id))
		}
	}
	if len(keys) == 0 {
		return 0, nil
	}
	pipe := s.rdb.Pipeline()
	dels := make([]*redis.IntCmd, len(keys))
	for i, k := range keys {
		dels[i] = pipe.Del(ctx, k) // one key per command: the keys live in different slots
	}
	pipe.Del(ctx, s.ownerKey(owner))
	if keepID != "" {
		pipe.SAdd(ctx, s.ownerKey(owner), keepID)
		pipe.Expire(ctx, s.ownerKey(owner), s.opt.Lifetime)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("revoke sessions: %w", err)
	}
	n := 0
	for _, d := range dels {
		n += int(d.Val())
	}
	return n, nil
}

func (s *Store) key(id string) string {
	return s.opt.KeyPrefix + "session:" + s.opt.Name + ":{" + id + "}"
}

func (s *Store) ownerKey(owner string) string {
	return s.opt.KeyPrefix + "session-owner:" + s.opt.Name + ":{" + owner + "}"
}

// newID is 256 random bits, URL-safe.
func newID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	return base64.RawURLEncoding.EncodeToString(b)
}

func nanos(t time.Time) string { return strconv.FormatInt(t.UnixNano(), 10) }

func parseNanos(v string) (time.Time, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(0, n), nil
}

// validName accepts the characters of an RFC 6265 cookie name we use.
func validName(n string) bool {
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
