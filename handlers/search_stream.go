package handlers

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"lobang/aggregator"
	"lobang/destinations"
	"lobang/views"
)

// Timing of result streams.
const (
	// streamHeartbeat is how often an idle stream sends a comment, so that
	// proxies and load balancers keep it open.
	streamHeartbeat = 15 * time.Second
	// streamWriteGrace is how long one write may take; each write moves the
	// deadline on, past the server's WriteTimeout.
	streamWriteGrace = 30 * time.Second
	// streamBatch caps how many queued events one message covers.
	streamBatch = 64
)

// streamOptionFields are the parameters of a stream URL that must be valid:
// how the page filters, sorts and pages. The stay itself comes from the
// stored search.
var streamOptionFields = []string{"currency", "sort", "stars", "min_price", "max_price", "free_cancellation", "amenities", "page"}

// SearchStream follows a search for one results page as server-sent events.
// The page rendered everything up to event `after`; the stream sends, for
// each later event, the cards of the hotels it priced that pass the page's
// filters (placed by id: shown cards change in place, new ones join at the
// end), refreshes of shown cards that left the page's window, and the status
// line. A reconnect resumes after Last-Event-ID. It ends with the close
// event "done" when the search is complete, and without it when the
// instance drains, so that the browser reconnects elsewhere.
func (h *Handler) SearchStream(w http.ResponseWriter, r *http.Request) {
	sid := r.PathValue("sid")
	values := r.URL.Query()
	after := values.Get("after")
	resume := r.Header.Get("Last-Event-ID")
	if !aggregator.ValidSID(sid) || !aggregator.ValidEventID(after) || !aggregator.ValidEventID(resume) {
		h.renderError(w, r, http.StatusBadRequest)
		return
	}
	if resume == "" {
		resume = after
	}
	p, errs := parseSearch(values, time.Now().UTC())
	for _, f := range streamOptionFields {
		if errs[f] != "" {
			h.renderError(w, r, http.StatusBadRequest)
			return
		}
	}
	if h.agg == nil {
		h.renderError(w, r, http.StatusServiceUnavailable)
		return
	}
	ctx := r.Context()
	q, err := h.agg.Query(ctx, sid)
	if errors.Is(err, aggregator.ErrNoSearch) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.log.Warn("stream: read search", "sid", sid, "err", err)
		h.renderError(w, r, http.StatusServiceUnavailable)
		return
	}
	p.Query = q
	dest, _ := destinations.Lookup(q.DestinationUID)
	rp := resultsPage{p: p, rv: parseResultsView(values), dest: dest}

	// A complete search whose last event the browser already has: nothing
	// follows it, so a subscription would wait forever. Close at once.
	snap, err := h.results().snaps.get(ctx, h.agg, sid, "")
	if err == nil && snap.Progress.Complete && !eventBefore(resume, snap.LastEventID) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		if _, err := io.WriteString(w, "event: done\ndata: \n\n"); err != nil {
			h.log.Debug("stream: write", "sid", sid, "err", err)
		}
		return
	}

	events, err := h.agg.Subscribe(ctx, sid, after)
	if errors.Is(err, aggregator.ErrNoSearch) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.log.Warn("stream: subscribe", "sid", sid, "err", err)
		h.renderError(w, r, http.StatusServiceUnavailable)
		return
	}

	s := &resultStream{h: h, w: w, rc: http.NewResponseController(w), sid: sid, rp: rp, seen: map[int64]bool{},
		query: r.URL.RawQuery + "|" + resume}
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("X-Accel-Buffering", "no")
	s.extend()
	w.WriteHeader(http.StatusOK)
	if !s.flush() {
		return
	}
	s.run(ctx, events, resume)
}

// resultStream is one open stream of results.
type resultStream struct {
	h   *Handler
	w   http.ResponseWriter
	rc  *http.ResponseController
	sid string
	rp  resultsPage
	// query identifies the page the stream serves (its URL and resume
	// point) for sharing rendered messages.
	query string
	// changed lists the hotels priced after the page was rendered, in the
	// order they arrived; seen is the same as a set.
	changed []int64
	seen    map[int64]bool
	// shown are the hotels this page may show: the page's window when the
	// stream first rendered, and every card the stream placed since. Only
	// those are refreshed when they leave the window.
	shown map[int64]bool
}

func (s *resultStream) run(ctx context.Context, events <-chan aggregator.Event, resume string) {
	beat := time.NewTicker(streamHeartbeat)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.h.Draining():
			return // no close event: the browser reconnects to another instance
		case <-beat.C:
			if !s.write([]byte(": keep-alive\n\n")) {
				return
			}
		case e, ok := <-events:
			if !ok {
				// The subscription fell behind or lost Redis: ending the
				// stream makes the browser resume from its last event.
				return
			}
			batch := []aggregator.Event{e}
		more:
			for len(batch) < streamBatch {
				select {
				case e, ok := <-events:
					if !ok {
						break more
					}
					batch = append(batch, e)
				default:
					break more
				}
			}
			if !s.send(ctx, batch, resume) {
				return
			}
			beat.Reset(streamHeartbeat)
		}
	}
}

// send writes one message for a batch of events, leaving out what the
// browser already has (events up to resume: they only rebuild which hotels
// changed since the page was rendered). It reports whether to go on.
func (s *resultStream) send(ctx context.Context, batch []aggregator.Event, resume string) bool {
	var fresh []int64
	first, last, done, news := "", "", false, false
	for _, e := range batch {
		for _, id := range e.HotelIDs {
			if !s.seen[id] {
				s.seen[id] = true
				s.changed = append(s.changed, id)
			}
		}
		done = done || e.Type == aggregator.EventDone
		if eventBefore(resume, e.ID) {
			if !news {
				first = e.ID
			}
			news = true
			last = e.ID
			fresh = append(fresh, e.HotelIDs...)
		}
	}
	if news {
		msg, err := s.message(ctx, first, last, fresh)
		if err != nil {
			if ctx.Err() == nil {
				s.h.log.Warn("stream: render", "sid", s.sid, "err", err)
			}
			return false // the browser reconnects and resumes
		}
		if !s.write(msg) {
			return false
		}
	}
	if done {
		s.write([]byte("event: done\ndata: \n\n"))
		return false
	}
	return true
}

// message renders the SSE message of events from..id for the hotels they
// priced. Streams of the same page in the same state (same URL, same
// resume point, same events so far) share one rendering: a thousand
// viewers of a search cost one render per message, not a thousand.
func (s *resultStream) message(ctx context.Context, from, id string, hotels []int64) ([]byte, error) {
	snap, err := s.h.results().snaps.get(ctx, s.h.agg, s.sid, id)
	if err != nil {
		return nil, err
	}
	render := func() (sharedMessage, error) {
		u, shown, err := s.h.streamUpdate(ctx, snap, s.rp, hotels, s.changed, maps.Clone(s.shown))
		if err != nil {
			return sharedMessage{}, err
		}
		var html bytes.Buffer
		if err := views.ResultsUpdateFragment(u).Render(ctx, &html); err != nil {
			return sharedMessage{}, err
		}
		return sharedMessage{data: sseMessage(id, html.Bytes()), shown: shown}, nil
	}
	var m sharedMessage
	if e, ok := s.h.results().snaps.entry(s.sid); ok {
		key := s.query + "|" + from + "|" + id + "|" + strconv.Itoa(len(s.changed)) + "|" + strconv.Itoa(len(s.shown))
		m, err = e.message(snap, key, render)
	} else {
		m, err = render()
	}
	if err != nil {
		return nil, err
	}
	s.shown = maps.Clone(m.shown)
	return m.data, nil
}

// streamUpdate decides what one stream message shows: of the hotels just
// priced that pass the filters, those inside the page's window are placed
// (a shown card changes in place, a new one joins at the end of the list)
// and those outside it only refresh their card where it may be shown.
// changed are the hotels priced since the page was rendered, in arrival
// order: they tell how many better prices sit below cards that sort after
// them. shown (nil to start it) collects the hotels the page may show: the
// window of the first message and every card placed.
func (h *Handler) streamUpdate(ctx context.Context, snap aggregator.Snapshot, rp resultsPage, hotels, changed []int64, shown map[int64]bool) (views.ResultsUpdate, map[int64]bool, error) {
	rk, err := h.ranked(ctx, snap, rp)
	if err != nil {
		return views.ResultsUpdate{}, shown, err
	}
	u := views.ResultsUpdate{Status: resultsStatus(snap.Progress, len(rk.hotels), rp)}
	start := (rp.p.Page - 1) * perPage
	inWindow := func(r int) bool { return r >= start && r < start+perPage }
	if shown == nil {
		shown = map[int64]bool{}
		for _, hr := range rk.window(rp.p.Page) {
			shown[hr.HotelID] = true
		}
	}

	var place []int
	refresh := map[int64]bool{}
	placed := map[int]bool{}
	for _, id := range hotels {
		r, ok := rk.rank[id]
		switch {
		case !ok:
			// Filtered out, or not in the catalog: not sent.
		case inWindow(r):
			if !placed[r] {
				placed[r] = true
				place = append(place, r)
			}
		case shown[id] && !refresh[id]:
			refresh[id] = true
			u.Refresh = append(u.Refresh, resultCard(rk.hotels[r], rk.content[id], rp, true))
		}
	}
	slices.Sort(place)
	for _, r := range place {
		hr := rk.hotels[r]
		u.Place = append(u.Place, resultCard(hr, rk.content[hr.HotelID], rp, true))
		shown[hr.HotelID] = true
	}
	u.Status.BetterPrices = betterPrices(rk, start, changed)
	return u, shown, nil
}

// betterPrices counts the cards that sit below a card they sort before.
// The list is modelled as the page's window as first rendered (the hotels
// of the window that did not change since, in order) followed by the
// changed ones in the order they arrived, as the stream placed them.
func betterPrices(rk ranking, start int, changed []int64) int {
	end := min(start+perPage, len(rk.hotels))
	isChanged := make(map[int64]bool, len(changed))
	for _, id := range changed {
		isChanged[id] = true
	}
	order := make([]int, 0, perPage)
	for r := start; r < end; r++ {
		if !isChanged[rk.hotels[r].HotelID] {
			order = append(order, r)
		}
	}
	for _, id := range changed {
		if r, ok := rk.rank[id]; ok && r >= start && r < end {
			order = append(order, r)
		}
	}
	n, worst := 0, -1
	for _, r := range order {
		if worst > r {
			n++
		}
		worst = max(worst, r)
	}
	return n
}

// sseMessage frames HTML as one server-sent event: its id, then one data
// line per line of HTML.
func sseMessage(id string, html []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(html) + len(id) + 64)
	b.WriteString("id: ")
	b.WriteString(id)
	b.WriteByte('\n')
	for line := range bytes.SplitSeq(html, []byte("\n")) {
		b.WriteString("data: ")
		b.Write(bytes.TrimSuffix(line, []byte("\r")))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// extend moves the write deadline on by streamWriteGrace.
func (s *resultStream) extend() {
	err := s.rc.SetWriteDeadline(time.Now().Add(streamWriteGrace))
	if err != nil && !errors.Is(err, http.ErrNotSupported) {
		s.h.log.Debug("stream: write deadline", "err", err)
	}
}

func (s *resultStream) flush() bool {
	if err := s.rc.Flush(); err != nil {
		s.h.log.Debug("stream: flush", "sid", s.sid, "err", err)
		return false
	}
	return true
}

// write sends b at once; false means the client is gone.
func (s *resultStream) write(b []byte) bool {
	s.extend()
	if _, err := s.w.Write(b); err != nil {
		s.h.log.Debug("stream: write", "sid", s.sid, "err", err)
		return false
	}
	return s.flush()
}
