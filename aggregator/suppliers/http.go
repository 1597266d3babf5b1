package suppliers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// transport is the HTTP plumbing every adapter shares: deadlines from the
// context, bounded bodies, status mapping and one polite retry after a 429.
type transport struct {
	name    string
	base    string
	client  *http.Client
	opts    options
	headers http.Header
}

// reply is a supplier answer that is neither a transport failure, a 429 nor
// a 5xx: the dialect decodes it or maps its error body.
type reply struct {
	status int
	body   []byte
}

// call sends one request and returns the answer, or a typed error for what
// no dialect needs to interpret: ErrTimeout, ErrUnavailable, ErrBadResponse
// (oversized body) and *RateLimitError. op names the operation in errors.
func (t *transport) call(ctx context.Context, op, method, path string, body []byte, contentType string) (reply, error) {
	if _, ok := ctx.Deadline(); !ok && t.opts.defaultTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.opts.defaultTimeout)
		defer cancel()
	}
	for attempt := 0; ; attempt++ {
		r, err := t.once(ctx, method, path, body, contentType)
		if err != nil {
			return reply{}, fmt.Errorf("%s %s: %w", t.name, op, err)
		}
		if r.status == http.StatusTooManyRequests {
			wait := retryAfter(r.header, time.Now())
			rl := &RateLimitError{Supplier: t.name, RetryAfter: wait}
			if attempt > 0 || !fits(ctx, wait) {
				return reply{}, fmt.Errorf("%s %s: %w", t.name, op, rl)
			}
			if err := sleep(ctx, wait); err != nil {
				return reply{}, fmt.Errorf("%s %s: %w", t.name, op, err)
			}
			continue
		}
		if r.status >= 500 {
			return reply{}, fmt.Errorf("%s %s: %w: status %d", t.name, op, ErrUnavailable, r.status)
		}
		return reply{status: r.status, body: r.body}, nil
	}
}

type rawReply struct {
	status int
	header http.Header
	body   []byte
}

func (t *transport) once(ctx context.Context, method, path string, body []byte, contentType string) (rawReply, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.base+path, rd)
	if err != nil {
		return rawReply{}, fmt.Errorf("%w: build request: %w", ErrInvalid, err)
	}
	for k, v := range t.headers {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return rawReply{}, transportError(ctx, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, t.opts.maxBody+1))
	if err != nil {
		return rawReply{}, transportError(ctx, err)
	}
	if int64(len(b)) > t.opts.maxBody {
		return rawReply{}, fmt.Errorf("%w: body larger than %d bytes", ErrBadResponse, t.opts.maxBody)
	}
	return rawReply{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// transportError classifies a failed round trip: our deadline → ErrTimeout,
// our cancellation → context.Canceled, anything else → ErrUnavailable.
func transportError(ctx context.Context, err error) error {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("%w: %w", ErrTimeout, ctx.Err())
	case ctx.Err() != nil:
		return ctx.Err()
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// retryAfter reads Retry-After as seconds or an HTTP date; a missing or
// unreadable header means one second.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(min(n, 86400)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now))
	}
	return time.Second
}

// fits tells whether waiting d still leaves the context time for a retry;
// without a deadline only short waits are worth it.
func fits(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	if !ok {
		return d <= 5*time.Second
	}
	return time.Now().Add(d + 50*time.Millisecond).Before(dl)
}

// sleep waits d or until the context ends, which it reports as ErrTimeout
// (deadline) or the context's error.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("%w: %w", ErrTimeout, ctx.Err())
		}
		return ctx.Err()
	}
}
