package handlers

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/booking"
	"lobang/db"
	"lobang/db/dbtest"
)

// scrape fetches /metrics through the router and returns each sample of
// the exposition by its name (labels included).
func scrape(t *testing.T, h *Handler) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	h.wrap(h.router()).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	out := map[string]float64{}
	for line := range strings.SplitSeq(rec.Body.String(), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		require.NoError(t, err, line)
		out[line[:i]] = v
	}
	return out
}

// insertBooking stores a minimal booking in a status with its times.
func insertBooking(t *testing.T, pool *sql.DB, n int, status string, quoteExpires time.Time, confirmingSince sql.NullTime) {
	t.Helper()
	now := time.Now().UTC()
	id := fmt.Sprintf("%032d", n)
	require.NoError(t, db.InsertBooking(context.Background(), pool, db.Booking{
		ID: id, Reference: fmt.Sprintf("LB-%06d", n), Status: status, HotelID: 1,
		Supplier: "ascenda", SupplierHotelID: "h1", OfferKey: "k", Offer: "{}", Query: "{}",
		ChargeAmount: 10000, ChargeCurrency: "SGD", NetAmount: 9000, NetCurrency: "SGD", FXRate: "1",
		MarginAmount: 1000, QuoteExpiresAt: quoteExpires, FormToken: "f" + id[1:],
		ConfirmingSince: confirmingSince, CreatedAt: now, UpdatedAt: now,
	}))
}

func TestOpsMetricsCountStuckBookings(t *testing.T) {
	t.Parallel()
	pool := dbtest.MySQL(t)
	now := time.Now().UTC()
	since := func(d time.Duration) sql.NullTime { return sql.NullTime{Time: now.Add(-d), Valid: true} }
	var stuck []string
	for i, b := range []struct {
		name    string
		status  string
		expires time.Time
		since   sql.NullTime
		stuck   bool
	}{
		{"confirming for 20 minutes", booking.StatusConfirming, now.Add(-time.Hour), since(20 * time.Minute), true},
		{"confirming for 5 minutes", booking.StatusConfirming, now.Add(-time.Minute), since(5 * time.Minute), false},
		{"awaiting payment past its quote", booking.StatusAwaitingPayment, now.Add(-time.Minute), sql.NullTime{}, true},
		{"awaiting payment, quote still good", booking.StatusAwaitingPayment, now.Add(10 * time.Minute), sql.NullTime{}, false},
		{"confirmed long ago", booking.StatusConfirmed, now.Add(-time.Hour), since(time.Hour), false},
		{"details of an expired quote", booking.StatusDetails, now.Add(-time.Hour), sql.NullTime{}, false},
		{"failed", booking.StatusFailed, now.Add(-time.Hour), since(time.Hour), false},
	} {
		insertBooking(t, pool, i+1, b.status, b.expires, b.since)
		if b.stuck {
			stuck = append(stuck, b.name)
		}
	}

	h := newTestHandler(t, Config{}, nil)
	h.Attach(pool, nil)
	open := 2
	h.RegisterOpsMetrics(func() int { return open })
	got := scrape(t, h)
	assert.Equal(t, float64(len(stuck)), got["lobang_bookings_stuck"], "stuck: %v", stuck)
	assert.Equal(t, 2.0, got["lobang_supplier_circuits_open"])

	// Computed on every scrape, not cached.
	open = 0
	insertBooking(t, pool, 99, booking.StatusConfirming, now, since(time.Hour))
	got = scrape(t, h)
	assert.Equal(t, 3.0, got["lobang_bookings_stuck"])
	assert.Equal(t, 0.0, got["lobang_supplier_circuits_open"])
}

// TestOpsMetricsWithoutDatabase: a database that does not answer leaves the
// stuck-bookings sample out; the scrape itself and every other metric stay.
func TestOpsMetricsWithoutDatabase(t *testing.T) {
	t.Parallel()
	pool, err := sql.Open("mysql", "lobang:x@tcp(127.0.0.1:1)/lobang?timeout=200ms")
	require.NoError(t, err)
	t.Cleanup(func() { pool.Close() })
	var logs strings.Builder
	h := newTestHandler(t, Config{}, &logs)
	h.Attach(pool, nil)
	h.RegisterOpsMetrics(func() int { return 1 })
	got := scrape(t, h)
	assert.NotContains(t, got, "lobang_bookings_stuck")
	assert.Equal(t, 1.0, got["lobang_supplier_circuits_open"])
	assert.Contains(t, got, "go_goroutines")
	assert.Contains(t, logs.String(), "count stuck bookings")
}

// TestOpsMetricsAreTheOnesTheAlarmsWatch: every lobang_ metric an alarm or
// the CloudWatch agent's selectors name is exported under exactly that name.
func TestOpsMetricsAreTheOnesTheAlarmsWatch(t *testing.T) {
	t.Parallel()
	h := newTestHandler(t, Config{}, nil)
	h.Attach(dbtest.MySQL(t), nil)
	h.RegisterOpsMetrics(func() int { return 0 })
	got := scrape(t, h)

	named := map[string]bool{}
	for file, re := range map[string]*regexp.Regexp{
		"../deploy/alarms.yaml":  regexp.MustCompile(`MetricName: (lobang_[a-z_]+)`),
		"../deploy/ecs.yaml":     regexp.MustCompile(`\^(lobang_[a-z_]+)\$`),
		"../deploy/taskdef.json": regexp.MustCompile(`\^(lobang_[a-z_]+)\$`),
		"../docs/OPERATIONS.md":  regexp.MustCompile("gauge `(lobang_[a-z_]+)`"),
	} {
		raw, err := os.ReadFile(file)
		require.NoError(t, err)
		for _, m := range re.FindAllStringSubmatch(string(raw), -1) {
			named[m[1]] = true
		}
	}
	require.Contains(t, named, "lobang_supplier_circuits_open")
	require.Contains(t, named, "lobang_bookings_stuck")
	for name := range named {
		assert.Contains(t, got, name, "%s is named in deploy/ but not exported", name)
	}
}
