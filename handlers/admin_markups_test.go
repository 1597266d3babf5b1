package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/admin"
	"lobang/booking"
	"lobang/db"
	"lobang/db/dbtest"
	"lobang/fx"
	"lobang/markup"
)

// TestMarkupScreen: only admins reach the markups screen; an admin adds a
// 7.5 % rule on bedcom in Zürich through the confirmation step (one audit
// entry, a replayed confirmation changes nothing), bedcom's room prices on
// the hotel page go up by it, the checker names the rule and prices an
// example, and removing the rule (one audit entry) brings the prices back.
func TestMarkupScreen(t *testing.T) {
	dbtest.RequireReal(t)
	w := newBookingWorld(t, booking.Config{CallTimeout: 10 * time.Second})
	s := newStaffWorld(t, w.pool, w.svc, AdminConfig{})
	ctx := context.Background()

	manager := s.signedIn(t, s.enrol(t, "manager@lobang.test", admin.Manager))
	assert.Equal(t, http.StatusForbidden, manager.get("/admin/markups").status)
	assert.Equal(t, http.StatusForbidden, manager.get("/admin/markups/new?kind=percent&value=5").status)
	assert.Equal(t, http.StatusForbidden, manager.post("/admin/markups", url.Values{"kind": {"percent"}, "value": {"5"}}).status)
	rules, err := db.MarkupRules(ctx, w.pool)
	require.NoError(t, err)
	assert.Empty(t, rules)

	hotel := w.hotels[0]
	in := time.Now().UTC().AddDate(0, 0, 40)
	stayQuery := "checkin=" + in.Format(time.DateOnly) + "&checkout=" + in.AddDate(0, 0, 2).Format(time.DateOnly) +
		"&rooms=1&adults=2&currency=EUR"
	roomsURL := w.app.URL + "/hotels/" + strconv.FormatInt(hotel.ID, 10) + "/rooms?" + stayQuery
	bedcomTotals := func() []string {
		t.Helper()
		p := fetch(t, http.MethodGet, roomsURL, nil)
		require.Equal(t, http.StatusOK, p.status)
		var out []string
		p.doc.Find(`[data-testid="rate"]`).Each(func(_ int, r *goquery.Selection) {
			if strings.Contains(r.Text(), "via bedcom") {
				out = append(out, strings.TrimSpace(r.Find(`[data-testid="rate-total"]`).Text()))
			}
		})
		require.NotEmpty(t, out, "bedcom offers rooms")
		return out
	}
	plain := bedcomTotals()

	adm := s.signedIn(t, s.enrol(t, "admin@lobang.test", admin.Admin))
	bad := adm.get("/admin/markups/new?supplier=bedcom&destination=" + zurichUID + "&kind=percent&value=250")
	assert.Equal(t, http.StatusUnprocessableEntity, bad.status)
	assert.NotEmpty(t, bad.doc.Find(`[data-testid="markup-error"]`).Text())
	assert.Equal(t, http.StatusUnprocessableEntity,
		adm.get("/admin/markups/new?supplier=bedcom&destination=nowhere&kind=percent&value=7.5").status)

	newRule := "/admin/markups/new?supplier=bedcom&destination=" + zurichUID + "&kind=percent&value=7.5"
	p := adm.get(newRule)
	require.Equal(t, http.StatusOK, p.status, p.body)
	form := url.Values{}
	p.doc.Find(`form[data-testid="confirm-form"] input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		form.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	a := adm.post("/admin/markups", form)
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	assert.Equal(t, 1, s.auditCount(t, "markup.put", "bedcom/"+zurichUID))
	assert.Equal(t, http.StatusConflict, adm.post("/admin/markups", form).status, "a confirmation is used once")
	assert.Equal(t, 1, s.auditCount(t, "markup.put", "bedcom/"+zurichUID))

	list := adm.get("/admin/markups")
	require.Equal(t, http.StatusOK, list.status)
	require.Equal(t, 1, list.doc.Find(`[data-testid="markup-rule"]`).Length())
	assert.Equal(t, "7.5 %", strings.TrimSpace(list.doc.Find(`[data-testid="markup-value"]`).Text()))

	time.Sleep(markup.TTL) // the booking world's engine may hold the rules it read before
	marked := bedcomTotals()
	assert.NotEqual(t, plain, marked, "bedcom's room prices carry the markup")
	vals, err := url.ParseQuery(stayQuery)
	require.NoError(t, err)
	q, errs := parseStay(vals, zurichUID, time.Now().UTC())
	require.Empty(t, errs)
	links, err := db.HotelSuppliers(ctx, w.pool, hotel.ID)
	require.NoError(t, err)
	want := map[string]bool{}
	for _, l := range links {
		if l.Key.Supplier != "bedcom" {
			continue
		}
		offers, err := w.sups[1].Offers(ctx, l.Key.ID, q)
		require.NoError(t, err)
		for _, o := range offers {
			want[money(fx.Money{Amount: o.Total.Amount + markup.Percent(o.Total.Amount, 750), Currency: o.Total.Currency})] = true
		}
	}
	for _, total := range marked {
		assert.True(t, want[total], "%s is a bedcom price plus 7.5 %%", total)
	}

	check := adm.get("/admin/markups?check=1&supplier=bedcom&destination=" + zurichUID + "&price=200.00&currency=EUR")
	require.Equal(t, http.StatusOK, check.status, check.body)
	assert.Contains(t, check.doc.Find(`[data-testid="check-rule"]`).Text(), "7.5 %")
	assert.Equal(t, fx.Money{Amount: 21500, Currency: "EUR"}.Display(),
		strings.TrimSpace(check.doc.Find(`[data-testid="check-total"]`).Text()))
	other := adm.get("/admin/markups?check=1&supplier=wgl&destination=" + zurichUID + "&price=200.00&currency=EUR")
	assert.Contains(t, other.doc.Find(`[data-testid="check-rule"]`).Text(), "No rule applies")

	del := list.doc.Find(`[data-testid="markup-delete"]`).AttrOr("href", "")
	require.NotEmpty(t, del)
	a = adm.confirm(del, nil)
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	assert.Equal(t, 1, s.auditCount(t, "markup.delete", "bedcom/"+zurichUID))
	rules, err = db.MarkupRules(ctx, w.pool)
	require.NoError(t, err)
	assert.Empty(t, rules)
	time.Sleep(markup.TTL)
	assert.Equal(t, plain, bedcomTotals(), "without the rule the prices are the supplier's again")
}
