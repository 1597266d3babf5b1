package handlers

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"lobang/aggregator"
	"lobang/destinations"
	"lobang/views"
)

// BenchmarkResultsStreamMessage measures the server's own work between a
// supplier's batch landing and its fragment going on the wire: rank a
// 300-hotel snapshot for the page's filters, build the cards of the 100
// hotels the batch priced, render them and frame the SSE message. (Reading
// the snapshot from Redis is shared by every stream of an instance and
// measured by the aggregator's benchmarks.)
func BenchmarkResultsStreamMessage(b *testing.B) {
	h := New(Deps{Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Suggest: sharedIndex()})
	dest, _ := destinations.Lookup("i8gS")
	snap := aggregator.Snapshot{SID: "aaaaaaaaaaaaaaaa", LastEventID: "1-0", Progress: aggregator.Progress{
		Total: 3, Final: 2, Hotels: 300,
		Suppliers: []aggregator.SupplierState{{Name: "ascenda", State: "done"}, {Name: "bedcom", State: "done"}, {Name: "wgl", State: "running"}},
	}}
	cache := &h.results().hotels
	var batch []int64
	for i := range 300 {
		id := int64(1000 + i)
		var prices []aggregator.SupplierPrice
		for j, s := range []string{"ascenda", "bedcom", "wgl"} {
			prices = append(prices, aggregator.SupplierPrice{Supplier: s, SupplierHotelID: fmt.Sprint(id), Total: int64(20000 + i*37%9000 + j*500), PayAtHotel: 1200, Currency: "SGD", FreeCancellation: j == 1})
		}
		snap.Hotels = append(snap.Hotels, aggregator.HotelResult{HotelID: id, Prices: prices})
		cache.m[id] = cachedHotel{found: true, until: time.Now().Add(time.Hour), hotel: cardHotel{
			ID: id, Slug: fmt.Sprintf("hotel-%d", id), Name: fmt.Sprintf("Grand Hotel Number %d", id),
			Addr: "1 Example Road", Lat: dest.Lat + float64(i%17)*0.002, Lng: dest.Lng + float64(i%13)*0.002, HasGeo: true,
			Stars: float64(1 + i%5), ReviewScore: 6 + float64(i%40)/10, ReviewCount: 100 + i,
			Amenities: []string{"wifi", "pool"}, Image: "https://images.example/1.jpg",
		}}
		if i%3 == 0 {
			batch = append(batch, id)
		}
	}
	in := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 30)
	rp := resultsPage{dest: dest, p: searchParams{Sort: "price", Page: 1}}
	rp.p.Query.DestinationUID, rp.p.Query.Checkin, rp.p.Query.Checkout = "i8gS", in, in.AddDate(0, 0, 2)
	rp.p.Query.Rooms, rp.p.Query.Adults, rp.p.Query.Currency = 1, 2, "SGD"
	ctx := context.Background()
	b.ReportAllocs()
	var size int
	for b.Loop() {
		u, _, err := h.streamUpdate(ctx, snap, rp, batch, batch, nil)
		if err != nil {
			b.Fatal(err)
		}
		var html bytes.Buffer
		if err := views.ResultsUpdateFragment(u).Render(ctx, &html); err != nil {
			b.Fatal(err)
		}
		size = len(sseMessage("1-0", html.Bytes()))
	}
	b.ReportMetric(float64(size), "bytes/msg")
}

// BenchmarkResultsPageComplete measures a repeated search answered from
// Redis: the whole results page of Singapore (about 300 priced hotels)
// through the router, with the real pipeline behind it.
func BenchmarkResultsPageComplete(b *testing.B) {
	w := newResultsWorld(b, resultsWorldConfig{dest: "i8gS"})
	q := resultsQuery(70)
	q.DestinationUID = "i8gS"
	ctx := context.Background()
	sid, err := w.agg.Start(ctx, q, "")
	if err != nil {
		b.Fatal(err)
	}
	for {
		snap, err := w.agg.Snapshot(ctx, sid)
		if err == nil && snap.Progress.Complete {
			b.Logf("%d priced hotels", snap.Progress.Hotels)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	target := "/search?destination=i8gS&checkin=" + q.Checkin.Format(time.DateOnly) + "&checkout=" + q.Checkout.Format(time.DateOnly) + "&rooms=1&adults=2"
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		rec := httptest.NewRecorder()
		w.app.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
