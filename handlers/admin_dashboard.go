package handlers

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"lobang/admin"
	"lobang/aggregator"
	"lobang/booking"
	"lobang/db"
	"lobang/views"
)

// registerAdminDashboard registers the operations dashboard and its live
// stream of booking events; every member of staff may look.
func (h *Handler) registerAdminDashboard(r chi.Router) {
	h.staffRoute(r, "GET", "/admin/dashboard", admin.Agent, h.AdminDashboard)
	h.staffRoute(r, "GET", "/admin/dashboard/live", admin.Agent, h.AdminDashboardLive)
}

// dashboardStuckList bounds the stuck bookings listed (all are counted).
const dashboardStuckList = 50

// AdminDashboard shows a UTC day's operations (today, or ?day=YYYY-MM-DD):
// bookings, revenue and margin per currency, look-to-book, the hotel page
// cache's hit ratio, failed bookings of the day and stuck bookings now.
func (h *Handler) AdminDashboard(w http.ResponseWriter, r *http.Request) {
	now := time.Now().UTC()
	day := now.Truncate(24 * time.Hour)
	if s := r.URL.Query().Get("day"); s != "" {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			h.renderError(w, r, http.StatusBadRequest)
			return
		}
		day = d
	}
	v, err := h.dashboard(r.Context(), day, now)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v.Shell = h.shell(r, "Dashboard")
	h.render(w, r, http.StatusOK, views.AdminDashboard(v))
}

// dashboard computes the figures of the UTC day that starts at day.
func (h *Handler) dashboard(ctx context.Context, day, now time.Time) (views.AdminDashboardView, error) {
	v := views.AdminDashboardView{Day: day.Format(time.DateOnly), Today: day.Equal(now.Truncate(24 * time.Hour)),
		PrevHref: "/admin/dashboard?day=" + day.AddDate(0, 0, -1).Format(time.DateOnly),
		NextHref: "/admin/dashboard?day=" + day.AddDate(0, 0, 1).Format(time.DateOnly)}
	rows, err := db.BookingsCreated(ctx, h.db, day, day.AddDate(0, 0, 1))
	if err != nil {
		return v, err
	}
	type sums struct{ n, revenue, margin int64 }
	perCur := map[string]*sums{}
	chart := make([]struct{ all, failed int64 }, 24)
	var confirmed int64
	for _, b := range rows {
		v.Started++
		hr := b.CreatedAt.UTC().Hour()
		switch b.Status {
		case booking.StatusConfirmed:
			confirmed++
			s := perCur[b.ChargeCurrency]
			if s == nil {
				s = &sums{}
				perCur[b.ChargeCurrency] = s
			}
			s.n++
			s.revenue += b.ChargeAmount
			s.margin += b.MarginAmount
			chart[hr].all++
		case booking.StatusFailed:
			v.Failed = append(v.Failed, dashRow(b))
			chart[hr].all++
			chart[hr].failed++
		case booking.StatusCancelled:
			v.Cancelled++
		}
	}
	v.Confirmed = confirmed
	curs := make([]string, 0, len(perCur))
	for c := range perCur {
		curs = append(curs, c)
	}
	slices.Sort(curs)
	for _, c := range curs {
		s := perCur[c]
		v.Currencies = append(v.Currencies, views.AdminDashCurrency{Currency: c, Bookings: s.n,
			Revenue: staffMoney(s.revenue, c), Margin: staffMoney(s.margin, c)})
	}
	if h.redis != nil {
		if err := h.flushPageCounts(ctx); err != nil {
			h.log.Debug("dashboard: flush page cache counts", "err", err)
		}
		if v.Searches, err = redisCount(ctx, h.redis, aggregator.SearchesKey(h.cfg.RedisPrefix, day)); err != nil {
			return v, err
		}
		if v.CacheHits, err = redisCount(ctx, h.redis, PageCacheKey(h.cfg.RedisPrefix, "hit", day)); err != nil {
			return v, err
		}
		if v.CacheMisses, err = redisCount(ctx, h.redis, PageCacheKey(h.cfg.RedisPrefix, "miss", day)); err != nil {
			return v, err
		}
	}
	v.LookToBook = "no bookings"
	if confirmed > 0 {
		v.LookToBook = strconv.FormatFloat(float64(v.Searches)/float64(confirmed), 'f', 1, 64) + " searches per booking"
	}
	v.CacheRatio = "no hotel page views"
	if t := v.CacheHits + v.CacheMisses; t > 0 {
		v.CacheRatio = percent(float64(v.CacheHits) / float64(t))
	}
	stuck, err := countStuckBookings(ctx, h.db, now)
	if err != nil {
		return v, err
	}
	v.StuckCount = stuck
	list, err := db.StuckBookings(ctx, h.db, booking.StatusConfirming, booking.StatusAwaitingPayment,
		now.Add(-stuckConfirmingAfter), now, dashboardStuckList)
	if err != nil {
		return v, err
	}
	for _, b := range list {
		v.Stuck = append(v.Stuck, dashRow(b))
	}
	v.Chart = hourChart(chart)
	return v, nil
}

func dashRow(b db.DayBooking) views.AdminDashBooking {
	return views.AdminDashBooking{Reference: b.Reference, Href: "/admin/bookings/" + b.Reference, Status: b.Status,
		Amount: staffMoney(b.ChargeAmount, b.ChargeCurrency), Created: adminTime(b.CreatedAt)}
}

// hourChart draws the day's confirmed and failed bookings per hour, the
// failed part in red.
func hourChart(hours []struct{ all, failed int64 }) views.SVGChart {
	var top int64 = 1
	for _, h := range hours {
		top = max(top, h.all)
	}
	c := views.SVGChart{Width: chartW, Height: chartH, Label: "Bookings per hour (UTC): confirmed, and failed in red",
		Max: strconv.FormatInt(top, 10) + " bookings"}
	bw := chartW / len(hours)
	for i, h := range hours {
		hgt := int(h.all * chartH / top)
		fh := int(h.failed * chartH / top)
		c.Bars = append(c.Bars, views.SVGBar{X: i * bw, W: max(bw-1, 1), Y: chartH - hgt, H: hgt, FailY: chartH - fh,
			FailH: fh, Title: fmt.Sprintf("%02d:00: %d bookings, %d failed", i, h.all-h.failed, h.failed)})
	}
	return c
}
