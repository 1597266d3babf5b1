// Package ratelimit counts attempts in fixed windows in Redis, shared by
// every instance: logins, lookups, emails. A window starts with its first
// count and lasts Window; past Limit counts in it, attempts are refused.
package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Window is a limit of Limit counts per Window for each key.
type Window struct {
	Redis  redis.UniversalClient
	Limit  int
	Window time.Duration
}

// Allow counts one attempt under key and reports whether it is within the
// limit.
func (w Window) Allow(ctx context.Context, key string) (bool, error) {
	n, err := w.add(ctx, key)
	return n <= int64(w.Limit), err
}

// Reached reports, without counting, whether key has used up its limit.
// Record counts the attempts that should count (failed logins, say).
func (w Window) Reached(ctx context.Context, key string) (bool, error) {
	n, err := w.Redis.Get(ctx, key).Int64()
	if err == redis.Nil {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("rate limit %s: %w", key, err)
	}
	return n >= int64(w.Limit), nil
}

// Record counts one attempt under key.
func (w Window) Record(ctx context.Context, key string) error {
	_, err := w.add(ctx, key)
	return err
}

// Reset forgets key's count (after a successful login, say).
func (w Window) Reset(ctx context.Context, key string) error {
	if err := w.Redis.Del(ctx, key).Err(); err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	return nil
}

func (w Window) add(ctx context.Context, key string) (int64, error) {
	pipe := w.Redis.TxPipeline()
	n := pipe.Incr(ctx, key)
	pipe.ExpireNX(ctx, key, w.Window) // the window starts with the first count
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("rate limit %s: %w", key, err)
	}
	return n.Val(), nil
}
