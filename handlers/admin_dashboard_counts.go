package handlers

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// pageCountsEvery is how often an instance adds its hotel page cache counts
// to the shared daily counters.
const pageCountsEvery = 5 * time.Second

// pageCacheCounts counts this instance's hotel page cache hits and misses
// in memory and adds them to daily Redis counters at most every
// pageCountsEvery, so a page view costs no Redis round trip.
type pageCacheCounts struct {
	hits, misses atomic.Int64
	last         atomic.Int64 // unix nanoseconds of the last flush
	mu           sync.Mutex   // one flush at a time
}

// PageCacheKey is the Redis counter of hotel page cache hits ("hit") or
// misses ("miss") on the UTC day of t.
func PageCacheKey(prefix, kind string, t time.Time) string {
	return prefix + "stats:pagecache:" + kind + ":" + t.UTC().Format(time.DateOnly)
}

// countPageCache records one hotel page served from the cache (hit) or
// rendered (miss).
func (h *Handler) countPageCache(hit bool) {
	c := &h.cacheCounts
	if hit {
		c.hits.Add(1)
	} else {
		c.misses.Add(1)
	}
	if h.redis == nil || time.Since(time.Unix(0, c.last.Load())) < pageCountsEvery {
		return
	}
	c.last.Store(time.Now().UnixNano())
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := h.flushPageCounts(ctx); err != nil {
			h.log.Debug("page cache counts", "err", err)
		}
	}()
}

// flushPageCounts adds the counts not yet in Redis to today's counters.
func (h *Handler) flushPageCounts(ctx context.Context) error {
	c := &h.cacheCounts
	c.mu.Lock()
	defer c.mu.Unlock()
	hits, misses := c.hits.Swap(0), c.misses.Swap(0)
	if hits == 0 && misses == 0 {
		return nil
	}
	now := time.Now()
	pipe := h.redis.Pipeline()
	for kind, n := range map[string]int64{"hit": hits, "miss": misses} {
		if n > 0 {
			key := PageCacheKey(h.cfg.RedisPrefix, kind, now)
			pipe.IncrBy(ctx, key, n)
			pipe.Expire(ctx, key, 8*24*time.Hour)
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		c.hits.Add(hits) // try again with the next flush
		c.misses.Add(misses)
		return fmt.Errorf("flush page cache counts: %w", err)
	}
	return nil
}

// redisCount reads a counter; a missing one is zero.
func redisCount(ctx context.Context, rdb redis.UniversalClient, key string) (int64, error) {
	n, err := rdb.Get(ctx, key).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", key, err)
	}
	return n, nil
}
