// Package supplierops keeps what staff need to run the suppliers: each
// supplier's call health in per-minute Redis buckets (kept a day) and the
// switches staff set (off, deadline), shared by every instance through Redis.
package supplierops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"lobang/aggregator/suppliers"
)

// Bounds are the upper bounds, in milliseconds, of the latency histogram's
// buckets; a last bucket holds everything slower.
var Bounds = []int64{25, 50, 100, 200, 400, 700, 1000, 1500, 2000, 3000, 5000, 8000, 12000, 18000, 25000, 40000}

// overflowMS stands for the open last bucket when reading percentiles.
const overflowMS = 60000

const (
	minuteTTL = 25 * time.Hour
	hourTTL   = 49 * time.Hour
)

// Health records supplier calls and reads them back as statistics. Keys
// are hash-tagged per supplier (ops:{wgl}:…) so a supplier's buckets share
// a cluster slot and are read in one pipeline.
type Health struct {
	rdb    redis.UniversalClient
	prefix string
	log    *slog.Logger
}

// NewHealth returns a recorder over rdb with every key under prefix.
func NewHealth(rdb redis.UniversalClient, prefix string, log *slog.Logger) *Health {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Health{rdb: rdb, prefix: prefix, log: log}
}

func (h *Health) minuteKey(s string, m int64) string {
	return h.prefix + "ops:{" + s + "}:m:" + strconv.FormatInt(m, 10)
}
func (h *Health) hourKey(s string, hr int64) string {
	return h.prefix + "ops:{" + s + "}:h:" + strconv.FormatInt(hr, 10)
}
func (h *Health) lastErrKey(s string) string { return h.prefix + "ops:{" + s + "}:lasterr" }

func bucketOf(d time.Duration) int {
	ms := d.Milliseconds()
	for i, b := range Bounds {
		if ms <= b {
			return i
		}
	}
	return len(Bounds)
}

// Record adds one call to its minute and hour buckets in one round trip.
// A failure to record is logged, never returned: health must not break the
// call it observes.
func (h *Health) Record(ctx context.Context, c suppliers.Call) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	at := c.At
	if at.IsZero() {
		at = time.Now()
	}
	mk := h.minuteKey(c.Supplier, at.Unix()/60)
	hk := h.hourKey(c.Supplier, at.Unix()/3600)
	bucket := "b" + strconv.Itoa(bucketOf(c.Latency))
	ms := c.Latency.Milliseconds()
	pipe := h.rdb.Pipeline()
	for _, k := range []string{mk, hk} {
		pipe.HIncrBy(ctx, k, "n", 1)
		pipe.HIncrBy(ctx, k, c.Outcome, 1)
		pipe.HIncrBy(ctx, k, "op:"+c.Op, 1)
		pipe.HIncrBy(ctx, k, bucket, 1)
		pipe.HIncrBy(ctx, k, "ms", ms)
	}
	pipe.Expire(ctx, mk, minuteTTL)
	pipe.Expire(ctx, hk, hourTTL)
	if c.Err != nil {
		text := c.Err.Error()
		if len(text) > 300 {
			text = text[:300]
		}
		pipe.HSet(ctx, h.lastErrKey(c.Supplier), "text", text, "op", c.Op, "at", at.UnixMilli())
		pipe.Expire(ctx, h.lastErrKey(c.Supplier), minuteTTL)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		h.log.Warn("record supplier call", "supplier", c.Supplier, "err", err)
	}
}

// Counts are the calls of one bucket or window.
type Counts struct {
	Requests    int64
	OK          int64
	Errors      int64 // failures other than time-outs and rate limits
	Timeouts    int64
	RateLimited int64
	SumMS       int64
	Hist        []int64 // per bucket of Bounds, plus the overflow bucket
}

func (c *Counts) add(o Counts) {
	c.Requests += o.Requests
	c.OK += o.OK
	c.Errors += o.Errors
	c.Timeouts += o.Timeouts
	c.RateLimited += o.RateLimited
	c.SumMS += o.SumMS
	if c.Hist == nil {
		c.Hist = make([]int64, len(Bounds)+1)
	}
	for i, n := range o.Hist {
		c.Hist[i] += n
	}
}

// Failed is every call that did not end well.
func (c Counts) Failed() int64 { return c.Errors + c.Timeouts + c.RateLimited }

// ErrorRate is the share of failed calls, 0 without calls.
func (c Counts) ErrorRate() float64 {
	if c.Requests == 0 {
		return 0
	}
	return float64(c.Failed()) / float64(c.Requests)
}

// Percentile estimates the q-th latency quantile (0 < q ≤ 1) from the
// histogram, interpolating linearly inside the bucket that holds it.
func (c Counts) Percentile(q float64) time.Duration {
	var total int64
	for _, n := range c.Hist {
		total += n
	}
	if total == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(total)))
	var seen int64
	for i, n := range c.Hist {
		if n == 0 || seen+n < rank {
			seen += n
			continue
		}
		lo, hi := int64(0), int64(overflowMS)
		if i > 0 {
			lo = Bounds[i-1]
		}
		if i < len(Bounds) {
			hi = Bounds[i]
		}
		ms := float64(lo) + float64(hi-lo)*float64(rank-seen)/float64(n)
		return time.Duration(ms * float64(time.Millisecond))
	}
	return overflowMS * time.Millisecond
}

func parseCounts(m map[string]string) Counts {
	n := func(k string) int64 {
		v, _ := strconv.ParseInt(m[k], 10, 64) // a missing field is zero
		return v
	}
	c := Counts{Requests: n("n"), OK: n(suppliers.OutcomeOK), Errors: n(suppliers.OutcomeError),
		Timeouts: n(suppliers.OutcomeTimeout), RateLimited: n(suppliers.OutcomeRateLimited), SumMS: n("ms"),
		Hist: make([]int64, len(Bounds)+1)}
	for i := range c.Hist {
		c.Hist[i] = n("b" + strconv.Itoa(i))
	}
	return c
}

// Minute is one minute's calls, for charts.
type Minute struct {
	At time.Time
	Counts
}

// LastError is the most recent failure recorded for a supplier.
type LastError struct {
	Text string
	Op   string
	At   time.Time
}

// Stats is one supplier's health over the last hour and day.
type Stats struct {
	Supplier string
	Hour     Counts
	Day      Counts
	Minutes  []Minute // the last 60 minutes, oldest first, the current one last
	Last     LastError
}

// Stats reads a supplier's last 60 minute buckets and last 24 hour buckets
// (the current hour included) in one pipeline.
func (h *Health) Stats(ctx context.Context, supplier string, now time.Time) (Stats, error) {
	pipe := h.rdb.Pipeline()
	nowMin, nowHour := now.Unix()/60, now.Unix()/3600
	mins := make([]*redis.MapStringStringCmd, 60)
	for i := range mins {
		mins[i] = pipe.HGetAll(ctx, h.minuteKey(supplier, nowMin-59+int64(i)))
	}
	hours := make([]*redis.MapStringStringCmd, 24)
	for i := range hours {
		hours[i] = pipe.HGetAll(ctx, h.hourKey(supplier, nowHour-int64(i)))
	}
	last := pipe.HGetAll(ctx, h.lastErrKey(supplier))
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return Stats{}, fmt.Errorf("supplier health %s: %w", supplier, err)
	}
	st := Stats{Supplier: supplier, Hour: Counts{Hist: make([]int64, len(Bounds)+1)}, Day: Counts{Hist: make([]int64, len(Bounds)+1)}}
	for i, cmd := range mins {
		c := parseCounts(cmd.Val())
		st.Minutes = append(st.Minutes, Minute{At: time.Unix((nowMin-59+int64(i))*60, 0).UTC(), Counts: c})
		st.Hour.add(c)
	}
	for _, cmd := range hours {
		st.Day.add(parseCounts(cmd.Val()))
	}
	if m := last.Val(); m["text"] != "" {
		ms, _ := strconv.ParseInt(m["at"], 10, 64) // a bad time shows as the epoch
		st.Last = LastError{Text: m["text"], Op: m["op"], At: time.UnixMilli(ms).UTC()}
	}
	return st, nil
}
