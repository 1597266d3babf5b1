package suppliersim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// payMaxAttempts bounds the deliveries of one event (the first and its retries).
const payMaxAttempts = 5

// payEvent is one signed notification; its body is fixed when it happens, so a retry or a
// replay sends exactly the same bytes under the same id (only the signature's time changes).
type payEvent struct {
	id, typ    string
	created    time.Time
	paymentID  string
	body       []byte
	deliveries []payDelivery
}

type payDelivery struct {
	At     int64  `json:"at"`
	Status int    `json:"status,omitempty"`
	Error  string `json:"error,omitempty"`
	Replay bool   `json:"replay,omitempty"`
}

type payEventJSON struct {
	ID      string       `json:"id"`
	Object  string       `json:"object"`
	Type    string       `json:"type"`
	Created int64        `json:"created"`
	Data    payEventData `json:"data"`
}

type payEventData struct {
	SessionID string          `json:"session_id"`
	Reference string          `json:"reference"`
	Payment   *payPaymentJSON `json:"payment"`
	Refund    *payRefundJSON  `json:"refund,omitempty"`
}

// emit records an event about a payment (and a refund) and starts its delivery; the caller
// holds p.mu.
func (p *payProvider) emit(typ string, pp *payPayment, rf *payRefund) {
	now := p.s.now()
	ev := payEventJSON{ID: newPayID("evt_"), Object: "event", Type: typ, Created: now.Unix(),
		Data: payEventData{SessionID: pp.sessionID, Reference: pp.reference, Payment: pp.view()}}
	if rf != nil {
		v := rf.view()
		ev.Data.Refund = &v
	}
	body, err := json.Marshal(ev)
	if err != nil { // cannot happen with these types; an event without a body is no event
		return
	}
	e := &payEvent{id: ev.ID, typ: typ, created: now, paymentID: pp.id, body: body}
	p.events[e.id] = e
	p.eventOrder = append(p.eventOrder, e.id)
	go p.deliver(e)
}

// signPayload returns the signature header value for a body at time t: the unix time and
// the hex HMAC-SHA256 of "t.body" under the webhook secret.
func signPayload(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))  //nolint:errcheck // hash writes never fail
	mac.Write([]byte{'.'}) //nolint:errcheck // hash writes never fail
	mac.Write(body)        //nolint:errcheck // hash writes never fail
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// retryBase is the wait before the first retry; it doubles with each further one.
func (p *payProvider) retryBase() time.Duration {
	switch p.s.cfg.Profile {
	case ProfileTest:
		return 20 * time.Millisecond
	case ProfileDemo:
		return 200 * time.Millisecond
	}
	return time.Second
}

// deliver sends an event until the receiver answers 2xx, at most payMaxAttempts times with
// exponential backoff; it gives up at once when the simulator closes.
func (p *payProvider) deliver(e *payEvent) {
	wait := p.retryBase()
	for attempt := 1; attempt <= payMaxAttempts; attempt++ {
		if ok, final := p.sendOnce(context.Background(), e, false); ok || final {
			return
		}
		if attempt == payMaxAttempts || !p.s.sleep(context.Background(), wait) {
			return
		}
		wait *= 2
	}
}

// sendOnce makes one delivery attempt and records it. It reports whether the receiver took
// the event and whether retrying is pointless (no URL, or the simulator closed).
func (p *payProvider) sendOnce(ctx context.Context, e *payEvent, replay bool) (ok, final bool) {
	p.mu.Lock()
	target := p.webhookURL
	p.mu.Unlock()
	if target == "" {
		p.record(e, payDelivery{At: p.s.now().Unix(), Error: "no webhook URL configured", Replay: replay})
		return false, true
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	go func() { // the simulator closing cuts a delivery in flight short
		select {
		case <-p.s.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(e.body))
	if err != nil {
		p.record(e, payDelivery{At: p.s.now().Unix(), Error: err.Error(), Replay: replay})
		return false, true
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "LobangPaySim/1")
	req.Header.Set(PaySignatureHeader, signPayload(p.webhookSecret, p.s.now(), e.body))
	resp, err := p.client.Do(req)
	if err != nil {
		p.record(e, payDelivery{At: p.s.now().Unix(), Error: fmt.Sprintf("post event: %v", err), Replay: replay})
		select {
		case <-p.s.done:
			return false, true
		default:
			return false, false
		}
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) //nolint:errcheck // drained only to reuse the connection
	resp.Body.Close()                                      //nolint:errcheck // nothing to do about it
	p.record(e, payDelivery{At: p.s.now().Unix(), Status: resp.StatusCode, Replay: replay})
	return resp.StatusCode >= 200 && resp.StatusCode < 300, false
}

func (p *payProvider) record(e *payEvent, d payDelivery) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e.deliveries = append(e.deliveries, d)
}

type payEventSummary struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Created    int64           `json:"created"`
	PaymentID  string          `json:"payment_id"`
	Delivered  bool            `json:"delivered"`
	Deliveries []payDelivery   `json:"deliveries"`
	Event      json.RawMessage `json:"event"`
}

// adminEvents answers GET /_sim/pay/events[?payment_id=&type=]: every event in order with
// its delivery attempts.
func (p *payProvider) adminEvents(w http.ResponseWriter, r *http.Request) {
	pid, typ := r.URL.Query().Get("payment_id"), r.URL.Query().Get("type")
	p.mu.Lock()
	out := []payEventSummary{}
	for _, id := range p.eventOrder {
		e := p.events[id]
		if (pid != "" && e.paymentID != pid) || (typ != "" && e.typ != typ) {
			continue
		}
		s := payEventSummary{ID: e.id, Type: e.typ, Created: e.created.Unix(), PaymentID: e.paymentID,
			Deliveries: append([]payDelivery{}, e.deliveries...), Event: json.RawMessage(e.body)}
		for _, d := range e.deliveries {
			s.Delivered = s.Delivered || (d.Status >= 200 && d.Status < 300)
		}
		out = append(out, s)
	}
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// adminReplay answers POST /_sim/pay/replay/{event_id}: sends the event once more, now, with
// the same id and body, and tells what the receiver answered.
func (p *payProvider) adminReplay(w http.ResponseWriter, r *http.Request) {
	p.s.stats.add("pay", "replay")
	p.mu.Lock()
	e, ok := p.events[r.PathValue("event_id")]
	p.mu.Unlock()
	if !ok {
		adminError(w, http.StatusNotFound, "unknown event id")
		return
	}
	delivered, _ := p.sendOnce(r.Context(), e, true)
	p.mu.Lock()
	last := e.deliveries[len(e.deliveries)-1]
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"id": e.id, "delivered": delivered, "status": last.Status, "error": last.Error})
}

// adminWebhook answers POST /_sim/pay/webhook {"url"}: where events go from now on ("" stops them).
func (p *payProvider) adminWebhook(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	var req struct {
		URL string `json:"url"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		adminError(w, http.StatusBadRequest, "body must be JSON {\"url\"}: "+err.Error())
		return
	}
	if err := validWebhookURL(req.URL); err != nil {
		adminError(w, http.StatusBadRequest, "url: "+err.Error())
		return
	}
	p.mu.Lock()
	p.webhookURL = req.URL
	p.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}
