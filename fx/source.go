package fx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrFeed: the rates feed could not be read and no earlier copy is at hand.
var ErrFeed = errors.New("exchange rates unavailable")

// Source loads exchange rates from a feed (GET {baseURL}/fx), caches them in
// Redis for an hour under a caller's key prefix, and keeps an in-process
// copy for a minute. When the feed fails, the last rates this process saw
// are served (rates a little old beat no prices at all).
type Source struct {
	url      string
	rdb      *redis.Client
	key      string
	client   *http.Client
	timeout  time.Duration
	ttl      time.Duration
	localTTL time.Duration
	log      *slog.Logger

	sem     chan struct{} // one load at a time
	local   Rates
	localAt time.Time
}

// SourceOption tunes a Source.
type SourceOption func(*Source)

// WithTTL sets how long rates live in Redis and in the process.
func WithTTL(redisTTL, localTTL time.Duration) SourceOption {
	return func(s *Source) { s.ttl, s.localTTL = redisTTL, localTTL }
}

// WithFetchTimeout bounds one request to the feed (default 5 s; the caller's
// deadline applies too).
func WithFetchTimeout(d time.Duration) SourceOption { return func(s *Source) { s.timeout = d } }

// WithLogger logs cache failures (which do not fail a load) there.
func WithLogger(l *slog.Logger) SourceOption { return func(s *Source) { s.log = l } }

// NewSource reads rates from baseURL + "/fx" (the simulator's or a real
// feed's base), caching them in rdb under keyPrefix. A nil client means
// http.DefaultClient; a nil rdb disables the Redis cache.
func NewSource(baseURL string, rdb *redis.Client, keyPrefix string, client *http.Client, opts ...SourceOption) *Source {
	if client == nil {
		client = http.DefaultClient
	}
	u := strings.TrimRight(baseURL, "/")
	if !strings.HasSuffix(u, "/fx") {
		u += "/fx"
	}
	s := &Source{url: u, rdb: rdb, key: keyPrefix + "fx:rates", client: client, timeout: 5 * time.Second,
		ttl: time.Hour, localTTL: time.Minute, log: slog.Default(), sem: make(chan struct{}, 1)}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Rates returns current rates: the in-process copy, else Redis, else the feed.
func (s *Source) Rates(ctx context.Context) (Rates, error) {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return Rates{}, fmt.Errorf("%w: %w", ErrFeed, ctx.Err())
	}
	defer func() { <-s.sem }()

	if s.local.Base != "" && time.Since(s.localAt) < s.localTTL {
		return s.local, nil
	}
	if r, ok := s.cached(ctx); ok {
		s.local, s.localAt = r, time.Now()
		return r, nil
	}
	r, err := s.fetch(ctx)
	if err != nil {
		if s.local.Base != "" {
			s.log.Warn("fx: feed failed, serving the last rates", "err", err, "age", time.Since(s.localAt))
			return s.local, nil
		}
		return Rates{}, err
	}
	s.local, s.localAt = r, time.Now()
	s.store(ctx, r)
	return r, nil
}

// cached reads the Redis copy; a miss, an error or a bad copy is a miss.
func (s *Source) cached(ctx context.Context) (Rates, bool) {
	if s.rdb == nil {
		return Rates{}, false
	}
	b, err := s.rdb.Get(ctx, s.key).Bytes()
	if err != nil {
		if !errors.Is(err, redis.Nil) {
			s.log.Warn("fx: read cached rates", "err", err)
		}
		return Rates{}, false
	}
	var r Rates
	if err := json.Unmarshal(b, &r); err != nil || r.Validate() != nil {
		s.log.Warn("fx: cached rates unreadable", "err", err)
		return Rates{}, false
	}
	return r, true
}

func (s *Source) store(ctx context.Context, r Rates) {
	if s.rdb == nil {
		return
	}
	b, err := json.Marshal(r)
	if err == nil {
		err = s.rdb.Set(ctx, s.key, b, s.ttl).Err()
	}
	if err != nil {
		s.log.Warn("fx: cache rates", "err", err)
	}
}

// fetch GETs the feed within the fetch timeout and the caller's deadline.
func (s *Source) fetch(ctx context.Context) (Rates, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return Rates{}, fmt.Errorf("%w: %w", ErrFeed, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return Rates{}, fmt.Errorf("%w: %w", ErrFeed, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Rates{}, fmt.Errorf("%w: status %d", ErrFeed, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Rates{}, fmt.Errorf("%w: %w", ErrFeed, err)
	}
	r, err := decodeFeed(body)
	if err != nil {
		return Rates{}, fmt.Errorf("%w: %w", ErrFeed, err)
	}
	return r, nil
}
