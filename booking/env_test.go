package booking_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"lobang/aggregator/suppliers"
	"lobang/booking"
	"lobang/booking/payments"
	"lobang/db"
	"lobang/db/dbtest"
	"lobang/fx"
	"lobang/suppliersim"
)

const (
	singapore  = "i8gS"
	secretKey  = "sk_sim_booking_test"
	hookSecret = "whsec_sim_booking_test"
)

// lossy is a supplier whose next booking answer can be lost on the way back:
// the supplier books, we hear a time-out.
type lossy struct {
	suppliers.Supplier
	loseNext atomic.Bool
}

func (l *lossy) Book(ctx context.Context, req suppliers.BookRequest) (suppliers.Booking, error) {
	b, err := l.Supplier.Book(ctx, req)
	if err == nil && l.loseNext.CompareAndSwap(true, false) {
		return suppliers.Booking{}, suppliers.ErrTimeout
	}
	return b, err
}

// env is one test's world: the simulator (suppliers and payment provider)
// over HTTP, its own MySQL database and Redis prefix, and the service.
type env struct {
	sim    *suppliersim.Sim
	srv    *httptest.Server
	pool   *sql.DB
	rdb    *redis.Client
	prefix string
	sup    *lossy
	pay    payments.Provider
	svc    *booking.Service
	skew   atomic.Int64 // nanoseconds added to the service's clock

	hookMu   sync.Mutex
	hookBody [][]byte
	hookHdr  []http.Header
}

type envOpts struct {
	webhook bool
	cfg     booking.Config
	log     *syncBuffer // receives the service's log lines when set
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newEnv(t *testing.T, o envOpts) *env {
	t.Helper()
	e := &env{}
	e.pool = dbtest.MySQL(t)
	e.rdb, e.prefix = dbtest.Redis(t)
	// The simulator shares the service's clock, so that tests can let
	// quotes and checkout sessions run out.
	cfg := suppliersim.Config{Profile: suppliersim.ProfileTest, Admin: true, PaySecretKey: secretKey,
		PayWebhookSecret: hookSecret, Now: e.now}
	if o.webhook {
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, "read", http.StatusBadRequest)
				return
			}
			e.hookMu.Lock()
			e.hookBody, e.hookHdr = append(e.hookBody, body), append(e.hookHdr, r.Header.Clone())
			e.hookMu.Unlock()
			if err := e.svc.HandleWebhook(r.Context(), body, r.Header); err != nil {
				http.Error(w, "not handled", http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		t.Cleanup(hook.Close)
		cfg.PayWebhookURL = hook.URL
	}
	sim, err := suppliersim.New(cfg)
	require.NoError(t, err)
	e.sim = sim
	e.srv = httptest.NewServer(sim.Handler())
	t.Cleanup(func() {
		sim.Close()
		e.srv.Close()
	})
	bedcom, err := suppliers.New("bedcom", e.srv.URL+"/bedcom", &http.Client{})
	require.NoError(t, err)
	e.sup = &lossy{Supplier: bedcom}
	e.pay = payments.NewSim(e.srv.URL+"/pay", secretKey, hookSecret, &http.Client{Timeout: 10 * time.Second})
	logger := slog.New(slog.DiscardHandler)
	if o.log != nil {
		logger = slog.New(slog.NewTextHandler(o.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	e.svc = booking.New(booking.Deps{Logger: logger, DB: e.pool, Redis: e.rdb, RedisPrefix: e.prefix,
		Suppliers: []suppliers.Supplier{e.sup}, Payments: e.pay, Rates: fx.NewSource(e.srv.URL, nil, "", nil),
		Now: e.now}, o.cfg)
	return e
}

// now is the test's clock: the real time plus the skew a test set.
func (e *env) now() time.Time { return time.Now().Add(time.Duration(e.skew.Load())) }

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// stay is two nights for two adults some weeks ahead, priced in SGD.
func stay() suppliers.Query {
	in := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 40)
	return suppliers.Query{DestinationUID: singapore, Checkin: in, Checkout: in.AddDate(0, 0, 2), Rooms: 1, Adults: 2,
		Currency: "SGD"}
}

// offer stores a bedcom room offer of a Singapore hotel in Redis the way the
// rooms page does and returns its id with the offer.
func (e *env) offer(t *testing.T) (string, booking.StoredOffer) {
	t.Helper()
	truth, ok := e.sim.Truth(singapore)
	require.True(t, ok)
	q := stay()
	for _, h := range truth.Hotels {
		id, ok := h.Suppliers["bedcom"]
		if !ok {
			continue
		}
		offers, err := e.sup.Offers(ctxT(t), id, q)
		require.NoError(t, err)
		if len(offers) == 0 {
			continue
		}
		so := booking.StoredOffer{ID: randomID(t), Supplier: "bedcom", SupplierHotelID: id, HotelID: 42, Query: q,
			Offer: offers[0], Display: offers[0].Total, CreatedAt: time.Now().UTC()}
		raw, err := json.Marshal(so)
		require.NoError(t, err)
		require.NoError(t, e.rdb.Set(ctxT(t), e.prefix+"offer:"+so.ID, raw, 30*time.Minute).Err())
		return so.ID, so
	}
	t.Fatal("no bedcom hotel with offers in Singapore")
	return "", booking.StoredOffer{}
}

func randomID(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

var guest = booking.Details{Title: "Ms", FirstName: "Siti", LastName: "Rahman", Email: "siti@example.com",
	Phone: "+65 6123 4567", ArrivalTime: "15:30", SpecialRequests: "High floor", BillingAddress: "1 Orchard Rd, Singapore"}

// toPayment quotes an offer, saves the guest's details and opens the checkout.
func (e *env) toPayment(t *testing.T) (booking.Booking, string) {
	t.Helper()
	id, _ := e.offer(t)
	b, err := e.svc.Quote(ctxT(t), id)
	require.NoError(t, err)
	b, err = e.svc.SaveDetails(ctxT(t), b.ID, b.FormToken, guest)
	require.NoError(t, err)
	u, err := e.svc.StartPayment(ctxT(t), b.ID, "https://lobang.test/bookings/"+b.ID+"/return",
		"https://lobang.test/bookings/"+b.ID)
	require.NoError(t, err)
	b, err = e.svc.Get(ctxT(t), b.ID)
	require.NoError(t, err)
	return b, u
}

var customer = &http.Client{Timeout: 10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// pay fills the hosted checkout's card form as a customer without
// JavaScript and returns the answer's status and Location.
func pay(t *testing.T, checkoutURL, number string) (int, string) {
	t.Helper()
	u, err := url.Parse(checkoutURL)
	require.NoError(t, err)
	resp, err := customer.Get(checkoutURL)
	require.NoError(t, err)
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	form := doc.Find("form").First()
	action, _ := form.Attr("action")
	values := url.Values{}
	form.Find("input").Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		v, _ := in.Attr("value")
		switch name {
		case "card_number":
			v = number
		case "expiry":
			v = "12/39"
		case "cvc":
			v = "123"
		case "name":
			v = "Siti Rahman"
		}
		values.Set(name, v)
	})
	resp, err = customer.PostForm(u.ResolveReference(&url.URL{Path: action}).String(), values)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

func (e *env) statuses(t *testing.T, id string) []string {
	t.Helper()
	evs, err := e.svc.Events(ctxT(t), id)
	require.NoError(t, err)
	var out []string
	for _, ev := range evs {
		out = append(out, ev.To)
	}
	return out
}

func (e *env) outbox(t *testing.T, id string) []db.OutboxMessage {
	t.Helper()
	msgs, err := db.OutboxOf(ctxT(t), e.pool, id)
	require.NoError(t, err)
	return msgs
}

func (e *env) payment(t *testing.T, b booking.Booking) payments.Session {
	t.Helper()
	s, err := e.pay.Session(ctxT(t), b.PaymentSessionID.String)
	require.NoError(t, err)
	return s
}

// challenge answers the 3-D Secure page the checkout redirected to (loc) by
// pressing the button with the given value; it returns the final Location.
func challenge(t *testing.T, checkoutURL, loc, action string) (int, string) {
	t.Helper()
	u, err := url.Parse(checkoutURL)
	require.NoError(t, err)
	page := u.ResolveReference(&url.URL{Path: loc}).String()
	resp, err := customer.Get(page)
	require.NoError(t, err)
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	btn := doc.Find(`button[value="` + action + `"]`)
	require.Equal(t, 1, btn.Length(), "the challenge offers %s", action)
	formAction, _ := btn.Closest("form").Attr("action")
	resp, err = customer.PostForm(u.ResolveReference(&url.URL{Path: formAction}).String(), url.Values{"action": {action}})
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}
