package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/db/dbtest"
	"lobang/internal/ratelimit"
)

func TestWindow(t *testing.T) {
	rdb, prefix := dbtest.Redis(t)
	ctx := context.Background()
	w := ratelimit.Window{Redis: rdb, Limit: 3, Window: time.Minute}
	key := prefix + "limit:test"
	for i := range 3 {
		ok, err := w.Allow(ctx, key)
		require.NoError(t, err)
		assert.True(t, ok, "attempt %d", i+1)
	}
	ok, err := w.Allow(ctx, key)
	require.NoError(t, err)
	assert.False(t, ok, "the fourth is refused")
	ttl, err := rdb.TTL(ctx, key).Result()
	require.NoError(t, err)
	assert.Positive(t, ttl, "the window expires")
	assert.LessOrEqual(t, ttl, time.Minute, "and is not extended by later counts")

	other := prefix + "limit:other"
	reached, err := w.Reached(ctx, other)
	require.NoError(t, err)
	assert.False(t, reached, "an unknown key has not reached anything")
	for range 3 {
		require.NoError(t, w.Record(ctx, other))
	}
	reached, err = w.Reached(ctx, other)
	require.NoError(t, err)
	assert.True(t, reached)
	require.NoError(t, w.Reset(ctx, other))
	reached, err = w.Reached(ctx, other)
	require.NoError(t, err)
	assert.False(t, reached, "reset")
}
