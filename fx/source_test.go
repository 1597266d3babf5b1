package fx_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/db/dbtest"
	"lobang/fx"
	"lobang/suppliersim"
)

// feed serves the simulator's /fx and counts requests to it.
func feed(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	sim, err := suppliersim.New(suppliersim.Config{Profile: "test"})
	require.NoError(t, err)
	var n atomic.Int64
	h := sim.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fx" {
			n.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		sim.Close()
		srv.Close()
	})
	return srv, &n
}

func TestSourceCachesInRedis(t *testing.T) {
	t.Parallel()
	rdb, prefix := dbtest.Redis(t)
	srv, hits := feed(t)
	ctx := context.Background()

	first := fx.NewSource(srv.URL, rdb, prefix, nil)
	r, err := first.Rates(ctx)
	require.NoError(t, err)
	assert.Equal(t, "USD", r.Base)
	assert.Equal(t, "1.34", r.Rates["SGD"], "rates keep the feed's exact decimals")
	assert.EqualValues(t, 1, hits.Load())

	_, err = first.Rates(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 1, hits.Load(), "the in-process copy answers")

	// Another instance finds the rates in Redis.
	second := fx.NewSource(srv.URL, rdb, prefix, nil)
	r2, err := second.Rates(ctx)
	require.NoError(t, err)
	assert.Equal(t, r, r2)
	assert.EqualValues(t, 1, hits.Load(), "the second load did not reach the feed")

	ttl, err := rdb.TTL(ctx, prefix+"fx:rates").Result()
	require.NoError(t, err)
	assert.Greater(t, ttl, 50*time.Minute)
	assert.LessOrEqual(t, ttl, time.Hour)

	m, err := r2.Convert(fx.Money{Amount: 1000, Currency: "SGD"}, "JPY")
	require.NoError(t, err)
	assert.Equal(t, fx.Money{Amount: 1127, Currency: "JPY"}, m)

	// Another prefix is another cache.
	third := fx.NewSource(srv.URL, rdb, prefix+"other:", nil)
	_, err = third.Rates(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 2, hits.Load())
}

func TestSourceDeadline(t *testing.T) {
	t.Parallel()
	rdb, prefix := dbtest.Redis(t)
	hole := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
	}))
	t.Cleanup(hole.Close)
	s := fx.NewSource(hole.URL, rdb, prefix, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.Rates(ctx)
	require.ErrorIs(t, err, fx.ErrFeed)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)

	// The fetch timeout bounds a caller without a deadline too.
	s = fx.NewSource(hole.URL, rdb, prefix, nil, fx.WithFetchTimeout(100*time.Millisecond))
	start = time.Now()
	_, err = s.Rates(context.Background())
	require.ErrorIs(t, err, fx.ErrFeed)
	assert.Less(t, time.Since(start), 2*time.Second)
}

func TestSourceServesLastRatesWhenTheFeedFails(t *testing.T) {
	t.Parallel()
	srv, hits := feed(t)
	var down atomic.Bool
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		srv.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(flaky.Close)
	s := fx.NewSource(flaky.URL, nil, "", nil, fx.WithTTL(time.Hour, time.Nanosecond))
	r, err := s.Rates(context.Background())
	require.NoError(t, err)
	down.Store(true)
	again, err := s.Rates(context.Background())
	require.NoError(t, err)
	assert.Equal(t, r, again)
	assert.EqualValues(t, 1, hits.Load())

	fresh := fx.NewSource(flaky.URL, nil, "", nil)
	_, err = fresh.Rates(context.Background())
	require.ErrorIs(t, err, fx.ErrFeed, "nothing to fall back on")
}

func TestDecodeFeedRejectsGarbage(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{`, `[]`, `{"base":"USD","rates":{}}`, `{"base":"???","rates":{"EUR":0.9}}`,
		`{"base":"USD","rates":{"EUR":"abc"}}`, `{"base":"USD","rates":{"EUR":-1}}`} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, err := w.Write([]byte(body))
			assert.NoError(t, err)
		}))
		_, err := fx.NewSource(srv.URL, nil, "", nil).Rates(context.Background())
		assert.ErrorIs(t, err, fx.ErrFeed, body)
		srv.Close()
	}
}
