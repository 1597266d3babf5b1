package handlers

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/booking"
	"lobang/db/dbtest"
	"lobang/internal/browsertest"
)

// TestManageInBrowser finds a booking with its reference and email and
// cancels it in chromium, with JavaScript on and off.
func TestManageInBrowser(t *testing.T) {
	dbtest.RequireReal(t)
	w := newBookingWorld(t, booking.Config{})
	for i, js := range []bool{true, false} {
		name := map[bool]string{true: "javascript on", false: "javascript off"}[js]
		t.Run(name, func(t *testing.T) {
			b := w.confirmedWith(t, 55+3*i, "Free cancellation")
			br := browsertest.New(t, js)
			click := func(sel string) {
				t.Helper()
				_, err := chromedp.RunResponse(br.Ctx, chromedp.Click(chromedp.CSS(sel)))
				require.NoError(t, err, "click %s", sel)
			}
			br.Do(t, chromedp.Navigate(w.app.URL+"/manage"),
				chromedp.WaitVisible(chromedp.CSS(`form[data-testid="manage-form"]`)),
				chromedp.SendKeys(chromedp.CSS(`form[data-testid="manage-form"] #reference`), b.Reference),
				chromedp.SendKeys(chromedp.CSS(`form[data-testid="manage-form"] #email`), guestForm.Get("email")),
			)
			click(`[data-testid="find-booking"]`)
			br.Do(t, chromedp.WaitVisible(chromedp.CSS(`[data-testid="cancel-link"]`)))
			click(`[data-testid="cancel-link"]`)
			br.Do(t, chromedp.WaitVisible(chromedp.CSS(`[data-testid="cancel-refund"]`)))
			refund := browsertest.Get(t, br, chromedp.Evaluate[string](`document.querySelector('[data-testid="cancel-refund"] strong').textContent`))
			assert.Equal(t, money(fxMoney(b.ChargeAmount, b.ChargeCurrency)), refund, "a free cancellation refunds everything")
			click(`[data-testid="confirm-cancel"]`)
			br.Do(t, chromedp.WaitVisible(chromedp.CSS(`[data-testid="manage"][data-status="cancelled"]`)))
			notice := browsertest.Get(t, br, chromedp.Evaluate[string](`document.querySelector('[data-testid="manage-notice"]').textContent`))
			assert.Contains(t, notice, "cancelled")
			assert.Equal(t, booking.StatusCancelled, w.booking(t, "/bookings/"+b.ID).Status)
			assert.Empty(t, br.Problems(), "no console errors or CSP violations")
		})
	}
}
