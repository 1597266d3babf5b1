package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"lobang/booking"
	"lobang/views"
)

// liveStreamFor is how long one live stream lasts; the browser then
// reconnects, perhaps to another instance.
const liveStreamFor = 10 * time.Minute

// AdminDashboardLive streams booking events (confirmed, failed) as they
// happen, as HTML list items for the htmx SSE extension (which asks for
// text/event-stream); the page works without it by reloading, and the URL
// opened as a page leads back to the dashboard.
func (h *Handler) AdminDashboardLive(w http.ResponseWriter, r *http.Request) {
	if !strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
		// Opened as a page, not by the SSE extension: the dashboard it feeds.
		http.Redirect(w, r, "/admin/dashboard", http.StatusSeeOther)
		return
	}
	if h.redis == nil {
		h.renderError(w, r, http.StatusServiceUnavailable)
		return
	}
	ctx := r.Context()
	sub := h.redis.Subscribe(ctx, booking.LiveChannel(h.cfg.RedisPrefix))
	defer func() {
		if err := sub.Close(); err != nil {
			h.log.Debug("live: unsubscribe", "err", err)
		}
	}()
	if _, err := sub.Receive(ctx); err != nil { // the subscription is in place before headers go
		h.log.Warn("live: subscribe", "err", err)
		h.renderError(w, r, http.StatusServiceUnavailable)
		return
	}
	rc := http.NewResponseController(w)
	if err := rc.SetWriteDeadline(time.Now().Add(liveStreamFor + time.Minute)); err != nil &&
		!errors.Is(err, http.ErrNotSupported) {
		h.log.Debug("live: write deadline", "err", err)
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	write := func(s string) bool {
		if _, err := fmt.Fprint(w, s); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !write(": live\n\n") {
		return
	}
	beat := time.NewTicker(streamHeartbeat)
	defer beat.Stop()
	end := time.NewTimer(liveStreamFor)
	defer end.Stop()
	msgs := sub.Channel()
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.Draining():
			return
		case <-end.C:
			return
		case <-beat.C:
			if !write(": keep-alive\n\n") {
				return
			}
		case m, ok := <-msgs:
			if !ok {
				return
			}
			var ev booking.LiveEvent
			if err := json.Unmarshal([]byte(m.Payload), &ev); err != nil {
				h.log.Warn("live: bad event", "err", err)
				continue
			}
			var buf bytes.Buffer
			if err := views.AdminLiveEvent(liveView(ev)).Render(ctx, &buf); err != nil {
				h.log.Warn("live: render", "err", err)
				continue
			}
			var sb strings.Builder
			for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
				sb.WriteString("data: " + line + "\n")
			}
			sb.WriteString("\n")
			if !write(sb.String()) {
				return
			}
		}
	}
}

func liveView(ev booking.LiveEvent) views.AdminLiveEventView {
	return views.AdminLiveEventView{Reference: ev.Reference, Href: "/admin/bookings/" + ev.Reference,
		Status: ev.Status, Supplier: ev.Supplier, Amount: staffMoney(ev.Amount, ev.Currency),
		At: ev.At.UTC().Format("15:04:05 UTC"), Failed: ev.Status == booking.StatusFailed}
}
