package handlers

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator"
	"lobang/aggregator/catalog"
	"lobang/booking"
	"lobang/db/dbtest"
	"lobang/fx"
)

// accountBookingWorld is the accounts app over the booking world's
// database: guests book through the booking world's app, customers use
// their accounts (and the same bookings) through this one, which also
// serves the catalog's public pages.
func accountBookingWorld(t *testing.T) (*bookingWorld, *accountWorld) {
	t.Helper()
	bw := newBookingWorld(t, booking.Config{CallTimeout: 10 * time.Second})
	aw := accountWorldOn(t, bw.pool, false)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cat := catalog.New(bw.pool, bw.sups, log)
	conv := aggregator.FXConverter{Source: fx.NewSource(bw.simURL+"/fx", aw.rdb, aw.h.cfg.RedisPrefix,
		&http.Client{Timeout: 10 * time.Second})}
	agg := aggregator.New(aw.rdb, bw.sups, aggregator.NewCatalogMapper(bw.pool, cat, log), conv, log,
		aggregator.Config{Prefix: aw.h.cfg.RedisPrefix})
	aw.h.AttachSearch(agg, cat)
	aw.h.AttachSuppliers(bw.sups, conv)
	aw.h.AttachBooking(bw.svc)
	return bw, aw
}

// guestBooking books and pays a stay as a guest with email and returns the
// booking's id.
func guestBooking(t *testing.T, bw *bookingWorld, hotel int, days int, email string) string {
	t.Helper()
	form := url.Values{}
	for k, v := range guestForm {
		form[k] = v
	}
	form.Set("email", email)
	path := bw.book(t, bw.offer(t, bw.hotels[hotel%len(bw.hotels)], stayOf(days, 1), "bedcom"))
	p := bw.details(t, path, form)
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	final := bw.payAndReturn(t, p.location, cardOK)
	b := bw.booking(t, final)
	require.Equal(t, booking.StatusConfirmed, b.Status)
	return b.ID
}

// listed are the booking ids an account page lists.
func listed(p answer) []string {
	var ids []string
	p.doc.Find(`[data-testid="account-booking"]`).Each(func(_ int, s *goquery.Selection) {
		ids = append(ids, s.AttrOr("data-booking", ""))
	})
	return ids
}

func TestAccountGuestBookingsAttachAfterVerification(t *testing.T) {
	dbtest.RequireReal(t)
	bw, aw := accountBookingWorld(t)
	const siti, ali = "siti.tan@example.com", "ali.hassan@example.com"
	sitiBooking := guestBooking(t, bw, 0, 40, "Siti.Tan@example.com")
	aliBooking := guestBooking(t, bw, 1, 41, ali)

	// Someone signs up with Siti's email but cannot confirm it: nothing of
	// hers is shown.
	squatter := aw.visitor(t)
	p := squatter.post(t, "/account/signup", url.Values{"email": {siti}, "password": {goodPassword}})
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	squatter.logIn(t, siti, goodPassword)
	page := squatter.get(t, "/account")
	require.Equal(t, http.StatusOK, page.status)
	assert.Empty(t, listed(page), "an unverified account sees no bookings")
	assert.NotContains(t, page.body, sitiBooking)

	// Following the link (in Siti's mailbox) attaches her guest booking.
	aw.verify(t, squatter, siti)
	page = squatter.get(t, "/account")
	assert.Equal(t, []string{sitiBooking}, listed(page))
	row := page.doc.Find(`[data-testid="upcoming"] [data-booking="` + sitiBooking + `"]`)
	require.Equal(t, 1, row.Length(), "a confirmed future stay is upcoming")
	assert.Equal(t, "/bookings/"+sitiBooking, row.Find("a").AttrOr("href", ""))
	assert.Contains(t, row.Text(), "Confirmed")

	// A later guest booking with the same email attaches too.
	later := guestBooking(t, bw, 2, 42, siti)
	page = squatter.get(t, "/account")
	assert.ElementsMatch(t, []string{sitiBooking, later}, listed(page))

	// Ali's account never reaches Siti's bookings, nor she his.
	aw.signUp(t, ali, goodPassword)
	aliV := aw.visitor(t)
	aliV.logIn(t, ali, goodPassword)
	page = aliV.get(t, "/account")
	assert.Equal(t, []string{aliBooking}, listed(page))
	assert.NotContains(t, page.body, sitiBooking)
	assert.NotContains(t, page.body, later)
	for _, path := range []string{"/account/bookings/" + sitiBooking, "/account/" + sitiBooking} {
		assert.Equal(t, http.StatusNotFound, aliV.get(t, path).status, path)
	}
	page = squatter.get(t, "/account")
	assert.NotContains(t, listed(page), aliBooking)
}

func TestAccountPrefillsTheBookingForm(t *testing.T) {
	dbtest.RequireReal(t)
	bw, aw := accountBookingWorld(t)
	const email = "farah@example.com"
	aw.signUp(t, email, goodPassword)
	v := aw.visitor(t)
	v.logIn(t, email, goodPassword)
	require.Equal(t, http.StatusSeeOther, v.post(t, "/account/details", url.Values{"title": {"Ms"},
		"first_name": {"Farah"}, "last_name": {"Aziz"}, "phone": {"+65 6000 1234"},
		"billing_address": {"3 Marina Blvd"}}).status)

	path := bw.book(t, bw.offer(t, bw.hotels[0], stayOf(45, 1), "bedcom"))
	page := v.get(t, path)
	require.Equal(t, http.StatusOK, page.status)
	f := page.doc.Find(`form[data-testid="guest-details"]`)
	require.Equal(t, 1, f.Length())
	assert.Equal(t, "Farah", f.Find(`input[name="first_name"]`).AttrOr("value", ""))
	assert.Equal(t, "Aziz", f.Find(`input[name="last_name"]`).AttrOr("value", ""))
	assert.Equal(t, email, f.Find(`input[name="email"]`).AttrOr("value", ""))
	assert.Equal(t, "+65 6000 1234", f.Find(`input[name="phone"]`).AttrOr("value", ""))
	assert.Equal(t, "3 Marina Blvd", strings.TrimSpace(f.Find(`textarea[name="billing_address"]`).Text()))

	// A guest (or anyone else) sees the form empty.
	guest := aw.visitor(t).get(t, path)
	assert.Empty(t, guest.doc.Find(`form[data-testid="guest-details"] input[name="first_name"]`).AttrOr("value", ""))
}

// TestPublicPagesStartNoSession walks public pages through the real router,
// as a first-time visitor and as a logged-in customer: no answer sets a
// cookie, so the CDN may cache them for everyone.
func TestPublicPagesStartNoSession(t *testing.T) {
	dbtest.RequireReal(t)
	bw, aw := accountBookingWorld(t)
	hotel := bw.hotels[0]
	paths := []string{
		"/",
		"/hotels/" + strconv.FormatInt(hotel.ID, 10),
		hotelPath(hotel),
		hotelPath(hotel) + "?" + stayOf(30, 1),
		"/destinations/" + zurichUID,
		"/search?destination=" + zurichUID + "&" + stayOf(30, 1),
		"/search?q=Zurich&" + stayOf(30, 1),
		"/terms",
		"/robots.txt",
	}
	aw.signUp(t, "tom@example.com", goodPassword)
	member := aw.visitor(t)
	member.logIn(t, "tom@example.com", goodPassword)
	for _, v := range []*visitor{aw.visitor(t), member} {
		for _, path := range paths {
			p := v.get(t, path)
			assert.Less(t, p.status, 500, path)
			assert.Empty(t, p.header.Values("Set-Cookie"), path)
		}
	}
	assert.True(t, member.loggedIn(t), "browsing kept the customer logged in")
}
