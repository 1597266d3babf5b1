package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/admin"
	"lobang/aggregator"
	"lobang/aggregator/catalog"
	"lobang/aggregator/supplierops"
	"lobang/aggregator/suppliers"
	"lobang/db/dbtest"
	"lobang/fx"
	"lobang/internal/browsertest"
	"lobang/suppliersim"
)

// TestSwitchOffFailingSupplierInBrowser: wgl fails every call; after one
// search a manager, signed in with a TOTP code in chromium, sees it failing
// on the supplier health screen and switches it off; a new search then
// completes without asking wgl at all.
func TestSwitchOffFailingSupplierInBrowser(t *testing.T) {
	dbtest.RequireReal(t)
	s := newStaffWorld(t, nil, nil, AdminConfig{})
	sim, err := suppliersim.New(suppliersim.Config{Profile: suppliersim.ProfileTest, Admin: true})
	require.NoError(t, err)
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(func() { sim.Close(); srv.Close() })
	prefix := s.h.cfg.RedisPrefix
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	health := supplierops.NewHealth(s.rdb, prefix, log)
	switches := supplierops.NewSwitches(s.rdb, prefix, log)
	client := &http.Client{Timeout: 30 * time.Second}
	var sups []suppliers.Supplier
	for _, name := range suppliersim.Suppliers {
		ad, err := suppliers.New(name, srv.URL+"/"+name, client)
		require.NoError(t, err)
		sups = append(sups, suppliers.Observe(ad, health, switches))
	}
	cat := catalog.New(s.pool, sups, log)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, err = cat.SyncDestination(ctx, resultsDest)
	require.NoError(t, err)
	conv := aggregator.FXConverter{Source: fx.NewSource(srv.URL+"/fx", s.rdb, prefix, client)}
	agg := aggregator.New(s.rdb, sups, aggregator.NewCatalogMapper(s.pool, cat, log), conv, log,
		aggregator.Config{Prefix: prefix, Deadline: 20 * time.Second})
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := agg.Run(runCtx); err != nil && runCtx.Err() == nil {
			t.Errorf("aggregator: %v", err)
		}
	}()
	t.Cleanup(func() { stop(); <-done })
	s.h.AttachSearch(agg, cat)
	s.h.AttachOps(health, switches, agg.Suppliers(), agg.BreakerState)

	require.NoError(t, sim.SetKnobs("wgl", suppliersim.Knobs{ErrorRate: 1}))
	sid, err := agg.Start(ctx, resultsQuery(90), "")
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		snap, err := agg.Snapshot(ctx, sid)
		return err == nil && snap.Progress.Complete
	}, time.Minute, 20*time.Millisecond, "the first search completes, wgl failing")
	wglCalls := func() int64 {
		var n int64
		for _, c := range sim.Stats()["wgl"] {
			n += c
		}
		return n
	}
	require.Positive(t, wglCalls(), "the first search asked wgl")

	manager := s.enrol(t, "manager@lobang.test", admin.Manager)
	br := browsertest.New(t, true)
	text := func(sel string) string {
		t.Helper()
		return browsertest.Get(t, br, chromedp.Evaluate[string](`(document.querySelector('`+sel+`') || {}).textContent || ''`))
	}
	br.Do(t, chromedp.Navigate(s.app.URL+"/admin/suppliers"),
		chromedp.WaitVisible(chromedp.CSS(`form[data-testid="login-form"]`)))
	code, err := totpCode(manager.secret, s.now())
	require.NoError(t, err)
	br.Do(t, chromedp.SendKeys(chromedp.CSS(`#email`), manager.email),
		chromedp.SendKeys(chromedp.CSS(`#password`), manager.password),
		chromedp.SendKeys(chromedp.CSS(`#code`), code))
	_, err = chromedp.RunResponse(br.Ctx, chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)))
	require.NoError(t, err)
	br.Do(t, chromedp.Navigate(s.app.URL+"/admin/suppliers"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="supplier-wgl"]`)))
	// Its catalog content came before the failures: every call since failed.
	rate := strings.TrimSpace(text(`[data-testid="supplier-wgl"] [data-testid="hour-error-rate"]`))
	assert.True(t, strings.HasSuffix(rate, " %") && rate != "0.0 %", "wgl's failures show: %q", rate)
	assert.Equal(t, "0.0 %", strings.TrimSpace(text(`[data-testid="supplier-bedcom"] [data-testid="hour-error-rate"]`)))
	assert.NotEmpty(t, text(`[data-testid="supplier-wgl"] [data-testid="last-error"]`))
	assert.Equal(t, "on", strings.TrimSpace(text(`[data-testid="supplier-wgl"] [data-testid="supplier-state"]`)))

	_, err = chromedp.RunResponse(br.Ctx, chromedp.Click(chromedp.CSS(`[data-testid="supplier-wgl"] [data-testid="switch-off"]`)))
	require.NoError(t, err)
	br.Do(t, chromedp.WaitVisible(chromedp.CSS(`[data-testid="supplier-wgl"] [data-testid="switch-on"]`)))
	assert.Equal(t, "switched off", strings.TrimSpace(text(`[data-testid="supplier-wgl"] [data-testid="supplier-state"]`)))
	assert.Equal(t, 1, s.auditCount(t, "supplier.switch", "wgl"))
	require.Eventually(t, func() bool { return switches.Disabled(ctx, "wgl") }, 10*time.Second, 50*time.Millisecond,
		"every instance's switch cache sees it")

	before := wglCalls()
	br.Do(t, chromedp.Navigate(s.app.URL+resultsStay(91, "")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="results-progress"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="results-progress"] .results__spinner`)))
	progress := text(`[data-testid="results-progress"]`)
	assert.Contains(t, progress, "3 of 3 suppliers", "the search is complete")
	notes := browsertest.Get(t, br, chromedp.Evaluate[string](
		`Array.from(document.querySelectorAll('[data-testid="results-note"]')).map(n => n.textContent).join('\n')`))
	assert.Contains(t, strings.ToLower(notes), "wgl", "the page says wgl's prices are missing")
	assert.Positive(t, browsertest.Get(t, br, chromedp.Evaluate[int](`document.querySelectorAll('#cards > li').length`)),
		"the other suppliers' hotels are listed")
	assert.Equal(t, before, wglCalls(), "the new search did not ask wgl")
}
