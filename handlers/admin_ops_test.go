package handlers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/admin"
	"lobang/aggregator/supplierops"
	"lobang/aggregator/suppliers"
	"lobang/db/dbtest"
	"lobang/suppliersim"
)

// TestSupplierHealthAndSwitch: a failing supplier shows on the health
// screen; an agent may look but not switch; a manager switches it off for
// every instance, audited.
func TestSupplierHealthAndSwitch(t *testing.T) {
	s := newStaffWorld(t, nil, nil, AdminConfig{})
	sim, err := suppliersim.New(suppliersim.Config{Profile: suppliersim.ProfileTest, Admin: true})
	require.NoError(t, err)
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(func() { sim.Close(); srv.Close() })
	rdb, prefix := dbtest.Redis(t)
	health := supplierops.NewHealth(rdb, prefix, nil)
	switches := supplierops.NewSwitches(rdb, prefix, nil)
	ad, err := suppliers.New("wgl", srv.URL+"/wgl", &http.Client{})
	require.NoError(t, err)
	wgl := suppliers.Observe(ad, health, switches)
	s.h.AttachOps(health, switches, []string{"ascenda", "bedcom", "wgl"}, func(string) string { return "closed" })

	require.NoError(t, sim.SetKnobs("wgl", suppliersim.Knobs{ErrorRate: 1}))
	in := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 30)
	q := suppliers.Query{DestinationUID: "i8gS", Checkin: in, Checkout: in.AddDate(0, 0, 2), Rooms: 1, Adults: 2, Currency: "USD"}
	for range 4 {
		assert.Error(t, wgl.Availability(context.Background(), q, func([]suppliers.HotelPrice) {}))
	}

	agent := s.signedIn(t, s.enrol(t, "agent@lobang.test", admin.Agent))
	p := agent.get("/admin/suppliers")
	require.Equal(t, http.StatusOK, p.status, p.body)
	sec := p.doc.Find(`[data-testid="supplier-wgl"]`)
	require.Equal(t, 1, sec.Length())
	assert.Equal(t, "4 calls", strings.TrimSpace(sec.Find(`[data-testid="hour-requests"]`).Text()))
	assert.Equal(t, "100.0 %", strings.TrimSpace(sec.Find(`[data-testid="hour-error-rate"]`).Text()))
	assert.NotEmpty(t, sec.Find(`[data-testid="last-error"]`).Text())
	assert.Equal(t, 2, sec.Find("svg").Length(), "calls and latency charts")
	assert.Zero(t, p.doc.Find(`[data-testid="switch-form"]`).Length(), "agents cannot switch")
	assert.Equal(t, http.StatusForbidden, agent.post("/admin/suppliers/wgl/switch", url.Values{"state": {"off"}}).status)
	assert.False(t, switches.Disabled(context.Background(), "wgl"))

	manager := s.signedIn(t, s.enrol(t, "manager@lobang.test", admin.Manager))
	assert.Equal(t, http.StatusUnprocessableEntity,
		manager.post("/admin/suppliers/wgl/switch", url.Values{"state": {"off"}, "deadline": {"9999"}}).status)
	assert.Equal(t, http.StatusNotFound, manager.post("/admin/suppliers/nope/switch", url.Values{"state": {"off"}}).status)
	a := manager.post("/admin/suppliers/wgl/switch", url.Values{"state": {"off"}, "deadline": {"12"}})
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	time.Sleep(supplierops.SwitchTTL)
	sw := switches.Get(context.Background(), "wgl")
	assert.True(t, sw.Disabled)
	assert.Equal(t, 12*time.Second, sw.Deadline)
	assert.Equal(t, "manager@lobang.test", sw.By)
	assert.Equal(t, 1, s.auditCount(t, "supplier.switch", "wgl"))
	assert.ErrorIs(t, wgl.Availability(context.Background(), q, func([]suppliers.HotelPrice) {}), suppliers.ErrDisabled)

	p = manager.get("/admin/suppliers")
	require.Equal(t, http.StatusOK, p.status)
	assert.Equal(t, "switched off", strings.TrimSpace(p.doc.Find(`[data-testid="supplier-wgl"] [data-testid="supplier-state"]`).Text()))
	assert.Equal(t, 1, p.doc.Find(`[data-testid="supplier-wgl"] [data-testid="switch-on"]`).Length())
}
