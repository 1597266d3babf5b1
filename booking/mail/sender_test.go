package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/booking/mail"
	"lobang/db"
	"lobang/db/dbtest"
)

func newSender(t *testing.T, cfg mail.Config) *mail.Sender {
	t.Helper()
	if cfg.From == "" {
		cfg.From = testFrom
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s, err := mail.New(cfg)
	require.NoError(t, err)
	return s
}

func status(t *testing.T, pool db.DBTX, id int64) db.OutboxMessage {
	t.Helper()
	m, err := db.GetOutbox(context.Background(), pool, id)
	require.NoError(t, err)
	return m
}

func TestSenderWritesOneFilePerMessage(t *testing.T) {
	t.Parallel()
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "mail")
	transport, err := mail.NewDir(dir)
	require.NoError(t, err)
	now := time.Date(2026, 2, 20, 10, 15, 0, 0, time.UTC)
	hotel := seedHotel(t, pool, "Marina Inn", "2 Bayfront Avenue")
	a := seedBooking(t, pool, 1, "LB-AAAAAA", hotel, "ada@example.com", now)
	b := seedBooking(t, pool, 2, "LB-BBBBBB", 999_999, "bob@example.com", now.Add(time.Second))
	clk := &clock{now: now.Add(time.Minute)}
	s := newSender(t, mail.Config{DB: pool, Transport: transport, Now: clk.Now})

	sent, err := s.SendDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, sent)
	names := func() []string {
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		sort.Strings(out)
		return out
	}
	assert.Equal(t, []string{
		"20260220T101500.000000Z-LB-AAAAAA-confirmation.eml",
		"20260220T101501.000000Z-LB-BBBBBB-confirmation.eml",
	}, names(), "one file per message, no temporary files left")
	assert.Equal(t, db.OutboxSent, status(t, pool, a.ID).Status)
	assert.Equal(t, db.OutboxSent, status(t, pool, b.ID).Status)

	eml, err := os.ReadFile(filepath.Join(dir, names()[1]))
	require.NoError(t, err)
	p := parseEML(t, eml)
	assert.Equal(t, "Booking confirmed: LB-BBBBBB", p.subject)
	assert.Contains(t, unfold(p.calendar), "SUMMARY:Hotel stay LB-BBBBBB", "a hotel that is gone leaves the reference")

	sent, err = s.SendDue(ctx)
	require.NoError(t, err)
	assert.Zero(t, sent, "nothing is sent twice")
	assert.Len(t, names(), 2)

	require.NoError(t, db.RequeueOutbox(ctx, pool, a.ID, clk.Now()))
	sent, err = s.SendDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, sent, "a requeued message goes out again")
	assert.Contains(t, names(), "20260220T101500.000000Z-LB-AAAAAA-confirmation-2.eml", "the resend keeps the first file")
}

func TestSendersSendEachMessageOnce(t *testing.T) {
	t.Parallel()
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	now := time.Date(2026, 2, 20, 10, 15, 0, 0, time.UTC)
	hotel := seedHotel(t, pool, "Marina Inn", "2 Bayfront Avenue")
	const messages = 12
	for i := range messages {
		seedBooking(t, pool, i, fmt.Sprintf("LB-C%05d", i), hotel, fmt.Sprintf("guest%d@example.com", i), now)
	}
	rec := &recorder{}
	clk := &clock{now: now}
	senders := []*mail.Sender{
		newSender(t, mail.Config{DB: pool, Transport: rec, Now: clk.Now}),
		newSender(t, mail.Config{DB: pool, Transport: rec, Now: clk.Now}),
	}
	var wg sync.WaitGroup
	counts := make([]int, len(senders))
	errs := make([]error, len(senders))
	for i, s := range senders {
		wg.Go(func() { counts[i], errs[i] = s.SendDue(ctx) })
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	assert.Equal(t, messages, counts[0]+counts[1])

	perRecipient := map[string]int{}
	for _, c := range rec.calls() {
		perRecipient[c.to]++
	}
	require.Len(t, perRecipient, messages)
	for to, n := range perRecipient {
		assert.Equal(t, 1, n, "%s got %d emails", to, n)
	}
	sentRows, err := db.ListOutbox(ctx, pool, db.OutboxSent, 100, 0)
	require.NoError(t, err)
	assert.Len(t, sentRows, messages)
}

func TestSenderBacksOffAndGivesUp(t *testing.T) {
	t.Parallel()
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	now := time.Date(2026, 2, 20, 10, 15, 0, 0, time.UTC)
	hotel := seedHotel(t, pool, "Marina Inn", "2 Bayfront Avenue")
	flaky := seedBooking(t, pool, 1, "LB-FLAKY1", hotel, "flaky.guest@example.com", now)
	gone := seedBooking(t, pool, 2, "LB-GONE01", hotel, "gone.guest@example.com", now)
	rec := &recorder{fail: func(to string) error {
		if to == "gone.guest@example.com" {
			return fmt.Errorf("550 5.1.1 <%s>: no such user: %w", to, mail.ErrRejected)
		}
		return fmt.Errorf("421 4.7.0 <%s> try again later", to)
	}}
	var logs bytes.Buffer
	var logMu sync.Mutex
	clk := &clock{now: now}
	s := newSender(t, mail.Config{DB: pool, Transport: rec, Now: clk.Now, MaxAttempts: 3,
		Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &logMu}, nil))})

	sent, err := s.SendDue(ctx)
	require.NoError(t, err)
	assert.Zero(t, sent)
	m := status(t, pool, flaky.ID)
	assert.Equal(t, db.OutboxPending, m.Status)
	assert.Equal(t, 1, m.Attempts)
	assert.True(t, m.NextAt.Equal(now.Add(time.Minute)), "first retry after a minute, got %v", m.NextAt)
	r := status(t, pool, gone.ID)
	assert.Equal(t, db.OutboxFailed, r.Status, "a rejected recipient is given up at once")
	assert.Equal(t, 1, r.Attempts)

	_, err = s.SendDue(ctx)
	require.NoError(t, err)
	assert.Len(t, rec.calls(), 2, "not due again before its time")

	clk.Add(time.Minute)
	_, err = s.SendDue(ctx)
	require.NoError(t, err)
	m = status(t, pool, flaky.ID)
	assert.Equal(t, 2, m.Attempts)
	assert.True(t, m.NextAt.Equal(now.Add(6*time.Minute)), "second retry five minutes later, got %v", m.NextAt)

	clk.Add(5 * time.Minute)
	_, err = s.SendDue(ctx)
	require.NoError(t, err)
	m = status(t, pool, flaky.ID)
	assert.Equal(t, db.OutboxFailed, m.Status, "given up after MaxAttempts")
	assert.Equal(t, 3, m.Attempts)

	clk.Add(24 * time.Hour)
	_, err = s.SendDue(ctx)
	require.NoError(t, err)
	assert.Len(t, rec.calls(), 4, "three tries of the flaky one, one of the rejected one")

	logMu.Lock()
	out := logs.String()
	logMu.Unlock()
	assert.NotContains(t, out, "flaky.guest@example.com")
	assert.NotContains(t, out, "gone.guest@example.com")
	assert.Contains(t, out, "f***@example.com", "the error is logged with the address masked")
	assert.Contains(t, out, fmt.Sprintf("outbox_id=%d", flaky.ID))
}

func TestStuckMessageIsSentAfterItsLease(t *testing.T) {
	t.Parallel()
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	now := time.Date(2026, 2, 20, 10, 15, 0, 0, time.UTC)
	hotel := seedHotel(t, pool, "Marina Inn", "2 Bayfront Avenue")
	m := seedBooking(t, pool, 1, "LB-STUCK1", hotel, "ada@example.com", now)
	lease := 5 * time.Minute
	// A worker claimed it and died.
	_, ok, err := db.ClaimOutbox(ctx, pool, m.ID, now, now.Add(lease))
	require.NoError(t, err)
	require.True(t, ok)

	rec := &recorder{}
	clk := &clock{now: now.Add(lease - time.Second)}
	s := newSender(t, mail.Config{DB: pool, Transport: rec, Now: clk.Now, Lease: lease})
	sent, err := s.SendDue(ctx)
	require.NoError(t, err)
	assert.Zero(t, sent, "left alone while the lease holds")
	assert.Empty(t, rec.calls())

	clk.Add(time.Second)
	sent, err = s.SendDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, sent)
	got := status(t, pool, m.ID)
	assert.Equal(t, db.OutboxSent, got.Status)
	assert.Equal(t, 2, got.Attempts)
}

func TestRunSendsUntilCancelled(t *testing.T) {
	t.Parallel()
	pool := dbtest.MySQL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hotel := seedHotel(t, pool, "Marina Inn", "2 Bayfront Avenue")
	m := seedBooking(t, pool, 1, "LB-RUN001", hotel, "ada@example.com", time.Now().Add(-time.Minute))
	delivered := make(chan struct{}, 1)
	s := newSender(t, mail.Config{DB: pool, PollInterval: 10 * time.Millisecond,
		Transport: transportFunc(func(context.Context, string, string, []byte) error {
			delivered <- struct{}{}
			return nil
		})})
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	select {
	case <-delivered:
	case <-time.After(time.Minute):
		t.Fatal("Run did not send the due message")
	}
	// Stop at once: the delivery that just happened is still recorded.
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(time.Minute):
		t.Fatal("Run did not return after cancel")
	}
	assert.Equal(t, db.OutboxSent, status(t, pool, m.ID).Status)
}

func TestNewChecksConfig(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	for name, cfg := range map[string]mail.Config{
		"no database":  {Transport: rec, From: testFrom},
		"no transport": {DB: fakeDB{}, From: testFrom},
		"bad from":     {DB: fakeDB{}, Transport: rec, From: "Lobang"},
	} {
		_, err := mail.New(cfg)
		assert.Error(t, err, name)
	}
	_, err := mail.OpenTransport("smtp://h:25", t.TempDir())
	assert.Error(t, err, "both transports configured")
	_, err = mail.OpenTransport("", "")
	assert.Error(t, err, "no transport configured")
	tr, err := mail.OpenTransport("", t.TempDir())
	require.NoError(t, err)
	assert.IsType(t, &mail.Dir{}, tr)
	tr, err = mail.OpenTransport("smtps://mail.example.com", "")
	require.NoError(t, err)
	assert.IsType(t, &mail.SMTP{}, tr)
}

type transportFunc func(ctx context.Context, from, to string, eml []byte) error

func (f transportFunc) Send(ctx context.Context, from, to string, eml []byte) error {
	return f(ctx, from, to, eml)
}

// fakeDB satisfies db.DBTX for tests that never reach the database.
type fakeDB struct{ db.DBTX }

// lockedWriter serialises writes from concurrent loggers.
type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
