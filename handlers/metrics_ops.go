package handlers

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lobang/booking"
)

// Thresholds of the operations gauges the alarms watch (deploy/alarms.yaml).
const (
	// stuckConfirmingAfter is how long a paid booking may wait for the
	// supplier before it counts as stuck.
	stuckConfirmingAfter = 15 * time.Minute
	// stuckQueryDeadline bounds the query a scrape runs: a slow database
	// must not hold /metrics.
	stuckQueryDeadline = 2 * time.Second
)

// RegisterOpsMetrics adds the gauges the alarms watch to the instance's
// registry: lobang_supplier_circuits_open (circuitsOpen reports this
// process's open supplier breakers) and lobang_bookings_stuck, counted in
// MySQL on each scrape. Call it once, after Attach.
func (h *Handler) RegisterOpsMetrics(circuitsOpen func() int) {
	h.metrics.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "lobang_supplier_circuits_open",
			Help: "Suppliers whose circuit breaker is open in this process.",
		}, func() float64 { return float64(circuitsOpen()) }),
		&stuckBookings{h: h, desc: prometheus.NewDesc("lobang_bookings_stuck",
			"Bookings confirming for over 15 minutes or awaiting payment past their quote's expiry.", nil, nil)},
	)
}

// stuckBookings counts stuck bookings when scraped. When MySQL does not
// answer in time the sample is left out (the alarm treats missing data as
// not breaching) rather than failing the whole scrape.
type stuckBookings struct {
	h    *Handler
	desc *prometheus.Desc
}

// Describe implements prometheus.Collector.
func (c *stuckBookings) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect implements prometheus.Collector.
func (c *stuckBookings) Collect(ch chan<- prometheus.Metric) {
	if c.h.db == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), stuckQueryDeadline)
	defer cancel()
	n, err := countStuckBookings(ctx, c.h.db, time.Now().UTC())
	if err != nil {
		c.h.log.Warn("metrics: count stuck bookings", "err", err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n))
}

// countStuckBookings counts bookings in status confirming since before
// now − 15 minutes, and in status awaiting_payment past their quote's
// expiry. Each half uses the (status, …) index.
func countStuckBookings(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, now time.Time) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM bookings WHERE status = ? AND confirming_since < ?) +
		(SELECT COUNT(*) FROM bookings WHERE status = ? AND quote_expires_at < ?)`,
		booking.StatusConfirming, now.Add(-stuckConfirmingAfter),
		booking.StatusAwaitingPayment, now).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count stuck bookings: %w", err)
	}
	return n, nil
}
