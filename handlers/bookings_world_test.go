package handlers

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"lobang/aggregator"
	"lobang/aggregator/catalog"
	"lobang/aggregator/suppliers"
	"lobang/booking"
	"lobang/booking/payments"
	"lobang/db"
	"lobang/db/dbtest"
	"lobang/fx"
	"lobang/internal/sessionstore"
	"lobang/markup"
	"lobang/suggest"
	"lobang/suppliersim"
)

// bookingWorld is the whole booking flow over real HTTP: Lobang's router on
// a real server, the simulated suppliers and payment provider on another
// (whose checkout redirects back and whose webhooks reach the router), a
// synced catalog in MySQL, Redis, and every log line captured.
type bookingWorld struct {
	app      *httptest.Server
	sim      *suppliersim.Sim
	simURL   string
	pool     *sql.DB
	svc      *booking.Service
	sups     []suppliers.Supplier
	provider payments.Provider
	rdb      *redis.Client
	prefix   string
	logs     *lockedBuffer
	hotels   []db.Hotel // Zürich's hotels carried by bedcom
	// timings, when set, records how long each request took in Lobang
	// itself: its whole time less its calls to suppliers and the provider.
	timings *stepTimings
}

// lockedBuffer collects log lines from many goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newBookingWorld(t testing.TB, cfg booking.Config) *bookingWorld {
	t.Helper()
	w := &bookingWorld{logs: &lockedBuffer{}}
	t.Cleanup(func() {
		if t.Failed() {
			logs := w.logs.String()
			t.Logf("the world's last log lines:\n%s", logs[max(0, len(logs)-8000):])
		}
	})
	var router atomic.Pointer[http.Handler]
	w.app = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if w.timings == nil {
			(*router.Load()).ServeHTTP(rw, r)
			return
		}
		w.timings.serve(*router.Load(), rw, r)
	}))
	t.Cleanup(w.app.Close)
	sim, err := suppliersim.New(suppliersim.Config{Profile: suppliersim.ProfileTest, Admin: true,
		PayWebhookURL: w.app.URL + "/payments/webhook"})
	require.NoError(t, err)
	simSrv := httptest.NewServer(sim.Handler())
	t.Cleanup(func() { sim.Close(); simSrv.Close() })
	w.sim, w.simURL = sim, simSrv.URL

	client := &http.Client{Timeout: 30 * time.Second, Transport: outboundTimer{http.DefaultTransport}}
	var sups []suppliers.Supplier
	for _, name := range suppliersim.Suppliers {
		s, err := suppliers.New(name, simSrv.URL+"/"+name, client)
		require.NoError(t, err)
		sups = append(sups, s)
	}
	w.sups = sups
	w.pool = dbtest.MySQL(t)
	rdb, prefix := dbtest.Redis(t)
	w.rdb, w.prefix = rdb, prefix
	log := slog.New(slog.NewJSONHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cat := catalog.New(w.pool, sups, log)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, err = cat.SyncDestination(ctx, zurichUID)
	require.NoError(t, err)

	rates := fx.NewSource(simSrv.URL+"/fx", rdb, prefix, client)
	w.provider = payments.NewSim(simSrv.URL+"/pay", suppliersim.DefaultPaySecretKey, suppliersim.DefaultPayWebhookSecret, client)
	w.svc = booking.New(booking.Deps{DB: w.pool, Redis: rdb, RedisPrefix: prefix, Suppliers: sups,
		Payments: w.provider, Rates: rates, Logger: log}, cfg)
	appURL, err := url.Parse(w.app.URL)
	require.NoError(t, err)
	customers, err := sessionstore.New(rdb, sessionstore.Options{Name: "lobang_session", KeyPrefix: prefix})
	require.NoError(t, err)
	h := New(Deps{DB: w.pool, Redis: rdb, Log: log, Suggest: suggest.New(nil), Sessions: customers, Config: Config{
		BaseURL: appURL, RedisPrefix: prefix, ImageOrigins: []string{simSrv.URL}, FormOrigins: []string{simSrv.URL},
	}})
	h.AttachSearch(nil, cat)
	h.AttachSuppliers(sups, aggregator.FXConverter{Source: rates})
	h.AttachBooking(w.svc)
	h.AttachMarkups(markup.NewEngine(w.pool, aggregator.FXConverter{Source: rates}, log))
	app := h.Routes()
	router.Store(&app)

	hotels, _, err := db.HotelsByDestination(ctx, w.pool, zurichUID, "popular", 100, 0)
	require.NoError(t, err)
	for _, ho := range hotels {
		links, err := db.HotelSuppliers(ctx, w.pool, ho.ID)
		require.NoError(t, err)
		for _, l := range links {
			if l.Key.Supplier == "bedcom" {
				w.hotels = append(w.hotels, ho)
			}
		}
	}
	require.NotEmpty(t, w.hotels, "bedcom carries some of Zürich's hotels")
	return w
}

// customer is a browser without JavaScript: it follows no redirect by
// itself, so that each step's answer can be checked.
var customer = &http.Client{Timeout: 60 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// answer is one response, read.
type answer struct {
	status   int
	header   http.Header
	location string
	body     string
	doc      *goquery.Document
}

func fetch(t testing.TB, method, target string, form url.Values) answer {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = customer.PostForm(target, form)
	} else {
		resp, err = customer.Get(target)
	}
	require.NoError(t, err)
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(resp.Body)
	require.NoError(t, err)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	return answer{status: resp.StatusCode, header: resp.Header, location: resp.Header.Get("Location"), body: buf.String(), doc: doc}
}

// abs resolves a Location against the app.
func (w *bookingWorld) abs(loc string) string {
	if strings.HasPrefix(loc, "http") {
		return loc
	}
	return w.app.URL + loc
}

// stayOf is the query of a stay of two nights, days from today.
func stayOf(days, rooms int) string {
	in := time.Now().UTC().AddDate(0, 0, days)
	return "checkin=" + in.Format(time.DateOnly) + "&checkout=" + in.AddDate(0, 0, 2).Format(time.DateOnly) +
		"&rooms=" + strconv.Itoa(rooms) + "&adults=2&currency=SGD"
}

// offer opens a hotel's rooms page and returns the id of its first offer
// from supplier ("" for any).
func (w *bookingWorld) offer(t testing.TB, hotel db.Hotel, stayQuery, supplier string) string {
	t.Helper()
	id, says := w.tryOffer(t, hotel, stayQuery, supplier)
	require.NotEmpty(t, id, "the rooms page of hotel %d has an offer from %q; it says: %s", hotel.ID, supplier, says)
	return id
}

// tryOffer is offer that answers "" and what the page says when there is
// no such offer.
func (w *bookingWorld) tryOffer(t testing.TB, hotel db.Hotel, stayQuery, supplier string) (string, string) {
	t.Helper()
	p := fetch(t, http.MethodGet, w.app.URL+"/hotels/"+strconv.FormatInt(hotel.ID, 10)+"/rooms?"+stayQuery, nil)
	require.Equal(t, http.StatusOK, p.status)
	var id string
	p.doc.Find(`[data-testid="rate"]`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if supplier == "" || strings.Contains(s.Text(), "via "+supplier) {
			id = s.Find(`input[name="offer"]`).AttrOr("value", "")
			return false
		}
		return true
	})
	return id, strings.Join(strings.Fields(p.doc.Find(`[data-testid="rooms"]`).Text()), " ")
}

// book posts the Book form and returns the booking's page path.
func (w *bookingWorld) book(t testing.TB, offerID string) string {
	t.Helper()
	p := fetch(t, http.MethodPost, w.app.URL+"/bookings", url.Values{"offer": {offerID}})
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	require.Regexp(t, `^/bookings/[0-9a-f]{32}$`, p.location)
	return p.location
}

var guestForm = url.Values{"title": {"Ms"}, "first_name": {"Siti"}, "last_name": {"Rahman"},
	"email": {"siti.rahman@example.com"}, "phone": {"+65 6123 4567"}, "arrival_time": {"15:30"},
	"special_requests": {"High floor"}, "billing_address": {"1 Orchard Rd, Singapore 238823"}}

// details fills the guest details form on the booking's page and returns
// the answer to its submit.
func (w *bookingWorld) details(t testing.TB, bookingPath string, form url.Values) answer {
	t.Helper()
	p := fetch(t, http.MethodGet, w.abs(bookingPath), nil)
	require.Equal(t, http.StatusOK, p.status)
	f := p.doc.Find(`form[data-testid="guest-details"]`)
	require.Equal(t, 1, f.Length(), "the booking's page shows the details form")
	values := url.Values{"token": {f.Find(`input[name="token"]`).AttrOr("value", "")}}
	for k, v := range form {
		values[k] = v
	}
	return fetch(t, http.MethodPost, w.abs(f.AttrOr("action", "")), values)
}

// toCheckout books an offer up to the checkout and returns the booking's
// page path and the checkout URL.
func (w *bookingWorld) toCheckout(t testing.TB, offerID string) (string, string) {
	t.Helper()
	path := w.book(t, offerID)
	p := w.details(t, path, guestForm)
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	require.True(t, strings.HasPrefix(p.location, w.simURL+"/pay/checkout/"), "redirects to the checkout: %s", p.location)
	return path, p.location
}

// pay fills the checkout's card form and returns the provider's answer.
func (w *bookingWorld) pay(t testing.TB, checkoutURL, card string) answer {
	t.Helper()
	p := fetch(t, http.MethodGet, checkoutURL, nil)
	require.Equal(t, http.StatusOK, p.status)
	f := p.doc.Find(`form[data-testid="card-form"]`)
	require.Equal(t, 1, f.Length())
	return fetch(t, http.MethodPost, w.simURL+f.AttrOr("action", ""), url.Values{
		"card_number": {card}, "expiry": {"12/39"}, "cvc": {"123"}, "name": {"Siti Rahman"}})
}

// payAndReturn pays and follows the redirect back to Lobang, which answers
// with the booking's page path.
func (w *bookingWorld) payAndReturn(t testing.TB, checkoutURL, card string) string {
	t.Helper()
	p := w.pay(t, checkoutURL, card)
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	require.True(t, strings.HasPrefix(p.location, w.app.URL+"/bookings/"), "back to Lobang: %s", p.location)
	back := fetch(t, http.MethodGet, p.location, nil)
	require.Equal(t, http.StatusSeeOther, back.status, back.body)
	return back.location
}

// booking reads a booking by its page path.
func (w *bookingWorld) booking(t testing.TB, path string) booking.Booking {
	t.Helper()
	b, err := w.svc.Get(context.Background(), strings.TrimPrefix(strings.SplitN(path, "?", 2)[0], "/bookings/"))
	require.NoError(t, err)
	return b
}

func (w *bookingWorld) statuses(t testing.TB, id string) []string {
	t.Helper()
	evs, err := w.svc.Events(context.Background(), id)
	require.NoError(t, err)
	var out []string
	for _, e := range evs {
		out = append(out, e.To)
	}
	return out
}

// session is the payment provider's view of a booking's checkout.
func (w *bookingWorld) session(t testing.TB, b booking.Booking) payments.Session {
	t.Helper()
	s, err := w.provider.Session(context.Background(), b.PaymentSessionID.String)
	require.NoError(t, err)
	return s
}

// payEvents lists the provider's webhook events of a payment.
func (w *bookingWorld) payEvents(t testing.TB, paymentID string) []struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	Delivered bool   `json:"delivered"`
} {
	t.Helper()
	resp, err := http.Get(w.simURL + "/_sim/pay/events?payment_id=" + url.QueryEscape(paymentID))
	require.NoError(t, err)
	defer resp.Body.Close()
	var out []struct {
		ID        string `json:"id"`
		Type      string `json:"type"`
		Delivered bool   `json:"delivered"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out
}

// setRooms sets how many rooms of every type a bedcom hotel has left on
// each night of a stay.
func (w *bookingWorld) setRooms(t testing.TB, hotel db.Hotel, stayQuery string, rooms int) {
	t.Helper()
	links, err := db.HotelSuppliers(context.Background(), w.pool, hotel.ID)
	require.NoError(t, err)
	q, err := url.ParseQuery(stayQuery)
	require.NoError(t, err)
	in, err := time.Parse(time.DateOnly, q.Get("checkin"))
	require.NoError(t, err)
	out, err := time.Parse(time.DateOnly, q.Get("checkout"))
	require.NoError(t, err)
	for _, l := range links {
		if l.Key.Supplier != "bedcom" {
			continue
		}
		for d := in; d.Before(out); d = d.AddDate(0, 0, 1) {
			require.NoError(t, w.sim.SetAllotment("bedcom", l.Key.ID, d.Format(time.DateOnly), rooms))
		}
	}
}

// Card numbers of the simulated provider.
const (
	cardOK      = "4242424242424242"
	cardDecline = "4000000000000002"
	card3DS     = "4000002760003184"
)

var digitRun = regexp.MustCompile(`[0-9][0-9 -]{11,}[0-9]`)

// luhn reports whether a run of 13–19 digits passes the Luhn check: what a
// card number looks like.
func luhn(s string) bool {
	var digits []int
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits = append(digits, int(r-'0'))
		}
	}
	if len(digits) < 13 || len(digits) > 19 {
		return false
	}
	sum := 0
	for i := range digits {
		d := digits[len(digits)-1-i]
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
