package supplierops

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// SwitchTTL is how long an instance trusts its copy of the switches: a
// supplier switched off on one instance is skipped by every other within it.
const SwitchTTL = time.Second

// Switch is what staff set for one supplier.
type Switch struct {
	Disabled bool
	Deadline time.Duration // zero: the configured deadline
	By       string        // who changed it last
	At       time.Time
}

// Switches are the staff switches of every supplier, one Redis hash shared
// by all instances, read through a short in-process cache.
type Switches struct {
	rdb    redis.UniversalClient
	key    string
	log    *slog.Logger
	now    func() time.Time
	mu     sync.Mutex
	cache  map[string]Switch
	loaded time.Time
}

// NewSwitches returns the switches under prefix.
func NewSwitches(rdb redis.UniversalClient, prefix string, log *slog.Logger) *Switches {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Switches{rdb: rdb, key: prefix + "ops:switches", log: log, now: time.Now}
}

// All returns every supplier's switch, from the cache when fresh. When
// Redis fails it keeps the last copy it had: suppliers stay as they were.
func (s *Switches) All(ctx context.Context) map[string]Switch {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cache != nil && s.now().Sub(s.loaded) < SwitchTTL {
		return s.cache
	}
	m, err := s.load(ctx)
	if err != nil {
		s.log.Warn("read supplier switches", "err", err)
		if s.cache == nil {
			return map[string]Switch{}
		}
		return s.cache
	}
	s.cache, s.loaded = m, s.now()
	return m
}

func (s *Switches) load(ctx context.Context) (map[string]Switch, error) {
	ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	raw, err := s.rdb.HGetAll(ctx, s.key).Result()
	if err != nil {
		return nil, fmt.Errorf("supplier switches: %w", err)
	}
	out := map[string]Switch{}
	for f, v := range raw {
		name, field, ok := strings.Cut(f, "|")
		if !ok {
			continue
		}
		sw := out[name]
		switch field {
		case "disabled":
			sw.Disabled = v == "1"
		case "deadline_ms":
			if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms > 0 {
				sw.Deadline = time.Duration(ms) * time.Millisecond
			}
		case "by":
			sw.By = v
		case "at":
			if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
				sw.At = time.UnixMilli(ms).UTC()
			}
		}
		out[name] = sw
	}
	return out, nil
}

// Get returns one supplier's switch.
func (s *Switches) Get(ctx context.Context, supplier string) Switch { return s.All(ctx)[supplier] }

// Disabled reports whether staff switched the supplier off.
func (s *Switches) Disabled(ctx context.Context, supplier string) bool {
	return s.Get(ctx, supplier).Disabled
}

// Deadline is the search deadline staff set, zero when none.
func (s *Switches) Deadline(ctx context.Context, supplier string) time.Duration {
	return s.Get(ctx, supplier).Deadline
}

// MaxDeadline bounds a deadline staff may set.
const MaxDeadline = 2 * time.Minute

// Set stores a supplier's switch for every instance and returns it as
// stored; this instance sees it at once.
func (s *Switches) Set(ctx context.Context, supplier string, sw Switch) (Switch, error) {
	if sw.Deadline < 0 || sw.Deadline > MaxDeadline {
		return Switch{}, fmt.Errorf("deadline %s: must be between 0 and %s", sw.Deadline, MaxDeadline)
	}
	sw.At = s.now().UTC().Truncate(time.Millisecond)
	disabled := "0"
	if sw.Disabled {
		disabled = "1"
	}
	err := s.rdb.HSet(ctx, s.key,
		supplier+"|disabled", disabled,
		supplier+"|deadline_ms", sw.Deadline.Milliseconds(),
		supplier+"|by", sw.By,
		supplier+"|at", sw.At.UnixMilli()).Err()
	if err != nil {
		return Switch{}, fmt.Errorf("set switch of %s: %w", supplier, err)
	}
	s.mu.Lock()
	s.cache = nil
	s.mu.Unlock()
	return sw, nil
}
