package handlers

import (
	"bufio"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"lobang/aggregator"
	"lobang/aggregator/catalog"
	"lobang/aggregator/suppliers"
	"lobang/db/dbtest"
	"lobang/fx"
	"lobang/suppliersim"
)

// resultsDest is Zürich: small (a little over one page of hotels), so its
// catalog syncs quickly.
const resultsDest = "7OrW"

// resultsWorld is the real search pipeline behind the results page: the
// simulated suppliers over HTTP, a synced catalog in MySQL, Redis, the
// aggregator with its workers, and the router.
type resultsWorld struct {
	h      *Handler
	app    http.Handler
	agg    *aggregator.Aggregator
	pool   *sql.DB
	sim    *suppliersim.Sim
	simURL string
}

// resultsWorldConfig tunes a world: supplier latencies in ms (nil keeps the
// test profile's few ms) and the aggregator's settings.
type resultsWorldConfig struct {
	latency map[string]int
	agg     aggregator.Config
	// dest is the destination whose catalog is synced (default resultsDest).
	dest string
	// noWorkers leaves the aggregator without workers: searches start but
	// never progress, so a page stays incomplete.
	noWorkers bool
}

func newResultsWorld(t testing.TB, cfg resultsWorldConfig) *resultsWorld {
	t.Helper()
	sim, err := suppliersim.New(suppliersim.Config{Profile: suppliersim.ProfileTest, Admin: true})
	require.NoError(t, err)
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(func() { sim.Close(); srv.Close() })
	for name, ms := range cfg.latency {
		require.NoError(t, sim.SetKnobs(name, suppliersim.Knobs{LatencyMS: &ms}))
	}
	client := &http.Client{}
	var sups []suppliers.Supplier
	for _, name := range suppliersim.Suppliers {
		s, err := suppliers.New(name, srv.URL+"/"+name, client)
		require.NoError(t, err)
		sups = append(sups, s)
	}
	pool := dbtest.MySQL(t)
	rdb, prefix := dbtest.Redis(t)
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	cat := catalog.New(pool, sups, log)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dest := cfg.dest
	if dest == "" {
		dest = resultsDest
	}
	_, err = cat.SyncDestination(ctx, dest)
	require.NoError(t, err)

	acfg := cfg.agg
	acfg.Prefix = prefix
	conv := aggregator.FXConverter{Source: fx.NewSource(srv.URL+"/fx", rdb, prefix, client)}
	agg := aggregator.New(rdb, sups, aggregator.NewCatalogMapper(pool, cat, log), conv, log, acfg)
	if !cfg.noWorkers {
		runCtx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			if err := agg.Run(runCtx); err != nil && runCtx.Err() == nil {
				t.Errorf("aggregator: %v", err)
			}
		}()
		t.Cleanup(func() { stop(); <-done })
	}
	h := New(Deps{DB: pool, Redis: rdb, Log: log, Suggest: sharedIndex(), Config: Config{
		BaseURL:      &url.URL{Scheme: "http", Host: "localhost:8080"},
		RedisPrefix:  prefix,
		ImageOrigins: []string{srv.URL},
	}})
	h.Attach(pool, rdb)
	h.AttachSearch(agg, cat)
	return &resultsWorld{h: h, app: h.Routes(), agg: agg, pool: pool, sim: sim, simURL: srv.URL}
}

// resultsStay is a Zürich search days from today; each test uses its own
// days so that its search is its own.
func resultsStay(days int, extra string) string {
	in := time.Now().UTC().AddDate(0, 0, days)
	u := "/search?destination=" + resultsDest + "&checkin=" + in.Format(time.DateOnly) +
		"&checkout=" + in.AddDate(0, 0, 2).Format(time.DateOnly) + "&rooms=1&adults=2"
	if extra != "" {
		u += "&" + extra
	}
	return u
}

// query is the supplier query of resultsStay(days, "").
func resultsQuery(days int) suppliers.Query {
	in := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, days)
	return suppliers.Query{DestinationUID: resultsDest, Checkin: in, Checkout: in.AddDate(0, 0, 2), Rooms: 1, Adults: 2, Currency: "SGD"}
}

// get requests target; header pairs are name, value.
func (w *resultsWorld) get(t testing.TB, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	w.app.ServeHTTP(rec, req)
	return rec
}

// complete runs the search of target to the end and returns its id.
func (w *resultsWorld) complete(t testing.TB, days int) string {
	t.Helper()
	ctx := context.Background()
	sid, err := w.agg.Start(ctx, resultsQuery(days), "")
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		snap, err := w.agg.Snapshot(ctx, sid)
		return err == nil && snap.Progress.Complete
	}, 30*time.Second, 20*time.Millisecond, "search completes")
	return sid
}

// sseEvent is one parsed server-sent event.
type sseEvent struct {
	ID, Event, Data string
}

// readSSE parses a stream until it ends or the context times out.
func readSSE(t testing.TB, body io.Reader) (events []sseEvent, comments int) {
	t.Helper()
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 1<<20), 8<<20)
	var cur sseEvent
	var data []string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if cur.ID != "" || cur.Event != "" || len(data) > 0 {
				cur.Data = strings.Join(data, "\n")
				events = append(events, cur)
			}
			cur, data = sseEvent{}, nil
		case strings.HasPrefix(line, ":"):
			comments++
		case strings.HasPrefix(line, "id: "):
			cur.ID = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			cur.Event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = append(data, strings.TrimPrefix(line, "data: "))
		case line == "data:":
			data = append(data, "")
		}
	}
	return events, comments
}
