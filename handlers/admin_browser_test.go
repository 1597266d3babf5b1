package handlers

import (
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/booking"
	"lobang/db/dbtest"
	"lobang/internal/browsertest"
)

// TestDeskInBrowser: a manager signs in with a TOTP code, finds a booking
// by the guest's email, cancels it at the supplier through the
// confirmation step, and sees the cancellation and refund on its page —
// in chromium, with JavaScript on and off.
func TestDeskInBrowser(t *testing.T) {
	dbtest.RequireReal(t)
	bw, sw, manager, _, _ := deskWorld(t)
	for i, js := range []bool{true, false} {
		name := map[bool]string{true: "javascript on", false: "javascript off"}[js]
		t.Run(name, func(t *testing.T) {
			email := []string{"lena.on@example.com", "omar.off@example.com"}[i]
			form := url.Values{}
			for k, v := range guestForm {
				form[k] = v
			}
			form.Set("email", email)
			offer, ok := bw.offerWith(t, bw.hotels[(i+5)%len(bw.hotels)], stayOf(70+3*i, 1), "Free cancellation")
			require.True(t, ok)
			d := bw.details(t, bw.book(t, offer), form)
			b := bw.booking(t, bw.payAndReturn(t, d.location, cardOK))
			require.Equal(t, booking.StatusConfirmed, b.Status)

			br := browsertest.New(t, js)
			click := func(sel string) {
				t.Helper()
				_, err := chromedp.RunResponse(br.Ctx, chromedp.Click(chromedp.CSS(sel)))
				require.NoError(t, err, "click %s", sel)
			}
			path := func() string {
				t.Helper()
				return browsertest.Get(t, br, chromedp.Evaluate[string](`location.pathname`))
			}
			br.Do(t, chromedp.Navigate(sw.app.URL+"/admin/bookings"),
				chromedp.WaitVisible(chromedp.CSS(`form[data-testid="login-form"]`)))
			// The code is read off the authenticator only now, with the
			// form open, as a person would: a code is good for one step
			// either side, however slow the browser was to start.
			code, err := totpCode(manager.secret, sw.now())
			require.NoError(t, err)
			br.Do(t, chromedp.SendKeys(chromedp.CSS(`#email`), manager.email),
				chromedp.SendKeys(chromedp.CSS(`#password`), manager.password),
				chromedp.SendKeys(chromedp.CSS(`#code`), code),
			)
			click(`[data-testid="sign-in"]`)
			require.Equal(t, "/admin/bookings", path(), "signed in: %s",
				browsertest.Get(t, br, chromedp.Evaluate[string](`document.querySelector('main').innerText`)))
			sw.advance(31 * time.Second) // the next login needs the next code
			br.Do(t, chromedp.WaitVisible(chromedp.CSS(`form[data-testid="booking-search"]`)),
				chromedp.SendKeys(chromedp.CSS(`#q`), email))
			_, err = chromedp.RunResponse(br.Ctx, chromedp.Submit(chromedp.CSS(`#q`)))
			require.NoError(t, err)
			br.Do(t, chromedp.WaitVisible(chromedp.CSS(`[data-testid="booking-link"]`)))
			// On a phone the eight-column list scrolls sideways inside
			// itself; the page does not.
			br.Do(t, chromedp.EmulateViewport(390, 800))
			fits := browsertest.Get(t, br, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
			assert.True(t, fits, "the bookings list fits a phone's width")
			br.Do(t, chromedp.EmulateViewport(1280, 900))
			click(`[data-testid="booking-link"]`)
			br.Do(t, chromedp.WaitVisible(chromedp.CSS(`[data-testid="booking-reference"]`)))
			ref := browsertest.Get(t, br, chromedp.Evaluate[string](`document.querySelector('[data-testid="booking-reference"]').textContent`))
			require.Equal(t, b.Reference, ref, "the search by email found the booking")

			click(`[data-testid="actions"] a[href$="/cancel"]`)
			br.Do(t, chromedp.WaitVisible(chromedp.CSS(`[data-testid="confirm-submit"]`)))
			confirm := browsertest.Get(t, br, chromedp.Evaluate[string](`document.querySelector('[data-testid="confirm"]').textContent`))
			assert.Contains(t, confirm, "fee", "the supplier's fee is shown before the button")
			click(`[data-testid="confirm-submit"]`)
			br.Do(t, chromedp.WaitVisible(chromedp.CSS(`[data-testid="booking-status"]`)))
			status := browsertest.Get(t, br, chromedp.Evaluate[string](`document.querySelector('[data-testid="booking-status"]').textContent`))
			assert.Equal(t, "cancelled", status)
			timeline := browsertest.Get(t, br, chromedp.Evaluate[string](`document.querySelector('[data-testid="timeline"]').textContent`))
			assert.Contains(t, timeline, "cancelled")
			refund := browsertest.Get(t, br, chromedp.Evaluate[string](`document.querySelector('[data-testid="refunds"]').textContent`))
			assert.Contains(t, refund, money(fxMoney(b.ChargeAmount, b.ChargeCurrency))[4:], "the whole amount refunded")
			assert.Empty(t, br.Problems(), "no console errors or CSP violations")
		})
	}
}
