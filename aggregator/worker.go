package aggregator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/sony/gobreaker/v2"

	"lobang/aggregator/suppliers"
)

// Supplier states in a search's meta.
const (
	statePending = "pending"
	stateRunning = "running"
	StateDone    = "done"
	StateFailed  = "failed"
	StateSkipped = "skipped"
)

const group = "workers"

// Run consumes search jobs until ctx ends: one reader takes jobs from the
// stream (first those abandoned by a dead worker, idle for three
// heartbeats, then new ones) and runs up to cfg.Workers of them at once,
// each re-claimed by its runner every heartbeat. Every `serve` process and
// `lobang worker` runs it. Only the reader blocks on Redis, so the
// connection pool stays free for everything else.
func (a *Aggregator) Run(ctx context.Context) error {
	err := a.rdb.XGroupCreateMkStream(ctx, a.k.jobs(), group, "0").Err()
	if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("jobs group: %w", err)
	}
	slots := make(chan struct{}, a.cfg.Workers)
	var wg sync.WaitGroup
	defer wg.Wait()
	for ctx.Err() == nil {
		// Wait for at least one free slot, then take as many jobs as are free.
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		free := 1 + a.cfg.Workers - len(slots)
		jobs, err := a.nextJobs(ctx, free)
		<-slots
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			a.log.Warn("read search jobs", "err", err)
			sleep(ctx, time.Second+time.Duration(rand.N(int64(time.Second))))
			continue
		}
		for _, j := range jobs {
			slots <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				a.handle(ctx, a.cfg.Consumer, j)
			}()
		}
	}
	return nil
}

// nextJobs first takes over jobs abandoned by a dead worker, then waits up
// to a heartbeat for new ones.
func (a *Aggregator) nextJobs(ctx context.Context, n int) ([]job, error) {
	msgs, _, err := a.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: a.k.jobs(), Group: group, Consumer: a.cfg.Consumer,
		MinIdle: 3 * a.cfg.Heartbeat, Start: "0-0", Count: int64(n),
	}).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("autoclaim: %w", err)
	}
	if len(msgs) > 0 {
		a.log.Info("took over abandoned search jobs", "count", len(msgs), "consumer", a.cfg.Consumer)
	} else {
		streams, err := a.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: a.cfg.Consumer, Streams: []string{a.k.jobs(), ">"},
			Count: int64(n), Block: a.cfg.Heartbeat,
		}).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, fmt.Errorf("read jobs: %w", err)
		}
		for _, s := range streams {
			msgs = append(msgs, s.Messages...)
		}
	}
	var out []job
	for _, m := range msgs {
		j, err := a.decodeJob(ctx, m)
		if err != nil {
			return out, err
		}
		if j != nil {
			out = append(out, *j)
		}
	}
	return out, nil
}

func (a *Aggregator) decodeJob(ctx context.Context, m redis.XMessage) (*job, error) {
	j := &job{StreamID: m.ID}
	j.SID, _ = m.Values["sid"].(string)
	j.Supplier, _ = m.Values["supplier"].(string)
	raw, _ := m.Values["query"].(string)
	expMS, _ := m.Values["expires"].(string)
	ms, err := strconv.ParseInt(expMS, 10, 64)
	if err == nil {
		j.Expires = time.UnixMilli(ms)
	}
	if err != nil || !ValidSID(j.SID) || json.Unmarshal([]byte(raw), &j.Query) != nil {
		a.log.Error("dropping malformed search job", "id", m.ID)
		if err := a.rdb.XAck(ctx, a.k.jobs(), group, m.ID).Err(); err != nil {
			return nil, fmt.Errorf("ack malformed job: %w", err)
		}
		return nil, nil
	}
	return j, nil
}

// handle runs one job with a heartbeat, then acknowledges it.
func (a *Aggregator) handle(ctx context.Context, consumer string, j job) {
	beatCtx, stopBeat := context.WithCancel(ctx)
	defer stopBeat()
	go func() {
		t := time.NewTicker(a.cfg.Heartbeat)
		defer t.Stop()
		for {
			select {
			case <-beatCtx.Done():
				return
			case <-t.C:
				// Re-claiming our own job resets its idle time, so nobody
				// takes over a job that is merely slow.
				if err := a.rdb.XClaimJustID(beatCtx, &redis.XClaimArgs{
					Stream: a.k.jobs(), Group: group, Consumer: consumer, Messages: []string{j.StreamID},
				}).Err(); err != nil && beatCtx.Err() == nil {
					a.log.Warn("search job heartbeat", "err", err)
				}
			}
		}
	}()
	if time.Now().Before(j.Expires) {
		a.runJob(ctx, j)
	}
	if ctx.Err() != nil {
		return // shutting down: leave the job pending for another worker
	}
	if err := a.rdb.XAck(context.WithoutCancel(ctx), a.k.jobs(), group, j.StreamID).Err(); err != nil {
		a.log.Warn("ack search job", "err", err)
	}
}

// runJob asks one supplier for one search and lands its answers.
func (a *Aggregator) runJob(ctx context.Context, j job) {
	sup, ok := a.suppliers[j.Supplier]
	if !ok {
		a.settle(ctx, j, StateFailed, "supplier not configured here")
		return
	}
	if a.switchedOff(ctx, j.Supplier) {
		a.settle(ctx, j, StateSkipped, "switched off")
		return
	}
	breaker := a.breakers[j.Supplier]
	if breaker.State() == gobreaker.StateOpen {
		a.settle(ctx, j, StateSkipped, "circuit open")
		return
	}
	deadline := a.supplierDeadline(ctx, j.Supplier)
	sctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	select {
	case a.caps[j.Supplier] <- struct{}{}:
		defer func() { <-a.caps[j.Supplier] }()
	case <-sctx.Done():
		a.settle(ctx, j, StateFailed, "too busy")
		return
	}
	a.setState(ctx, j, stateRunning, "")

	emitted := 0
	emit := func(batch []suppliers.HotelPrice) {
		if len(batch) == 0 {
			return
		}
		emitted++
		if err := a.land(sctx, j, batch); err != nil && sctx.Err() == nil {
			a.log.Warn("land supplier prices", "supplier", j.Supplier, "sid", j.SID, "err", err)
		}
	}
	_, err := breaker.Execute(func() (struct{}, error) {
		for attempt := 0; ; attempt++ {
			err := sup.Availability(sctx, j.Query, emit)
			if err == nil || !a.retryable(j.Supplier, err, attempt, emitted, sctx) {
				return struct{}{}, err
			}
			// Full jitter before the retry.
			sleep(sctx, time.Duration(rand.N(int64(200*time.Millisecond)<<attempt)))
		}
	})
	switch {
	case err == nil:
		a.settle(ctx, j, StateDone, "")
	case errors.Is(err, gobreaker.ErrOpenState), errors.Is(err, gobreaker.ErrTooManyRequests):
		a.settle(ctx, j, StateSkipped, "circuit open")
	case ctx.Err() != nil:
		// The process is stopping: the job stays pending and is taken over.
	case errors.Is(err, suppliers.ErrTimeout) || errors.Is(err, context.DeadlineExceeded):
		a.settle(ctx, j, StateFailed, "timed out")
	default:
		a.log.Warn("supplier search failed", "supplier", j.Supplier, "sid", j.SID, "err", err)
		a.settle(ctx, j, StateFailed, reason(err))
	}
}

// retryable allows a retry of a read that failed early and harmlessly,
// within the supplier's retry budget and with time left.
func (a *Aggregator) retryable(supplier string, err error, attempt, emitted int, ctx context.Context) bool {
	if attempt >= 2 || emitted > 0 || ctx.Err() != nil {
		return false
	}
	if !errors.Is(err, suppliers.ErrUnavailable) && !errors.Is(err, suppliers.ErrBadResponse) && !errors.Is(err, suppliers.ErrRateLimited) {
		return false
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < time.Second {
		return false
	}
	return a.retries[supplier].Allow()
}

func reason(err error) string {
	switch {
	case errors.Is(err, suppliers.ErrUnavailable):
		return "unavailable"
	case errors.Is(err, suppliers.ErrRateLimited):
		return "rate limited"
	case errors.Is(err, suppliers.ErrBadResponse):
		return "bad response"
	default:
		return "error"
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
