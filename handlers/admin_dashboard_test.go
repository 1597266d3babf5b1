package handlers

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/admin"
	"lobang/aggregator"
	"lobang/booking"
	"lobang/db"
	"lobang/db/dbtest"
	"lobang/fx"
)

// seedBooking inserts a booking with only what the dashboard reads.
func seedBooking(t *testing.T, s *staffWorld, ref, status string, amount, margin int64, currency string,
	created time.Time, confirmingSince *time.Time, quoteExpires time.Time) {
	t.Helper()
	var since any
	if confirmingSince != nil {
		since = confirmingSince.UTC()
	}
	_, err := s.pool.Exec(`INSERT INTO bookings (id, reference, status, hotel_id, supplier, supplier_hotel_id, offer_key,
		offer, query, charge_amount, charge_currency, net_amount, net_currency, fx_rate, margin_amount, quote_expires_at,
		form_token, confirming_since, created_at, updated_at)
		VALUES (?, ?, ?, 1, 'bedcom', 'x', 'k', '{}', '{}', ?, ?, ?, ?, '1', ?, ?, ?, ?, ?, ?)`,
		fmt.Sprintf("%032s", ref), ref, status, amount, currency, amount-margin, currency, margin, quoteExpires.UTC(),
		fmt.Sprintf("t%031s", ref), since, created.UTC(), created.UTC())
	require.NoError(t, err)
}

// TestDashboardFiguresMatchTheData: for a seeded day the dashboard shows
// exactly what direct SQL and Redis counts give: bookings, revenue and
// margin per currency, searches and look-to-book, the page cache's hits and
// misses, the failed bookings of the day and the stuck ones now.
func TestDashboardFiguresMatchTheData(t *testing.T) {
	dbtest.RequireReal(t)
	s := newStaffWorld(t, nil, nil, AdminConfig{})
	ctx := context.Background()
	day := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return day.Add(time.Duration(h)*time.Hour + 7*time.Minute) }
	now := time.Now().UTC()
	never := now.Add(time.Hour)
	seedBooking(t, s, "DASHC1", booking.StatusConfirmed, 25000, 2100, "SGD", at(9), nil, never)
	seedBooking(t, s, "DASHC2", booking.StatusConfirmed, 13050, 990, "SGD", at(9), nil, never)
	seedBooking(t, s, "DASHC3", booking.StatusConfirmed, 40000, 3600, "EUR", at(14), nil, never)
	seedBooking(t, s, "DASHF1", booking.StatusFailed, 9900, 800, "SGD", at(11), nil, never)
	seedBooking(t, s, "DASHX1", booking.StatusCancelled, 5000, 400, "USD", at(20), nil, never)
	seedBooking(t, s, "DASHP1", booking.StatusQuoted, 7000, 600, "SGD", at(21), nil, never)
	// Outside the day, and stuck now: confirming for an hour, and awaiting
	// payment past its quote.
	hourAgo := now.Add(-time.Hour)
	seedBooking(t, s, "DASHS1", booking.StatusConfirming, 8000, 700, "SGD", day.AddDate(0, 0, 1), &hourAgo, never)
	seedBooking(t, s, "DASHS2", booking.StatusAwaitingPayment, 8000, 700, "SGD", day.AddDate(0, 0, 1), nil,
		now.Add(-time.Minute))
	recent := now.Add(-time.Minute)
	seedBooking(t, s, "DASHN1", booking.StatusConfirming, 8000, 700, "SGD", day.AddDate(0, 0, 1), &recent, never)
	require.NoError(t, s.rdb.Set(ctx, aggregator.SearchesKey(s.h.cfg.RedisPrefix, day), 42, time.Hour).Err())
	require.NoError(t, s.rdb.Set(ctx, PageCacheKey(s.h.cfg.RedisPrefix, "hit", day), 30, time.Hour).Err())
	require.NoError(t, s.rdb.Set(ctx, PageCacheKey(s.h.cfg.RedisPrefix, "miss", day), 10, time.Hour).Err())

	agent := s.signedIn(t, s.enrol(t, "agent@lobang.test", admin.Agent))
	p := agent.get("/admin/dashboard?day=2026-01-15")
	require.Equal(t, http.StatusOK, p.status, p.body)
	text := func(sel string) string { return strings.TrimSpace(p.doc.Find(sel).First().Text()) }

	// The same figures straight from MySQL and Redis.
	from, to := day, day.AddDate(0, 0, 1)
	count := func(where string, args ...any) string {
		var n int64
		require.NoError(t, s.pool.QueryRow("SELECT COUNT(*) FROM bookings WHERE created_at >= ? AND created_at < ? AND "+
			where, append([]any{from, to}, args...)...).Scan(&n))
		return strconv.FormatInt(n, 10)
	}
	assert.Equal(t, count("1 = 1"), text(`[data-testid="started"]`))
	assert.Equal(t, count("status = ?", booking.StatusConfirmed), text(`[data-testid="confirmed"]`))
	assert.Equal(t, count("status = ?", booking.StatusFailed), text(`[data-testid="failed-count"]`))
	assert.Equal(t, count("status = ?", booking.StatusCancelled), text(`[data-testid="cancelled"]`))
	rows, err := s.pool.Query(`SELECT charge_currency, COUNT(*), SUM(charge_amount), SUM(margin_amount) FROM bookings
		WHERE created_at >= ? AND created_at < ? AND status = ? GROUP BY charge_currency`, from, to, booking.StatusConfirmed)
	require.NoError(t, err)
	currencies := 0
	for rows.Next() {
		var cur string
		var n, rev, margin int64
		require.NoError(t, rows.Scan(&cur, &n, &rev, &margin))
		currencies++
		row := p.doc.Find(`[data-testid="currency-` + cur + `"]`)
		require.Equal(t, 1, row.Length(), cur)
		assert.Equal(t, strconv.FormatInt(n, 10), strings.TrimSpace(row.Find(`[data-testid="cur-bookings"]`).Text()))
		assert.Equal(t, fx.Money{Amount: rev, Currency: cur}.Display(), strings.TrimSpace(row.Find(`[data-testid="cur-revenue"]`).Text()))
		assert.Equal(t, fx.Money{Amount: margin, Currency: cur}.Display(), strings.TrimSpace(row.Find(`[data-testid="cur-margin"]`).Text()))
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	assert.Equal(t, 2, currencies)
	assert.Equal(t, currencies, p.doc.Find(`[data-testid^="currency-"]`).Length())

	searches, err := s.rdb.Get(ctx, aggregator.SearchesKey(s.h.cfg.RedisPrefix, day)).Int64()
	require.NoError(t, err)
	assert.Equal(t, strconv.FormatInt(searches, 10), text(`[data-testid="searches"]`))
	assert.Equal(t, "14.0 searches per booking", text(`[data-testid="look-to-book"]`), "42 searches, 3 bookings")
	assert.Equal(t, "30", text(`[data-testid="cache-hits"]`))
	assert.Equal(t, "10", text(`[data-testid="cache-misses"]`))
	assert.Equal(t, "75.0 %", text(`[data-testid="cache-ratio"]`))
	assert.Contains(t, p.doc.Find(`[data-testid="figures"]`).Text(), "not the CDN")

	var stuck int64
	require.NoError(t, s.pool.QueryRow(`SELECT COUNT(*) FROM bookings WHERE (status = ? AND confirming_since < ?)
		OR (status = ? AND quote_expires_at < ?)`, booking.StatusConfirming, time.Now().UTC().Add(-15*time.Minute),
		booking.StatusAwaitingPayment, time.Now().UTC()).Scan(&stuck))
	assert.EqualValues(t, 2, stuck)
	assert.Equal(t, strconv.FormatInt(stuck, 10), text(`[data-testid="stuck-count"]`))
	var stuckRefs []string
	p.doc.Find(`[data-testid="stuck-row"] a`).Each(func(_ int, a *goquery.Selection) {
		stuckRefs = append(stuckRefs, a.Text())
		assert.Equal(t, "/admin/bookings/"+a.Text(), a.AttrOr("href", ""), "a link to the desk")
	})
	assert.ElementsMatch(t, []string{"DASHS1", "DASHS2"}, stuckRefs)
	assert.Equal(t, "DASHF1", text(`[data-testid="failed-row"] a`))
	assert.Equal(t, 24, p.doc.Find(`svg rect[fill="#4a78c2"]`).Length(), "one bar per hour")

	// The hotel page cache counts reach Redis.
	before, err := redisCount(ctx, s.rdb, PageCacheKey(s.h.cfg.RedisPrefix, "miss", time.Now()))
	require.NoError(t, err)
	s.h.countPageCache(false)
	s.h.countPageCache(true)
	require.NoError(t, s.h.flushPageCounts(ctx))
	after, err := redisCount(ctx, s.rdb, PageCacheKey(s.h.cfg.RedisPrefix, "miss", time.Now()))
	require.NoError(t, err)
	assert.Equal(t, before+1, after)
}

// TestDashboardLiveEvents: a booking the service confirms or fails is
// published, and the dashboard's stream sends it as a list item linking to
// the desk.
func TestDashboardLiveEvents(t *testing.T) {
	dbtest.RequireReal(t)
	s := newStaffWorld(t, nil, nil, AdminConfig{})
	agent := s.signedIn(t, s.enrol(t, "agent@lobang.test", admin.Agent))
	page := agent.get("/admin/dashboard/live")
	assert.Equal(t, http.StatusSeeOther, page.status, "opened as a page")
	assert.Equal(t, "/admin/dashboard", page.location)
	req, err := http.NewRequest(http.MethodGet, s.app.URL+"/admin/dashboard/live", nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/html, text/event-stream")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := agent.c.Do(req.WithContext(ctx))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	rd := bufio.NewReader(resp.Body)
	line, err := rd.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, ": live\n", line, "subscribed")

	notify := booking.Publisher(s.rdb, s.h.cfg.RedisPrefix, nil)
	notify(db.Booking{Reference: "LIVE42", Status: booking.StatusFailed, Supplier: "wgl", ChargeAmount: 12345,
		ChargeCurrency: "SGD", UpdatedAt: time.Now()})
	var data strings.Builder
	for {
		line, err := rd.ReadString('\n')
		require.NoError(t, err)
		if line == "\n" && data.Len() > 0 {
			break
		}
		if rest, ok := strings.CutPrefix(line, "data: "); ok {
			data.WriteString(rest)
		}
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(data.String()))
	require.NoError(t, err)
	li := doc.Find(`li[data-testid="live-event"]`)
	require.Equal(t, 1, li.Length(), data.String())
	assert.Equal(t, "/admin/bookings/LIVE42", li.Find("a").AttrOr("href", ""))
	assert.Contains(t, li.Text(), "failed")
}
