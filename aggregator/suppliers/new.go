package suppliers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Option tunes an adapter.
type Option func(*options)

type options struct {
	pollStart, pollMax time.Duration
	maxBody            int64
	defaultTimeout     time.Duration
}

func defaultOptions() options {
	return options{pollStart: 200 * time.Millisecond, pollMax: time.Second, maxBody: 32 << 20, defaultTimeout: 60 * time.Second}
}

// WithPollInterval sets how often a polling supplier (ascenda) is asked
// again: start after the first answer, growing by half each poll up to max.
func WithPollInterval(start, maxInterval time.Duration) Option {
	return func(o *options) {
		if start > 0 {
			o.pollStart = start
		}
		if maxInterval >= o.pollStart {
			o.pollMax = maxInterval
		} else {
			o.pollMax = o.pollStart
		}
	}
}

// WithMaxBody bounds the size of a response body; a larger one is
// ErrBadResponse.
func WithMaxBody(n int64) Option {
	return func(o *options) {
		if n > 0 {
			o.maxBody = n
		}
	}
}

// WithDefaultTimeout bounds calls whose context has no deadline (default 60 s).
func WithDefaultTimeout(d time.Duration) Option {
	return func(o *options) { o.defaultTimeout = d }
}

// Dialects lists the supplier names New understands.
var Dialects = []string{"ascenda", "bedcom", "wgl"}

// New returns the adapter of a supplier by its name ("ascenda", "bedcom",
// "wgl"), speaking to the API at baseURL (e.g.
// "http://127.0.0.1:8081/ascenda"). A nil client means http.DefaultClient;
// deadlines always come from each call's context.
func New(name string, baseURL string, client *http.Client, opts ...Option) (Supplier, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("new supplier %s: base URL %q must be an absolute http(s) URL", name, baseURL)
	}
	if client == nil {
		client = http.DefaultClient
	}
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	t := &transport{name: name, base: strings.TrimRight(baseURL, "/"), client: client, opts: o, headers: http.Header{}}
	switch name {
	case "ascenda":
		t.headers.Set("Accept", "application/json")
		return &ascenda{t: t}, nil
	case "bedcom":
		t.headers.Set("Accept", "application/json")
		return &bedcom{t: t}, nil
	case "wgl":
		t.headers.Set("Accept", "application/xml")
		return &wgl{t: t}, nil
	}
	return nil, fmt.Errorf("new supplier: unknown dialect %q (want one of %s)", name, strings.Join(Dialects, ", "))
}
