package aggregator

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Event is one change of a search, as read from its event stream.
type Event struct {
	ID       string // stream id: resume after it
	Type     string // EventStart, EventPrices, EventSupplier, EventDone
	Supplier string
	State    string  // for EventSupplier
	HotelIDs []int64 // for EventPrices
}

// streamID is a parsed Redis stream id, comparable.
type streamID struct{ ms, seq uint64 }

func parseStreamID(s string) (streamID, bool) {
	a, b, ok := strings.Cut(s, "-")
	ms, err1 := strconv.ParseUint(a, 10, 64)
	if !ok {
		return streamID{ms: ms}, err1 == nil
	}
	seq, err2 := strconv.ParseUint(b, 10, 64)
	return streamID{ms, seq}, err1 == nil && err2 == nil
}

func (x streamID) after(y streamID) bool {
	return x.ms > y.ms || x.ms == y.ms && x.seq > y.seq
}

// ValidEventID reports whether s can be a position to resume a stream from.
func ValidEventID(s string) bool {
	if s == "" || s == "0" {
		return true
	}
	_, ok := parseStreamID(s)
	return ok && len(s) <= 41
}

// feed is this instance's one reader of one search's event stream, fanning
// events out to local subscribers.
type feed struct {
	sid  string
	subs map[chan Event]struct{}
}

// Subscribe returns the search's events after the given event id ("" or "0"
// for all of them): first those already in the stream, then live ones,
// each exactly once, ending after EventDone. The channel closes when ctx
// ends, the search completes, or the subscriber falls too far behind (the
// caller then reconnects from the last id it saw).
func (a *Aggregator) Subscribe(ctx context.Context, sid, after string) (<-chan Event, error) {
	if after == "" {
		after = "0"
	}
	from, ok := parseStreamID(after)
	if !ok {
		return nil, fmt.Errorf("subscribe: bad event id %q", after)
	}
	live := make(chan Event, 512)
	if err := a.join(ctx, sid, live); err != nil {
		return nil, err
	}
	out := make(chan Event, 16)
	go func() {
		defer close(out)
		defer a.leave(sid, live)
		last := from
		send := func(e Event) bool {
			id, _ := parseStreamID(e.ID)
			if !id.after(last) {
				return true // already sent from the backlog
			}
			last = id
			select {
			case out <- e:
			case <-ctx.Done():
				return false
			}
			return e.Type != EventDone
		}
		backlog, err := a.rdb.XRange(ctx, a.k.events(sid), "("+idString(from), "+").Result()
		if err != nil && ctx.Err() == nil {
			a.log.Warn("read search backlog", "sid", sid, "err", err)
			return
		}
		for _, m := range backlog {
			if !send(decodeEvent(m)) {
				return
			}
		}
		for {
			select {
			case <-ctx.Done():
				return
			case e, ok := <-live:
				if !ok || !send(e) {
					return
				}
			}
		}
	}()
	return out, nil
}

func idString(id streamID) string {
	return strconv.FormatUint(id.ms, 10) + "-" + strconv.FormatUint(id.seq, 10)
}

// join registers a subscriber, starting the search's reader if this is its
// first subscriber here.
func (a *Aggregator) join(ctx context.Context, sid string, ch chan Event) error {
	a.hubMu.Lock()
	if f, ok := a.feeds[sid]; ok {
		f.subs[ch] = struct{}{}
		a.hubMu.Unlock()
		return nil
	}
	a.hubMu.Unlock()

	// The reader starts from the stream's current last id, read before the
	// subscriber's backlog, so no event falls between the two.
	last, err := a.rdb.XRevRangeN(ctx, a.k.events(sid), "+", "-", 1).Result()
	if err != nil {
		return fmt.Errorf("subscribe %s: %w", sid, err)
	}
	if len(last) == 0 {
		return ErrNoSearch
	}
	a.hubMu.Lock()
	defer a.hubMu.Unlock()
	if f, ok := a.feeds[sid]; ok { // another subscriber started it meanwhile
		f.subs[ch] = struct{}{}
		return nil
	}
	f := &feed{sid: sid, subs: map[chan Event]struct{}{ch: {}}}
	a.feeds[sid] = f
	go a.read(f, last[0].ID)
	return nil
}

func (a *Aggregator) leave(sid string, ch chan Event) {
	a.hubMu.Lock()
	defer a.hubMu.Unlock()
	if f, ok := a.feeds[sid]; ok {
		delete(f.subs, ch)
	}
}

// read is the one blocking reader of a search's stream on this instance.
func (a *Aggregator) read(f *feed, from string) {
	ctx := context.Background()
	stop := func() bool {
		a.hubMu.Lock()
		defer a.hubMu.Unlock()
		if len(f.subs) == 0 {
			delete(a.feeds, f.sid)
			return true
		}
		return false
	}
	closeAll := func() {
		a.hubMu.Lock()
		defer a.hubMu.Unlock()
		for ch := range f.subs {
			close(ch)
		}
		f.subs = map[chan Event]struct{}{}
		delete(a.feeds, f.sid)
	}
	for {
		if stop() {
			return
		}
		res, err := a.rdb.XRead(ctx, &redis.XReadArgs{
			Streams: []string{a.k.events(f.sid), from}, Block: 2 * time.Second, Count: 100,
		}).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			a.log.Warn("read search events", "sid", f.sid, "err", err)
			closeAll() // subscribers reconnect and resume from their last id
			return
		}
		done := false
		for _, s := range res {
			for _, m := range s.Messages {
				from = m.ID
				e := decodeEvent(m)
				done = done || e.Type == EventDone
				a.broadcast(f, e)
			}
		}
		if done {
			closeAll()
			return
		}
	}
}

func (a *Aggregator) broadcast(f *feed, e Event) {
	a.hubMu.Lock()
	defer a.hubMu.Unlock()
	for ch := range f.subs {
		select {
		case ch <- e:
		default:
			// Too far behind: cut it loose; it resumes from its last id.
			close(ch)
			delete(f.subs, ch)
		}
	}
}

func decodeEvent(m redis.XMessage) Event {
	e := Event{ID: m.ID}
	e.Type, _ = m.Values["type"].(string)
	e.Supplier, _ = m.Values["supplier"].(string)
	e.State, _ = m.Values["state"].(string)
	if hs, _ := m.Values["hotels"].(string); hs != "" {
		for h := range strings.SplitSeq(hs, ",") {
			if id, err := strconv.ParseInt(h, 10, 64); err == nil {
				e.HotelIDs = append(e.HotelIDs, id)
			}
		}
	}
	return e
}
