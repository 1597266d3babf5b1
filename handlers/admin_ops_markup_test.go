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

	"lobang/booking"
	"lobang/db"
	"lobang/db/dbtest"
	"lobang/fx"
	"lobang/markup"
)

// TestMarkupOnRoomOffersIsWhatTheBookingCharges: a 7.5 % rule on bedcom in
// Zürich raises every bedcom room price on the page by exactly the rounded
// markup, and booking one charges the price shown, the markup in the margin.
func TestMarkupOnRoomOffersIsWhatTheBookingCharges(t *testing.T) {
	dbtest.RequireReal(t)
	w := newBookingWorld(t, booking.Config{CallTimeout: 3 * time.Second})
	ctx := context.Background()
	require.NoError(t, db.PutMarkupRule(ctx, w.pool, db.MarkupRule{Supplier: "bedcom", DestinationUID: zurichUID,
		Kind: db.MarkupPercent, PercentBP: 750, UpdatedBy: "admin@lobang.test", UpdatedAt: time.Now()}))
	time.Sleep(markup.TTL) // the world's engine may have cached no rules

	hotel := w.hotels[0]
	in := time.Now().UTC().AddDate(0, 0, 35)
	stayQuery := "checkin=" + in.Format(time.DateOnly) + "&checkout=" + in.AddDate(0, 0, 2).Format(time.DateOnly) +
		"&rooms=1&adults=2&currency=EUR" // bedcom prices in EUR: no conversion in the way
	links, err := db.HotelSuppliers(ctx, w.pool, hotel.ID)
	require.NoError(t, err)
	var bedcomID string
	for _, l := range links {
		if l.Key.Supplier == "bedcom" {
			bedcomID = l.Key.ID
		}
	}
	require.NotEmpty(t, bedcomID)
	vals, err := url.ParseQuery(stayQuery)
	require.NoError(t, err)
	q, errs := parseStay(vals, zurichUID, time.Now().UTC())
	require.Empty(t, errs)
	offers, err := w.sups[1].Offers(ctx, bedcomID, q)
	require.NoError(t, err)
	require.NotEmpty(t, offers)
	want := map[string]bool{}
	plain := map[string]bool{}
	for _, o := range offers {
		require.Equal(t, "EUR", o.Total.Currency)
		want[money(fx.Money{Amount: o.Total.Amount + markup.Percent(o.Total.Amount, 750), Currency: "EUR"})] = true
		plain[money(o.Total)] = true
	}

	p := fetch(t, http.MethodGet, w.app.URL+"/hotels/"+strconv.FormatInt(hotel.ID, 10)+"/rooms?"+stayQuery, nil)
	require.Equal(t, http.StatusOK, p.status)
	var offerID, shown string
	n := 0
	p.doc.Find(`[data-testid="rate"]`).Each(func(_ int, s *goquery.Selection) {
		if !strings.Contains(s.Text(), "via bedcom") {
			return
		}
		n++
		total := strings.TrimSpace(s.Find(`[data-testid="rate-total"]`).Text())
		assert.True(t, want[total], "bedcom's %s is its price plus 7.5 %%", total)
		assert.False(t, plain[total], "%s is not the bare price", total)
		if offerID == "" {
			offerID, shown = s.Find(`input[name="offer"]`).AttrOr("value", ""), total
		}
	})
	require.Positive(t, n)
	require.NotEmpty(t, offerID)

	b := w.booking(t, w.book(t, offerID))
	require.Equal(t, "EUR", b.ChargeCurrency)
	atHotel := int64(0)
	if b.PayAtHotelCurrency == "EUR" {
		atHotel = b.PayAtHotelAmount
	}
	assert.Equal(t, shown, money(fx.Money{Amount: b.ChargeAmount + atHotel, Currency: "EUR"}),
		"the customer is charged what was shown")
	var base int64
	for _, o := range offers {
		if money(fx.Money{Amount: o.Total.Amount + markup.Percent(o.Total.Amount, 750), Currency: "EUR"}) == shown {
			base = o.Total.Amount
		}
	}
	assert.GreaterOrEqual(t, b.MarginAmount, markup.Percent(base, 750), "the margin includes the markup")
}
