package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"regexp"
	"strings"
	"time"

	"lobang/db"
)

// Config is what New needs. Zero durations and counts take the defaults.
type Config struct {
	DB        db.DBTX // usually the *sql.DB pool
	Transport Transport
	// From is the sender, with or without a display name:
	// "Lobang <bookings@lobang.example>".
	From   string
	Logger *slog.Logger     // nil: slog.Default()
	Now    func() time.Time // nil: time.Now
	// PollInterval is how often Run looks for due messages (10s).
	PollInterval time.Duration
	// MaxAttempts is how many deliveries are tried before a message is
	// given up as failed (8, over about 17 hours).
	MaxAttempts int
	// Lease is how long a claimed message belongs to this sender (5m); one
	// delivery may take half of it, so a slow one ends before another
	// worker may take the message over.
	Lease time.Duration
}

// Sender delivers due outbox messages.
type Sender struct {
	db          db.DBTX
	transport   Transport
	from        netmail.Address
	log         *slog.Logger
	now         func() time.Time
	poll        time.Duration
	maxAttempts int
	lease       time.Duration
}

// batchSize is how many due messages one query fetches.
const batchSize = 20

// New checks cfg and returns a Sender.
func New(cfg Config) (*Sender, error) {
	if cfg.DB == nil {
		return nil, errors.New("mail sender: no database")
	}
	if cfg.Transport == nil {
		return nil, errors.New("mail sender: no transport")
	}
	from, err := parseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail sender: from: %w", err)
	}
	s := &Sender{db: cfg.DB, transport: cfg.Transport, from: from, log: cfg.Logger, now: cfg.Now,
		poll: cfg.PollInterval, maxAttempts: cfg.MaxAttempts, lease: cfg.Lease}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.poll <= 0 {
		s.poll = 10 * time.Second
	}
	if s.maxAttempts <= 0 {
		s.maxAttempts = 8
	}
	if s.lease <= 0 {
		s.lease = 5 * time.Minute
	}
	return s, nil
}

// Run sends due messages every PollInterval until ctx ends, then returns
// nil. Database trouble is logged and tried again on the next tick.
func (s *Sender) Run(ctx context.Context) error {
	s.log.Info("mail sender started", "poll", s.poll, "max_attempts", s.maxAttempts, "lease", s.lease)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			s.log.Info("mail sender stopped")
			return nil
		case <-timer.C:
		}
		if _, err := s.SendDue(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("send due emails", "error", maskAddresses(err.Error()))
		}
		timer.Reset(s.poll)
	}
}

// SendDue makes one pass over the outbox: it claims every due message,
// sends it and records the outcome, and returns how many went out. A
// failed delivery is rescheduled (or given up), not returned as an error;
// the error is for the database or the end of ctx.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	sent := 0
	// Each round's messages leave the due set (sent, leased or rescheduled
	// into the future), so rounds end; the cap is a guard all the same.
	for range 50 {
		ids, err := db.DueOutboxIDs(ctx, s.db, s.now(), batchSize)
		if err != nil {
			return sent, err
		}
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				return sent, err
			}
			ok, err := s.sendOne(ctx, id)
			if ok {
				sent++
			}
			if err != nil {
				return sent, err
			}
		}
		if len(ids) < batchSize {
			break
		}
	}
	return sent, nil
}

// sendOne claims and delivers one message. It reports whether the message
// went out; the error is for the database or the end of ctx.
func (s *Sender) sendOne(ctx context.Context, id int64) (bool, error) {
	now := s.now()
	m, ok, err := db.ClaimOutbox(ctx, s.db, id, now, now.Add(s.lease))
	if err != nil || !ok {
		return false, err
	}
	log := s.log.With("outbox_id", m.ID, "booking_id", m.BookingID, "kind", m.Kind, "attempt", m.Attempts)

	sendCtx, cancel := context.WithTimeout(ctx, s.lease/2)
	sendErr := s.deliver(sendCtx, m, now, log)
	cancel()

	// The outcome is written even when ctx has just ended: a message that
	// went out must not stay claimable.
	rec, done := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer done()
	at := s.now()
	var kept bool
	switch {
	case sendErr == nil:
		kept, err = db.MarkOutboxSent(rec, s.db, m.ID, m.Attempts, at)
		if err == nil {
			log.Info("email sent", "to", maskAddress(m.To))
		}
	case ctx.Err() != nil:
		// Shutting down: hand the message back, due at once.
		kept, err = db.RetryOutbox(rec, s.db, m.ID, m.Attempts, at)
		if err == nil {
			err = ctx.Err()
		}
	case errors.Is(sendErr, ErrBadAddress) || errors.Is(sendErr, ErrRejected) || m.Attempts >= s.maxAttempts:
		kept, err = db.FailOutbox(rec, s.db, m.ID, m.Attempts, at)
		if err == nil {
			log.Error("email given up", "error", maskAddresses(sendErr.Error()))
		}
	default:
		next := at.Add(backoff(m.Attempts))
		kept, err = db.RetryOutbox(rec, s.db, m.ID, m.Attempts, next)
		if err == nil {
			log.Warn("email not sent, will retry", "error", maskAddresses(sendErr.Error()), "retry_at", next)
		}
	}
	if err == nil && !kept {
		log.Warn("the lease ran out during delivery and another sender took the message over; it may go out twice")
	}
	return sendErr == nil, err
}

// deliver renders a claimed message and hands it to the transport.
func (s *Sender) deliver(ctx context.Context, m db.OutboxMessage, now time.Time, log *slog.Logger) error {
	r, err := render(ctx, s.db, s.from, m, now)
	if err != nil {
		return err
	}
	if r.noCalendar != "" {
		log.Warn("confirmation sent without its calendar file", "reason", r.noCalendar)
	}
	eml, err := r.email.Bytes()
	if err != nil {
		return err
	}
	name := r.reference
	if name == "" {
		name = m.BookingID
	}
	ctx = withFileMeta(ctx, fileMeta{created: m.CreatedAt, name: name, kind: m.Kind})
	return s.transport.Send(ctx, s.from.Address, r.email.To.Address, eml)
}

// retryDelays is the wait after each failed attempt; the last one repeats.
var retryDelays = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour,
	6 * time.Hour}

// backoff is the wait before the attempt after failed attempt n (from 1).
func backoff(n int) time.Duration {
	return retryDelays[min(max(n, 1), len(retryDelays))-1]
}

// maskAddress hides the local part of an email address but its first
// character: a***@example.com. Logs never carry a whole address.
func maskAddress(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" {
		return "***"
	}
	first := []rune(local)[0]
	return string(first) + "***@" + domain
}

var addressLike = regexp.MustCompile(`[^\s<>()\[\]"',;:@]+@[^\s<>()\[\]"',;:@]+`)

// maskAddresses masks every email address in s, such as the recipient a
// mail server quotes in its error.
func maskAddresses(s string) string {
	return addressLike.ReplaceAllStringFunc(s, maskAddress)
}
