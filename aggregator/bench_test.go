package aggregator

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"testing"
	"time"

	"lobang/aggregator/suppliers"
	"lobang/db/dbtest"
)

type benchMapper struct{}

func (benchMapper) HotelIDs(_ context.Context, _, _ string, ids []string) (map[string]int64, error) {
	out := make(map[string]int64, len(ids))
	for i, id := range ids {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			n = int64(i)
		}
		out[id] = n
	}
	return out, nil
}

type sameFX struct{}

func (sameFX) Convert(_ context.Context, m suppliers.Money, to string) (suppliers.Money, error) {
	return suppliers.Money{Amount: m.Amount, Currency: to}, nil
}

func benchAggregator(b *testing.B) (*Aggregator, string) {
	rdb, prefix := dbtest.Redis(b)
	a := New(rdb, nil, benchMapper{}, sameFX{}, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Prefix: prefix})
	return a, prefix
}

func batch(n, offset int) []suppliers.HotelPrice {
	out := make([]suppliers.HotelPrice, n)
	for i := range out {
		out[i] = suppliers.HotelPrice{
			SupplierHotelID: strconv.Itoa(offset + i),
			Total:           suppliers.Money{Amount: int64(20000 + i*137), Currency: "SGD"},
		}
	}
	return out
}

func reportPercentiles(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	pick := func(p float64) float64 { return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pick(0.50), "p50-ms")
	b.ReportMetric(pick(0.95), "p95-ms")
	b.ReportMetric(pick(0.99), "p99-ms")
}

// BenchmarkLand is the pipeline's own overhead from a supplier's answer (a
// batch of 50 hotels) to its event in Redis: mapping, conversion, encoding
// and one transactional round trip.
func BenchmarkLand(b *testing.B) {
	a, _ := benchAggregator(b)
	ctx := context.Background()
	j := job{SID: "aaaaaaaaaaaaaaaa", Supplier: "ascenda", Query: suppliers.Query{Currency: "SGD"}, Expires: time.Now().Add(time.Hour)}
	prices := batch(50, 0)
	var d []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if err := a.land(ctx, j, prices); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	reportPercentiles(b, d)
}

// BenchmarkRepeatedSearch answers a search that Redis already holds
// complete (360 hotels from 3 suppliers): Start finds it, Snapshot reads it,
// Select sorts and pages it.
func BenchmarkRepeatedSearch(b *testing.B) {
	a, _ := benchAggregator(b)
	ctx := context.Background()
	in := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 20)
	q := suppliers.Query{DestinationUID: "i8gS", Checkin: in, Checkout: in.AddDate(0, 0, 2), Rooms: 1, Adults: 2, Currency: "SGD"}
	sid, err := a.Start(ctx, q, "")
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range []string{"ascenda", "bedcom", "wgl"} {
		j := job{SID: sid, Supplier: s, Query: q, Expires: time.Now().Add(time.Hour)}
		if err := a.land(ctx, j, batch(360, 0)); err != nil {
			b.Fatal(err)
		}
	}
	var d []time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		if _, err := a.Start(ctx, q, "198.51.100.1"); err != nil {
			b.Fatal(err)
		}
		snap, err := a.Snapshot(ctx, sid)
		if err != nil {
			b.Fatal(err)
		}
		page := Select(snap.Hotels, nil, ResultOptions{})
		if len(page.Hotels) != 30 {
			b.Fatal(fmt.Sprintf("got %d hotels", len(page.Hotels)))
		}
		d = append(d, time.Since(start))
	}
	reportPercentiles(b, d)
}
