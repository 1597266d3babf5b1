package aggregator_test

import (
	"context"
	"fmt"
	"hash/fnv"

	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator"
	"lobang/aggregator/suppliers"
	"lobang/db/dbtest"
	"lobang/suppliersim"
)

// world is a simulator over HTTP plus adapters for its three suppliers.
type world struct {
	sim       *suppliersim.Sim
	url       string
	suppliers []suppliers.Supplier
}

func newWorld(t *testing.T) *world {
	t.Helper()
	sim, err := suppliersim.New(suppliersim.Config{Profile: suppliersim.ProfileTest, Admin: true})
	require.NoError(t, err)
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(func() {
		sim.Close()
		srv.Close()
	})
	w := &world{sim: sim, url: srv.URL}
	client := &http.Client{}
	for _, name := range suppliersim.Suppliers {
		s, err := suppliers.New(name, srv.URL+"/"+name, client)
		require.NoError(t, err)
		w.suppliers = append(w.suppliers, s)
	}
	return w
}

func (w *world) knobs(t *testing.T, supplier string, k suppliersim.Knobs) {
	t.Helper()
	require.NoError(t, w.sim.SetKnobs(supplier, k))
}

func ms(n int) *int { return &n }

// hashMapper gives every supplier hotel its own canonical id: the tests here
// are about the pipeline, not the catalog's matching.
type hashMapper struct{}

func (hashMapper) HotelIDs(_ context.Context, _, supplier string, ids []string) (map[string]int64, error) {
	out := make(map[string]int64, len(ids))
	for _, id := range ids {
		h := fnv.New64a()
		fmt.Fprintf(h, "%s|%s", supplier, id)
		out[id] = int64(h.Sum64() >> 12)
	}
	return out, nil
}

// fixedFX converts at fixed rates per unit of SGD.
type fixedFX struct{}

var perSGD = map[string]float64{"SGD": 1, "EUR": 0.69, "USD": 0.74}

func (fixedFX) Convert(_ context.Context, m suppliers.Money, to string) (suppliers.Money, error) {
	from, ok1 := perSGD[m.Currency]
	dest, ok2 := perSGD[to]
	if !ok1 || !ok2 {
		return suppliers.Money{}, fmt.Errorf("no rate %s->%s", m.Currency, to)
	}
	return suppliers.Money{Amount: int64(float64(m.Amount)/from*dest + 0.5), Currency: to}, nil
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

type instance struct {
	agg    *aggregator.Aggregator
	cancel context.CancelFunc
	done   chan struct{}
}

// startInstance runs an aggregator with its workers, as one serve process.
func startInstance(t *testing.T, rdb redis.UniversalClient, w *world, cfg aggregator.Config) *instance {
	t.Helper()
	agg := aggregator.New(rdb, w.suppliers, hashMapper{}, fixedFX{}, quiet(), cfg)
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{agg: agg, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(in.done)
		assert.NoError(t, agg.Run(ctx))
	}()
	t.Cleanup(func() {
		cancel()
		<-in.done
	})
	return in
}

func query(dest string) suppliers.Query {
	in := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 30)
	return suppliers.Query{DestinationUID: dest, Checkin: in, Checkout: in.AddDate(0, 0, 2), Rooms: 1, Adults: 2, Currency: "SGD"}
}

// collect reads a subscription until the done event or the timeout.
func collect(t *testing.T, ch <-chan aggregator.Event, timeout time.Duration) []aggregator.Event {
	t.Helper()
	var evs []aggregator.Event
	deadline := time.After(timeout)
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				return evs
			}
			evs = append(evs, e)
			if e.Type == aggregator.EventDone {
				return evs
			}
		case <-deadline:
			t.Fatalf("no done event within %s; got %d events", timeout, len(evs))
		}
	}
}

func TestSIDIgnoresOrderOfChildrenAges(t *testing.T) {
	a, b := query("i8gS"), query("i8gS")
	a.ChildrenAges, b.ChildrenAges = []int{9, 5}, []int{5, 9}
	assert.Equal(t, aggregator.SID(a), aggregator.SID(b))
	assert.True(t, aggregator.ValidSID(aggregator.SID(a)))
	c := a
	c.Currency = "EUR"
	assert.NotEqual(t, aggregator.SID(a), aggregator.SID(c))
	assert.False(t, aggregator.ValidSID("../../etc"))
}

// TestFastSupplierIsReadableWhileSlowOnesPend: 0 ms / 300 ms / black hole.
func TestFastSupplierIsReadableWhileSlowOnesPend(t *testing.T) {
	w := newWorld(t)
	rdb, prefix := dbtest.Redis(t)
	w.knobs(t, "ascenda", suppliersim.Knobs{LatencyMS: ms(0)})
	w.knobs(t, "bedcom", suppliersim.Knobs{LatencyMS: ms(300)})
	w.knobs(t, "wgl", suppliersim.Knobs{TimeoutRate: 1})
	in := startInstance(t, rdb, w, aggregator.Config{
		Prefix: prefix, Deadline: 15 * time.Second,
		Deadlines: map[string]time.Duration{"wgl": 5 * time.Second},
	})
	ctx := context.Background()
	sid, err := in.agg.Start(ctx, query("i8gS"), "203.0.113.1")
	require.NoError(t, err)
	events, err := in.agg.Subscribe(ctx, sid, "")
	require.NoError(t, err)

	// When the fast supplier settles, its hotels are readable and the
	// black-holed one is still outstanding.
	var firstDone string
	var evs []aggregator.Event
	timeout := time.After(20 * time.Second)
	for done := false; !done; {
		select {
		case e, ok := <-events:
			require.True(t, ok, "stream closed before done")
			evs = append(evs, e)
			done = e.Type == aggregator.EventDone
			if e.Type != aggregator.EventSupplier || e.Supplier != "ascenda" || firstDone != "" {
				continue
			}
			firstDone = e.Supplier
			snap, err := in.agg.Snapshot(ctx, sid)
			require.NoError(t, err)
			assert.Positive(t, snap.Progress.Hotels, "the fast supplier's hotels are readable")
			assert.False(t, snap.Progress.Complete)
			for _, st := range snap.Progress.Suppliers {
				if st.Name == "wgl" {
					assert.False(t, st.Final(), "wgl is still pending")
				}
			}
		case <-timeout:
			t.Fatal("search did not complete")
		}
	}
	require.Equal(t, "ascenda", firstDone, "the fast supplier settled")
	assert.Equal(t, aggregator.EventDone, evs[len(evs)-1].Type)

	snap, err := in.agg.Snapshot(ctx, sid)
	require.NoError(t, err)
	assert.True(t, snap.Progress.Complete)
	states := map[string]aggregator.SupplierState{}
	for _, s := range snap.Progress.Suppliers {
		states[s.Name] = s
	}
	assert.Equal(t, aggregator.StateDone, states["ascenda"].State)
	assert.Equal(t, aggregator.StateDone, states["bedcom"].State)
	assert.Equal(t, aggregator.StateFailed, states["wgl"].State, "the black-holed supplier fails at its deadline")
	assert.Equal(t, "timed out", states["wgl"].Why)
	assert.Positive(t, snap.Progress.Hotels)
	for _, h := range snap.Hotels {
		assert.NotEqual(t, "wgl", h.Cheapest().Supplier)
	}
}

// TestOneFanOutAcrossInstances: 100 identical searches over three instances
// sharing one Redis reach each supplier exactly once.
func TestOneFanOutAcrossInstances(t *testing.T) {
	w := newWorld(t)
	rdb, prefix := dbtest.Redis(t)
	var ins []*instance
	for i := range 3 {
		ins = append(ins, startInstance(t, rdb, w, aggregator.Config{Prefix: prefix, Consumer: fmt.Sprintf("inst%d", i), Deadline: 10 * time.Second}))
	}
	w.sim.ResetStats()
	q := query("9Ywx")
	ctx := context.Background()
	var wg sync.WaitGroup
	sids := make([]string, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sid, err := ins[i%3].agg.Start(ctx, q, fmt.Sprintf("198.51.100.%d", i))
			assert.NoError(t, err)
			sids[i] = sid
		}()
	}
	wg.Wait()
	for _, sid := range sids {
		require.Equal(t, sids[0], sid)
	}
	events, err := ins[1].agg.Subscribe(ctx, sids[0], "")
	require.NoError(t, err)
	collect(t, events, 20*time.Second)

	stats := w.sim.Stats()
	assert.EqualValues(t, 1, stats["bedcom"]["availability"], "one bedcom session")
	assert.EqualValues(t, 1, stats["wgl"]["OTA_HotelAvailRQ"], "one wgl session")
	assert.GreaterOrEqual(t, stats["ascenda"]["prices"], int64(1))
	assert.Zero(t, stats["ascenda"]["hotels"]+stats["bedcom"]["hotels"], "no static content was fetched by searching")

	// A second round of the same search, after completion, asks nobody.
	w.sim.ResetStats()
	for i := range 10 {
		_, err := ins[i%3].agg.Start(ctx, q, "198.51.100.200")
		require.NoError(t, err)
	}
	assert.Empty(t, nonZero(w.sim.Stats()), "a repeated search is answered from Redis")
}

func nonZero(stats map[string]map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for s, m := range stats {
		for ep, n := range m {
			if n > 0 {
				out[s+"/"+ep] = n
			}
		}
	}
	return out
}

// TestAbandonedJobIsTakenOver: an instance stops mid-search without
// acknowledging its job; another instance takes it over and completes it.
func TestAbandonedJobIsTakenOver(t *testing.T) {
	w := newWorld(t)
	rdb, prefix := dbtest.Redis(t)
	w.knobs(t, "bedcom", suppliersim.Knobs{LatencyMS: ms(1500)})
	cfg := aggregator.Config{Prefix: prefix, Heartbeat: 200 * time.Millisecond, Deadline: 10 * time.Second, Workers: 3}
	cfg.Consumer = "doomed"
	doomed := startInstance(t, rdb, w, cfg)
	ctx := context.Background()
	sid, err := doomed.agg.Start(ctx, query("ceXQ"), "")
	require.NoError(t, err)
	events, err := doomed.agg.Subscribe(ctx, sid, "")
	require.NoError(t, err)
	// Wait until the doomed instance is running bedcom's job, then kill it.
	require.Eventually(t, func() bool {
		p, err := doomed.agg.Progress(ctx, sid)
		require.NoError(t, err)
		for _, s := range p.Suppliers {
			if s.Name == "bedcom" {
				return s.State == "running"
			}
		}
		return false
	}, 10*time.Second, 20*time.Millisecond)
	doomed.cancel()
	<-doomed.done
	p, err := doomed.agg.Progress(ctx, sid)
	require.NoError(t, err)
	require.False(t, p.Complete, "the doomed instance did not finish bedcom")

	cfg.Consumer = "rescuer"
	rescuer := startInstance(t, rdb, w, cfg)
	evs := collect(t, events, 20*time.Second)
	assert.Equal(t, aggregator.EventDone, evs[len(evs)-1].Type)
	p, err = rescuer.agg.Progress(ctx, sid)
	require.NoError(t, err)
	assert.True(t, p.Complete)
	for _, s := range p.Suppliers {
		assert.Equal(t, aggregator.StateDone, s.State, s.Name)
	}
}

// TestSubscribersSeeEveryHotelOnce: one subscriber starts after event N,
// another drops and reconnects from its last id; each sees every
// (supplier, hotel) price event exactly once.
func TestSubscribersSeeEveryHotelOnce(t *testing.T) {
	w := newWorld(t)
	rdb, prefix := dbtest.Redis(t)
	w.knobs(t, "ascenda", suppliersim.Knobs{LatencyMS: ms(600)}) // partial polls
	w.knobs(t, "wgl", suppliersim.Knobs{LatencyMS: ms(400)})
	in := startInstance(t, rdb, w, aggregator.Config{Prefix: prefix, Deadline: 10 * time.Second})
	ctx := context.Background()
	sid, err := in.agg.Start(ctx, query("bNe3"), "")
	require.NoError(t, err)

	// Subscriber A reads three events, drops, and reconnects after its last.
	subCtx, drop := context.WithCancel(ctx)
	chA, err := in.agg.Subscribe(subCtx, sid, "")
	require.NoError(t, err)
	var first []aggregator.Event
	for len(first) < 3 {
		e, ok := <-chA
		require.True(t, ok)
		first = append(first, e)
	}
	drop()
	chA2, err := in.agg.Subscribe(ctx, sid, first[len(first)-1].ID)
	require.NoError(t, err)
	seenA := append(first, collect(t, chA2, 20*time.Second)...)

	// Subscriber B starts after the second event.
	chB, err := in.agg.Subscribe(ctx, sid, first[1].ID)
	require.NoError(t, err)
	seenB := append(first[:2:2], collect(t, chB, 20*time.Second)...)

	snap, err := in.agg.Snapshot(ctx, sid)
	require.NoError(t, err)
	want := map[string]int{}
	for _, h := range snap.Hotels {
		for _, p := range h.Prices {
			want[fmt.Sprintf("%s|%d", p.Supplier, h.HotelID)] = 1
		}
	}
	require.NotEmpty(t, want)
	for name, seen := range map[string][]aggregator.Event{"A": seenA, "B": seenB} {
		ids := map[string]bool{}
		got := map[string]int{}
		for _, e := range seen {
			assert.False(t, ids[e.ID], "%s: event %s delivered twice", name, e.ID)
			ids[e.ID] = true
			for _, h := range e.HotelIDs {
				got[fmt.Sprintf("%s|%d", e.Supplier, h)]++
			}
		}
		assert.Equal(t, want, got, "%s sees every supplier's hotel exactly once", name)
	}
}

// TestRedisDownFallsBackToLocalSearch: Redis stops in the middle of the
// test; Start then fails and the same search runs in-process instead.
func TestRedisDownFallsBackToLocalSearch(t *testing.T) {
	w := newWorld(t)
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	agg := aggregator.New(rdb, w.suppliers, hashMapper{}, fixedFX{}, quiet(), aggregator.Config{Deadline: 5 * time.Second})
	ctx := context.Background()
	_, err := agg.Start(ctx, query("9Ywx"), "")
	require.NoError(t, err, "Redis is up")

	mr.Close()
	_, err = agg.Start(ctx, query("sTSB"), "")
	require.Error(t, err, "Redis is down")
	snap := agg.SearchLocal(ctx, query("sTSB"))
	assert.True(t, snap.Progress.Complete)
	assert.Positive(t, len(snap.Hotels))
	for _, s := range snap.Progress.Suppliers {
		assert.Equal(t, aggregator.StateDone, s.State, s.Name)
	}
}

func TestRateLimitCountsOnlyNewSearches(t *testing.T) {
	w := newWorld(t)
	rdb, prefix := dbtest.Redis(t)
	agg := aggregator.New(rdb, w.suppliers, hashMapper{}, fixedFX{}, quiet(), aggregator.Config{Prefix: prefix, RateLimit: 2})
	ctx := context.Background()
	for i, dest := range []string{"i8gS", "9Ywx"} {
		_, err := agg.Start(ctx, query(dest), "192.0.2.9")
		require.NoError(t, err, "search %d", i)
	}
	// Repeating an existing search is free.
	for range 5 {
		_, err := agg.Start(ctx, query("i8gS"), "192.0.2.9")
		require.NoError(t, err)
	}
	_, err := agg.Start(ctx, query("ceXQ"), "192.0.2.9")
	require.ErrorIs(t, err, aggregator.ErrRateLimited)
	_, err = agg.Start(ctx, query("ceXQ"), "192.0.2.10")
	require.NoError(t, err, "another client is not limited")
}
