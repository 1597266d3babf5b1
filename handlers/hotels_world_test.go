package handlers

import (
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

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/require"

	"lobang/aggregator"
	"lobang/aggregator/catalog"
	"lobang/aggregator/suppliers"
	"lobang/db"
	"lobang/db/dbtest"
	"lobang/fx"
	"lobang/suggest"
	"lobang/suppliersim"
)

// zurichUID is small (34 hotels) and has every hard case of the catalog.
const zurichUID = "7OrW"

// hotelWorld is the real stack behind the hotel pages: the simulated
// suppliers over HTTP, a synced catalog in MySQL, Redis, and the router.
type hotelWorld struct {
	h      *Handler
	app    http.Handler
	pool   *sql.DB
	sim    *suppliersim.Sim
	prefix string
	hotels []db.Hotel // Zürich's, most reviewed first
}

func newHotelWorld(t testing.TB) *hotelWorld {
	t.Helper()
	sim, err := suppliersim.New(suppliersim.Config{Profile: "test", Admin: true})
	require.NoError(t, err)
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(func() { sim.Close(); srv.Close() })
	var sups []suppliers.Supplier
	for _, name := range []string{"ascenda", "bedcom", "wgl"} {
		s, err := suppliers.New(name, srv.URL+"/"+name, srv.Client())
		require.NoError(t, err)
		sups = append(sups, s)
	}
	pool := dbtest.MySQL(t)
	rdb, prefix := dbtest.Redis(t)
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	cat := catalog.New(pool, sups, log)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = cat.SyncDestination(ctx, zurichUID)
	require.NoError(t, err)

	h := New(Deps{DB: pool, Redis: rdb, Log: log, Suggest: suggest.New(nil), Config: Config{
		BaseURL:      &url.URL{Scheme: "https", Host: "lobang.example"},
		RedisPrefix:  prefix,
		ImageOrigins: []string{srv.URL},
	}})
	h.AttachSearch(nil, cat)
	h.AttachSuppliers(sups, aggregator.FXConverter{Source: fx.NewSource(srv.URL+"/fx", rdb, prefix, srv.Client())})
	hotels, _, err := db.HotelsByDestination(ctx, pool, zurichUID, "popular", 100, 0)
	require.NoError(t, err)
	require.Greater(t, len(hotels), 24, "Zürich has more than a page of hotels")
	return &hotelWorld{h: h, app: h.Routes(), pool: pool, sim: sim, prefix: prefix, hotels: hotels}
}

// do sends a request to the router; header pairs are name, value.
func (w *hotelWorld) do(t testing.TB, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	w.app.ServeHTTP(rec, req)
	return rec
}

func htmlDoc(t testing.TB, rec *httptest.ResponseRecorder) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
	require.NoError(t, err)
	return doc
}

// stayIn is a valid stay query starting days from today.
func stayIn(days, nights int) string {
	in := time.Now().UTC().AddDate(0, 0, days)
	return "checkin=" + in.Format(time.DateOnly) + "&checkout=" + in.AddDate(0, 0, nights).Format(time.DateOnly) + "&rooms=1&adults=2"
}
