package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// The steady load of the blue/green rehearsal: customers searching,
// reading hotel pages, booking and following result streams, all through
// the balancer. Every request is counted; a response with another status
// than the step expects, or a connection error, is a failed request.

// browsePause is a browsing customer's pause between hotel pages: the load
// is steady, not a flood that starves blue and green of the machine's CPUs.
const browsePause = 20 * time.Millisecond

// load counts what the customers did.
type load struct {
	base string // the balancer's origin

	mu       sync.Mutex
	total    int
	starts   []time.Time // when each counted request was sent
	failures []string
	upstream map[string]int // requests by the backend that answered (X-Upstream)
	bookings []madeBooking
}

// madeBooking is a booking a customer completed: confirmed on its page.
type madeBooking struct {
	ID, Reference string
}

func newLoad(base string) *load { return &load{base: base, upstream: map[string]int{}} }

func (l *load) fail(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures = append(l.failures, fmt.Sprintf(format, args...))
}

// figures returns the requests made and the failures so far.
func (l *load) figures() (int, []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total, slices.Clone(l.failures)
}

// sentBetween counts the requests sent from a until b.
func (l *load) sentBetween(a, b time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.starts {
		if !s.Before(a) && s.Before(b) {
			n++
		}
	}
	return n
}

func (l *load) made() []madeBooking {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.bookings)
}

// customer is one browser: its own cookies, its own client IP (presented
// through the balancer's X-Forwarded-For), no redirects followed.
type customer struct {
	l      *load
	ip     string
	client *http.Client
}

func (l *load) customer(n int) *customer {
	jar, err := cookiejar.New(nil)
	if err != nil {
		panic(err) // cookiejar.New never fails without options
	}
	return &customer{l: l, ip: fmt.Sprintf("198.51.100.%d", n), client: &http.Client{
		Jar:           jar,
		Timeout:       2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// do sends one request and reads the whole answer. It reports false (and
// records a failed request) unless the status is one of want. Requests to
// the balancer are counted; those to the payment provider's checkout are
// only checked.
func (c *customer) do(method, target string, form url.Values, want ...int) (*http.Response, string, bool) {
	u := target
	if strings.HasPrefix(target, "/") {
		u = c.l.base + target
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		c.l.fail("%s %s: %v", method, target, err)
		return nil, "", false
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Forwarded-For", c.ip)
	ours := strings.HasPrefix(u, c.l.base)
	sent := time.Now()
	resp, err := c.client.Do(req)
	var text string
	if err == nil {
		var b []byte
		b, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		text = string(b)
	}
	if ours {
		c.l.mu.Lock()
		c.l.total++
		c.l.starts = append(c.l.starts, sent)
		if resp != nil {
			c.l.upstream[resp.Header.Get("X-Upstream")]++
		}
		c.l.mu.Unlock()
	}
	if err != nil {
		c.l.fail("%s %s: %v", method, target, err)
		return nil, "", false
	}
	if !slices.Contains(want, resp.StatusCode) {
		c.l.fail("%s %s: %s (want %v) via %s: %.300s", method, target, resp.Status, want, resp.Header.Get("X-Upstream"), text)
		return resp, text, false
	}
	return resp, text, true
}

func (c *customer) doc(text string) *goquery.Document {
	d, err := goquery.NewDocumentFromReader(strings.NewReader(text))
	if err != nil {
		panic(err) // the HTML parser reads any string
	}
	return d
}

// stay is a future stay of nights nights, days from today.
func stay(days, nights int) string {
	in := time.Now().UTC().AddDate(0, 0, days)
	return "checkin=" + in.Format(time.DateOnly) + "&checkout=" + in.AddDate(0, 0, nights).Format(time.DateOnly) + "&rooms=1&adults=2"
}

var hotelLink = regexp.MustCompile(`^/hotels/(\d+)/[^/?]+`)

// hotelLinks searches a destination and returns the hotel pages the
// results link to.
func (c *customer) hotelLinks(destination, stayQuery string) []string {
	_, text, ok := c.do(http.MethodGet, "/search?destination="+destination+"&"+stayQuery, nil, http.StatusOK)
	if !ok {
		return nil
	}
	var out []string
	c.doc(text).Find(`a[data-testid="hotel-link"]`).Each(func(_ int, a *goquery.Selection) {
		if m := hotelLink.FindString(a.AttrOr("href", "")); m != "" && !slices.Contains(out, m) {
			out = append(out, m)
		}
	})
	return out
}

// browse searches and reads hotel pages until ctx ends, as one customer
// after another (each from its own address: the search rate limit is per
// client), pausing briefly between them.
func (c *customer) browse(ctx context.Context, destination string, hotels []string, n int) {
	for i := 0; ctx.Err() == nil; i++ {
		c.ip = fmt.Sprintf("10.%d.%d.%d", n, i/250%250, 1+i%250)
		q := stay(30+(n*7+i)%20, 1+i%3)
		c.do(http.MethodGet, "/search?destination="+destination+"&"+q, nil, http.StatusOK)
		h := hotels[(n*13+i)%len(hotels)]
		c.do(http.MethodGet, h+"?"+q, nil, http.StatusOK)
		id := hotelLink.FindStringSubmatch(h)[1]
		c.do(http.MethodGet, "/hotels/"+id, nil, http.StatusMovedPermanently)
		time.Sleep(browsePause)
	}
}

// bookLoop books until ctx ends; the booking in progress is always finished.
func (c *customer) bookLoop(ctx context.Context, hotels []string, n int) {
	for i := 0; ctx.Err() == nil; i++ {
		h := hotels[(n*17+i*5)%len(hotels)]
		c.book(hotelLink.FindStringSubmatch(h)[1], stay(40+(n*31+i*11)%300, 1+(n+i)%3))
	}
}

// book walks the booking flow once: rooms, Book, guest details, hosted
// checkout, return, confirmation. A hotel without a room for the stay is
// left (not a failure); any unexpected answer is.
func (c *customer) book(hotelID, stayQuery string) {
	_, text, ok := c.do(http.MethodGet, "/hotels/"+hotelID+"/rooms?"+stayQuery, nil, http.StatusOK)
	if !ok {
		return
	}
	offer := c.doc(text).Find(`form[action="/bookings"] input[name="offer"]`).First().AttrOr("value", "")
	if offer == "" {
		return // no supplier has a room at this hotel for these dates
	}
	resp, _, ok := c.do(http.MethodPost, "/bookings", url.Values{"offer": {offer}}, http.StatusSeeOther)
	if !ok {
		return
	}
	page := resp.Header.Get("Location")
	id := strings.TrimPrefix(page, "/bookings/")
	if !strings.HasPrefix(page, "/bookings/") || strings.Contains(id, "/") {
		c.l.fail("POST /bookings went to %q", page)
		return
	}
	_, text, ok = c.do(http.MethodGet, page, nil, http.StatusOK)
	if !ok {
		return
	}
	form := c.doc(text).Find(`form[data-testid="guest-details"]`)
	if form.Length() == 0 {
		c.l.fail("booking %s: no guest details form (status %q)", id, c.doc(text).Find(`[data-testid="booking"]`).AttrOr("data-status", ""))
		return
	}
	values := url.Values{}
	form.Find(`input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) {
		values.Set(in.AttrOr("name", ""), in.AttrOr("value", ""))
	})
	values.Set("title", "Ms")
	values.Set("first_name", "Siti")
	values.Set("last_name", "Rahman")
	values.Set("email", "siti.rahman@example.com")
	values.Set("phone", "+65 6123 4567")
	values.Set("arrival_time", "15:00")
	values.Set("special_requests", "A quiet room, please.")
	values.Set("billing_address", "1 Raffles Place, Singapore 048616")
	resp, _, ok = c.do(http.MethodPost, form.AttrOr("action", ""), values, http.StatusSeeOther)
	if !ok {
		return
	}
	checkout := resp.Header.Get("Location")
	if !strings.Contains(checkout, "/pay/checkout/") {
		c.l.fail("booking %s: guest details went to %q, not the hosted checkout", id, checkout)
		return
	}
	back, ok := c.pay(checkout)
	if !ok {
		return
	}
	if !strings.HasPrefix(back, c.l.base+page+"/return?session_id=") {
		c.l.fail("booking %s: the checkout returned to %q", id, back)
		return
	}
	resp, _, ok = c.do(http.MethodGet, strings.TrimPrefix(back, c.l.base), nil, http.StatusSeeOther)
	if !ok {
		return
	}
	if loc := resp.Header.Get("Location"); loc != page {
		c.l.fail("booking %s: the return went to %q", id, loc)
		return
	}
	// The page refreshes itself while the supplier booking is confirming.
	for wait := time.Now().Add(3 * time.Minute); ; {
		_, text, ok = c.do(http.MethodGet, page, nil, http.StatusOK)
		if !ok {
			return
		}
		doc := c.doc(text)
		switch status := doc.Find(`[data-testid="booking"]`).AttrOr("data-status", ""); status {
		case "confirmed":
			ref := strings.TrimSpace(doc.Find(`[data-testid="confirmation"] [data-testid="booking-reference"]`).Text())
			if !regexp.MustCompile(`^LB-[A-Z0-9]{6}$`).MatchString(ref) {
				c.l.fail("booking %s: confirmed with reference %q", id, ref)
				return
			}
			c.l.mu.Lock()
			c.l.bookings = append(c.l.bookings, madeBooking{ID: id, Reference: ref})
			c.l.mu.Unlock()
			return
		case "confirming":
			if time.Now().After(wait) {
				c.l.fail("booking %s: still confirming after 3 minutes", id)
				return
			}
			time.Sleep(time.Second)
		default:
			c.l.fail("booking %s: ended %q after payment", id, status)
			return
		}
	}
}

// pay fills the hosted checkout's card form with the test card that
// succeeds and returns where the provider sends the customer back.
func (c *customer) pay(checkout string) (string, bool) {
	_, text, ok := c.do(http.MethodGet, checkout, nil, http.StatusOK)
	if !ok {
		return "", false
	}
	form := c.doc(text).Find("form").First()
	values := url.Values{}
	form.Find("input").Each(func(_ int, in *goquery.Selection) {
		name, v := in.AttrOr("name", ""), in.AttrOr("value", "")
		switch name {
		case "card_number":
			v = "4242424242424242"
		case "expiry":
			v = "12/39"
		case "cvc":
			v = "123"
		case "name":
			v = "Siti Rahman"
		}
		values.Set(name, v)
	})
	u, err := url.Parse(checkout)
	if err != nil {
		c.l.fail("checkout url %q: %v", checkout, err)
		return "", false
	}
	resp, _, ok := c.do(http.MethodPost, u.ResolveReference(&url.URL{Path: form.AttrOr("action", u.Path)}).String(), values, http.StatusSeeOther)
	if !ok {
		return "", false
	}
	return resp.Header.Get("Location"), true
}

// streamRun is one customer's results page following its search's stream
// across reconnects.
type streamRun struct {
	sid, streamURL string
	ids            []string       // SSE message ids in the order received
	cards          map[int64]bool // hotel cards the messages placed or refreshed
	cuts           int            // connections that ended without the close event
	done           bool           // the close event arrived
	doneAt         time.Time
}

var cardID = regexp.MustCompile(`id="hotel-(\d+)"`)

// openSearch starts a search and returns its page's stream URL ("" when
// the page rendered it complete).
func (c *customer) openSearch(destination, stayQuery string) *streamRun {
	_, text, ok := c.do(http.MethodGet, "/search?destination="+destination+"&"+stayQuery, nil, http.StatusOK)
	if !ok {
		return nil
	}
	live := c.doc(text).Find(`[data-testid="results-live"]`).AttrOr("hx-sse:connect", "")
	m := regexp.MustCompile(`^/search/([^/]+)/stream`).FindStringSubmatch(live)
	if m == nil {
		c.l.fail("search %s: the page has no result stream (%q)", stayQuery, live)
		return nil
	}
	return &streamRun{sid: m[1], streamURL: live, cards: map[int64]bool{}}
}

// streamPatience is how long a customer's page keeps reconnecting to a
// result stream before the test calls it broken.
const streamPatience = 2 * time.Minute

// follow reads the stream until the close event, reconnecting with
// Last-Event-ID whenever a connection ends without it, as a browser does.
// opened is told once the first message arrived.
func (c *customer) follow(s *streamRun, opened chan<- struct{}) {
	signalled := false
	defer func() {
		if !signalled {
			close(opened)
		}
	}()
	// Like a browser, reconnect after a pause that grows, and never give
	// up while the search may still be running: only after streamPatience.
	began := time.Now()
	pause := 250 * time.Millisecond
	for attempt := 0; !s.done; attempt++ {
		if attempt > 0 {
			if time.Since(began) > streamPatience {
				c.l.fail("stream %s: no close event after %d connections in %s", s.sid, attempt, time.Since(began).Round(time.Second))
				return
			}
			time.Sleep(pause)
			pause = min(2*pause, 2*time.Second)
		}
		req, err := http.NewRequest(http.MethodGet, c.l.base+s.streamURL, nil)
		if err != nil {
			c.l.fail("stream %s: %v", s.sid, err)
			return
		}
		req.Header.Set("X-Forwarded-For", c.ip)
		req.Header.Set("Accept", "text/event-stream")
		if n := len(s.ids); n > 0 {
			req.Header.Set("Last-Event-ID", s.ids[n-1])
		}
		sent := time.Now()
		resp, err := c.client.Do(req)
		c.l.mu.Lock()
		c.l.total++
		c.l.starts = append(c.l.starts, sent)
		if resp != nil {
			c.l.upstream[resp.Header.Get("X-Upstream")]++
		}
		c.l.mu.Unlock()
		if err != nil {
			c.l.fail("stream %s: %v", s.sid, err)
			continue
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			c.l.fail("stream %s: %s via %s", s.sid, resp.Status, resp.Header.Get("X-Upstream"))
			continue
		}
		err = readEvents(resp.Body, func(id, event, data string) {
			if event == "done" {
				s.done, s.doneAt = true, time.Now()
				return
			}
			if id != "" {
				if n := len(s.ids); n > 0 && !eventAfter(id, s.ids[n-1]) {
					c.l.fail("stream %s: message %s after %s (repeated or out of order)", s.sid, id, s.ids[n-1])
				}
				s.ids = append(s.ids, id)
			}
			for _, m := range cardID.FindAllStringSubmatch(data, -1) {
				var hotel int64
				if _, err := fmt.Sscan(m[1], &hotel); err == nil {
					s.cards[hotel] = true
				}
			}
			if !signalled {
				signalled = true
				close(opened)
			}
		})
		resp.Body.Close()
		if err != nil {
			c.l.fail("stream %s: read: %v", s.sid, err)
		}
		if !s.done {
			s.cuts++
		}
	}
}

// eventAfter reports whether event id a (a Redis stream id, ms-seq) comes
// after b.
func eventAfter(a, b string) bool {
	var am, as, bm, bs uint64
	if _, err := fmt.Sscanf(a, "%d-%d", &am, &as); err != nil {
		return false
	}
	if _, err := fmt.Sscanf(b, "%d-%d", &bm, &bs); err != nil {
		return false
	}
	return am > bm || am == bm && as > bs
}

// readEvents calls fn for each server-sent event of body until it ends.
func readEvents(body io.Reader, fn func(id, event, data string)) error {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var id, event string
	var data []string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if id != "" || event != "" || len(data) > 0 {
				fn(id, event, strings.Join(data, "\n"))
			}
			id, event, data = "", "", nil
		case strings.HasPrefix(line, "id: "):
			id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data:"):
			data = append(data, strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
		}
	}
	return sc.Err()
}
