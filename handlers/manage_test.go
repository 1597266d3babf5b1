package handlers

import (
	"bytes"
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator/suppliers"
	"lobang/booking"
	"lobang/booking/payments"
	"lobang/db"
	"lobang/db/dbtest"
	"lobang/fx"
	"lobang/suppliersim"
)

func fxMoney(amount int64, currency string) fx.Money {
	return fx.Money{Amount: amount, Currency: currency}
}

// guestBrowser is a customer with cookies and no JavaScript, who follows
// no redirect by itself.
type guestBrowser struct{ c *http.Client }

func newGuestBrowser(t testing.TB) *guestBrowser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &guestBrowser{c: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (g *guestBrowser) do(t testing.TB, method, target string, form url.Values) answer {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = g.c.PostForm(target, form)
	} else {
		resp, err = g.c.Get(target)
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

// offerWith returns the first bedcom offer of a hotel whose conditions
// mention text ("Free cancellation", "Cancellation fee applies").
func (w *bookingWorld) offerWith(t testing.TB, hotel db.Hotel, stayQuery, text string) (string, bool) {
	t.Helper()
	p := fetch(t, http.MethodGet, w.app.URL+"/hotels/"+strconv.FormatInt(hotel.ID, 10)+"/rooms?"+stayQuery, nil)
	require.Equal(t, http.StatusOK, p.status)
	var id string
	p.doc.Find(`[data-testid="rate"]`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if strings.Contains(s.Text(), "via bedcom") && strings.Contains(s.Find(".rate__cancel").Text(), text) {
			id = s.Find(`input[name="offer"]`).AttrOr("value", "")
			return false
		}
		return true
	})
	return id, id != ""
}

// confirmedWith books, as a guest, a room whose conditions mention text,
// trying hotels in turn, and returns the confirmed booking.
func (w *bookingWorld) confirmedWith(t testing.TB, days int, text string) booking.Booking {
	t.Helper()
	for i, h := range w.hotels {
		offer, ok := w.offerWith(t, h, stayOf(days+i%3, 1), text)
		if !ok {
			continue
		}
		_, checkout := w.toCheckout(t, offer)
		b := w.booking(t, w.payAndReturn(t, checkout, cardOK))
		require.Equal(t, booking.StatusConfirmed, b.Status)
		return b
	}
	t.Fatalf("no bedcom offer with %q", text)
	return booking.Booking{}
}

func (g *guestBrowser) find(t testing.TB, w *bookingWorld, ref, email string) answer {
	t.Helper()
	return g.do(t, http.MethodPost, w.app.URL+"/manage", url.Values{"reference": {ref}, "email": {email}})
}

// TestManageBookingOverHTTP finds bookings by reference and email or by an
// emailed link, cancels them inside and outside the free window, survives
// a supplier failing to cancel, and erases the guest's data.
func TestManageBookingOverHTTP(t *testing.T) {
	dbtest.RequireReal(t)
	w := newBookingWorld(t, booking.Config{CallTimeout: 10 * time.Second})
	email := guestForm.Get("email")

	t.Run("find: a wrong email and a wrong reference get the same answer", func(t *testing.T) {
		b := w.confirmedWith(t, 30, "")
		g := newGuestBrowser(t)
		wrongEmail := g.find(t, w, b.Reference, "someone.else@example.com")
		wrongRef := g.find(t, w, "LB-ZZZZZZ", email)
		assert.Equal(t, http.StatusNotFound, wrongEmail.status)
		assert.Equal(t, wrongEmail.status, wrongRef.status)
		assert.Equal(t, wrongEmail.doc.Find(`[data-testid="manage-problem"]`).Text(), wrongRef.doc.Find(`[data-testid="manage-problem"]`).Text())
		assert.Empty(t, wrongEmail.header.Values("Set-Cookie"), "no session for a failed lookup")

		// Without having found it, the booking's manage page sends to the form.
		denied := g.do(t, http.MethodGet, w.app.URL+"/manage/"+b.Reference, nil)
		assert.Equal(t, http.StatusSeeOther, denied.status)
		assert.Contains(t, denied.location, "/manage?")

		found := g.find(t, w, strings.ToLower(b.Reference), " "+strings.ToUpper(email)+" ")
		require.Equal(t, http.StatusSeeOther, found.status, found.body)
		assert.Equal(t, "/manage/"+b.Reference, found.location)
		p := g.do(t, http.MethodGet, w.app.URL+found.location, nil)
		require.Equal(t, http.StatusOK, p.status)
		assert.Equal(t, b.Reference, p.doc.Find(`[data-testid="booking-reference"]`).Text())
		assert.Equal(t, "confirmed", p.doc.Find(`[data-testid="manage"]`).AttrOr("data-status", ""))
		assert.Equal(t, "private, no-store", p.header.Get("Cache-Control"))

		bad := g.do(t, http.MethodPost, w.app.URL+"/manage", url.Values{"reference": {"hello"}, "email": {""}})
		assert.Equal(t, http.StatusUnprocessableEntity, bad.status)
		assert.NotEmpty(t, bad.doc.Find(`[data-testid="error-reference"]`).Text())
		assert.NotEmpty(t, bad.doc.Find(`[data-testid="error-email"]`).Text())
	})

	t.Run("find: rate-limited per client IP", func(t *testing.T) {
		g := newGuestBrowser(t)
		var last answer
		for range manageAttempts + 1 {
			last = g.find(t, w, "LB-ZZZZZZ", "nobody@example.com")
		}
		assert.Equal(t, http.StatusTooManyRequests, last.status)
		assert.NotEmpty(t, last.header.Get("Retry-After"))
		assert.Contains(t, last.doc.Find(`[data-testid="manage-problem"]`).Text(), "Too many attempts")
		// The limit counts every lookup from the address, so clear it for
		// the other subtests (they share 127.0.0.1).
		require.NoError(t, w.rdb.Del(context.Background(), w.prefix+"manage-limit:127.0.0.1").Err())
	})

	t.Run("link by email, good once", func(t *testing.T) {
		b := w.confirmedWith(t, 33, "")
		g := newGuestBrowser(t)
		none := g.do(t, http.MethodPost, w.app.URL+"/manage/link", url.Values{"reference": {"LB-ZZZZZZ"}, "email": {email}})
		sent := g.do(t, http.MethodPost, w.app.URL+"/manage/link", url.Values{"reference": {b.Reference}, "email": {email}})
		assert.Equal(t, http.StatusOK, none.status)
		assert.Equal(t, none.status, sent.status)
		assert.Equal(t, none.doc.Find(`[data-testid="manage-notice"]`).Text(), sent.doc.Find(`[data-testid="manage-notice"]`).Text(),
			"the same answer whether or not it matched")
		msgs, err := db.OutboxOf(context.Background(), w.pool, b.ID)
		require.NoError(t, err)
		var link string
		for _, m := range msgs {
			if strings.HasPrefix(m.Kind, "manage_link:") {
				link = regexp.MustCompile(`https?://\S+/manage/link/[0-9a-f]{64}`).FindString(m.Body)
				assert.Equal(t, email, m.To)
			}
		}
		require.NotEmpty(t, link, "the link is in the email")
		other := newGuestBrowser(t) // e.g. the phone the email was opened on
		in := other.do(t, http.MethodGet, link, nil)
		require.Equal(t, http.StatusSeeOther, in.status)
		assert.Equal(t, "/manage/"+b.Reference, in.location)
		assert.Equal(t, http.StatusOK, other.do(t, http.MethodGet, w.app.URL+in.location, nil).status)
		again := newGuestBrowser(t).do(t, http.MethodGet, link, nil)
		assert.Contains(t, again.location, "link-expired", "used once")
	})

	cancelIt := func(t *testing.T, b booking.Booking) (fee, refund string, done answer) {
		t.Helper()
		g := newGuestBrowser(t)
		require.Equal(t, http.StatusSeeOther, g.find(t, w, b.Reference, email).status)
		p := g.do(t, http.MethodGet, w.app.URL+"/manage/"+b.Reference+"/cancel", nil)
		require.Equal(t, http.StatusOK, p.status, p.body)
		fee = p.doc.Find(`[data-testid="cancel-fee"]`).Text()
		refund = p.doc.Find(`[data-testid="cancel-refund"] strong`).Text()
		token := p.doc.Find(`input[name="token"]`).AttrOr("value", "")
		done = g.do(t, http.MethodPost, w.app.URL+"/manage/"+b.Reference+"/cancel", url.Values{"token": {token}})
		return fee, refund, done
	}

	t.Run("cancel inside the free window", func(t *testing.T) {
		b := w.confirmedWith(t, 40, "Free cancellation")
		fee, refund, done := cancelIt(t, b)
		require.Equal(t, http.StatusSeeOther, done.status)
		assert.Contains(t, done.location, "notice=cancelled")
		paid := money(fxMoney(b.ChargeAmount, b.ChargeCurrency))
		assert.Equal(t, money(fxMoney(0, b.ChargeCurrency)), fee)
		assert.Equal(t, paid, refund)
		got := w.booking(t, "/bookings/"+b.ID)
		assert.Equal(t, booking.StatusCancelled, got.Status)
		assert.Equal(t, b.ChargeAmount, w.paymentOf(t, got.PaymentID.String).Refunded, "all of it refunded")
		// The provider's refund webhook reaches Lobang and marks the refund done.
		require.Eventually(t, func() bool {
			rf, err := w.svc.RefundOf(context.Background(), b.ID)
			return err == nil && rf.Status == db.RefundSucceeded
		}, 30*time.Second, 50*time.Millisecond, "the refund webhook marks the refund succeeded")
		g := newGuestBrowser(t)
		require.Equal(t, http.StatusSeeOther, g.find(t, w, b.Reference, email).status)
		page := g.do(t, http.MethodGet, w.app.URL+"/manage/"+b.Reference, nil)
		assert.Contains(t, page.doc.Find(`[data-testid="manage-refund"]`).Text(), "refunded to your card")
		sb, err := w.supplier(t, "bedcom").Retrieve(context.Background(), b.Reference)
		require.NoError(t, err)
		assert.Equal(t, suppliers.StatusCancelled, sb.Status, "cancelled at the supplier")
	})

	t.Run("cancel outside the free window: the fee shown is the fee charged", func(t *testing.T) {
		b := w.confirmedWith(t, 1, "Cancellation fee applies")
		fee, refund, done := cancelIt(t, b)
		require.Equal(t, http.StatusSeeOther, done.status)
		got := w.booking(t, "/bookings/"+b.ID)
		require.Equal(t, booking.StatusCancelled, got.Status)
		rf, err := w.svc.RefundOf(context.Background(), b.ID)
		require.NoError(t, err)
		assert.Equal(t, fee, money(fxMoney(rf.FeeAmount, rf.Currency)), "fee shown = fee kept")
		assert.Equal(t, refund, money(fxMoney(rf.Amount, rf.Currency)), "refund shown = refund made")
		assert.Positive(t, rf.FeeAmount)
		assert.Equal(t, b.ChargeAmount, rf.FeeAmount+rf.Amount)
	})

	t.Run("a supplier failing to cancel leaves the booking confirmed", func(t *testing.T) {
		b := w.confirmedWith(t, 44, "Free cancellation")
		g := newGuestBrowser(t)
		require.Equal(t, http.StatusSeeOther, g.find(t, w, b.Reference, email).status)
		p := g.do(t, http.MethodGet, w.app.URL+"/manage/"+b.Reference+"/cancel", nil)
		require.Equal(t, http.StatusOK, p.status)
		require.NoError(t, w.sim.SetKnobs("bedcom", suppliersim.Knobs{ErrorRate: 1}))
		done := g.do(t, http.MethodPost, w.app.URL+"/manage/"+b.Reference+"/cancel",
			url.Values{"token": {p.doc.Find(`input[name="token"]`).AttrOr("value", "")}})
		require.NoError(t, w.sim.SetKnobs("bedcom", suppliersim.Knobs{}))
		require.Equal(t, http.StatusSeeOther, done.status)
		assert.Contains(t, done.location, "cancel-failed")
		page := g.do(t, http.MethodGet, w.app.URL+done.location, nil)
		assert.Contains(t, page.doc.Find(`[data-testid="manage-problem"]`).Text(), "still confirmed")
		got := w.booking(t, "/bookings/"+b.ID)
		assert.Equal(t, booking.StatusConfirmed, got.Status)
		assert.Equal(t, payments.PaymentCaptured, w.session(t, got).PaymentStatus, "nothing refunded")
	})

	t.Run("erasure waits for upcoming stays, then forgets the guest", func(t *testing.T) {
		// A guest of their own, so that the other subtests' bookings do not count.
		form := url.Values{}
		for k, v := range guestForm {
			form[k] = v
		}
		form.Set("email", "erase.me@example.com")
		form.Set("last_name", "Forgetmenot")
		offer, ok := w.offerWith(t, w.hotels[0], stayOf(50, 1), "Free cancellation")
		require.True(t, ok)
		path := w.book(t, offer)
		d := w.details(t, path, form)
		require.Equal(t, http.StatusSeeOther, d.status)
		b := w.booking(t, w.payAndReturn(t, d.location, cardOK))
		require.Equal(t, booking.StatusConfirmed, b.Status)

		g := newGuestBrowser(t)
		require.Equal(t, http.StatusSeeOther, g.find(t, w, b.Reference, "erase.me@example.com").status)
		page := g.do(t, http.MethodGet, w.app.URL+"/manage/"+b.Reference+"/erase", nil)
		assert.Contains(t, page.doc.Find(`[data-testid="erase-blocked"]`).Text(), b.Reference, "cancel first")
		refused := g.do(t, http.MethodPost, w.app.URL+"/manage/"+b.Reference+"/erase", nil)
		assert.Equal(t, http.StatusConflict, refused.status)

		p := g.do(t, http.MethodGet, w.app.URL+"/manage/"+b.Reference+"/cancel", nil)
		require.Equal(t, http.StatusOK, p.status)
		require.Equal(t, http.StatusSeeOther, g.do(t, http.MethodPost, w.app.URL+"/manage/"+b.Reference+"/cancel",
			url.Values{"token": {p.doc.Find(`input[name="token"]`).AttrOr("value", "")}}).status)
		erased := g.do(t, http.MethodPost, w.app.URL+"/manage/"+b.Reference+"/erase", nil)
		require.Equal(t, http.StatusSeeOther, erased.status, erased.body)
		assert.Contains(t, erased.location, "notice=erased")
		var n int
		require.NoError(t, w.pool.QueryRow(`SELECT COUNT(*) FROM bookings WHERE email = ? OR last_name = ?`,
			"erase.me@example.com", "Forgetmenot").Scan(&n))
		assert.Zero(t, n, "no booking keeps the name or email")
		got := w.booking(t, "/bookings/"+b.ID)
		assert.Equal(t, b.ChargeAmount, got.ChargeAmount, "the amounts stay")
		after := g.do(t, http.MethodGet, w.app.URL+"/manage/"+b.Reference, nil)
		assert.Equal(t, http.StatusSeeOther, after.status, "nothing left to manage")
		assert.Equal(t, http.StatusNotFound, g.find(t, w, b.Reference, "erase.me@example.com").status)
	})
}
