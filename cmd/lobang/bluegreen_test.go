package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator/suppliers"
	"lobang/db/dbtest"
	"lobang/destinations"
	"lobang/suppliersim"
)

// Timing of the rehearsal. None of it is asserted: the figures are counts.
const (
	bgDrainDelay = 3 * time.Second // LOBANG_DRAIN_DELAY of both colours
	bgBlueAlone  = 8 * time.Second // load on blue alone before green starts
	bgGreenAlone = 8 * time.Second // load on green alone after blue has exited
	// Latencies the simulator takes on while result streams are followed
	// across the switch: ascenda's prices trickle in over 10 s and wgl
	// answers after 16 s, so each stream is still open when blue goes away.
	bgStreamKnobs = `{"ascenda":{"latency_ms":10000},"wgl":{"latency_ms":16000}}`
	bgResetKnobs  = `{"ascenda":{"latency_ms":null},"wgl":{"latency_ms":null}}`
	bgStreams     = 3
	bgBrowsers    = 2
	bgBookers     = 3
)

// TestBlueGreen rehearses a CodeDeploy blue/green release on one machine:
// the simulated suppliers and payment provider, two `lobang serve`
// processes (blue and green) of the binary under test over the same
// MariaDB and Redis, and nginx as the load balancer. While customers search,
// read hotel pages, book and follow result streams through nginx, green is
// started and becomes ready, nginx is switched to it and reloaded, and blue
// gets SIGTERM and drains. No request may fail, every booking must be
// confirmed exactly once (in MySQL, at the supplier and at the payment
// provider), and every stream cut by blue's exit must resume on green with
// no message repeated or skipped.
//
//	LOBANG_TEST_MYSQL_DSN='root@tcp(127.0.0.1:3306)/' LOBANG_TEST_REDIS_URL='redis://127.0.0.1:6379/0' \
//	  go test -run TestBlueGreen -v ./cmd/lobang/
func TestBlueGreen(t *testing.T) {
	dbtest.RequireReal(t)
	nginx := nginxBinary(t)
	if testing.Short() {
		t.Skip("the blue/green rehearsal takes a minute or two")
	}
	bin := buildLobang(t)
	dir := t.TempDir()
	dsn := dbtest.NewDatabase(t)
	_, prefix := dbtest.Redis(t) // its keys are deleted at the end
	lbPort := freePort(t)
	lbURL := "http://127.0.0.1:" + strconv.Itoa(lbPort)

	simAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	simURL := "http://" + simAddr
	sim := startProc(t, dir, "suppliersim", bin, map[string]string{
		"LOBANG_SIM_ADDR": simAddr, "LOBANG_SIM_PROFILE": "test", "LOBANG_SIM_ADMIN": "true",
		"LOBANG_SIM_PAY_WEBHOOK_URL": lbURL + "/payments/webhook", "LOBANG_LOG_FORMAT": "json",
	}, "suppliersim")
	waitStatus(t, sim, simURL+"/fx", http.StatusOK, time.Minute)
	admin := simAdmin{url: simURL}

	var sups []string
	for _, name := range suppliersim.Suppliers {
		sups = append(sups, name+"="+simURL+"/"+name)
	}
	env := func(addr string) map[string]string {
		return map[string]string{
			"LOBANG_ADDR":             addr,
			"LOBANG_BASE_URL":         lbURL,
			"LOBANG_MYSQL_DSN":        dsn,
			"LOBANG_REDIS_URL":        os.Getenv("LOBANG_TEST_REDIS_URL"),
			"LOBANG_REDIS_PREFIX":     prefix,
			"LOBANG_SESSION_KEYS":     strings.Repeat("b1", 32) + "," + strings.Repeat("6e", 32),
			"LOBANG_SUPPLIERS":        strings.Join(sups, ","),
			"LOBANG_FX_URL":           simURL + "/fx",
			"LOBANG_PAY_URL":          simURL + "/pay",
			"LOBANG_TRUSTED_PROXIES":  "127.0.0.0/8",
			"LOBANG_DRAIN_DELAY":      bgDrainDelay.String(),
			"LOBANG_SHUTDOWN_TIMEOUT": "25s",
			"LOBANG_MAIL_DIR":         dir + "/mail",
			"LOBANG_LOG_FORMAT":       "json",
		}
	}

	// What the pipeline does before traffic moves: migrations. The catalog
	// of the two destinations the customers use is synced beforehand, as
	// production's is.
	small := streamDestination(t)
	runProc(t, dir, "migrate", bin, env(""), "migrate", "up")
	runProc(t, dir, "catalog-singapore", bin, env(""), "catalog", "sync", "--destination", "i8gS")
	runProc(t, dir, "catalog-"+small.UID, bin, env(""), "catalog", "sync", "--destination", small.UID)

	blueAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	blue := startProc(t, dir, "blue", bin, env(blueAddr), "serve")
	waitStatus(t, blue, "http://"+blueAddr+"/readyz", http.StatusOK, 2*time.Minute)
	lb := startBalancer(t, nginx, lbPort, "blue", blueAddr)

	hotels := singaporeHotels(t, lbURL)
	load := newLoad(lbURL)
	ctx, stopLoad := context.WithCancel(context.Background())
	defer stopLoad()
	var customers sync.WaitGroup
	for n := range bgBrowsers {
		c := load.customer(10 + n)
		customers.Go(func() { c.browse(ctx, "i8gS", hotels, n) })
	}
	for n := range bgBookers {
		c := load.customer(20 + n)
		customers.Go(func() { c.bookLoop(ctx, hotels, n) })
	}
	started := time.Now()

	// Bookings go through on blue before anything moves.
	waitFor(t, 3*time.Minute, "two bookings through blue", func() bool {
		_, failures := load.figures()
		return len(load.made()) >= 2 || len(failures) > 0
	})
	if _, failures := load.figures(); len(failures) > 0 {
		stopLoad()
		customers.Wait()
		t.Fatalf("requests failed before the switch:\n%s\n%s", strings.Join(failures, "\n"), blue.tail())
	}
	time.Sleep(bgBlueAlone)

	// CodeDeploy starts the replacement tasks and waits until they are
	// healthy before it moves the listener.
	greenAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	green := startProc(t, dir, "green", bin, env(greenAddr), "serve")
	waitStatus(t, green, "http://"+greenAddr+"/readyz", http.StatusOK, 2*time.Minute)

	// Customers open result pages of searches still running, through blue.
	require.NoError(t, admin.post(context.Background(), "/_sim/knobs", bgStreamKnobs))
	var streams []*streamRun
	var followers sync.WaitGroup
	var opened []chan struct{}
	for n := range bgStreams {
		c := load.customer(30 + n)
		s := c.openSearch(small.UID, stay(90+n*4+int(time.Now().Unix()%200), 2))
		require.NotNil(t, s, "search %d opens a results page", n)
		ch := make(chan struct{})
		streams, opened = append(streams, s), append(opened, ch)
		followers.Go(func() { c.follow(s, ch) })
	}
	for i, ch := range opened {
		select {
		case <-ch:
		case <-time.After(2 * time.Minute):
			t.Fatalf("stream %d sent nothing", i)
		}
	}

	// The switch: the listener moves to green, then blue gets SIGTERM.
	switchAt := time.Now()
	lb.switchTo("green", greenAddr)
	require.NoError(t, blue.stop(t, 2*time.Minute), "blue exits cleanly\n%s", blue.tail())
	blueGone := time.Now()
	blueLog, err := os.ReadFile(blue.log)
	require.NoError(t, err)
	assert.Contains(t, string(blueLog), "shutdown complete")

	time.Sleep(bgGreenAlone)
	stopLoad()
	customers.Wait()
	followers.Wait()
	stopped := time.Now()
	require.NoError(t, admin.post(context.Background(), "/_sim/knobs", bgResetKnobs))

	total, failures := load.figures()
	made := load.made()
	report := []string{
		fmt.Sprintf("requests served during the switch: %d", total),
		fmt.Sprintf("failed requests: %d", len(failures)),
		fmt.Sprintf("bookings made: %d", len(made)),
	}
	if path := os.Getenv("LOBANG_BLUEGREEN_REPORT"); path != "" {
		// go test shows a passing test's output only with -v: CI prints this file.
		if err := os.WriteFile(path, []byte(strings.Join(report, "\n")+"\n"), 0o644); err != nil {
			t.Errorf("write the blue/green report: %v", err)
		}
	}
	for _, line := range report {
		t.Log(line)
		fmt.Println(line)
	}
	t.Logf("load %s: %s before the switch, %s from the switch until blue had exited (%d requests sent then), green alone %s",
		stopped.Sub(started).Round(time.Second), switchAt.Sub(started).Round(time.Second),
		blueGone.Sub(switchAt).Round(100*time.Millisecond), load.sentBetween(switchAt, blueGone),
		stopped.Sub(blueGone).Round(time.Second))
	t.Logf("answered by blue (%s) %d, by green (%s) %d; result streams followed across the switch: %d",
		blueAddr, load.upstream[blueAddr], greenAddr, load.upstream[greenAddr], len(streams))
	for _, p := range []*proc{blue, green} {
		errs, hungUp := logErrors(t, p)
		if len(errs) > 0 {
			t.Errorf("%s logged errors:\n%s", p.name, strings.Join(errs, "\n"))
		}
		if hungUp > 0 {
			t.Logf("%s: %d payment webhooks outlasted the provider's wait (delivered again)", p.name, hungUp)
		}
	}

	assert.Empty(t, failures, "failed requests")
	assert.Positive(t, load.upstream[blueAddr], "blue served part of the load")
	assert.Positive(t, load.upstream[greenAddr], "green served part of the load")
	checkStreams(t, streams, switchAt, greenAddr, small.UID)
	checkBookings(t, dsn, simURL, made)
	checkWebhooks(t, simURL)
	if t.Failed() {
		t.Log(blue.tail() + "\n" + green.tail() + "\n" + lb.errorLog())
	}
}

// logErrors returns the error-level lines of a process's JSON log, and
// counts apart the payment webhooks whose work outlasted the provider's
// wait (it hangs up after 10 s and delivers again; a supplier slowed for
// the streams can take that long).
func logErrors(t *testing.T, p *proc) ([]string, int) {
	t.Helper()
	b, err := os.ReadFile(p.log)
	require.NoError(t, err)
	var out []string
	hungUp := 0
	for line := range strings.SplitSeq(string(b), "\n") {
		switch {
		case !strings.Contains(line, `"level":"ERROR"`):
		case strings.Contains(line, `"msg":"payment webhook failed"`) && strings.Contains(line, "context canceled"):
			hungUp++
		default:
			out = append(out, line)
		}
	}
	return out, hungUp
}

// streamDestination is a destination small enough that all of its hotels
// fit on the first results page, so that every hotel a stream message
// prices is placed as a card and coverage can be compared.
func streamDestination(t *testing.T) destinations.Destination {
	t.Helper()
	for _, d := range destinations.All() {
		if d.Type == "city" && d.Population >= 120_000 && d.Population <= 180_000 {
			return d
		}
	}
	t.Fatal("no destination of 120,000–180,000 people")
	return destinations.Destination{}
}

// singaporeHotels returns hotel pages the Singapore results link to.
func singaporeHotels(t *testing.T, lbURL string) []string {
	t.Helper()
	warm := newLoad(lbURL)
	c := warm.customer(1)
	var hotels []string
	waitFor(t, time.Minute, "Singapore results", func() bool {
		hotels = c.hotelLinks("i8gS", stay(30, 2))
		return len(hotels) >= 10
	})
	_, failures := warm.figures()
	require.Empty(t, failures)
	return hotels
}

// waitFor polls cond every half second, failing the test after within.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %s", what, within)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// checkStreams: every stream still running at the switch was cut, resumed
// on green and ended with the close event; its message ids never went back
// (checked as they arrived), and together its connections placed exactly
// the cards one uninterrupted stream of the same page places.
func checkStreams(t *testing.T, streams []*streamRun, switchAt time.Time, greenAddr, destination string) {
	t.Helper()
	open := 0
	for _, s := range streams {
		assert.True(t, s.done, "stream %s ended with the close event", s.sid)
		if !s.doneAt.After(switchAt) {
			continue // complete before the switch: nothing to resume
		}
		open++
		assert.GreaterOrEqual(t, s.cuts, 1, "stream %s was open when blue went away", s.sid)
		if !assert.NotEmpty(t, s.ids, "stream %s sent messages", s.sid) {
			continue
		}

		ref := &streamRun{sid: s.sid, streamURL: s.streamURL, cards: map[int64]bool{}}
		direct := newLoad("http://" + greenAddr)
		direct.customer(99).follow(ref, make(chan struct{}))
		_, failures := direct.figures()
		require.Empty(t, failures, "reference stream of %s", s.sid)
		require.True(t, ref.done)
		require.NotEmpty(t, ref.ids)
		assert.Equal(t, ref.ids[len(ref.ids)-1], s.ids[len(s.ids)-1], "stream %s reached the last event", s.sid)
		assert.Equal(t, ref.cards, s.cards, "stream %s placed every card once resumed (none skipped)", s.sid)
		t.Logf("stream %s: %d messages over %d connections, %d cards", s.sid, len(s.ids), s.cuts+1, len(s.cards))
	}
	assert.Positive(t, open, "streams open at the switch (destination %s)", destination)
}

// checkBookings: each booking the customers made is confirmed exactly once
// in MySQL, booked at its supplier under its reference and captured at the
// payment provider; there is no other booking.
func checkBookings(t *testing.T, dsn, simURL string, made []madeBooking) {
	t.Helper()
	require.NotEmpty(t, made, "bookings made")
	pool, err := sql.Open("mysql", dsn)
	require.NoError(t, err)
	defer pool.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	type row struct {
		reference, status, supplier string
		paymentID                   sql.NullString
		charge                      int64
	}
	rows, err := pool.QueryContext(ctx, "SELECT id, reference, status, supplier, payment_id, charge_amount FROM bookings")
	require.NoError(t, err)
	stored := map[string]row{}
	for rows.Next() {
		var id string
		var r row
		require.NoError(t, rows.Scan(&id, &r.reference, &r.status, &r.supplier, &r.paymentID, &r.charge))
		stored[id] = r
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	assert.Len(t, stored, len(made), "one booking row per booking made, no more")

	client := &http.Client{Timeout: 30 * time.Second}
	adapters := map[string]suppliers.Supplier{}
	for _, name := range suppliersim.Suppliers {
		a, err := suppliers.New(name, simURL+"/"+name, client)
		require.NoError(t, err)
		adapters[name] = a
	}
	seen := map[string]bool{}
	for _, m := range made {
		r, ok := stored[m.ID]
		if !assert.True(t, ok, "booking %s is in MySQL", m.ID) {
			continue
		}
		assert.False(t, seen[m.ID], "booking %s made once", m.ID)
		seen[m.ID] = true
		assert.Equal(t, "confirmed", r.status, m.ID)
		assert.Equal(t, m.Reference, r.reference, m.ID)

		sb, err := adapters[r.supplier].Retrieve(ctx, r.reference)
		if assert.NoError(t, err, "%s has booking %s", r.supplier, r.reference) {
			assert.Equal(t, suppliers.StatusConfirmed, sb.Status, r.reference)
		}
		if assert.True(t, r.paymentID.Valid, "booking %s has a payment", m.ID) {
			p := simPayment(t, ctx, client, simURL, r.paymentID.String)
			assert.Equal(t, "captured", p.Status, r.reference)
			assert.Equal(t, r.charge, p.AmountCaptured, r.reference)
			assert.Equal(t, r.reference, p.Reference)
		}
	}
	var captured []struct {
		PaymentID string `json:"payment_id"`
	}
	getJSON(t, ctx, client, simURL+"/_sim/pay/events?type=payment.captured", "", &captured)
	payments := map[string]bool{}
	for _, e := range captured {
		payments[e.PaymentID] = true
	}
	assert.Len(t, payments, len(made), "the provider captured one payment per booking")
}

type simPaymentJSON struct {
	Status         string `json:"status"`
	AmountCaptured int64  `json:"amount_captured"`
	Reference      string `json:"reference"`
}

func simPayment(t *testing.T, ctx context.Context, client *http.Client, simURL, id string) simPaymentJSON {
	t.Helper()
	var p simPaymentJSON
	getJSON(t, ctx, client, simURL+"/pay/v1/payments/"+id, suppliersim.DefaultPaySecretKey, &p)
	return p
}

func getJSON(t *testing.T, ctx context.Context, client *http.Client, u, bearer string, v any) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	require.NoError(t, err)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, u)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v), u)
}

// checkWebhooks: the payment provider's events, sent through the balancer
// during the switch, were all delivered, and no attempt was refused or cut
// by the balancer or a colour. An attempt whose work outlasted the
// provider's 10 s wait is reported: the provider delivers it again.
func checkWebhooks(t *testing.T, simURL string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	type delivery struct {
		Status int    `json:"status"`
		Error  string `json:"error"`
	}
	var events []struct {
		ID         string     `json:"id"`
		Type       string     `json:"type"`
		Delivered  bool       `json:"delivered"`
		Deliveries []delivery `json:"deliveries"`
	}
	client := &http.Client{Timeout: 30 * time.Second}
	waitFor(t, time.Minute, "delivery of every payment event", func() bool {
		getJSON(t, ctx, client, simURL+"/_sim/pay/events", "", &events)
		for _, e := range events {
			if !e.Delivered {
				return false
			}
		}
		return true
	})
	attempts, timedOut, failed := 0, 0, []string{}
	for _, e := range events {
		for _, d := range e.Deliveries {
			attempts++
			switch {
			case d.Status >= 200 && d.Status <= 299:
			case d.Status == 0 && strings.Contains(d.Error, "deadline exceeded"):
				timedOut++ // the provider's wait, not the balancer or a colour
			default:
				failed = append(failed, fmt.Sprintf("%s %s: %d %s", e.ID, e.Type, d.Status, d.Error))
			}
		}
	}
	t.Logf("payment webhooks: %d events, %d deliveries, %d timed out at the provider and delivered again", len(events), attempts, timedOut)
	assert.Empty(t, failed, "webhook deliveries the balancer or a colour refused")
}
