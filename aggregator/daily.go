package aggregator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// dailyTTL keeps a day's counters for the dashboards of the days after.
const dailyTTL = 8 * 24 * time.Hour

// SearchesKey is the Redis counter of new searches (fan-outs) started on
// the UTC day of t, under prefix.
func SearchesKey(prefix string, t time.Time) string {
	return prefix + "stats:searches:" + t.UTC().Format(time.DateOnly)
}

// countSearch adds one new search to today's counter. It is its own
// pipeline, not part of the search's transaction, whose keys share one
// hash slot; a failure only loses a count.
func (a *Aggregator) countSearch(ctx context.Context) {
	key := SearchesKey(a.cfg.Prefix, time.Now())
	pipe := a.rdb.Pipeline()
	pipe.Incr(ctx, key)
	pipe.Expire(ctx, key, dailyTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		a.log.Warn("count search", "err", err)
	}
}

// SearchesOn returns how many new searches started on the UTC day of t.
func (a *Aggregator) SearchesOn(ctx context.Context, t time.Time) (int64, error) {
	n, err := a.rdb.Get(ctx, SearchesKey(a.cfg.Prefix, t)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("searches on %s: %w", t.UTC().Format(time.DateOnly), err)
	}
	return n, nil
}
