package aggregator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/sony/gobreaker/v2"
	"golang.org/x/time/rate"

	"lobang/aggregator/suppliers"
)

// ErrRateLimited is returned by Start when a client starts too many new
// searches; refreshing or streaming an existing search never counts.
var ErrRateLimited = errors.New("too many new searches")

// ErrNoSearch is returned for a search id Redis does not hold (never started
// or expired).
var ErrNoSearch = errors.New("no such search")

// Mapper turns supplier hotel ids into canonical hotel ids (the catalog).
type Mapper interface {
	// HotelIDs maps the given supplier hotel ids of a destination, syncing
	// the catalog on the fly for ids it does not know yet; ids that still
	// have no canonical hotel are left out of the map.
	HotelIDs(ctx context.Context, destinationUID, supplier string, ids []string) (map[string]int64, error)
}

// Converter converts money between currencies.
type Converter interface {
	Convert(ctx context.Context, m suppliers.Money, to string) (suppliers.Money, error)
}

// Config tunes the pipeline.
type Config struct {
	// Prefix is prepended to every Redis key.
	Prefix string
	// ResultTTL is how long a search's results live (prices go stale).
	ResultTTL time.Duration
	// Deadline is each supplier's default deadline; Deadlines overrides it
	// per supplier name.
	Deadline  time.Duration
	Deadlines map[string]time.Duration
	// Concurrency caps simultaneous searches per supplier in this process.
	Concurrency int
	// Workers is how many jobs this process runs at once.
	Workers int
	// RateLimit is the number of new searches one client may start per
	// minute; zero turns the limit off.
	RateLimit int
	// Consumer names this process in the jobs consumer group.
	Consumer string
	// Heartbeat is how often a running job re-claims itself; a job idle for
	// three heartbeats is taken over by another worker.
	Heartbeat time.Duration
	// Markups, when set, adds staff markups to every displayed price.
	Markups Markups
}

func (c *Config) defaults() {
	if c.ResultTTL <= 0 {
		c.ResultTTL = 10 * time.Minute
	}
	if c.Deadline <= 0 {
		c.Deadline = 30 * time.Second
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 16
	}
	if c.Workers <= 0 {
		c.Workers = 32
	}
	if c.Consumer == "" {
		c.Consumer = "worker-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = 5 * time.Second
	}
}

// Aggregator is the search pipeline of one process.
type Aggregator struct {
	rdb       redis.UniversalClient
	cfg       Config
	k         keys
	log       *slog.Logger
	mapper    Mapper
	fx        Converter
	suppliers map[string]suppliers.Supplier
	order     []string

	breakers map[string]*gobreaker.CircuitBreaker[struct{}]
	caps     map[string]chan struct{}
	retries  map[string]*rate.Limiter

	hubMu sync.Mutex
	feeds map[string]*feed
}

// New builds an aggregator over the given suppliers (in display order).
func New(rdb redis.UniversalClient, sups []suppliers.Supplier, mapper Mapper, fx Converter, log *slog.Logger, cfg Config) *Aggregator {
	cfg.defaults()
	a := &Aggregator{
		rdb: rdb, cfg: cfg, k: keys{prefix: cfg.Prefix}, log: log, mapper: mapper, fx: fx,
		suppliers: map[string]suppliers.Supplier{},
		breakers:  map[string]*gobreaker.CircuitBreaker[struct{}]{},
		caps:      map[string]chan struct{}{},
		retries:   map[string]*rate.Limiter{},
		feeds:     map[string]*feed{},
	}
	for _, s := range sups {
		name := s.Name()
		a.suppliers[name] = s
		a.order = append(a.order, name)
		a.caps[name] = make(chan struct{}, cfg.Concurrency)
		// Retries spend from a small budget so a failing supplier is not
		// hammered: at most one retry a second, five in a burst.
		a.retries[name] = rate.NewLimiter(rate.Limit(1), 5)
		a.breakers[name] = gobreaker.NewCircuitBreaker[struct{}](gobreaker.Settings{
			Name:        name,
			MaxRequests: 2,
			Interval:    time.Minute,
			Timeout:     30 * time.Second,
			ReadyToTrip: func(c gobreaker.Counts) bool {
				return c.ConsecutiveFailures >= 5 || (c.Requests >= 10 && c.TotalFailures*2 > c.Requests)
			},
			IsSuccessful: func(err error) bool { return err == nil || errors.Is(err, context.Canceled) },
		})
	}
	return a
}

// Suppliers lists the configured supplier names in display order.
func (a *Aggregator) Suppliers() []string { return append([]string(nil), a.order...) }

// BreakerState reports a supplier's circuit breaker state in this process.
func (a *Aggregator) BreakerState(supplier string) string {
	if b, ok := a.breakers[supplier]; ok {
		return b.State().String()
	}
	return "unknown"
}

func (a *Aggregator) deadline(supplier string) time.Duration {
	if d, ok := a.cfg.Deadlines[supplier]; ok && d > 0 {
		return d
	}
	return a.cfg.Deadline
}

// job is one supplier's part of one search, as queued on the jobs stream.
type job struct {
	StreamID string
	SID      string
	Supplier string
	Query    suppliers.Query
	Expires  time.Time
}

// Start makes sure the search for q is running or done, starting the
// fan-out when this is the first request for it anywhere, and returns its
// id. client identifies the requester for the rate limit of new searches.
func (a *Aggregator) Start(ctx context.Context, q suppliers.Query, client string) (string, error) {
	sid := SID(q)
	n, err := a.rdb.Exists(ctx, a.k.lock(sid)).Result()
	if err != nil {
		return sid, fmt.Errorf("search %s: %w", sid, err)
	}
	if n > 0 {
		return sid, nil
	}
	if a.cfg.RateLimit > 0 && client != "" {
		window := time.Now().Unix() / 60
		key := a.k.rate(client, window)
		pipe := a.rdb.TxPipeline()
		incr := pipe.Incr(ctx, key)
		pipe.Expire(ctx, key, 2*time.Minute)
		if _, err := pipe.Exec(ctx); err != nil {
			return sid, fmt.Errorf("rate limit: %w", err)
		}
		if incr.Val() > int64(a.cfg.RateLimit) {
			return sid, ErrRateLimited
		}
	}
	expires := time.Now().Add(a.cfg.ResultTTL)
	ok, err := a.rdb.SetNX(ctx, a.k.lock(sid), a.cfg.Consumer, a.cfg.ResultTTL).Result()
	if err != nil {
		return sid, fmt.Errorf("search %s: lock: %w", sid, err)
	}
	if !ok {
		return sid, nil // another request, maybe on another instance, won the race
	}
	qjson, err := json.Marshal(q)
	if err != nil {
		return sid, fmt.Errorf("search %s: %w", sid, err)
	}
	meta := map[string]any{
		"total":   len(a.order),
		"started": time.Now().UnixMilli(),
		"expires": expires.UnixMilli(),
		"final":   0,
	}
	for _, s := range a.order {
		meta["st:"+s] = statePending
	}
	pipe := a.rdb.TxPipeline()
	pipe.Set(ctx, a.k.query(sid), qjson, a.cfg.ResultTTL)
	pipe.HSet(ctx, a.k.meta(sid), meta)
	pipe.PExpireAt(ctx, a.k.meta(sid), expires)
	pipe.XAdd(ctx, &redis.XAddArgs{Stream: a.k.events(sid), Values: map[string]any{"type": EventStart}})
	pipe.PExpireAt(ctx, a.k.events(sid), expires)
	if _, err := pipe.Exec(ctx); err != nil {
		return sid, fmt.Errorf("search %s: init: %w", sid, err)
	}
	a.countSearch(ctx)
	if len(a.order) == 0 {
		return sid, a.finish(ctx, sid, expires)
	}
	jobs := a.rdb.Pipeline()
	for _, s := range a.order {
		jobs.XAdd(ctx, &redis.XAddArgs{
			Stream: a.k.jobs(),
			MaxLen: 100000,
			Approx: true,
			Values: map[string]any{"sid": sid, "supplier": s, "query": qjson, "expires": expires.UnixMilli()},
		})
	}
	if _, err := jobs.Exec(ctx); err != nil {
		return sid, fmt.Errorf("search %s: enqueue: %w", sid, err)
	}
	return sid, nil
}

// Query returns the normalised query of a running or cached search.
func (a *Aggregator) Query(ctx context.Context, sid string) (suppliers.Query, error) {
	raw, err := a.rdb.Get(ctx, a.k.query(sid)).Bytes()
	if errors.Is(err, redis.Nil) {
		return suppliers.Query{}, ErrNoSearch
	}
	if err != nil {
		return suppliers.Query{}, fmt.Errorf("search %s: %w", sid, err)
	}
	var q suppliers.Query
	if err := json.Unmarshal(raw, &q); err != nil {
		return suppliers.Query{}, fmt.Errorf("search %s: decode query: %w", sid, err)
	}
	return q, nil
}
