package handlers

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/booking"
	"lobang/db/dbtest"
	"lobang/internal/browsertest"
)

// TestBookingInBrowser books a room as a customer in chromium, with
// JavaScript on and off: the hotel's rooms, Book, the guest details, the
// hosted checkout on the provider's own origin, and back to the
// confirmation page — with no console error or CSP violation on the way.
func TestBookingInBrowser(t *testing.T) {
	dbtest.RequireReal(t)
	w := newBookingWorld(t, booking.Config{})
	for i, js := range []bool{true, false} {
		name := map[bool]string{true: "javascript on", false: "javascript off"}[js]
		t.Run(name, func(t *testing.T) {
			b := browsertest.New(t, js)
			hotel := w.hotels[(i+3)%len(w.hotels)]
			stay := stayOf(45+i, 1)
			if js {
				// The hotel page loads its offers into itself.
				b.Do(t, chromedp.Navigate(w.app.URL+hotelPath(hotel)+"?"+stay),
					chromedp.WaitVisible(chromedp.CSS(`[data-testid="offers"] [data-testid="book"]`)))
			} else {
				b.Do(t, chromedp.Navigate(w.app.URL+"/hotels/"+strconv.FormatInt(hotel.ID, 10)+"/rooms?"+stay),
					chromedp.WaitVisible(chromedp.CSS(`[data-testid="book"]`)))
			}
			click := func(sel string) {
				t.Helper()
				_, err := chromedp.RunResponse(b.Ctx, chromedp.Click(chromedp.CSS(sel)))
				require.NoError(t, err, "click %s", sel)
			}
			click(`[data-testid="book"]`)
			b.Do(t, chromedp.WaitVisible(chromedp.CSS(`form[data-testid="guest-details"]`)))
			loc, err := url.Parse(browsertest.Get(t, b, chromedp.Location()))
			require.NoError(t, err)
			require.Regexp(t, regexp.MustCompile(`^/bookings/[0-9a-f]{32}$`), loc.Path)
			bookingPath := loc.Path

			b.Do(t,
				chromedp.SetValue(chromedp.CSS(`#title`), "Ms"),
				chromedp.SendKeys(chromedp.CSS(`#first_name`), "Siti"),
				chromedp.SendKeys(chromedp.CSS(`#last_name`), "Rahman"),
				chromedp.SendKeys(chromedp.CSS(`#email`), "siti.rahman@example.com"),
				chromedp.SendKeys(chromedp.CSS(`#phone`), "+65 6123 4567"),
				chromedp.SendKeys(chromedp.CSS(`#billing_address`), "1 Orchard Rd, Singapore"),
			)
			click(`[data-testid="continue-to-payment"]`)
			b.Do(t, chromedp.WaitVisible(chromedp.CSS(`form[data-testid="card-form"]`)))
			loc, err = url.Parse(browsertest.Get(t, b, chromedp.Location()))
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(loc.String(), w.simURL+"/pay/checkout/"), "on the provider's checkout: %s", loc)

			b.Do(t,
				chromedp.SendKeys(chromedp.CSS(`#card_number`), "4242 4242 4242 4242"),
				chromedp.SendKeys(chromedp.CSS(`#expiry`), "12/39"),
				chromedp.SendKeys(chromedp.CSS(`#cvc`), "123"),
				chromedp.SendKeys(chromedp.CSS(`#name`), "Siti Rahman"),
			)
			click(`[data-testid="pay"]`)
			b.Do(t, chromedp.WaitVisible(chromedp.CSS(`[data-testid="confirmation"]`)))
			loc, err = url.Parse(browsertest.Get(t, b, chromedp.Location()))
			require.NoError(t, err)
			assert.Equal(t, bookingPath, loc.Path, "back on the booking's page")
			ref := browsertest.Get(t, b, chromedp.Evaluate[string](`document.querySelector('[data-testid="booking-reference"]').textContent.trim()`))
			got := w.booking(t, bookingPath)
			assert.Equal(t, booking.StatusConfirmed, got.Status)
			assert.Equal(t, got.Reference, ref)
			assert.Empty(t, b.Problems(), "no console errors or CSP violations")
		})
	}
}
