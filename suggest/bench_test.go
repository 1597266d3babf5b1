package suggest

import (
	"slices"
	"testing"
	"time"

	"lobang/destinations"
)

// benchQueries mixes what customers type: prefixes from one letter up, whole
// names, multi-word names, accents, typos of short and long words, garbage.
var benchQueries = []string{
	"s", "l", "n", "ba", "ma", "sin", "lon", "par", "sing", "kual", "bang",
	"singapore", "london", "paris", "new york", "kuala l", "kuala lumpur", "ho chi",
	"zurich", "zürich", "sao paulo", "são", "münchen", "québec", "köln",
	"sinagpore", "kuala lumpr", "bangkock", "pariss", "tokio", "londn", "amsterdm",
	"barcelonna", "san fransisco", "mumbay", "jakartaa", "berlim", "xqzt", "zzzzzzzz",
}

func benchIndex(b *testing.B) *Index {
	b.Helper()
	return New(FromDestinations(destinations.All()))
}

// BenchmarkSuggest measures one Suggest call over the real destinations,
// cycling through benchQueries.
func BenchmarkSuggest(b *testing.B) {
	ix := benchIndex(b)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		ix.Suggest(benchQueries[i%len(benchQueries)], 8)
		i++
	}
}

// BenchmarkSuggestParallel runs the query mix from every core at once, as
// the HTTP handler will; ns/op is then wall time per query across cores.
func BenchmarkSuggestParallel(b *testing.B) {
	ix := benchIndex(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			ix.Suggest(benchQueries[i%len(benchQueries)], 8)
			i++
		}
	})
}

// BenchmarkSuggestLatency records every call's duration and reports the
// 50th, 99th percentile and worst latency per query.
func BenchmarkSuggestLatency(b *testing.B) {
	ix := benchIndex(b)
	durs := make([]time.Duration, 0, 1<<16)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		t0 := time.Now()
		ix.Suggest(benchQueries[i%len(benchQueries)], 8)
		durs = append(durs, time.Since(t0))
		i++
	}
	b.StopTimer()
	slices.Sort(durs)
	pct := func(p float64) float64 { return float64(durs[int(p*float64(len(durs)-1))].Nanoseconds()) }
	b.ReportMetric(pct(0.50), "p50-ns")
	b.ReportMetric(pct(0.99), "p99-ns")
	b.ReportMetric(pct(1), "max-ns")
}

// BenchmarkSuggestEach reports the time of each benchmark query on its own.
func BenchmarkSuggestEach(b *testing.B) {
	ix := benchIndex(b)
	for _, q := range benchQueries {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				ix.Suggest(q, 8)
			}
		})
	}
}

// BenchmarkBuild measures indexing the real destinations.
func BenchmarkBuild(b *testing.B) {
	entries := FromDestinations(destinations.All())
	b.ReportAllocs()
	for b.Loop() {
		New(entries)
	}
}
