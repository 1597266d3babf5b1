package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"lobang/admin"
	"lobang/aggregator/supplierops"
	"lobang/views"
)

// opsState is what the operations screens read: supplier health, the staff
// switches, and the circuit breakers of this instance.
type opsState struct {
	health   *supplierops.Health
	switches *supplierops.Switches
	breakers func(supplier string) string
	names    []string
}

// AttachOps hands the handlers supplier health, the switches, the
// suppliers' names in display order and this instance's breaker states.
func (h *Handler) AttachOps(health *supplierops.Health, switches *supplierops.Switches, names []string, breakers func(string) string) {
	h.ops = &opsState{health: health, switches: switches, breakers: breakers, names: names}
}

// registerAdminOps registers the operations screens through staffRoute.
func (h *Handler) registerAdminOps(r chi.Router) {
	h.staffRoute(r, "GET", "/admin/suppliers", admin.Agent, h.AdminSuppliers)
	h.staffRoute(r, "POST", "/admin/suppliers/{name}/switch", admin.Manager, h.AdminSupplierSwitchPost)
}

// AdminSuppliers shows every supplier's health and switch.
func (h *Handler) AdminSuppliers(w http.ResponseWriter, r *http.Request) {
	h.renderSuppliers(w, r, http.StatusOK, "")
}

func (h *Handler) renderSuppliers(w http.ResponseWriter, r *http.Request, status int, problem string) {
	if h.ops == nil {
		problem = "Supplier health is not available on this instance."
		h.render(w, r, status, views.AdminSuppliers(views.AdminSuppliersView{Shell: h.shell(r, "Suppliers"), Error: problem}))
		return
	}
	v := views.AdminSuppliersView{Shell: h.shell(r, "Suppliers"), CanSwitch: staffOf(r).Role.Allows(admin.Manager), Error: problem}
	now := time.Now()
	switches := h.ops.switches.All(r.Context())
	for _, name := range h.ops.names {
		st, err := h.ops.health.Stats(r.Context(), name, now)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		sw := switches[name]
		s := views.SupplierHealthView{
			Name: name, Disabled: sw.Disabled, SwitchedBy: sw.By, Breaker: h.ops.breakers(name),
			HourRequests: strconv.FormatInt(st.Hour.Requests, 10), HourErrorRate: percent(st.Hour.ErrorRate()),
			HourTimeouts: strconv.FormatInt(st.Hour.Timeouts, 10),
			HourP50:      millis(st.Hour.Percentile(0.5)), HourP95: millis(st.Hour.Percentile(0.95)), HourP99: millis(st.Hour.Percentile(0.99)),
			DayRequests: strconv.FormatInt(st.Day.Requests, 10), DayErrorRate: percent(st.Day.ErrorRate()),
			DayP50: millis(st.Day.Percentile(0.5)), DayP95: millis(st.Day.Percentile(0.95)), DayP99: millis(st.Day.Percentile(0.99)),
			LastError: st.Last.Text, LastErrorOp: st.Last.Op,
			Chart: callsChart(name, st.Minutes), LatencyChart: latencyChart(name, st.Minutes),
		}
		if !st.Last.At.IsZero() {
			s.LastAt = st.Last.At.Format("15:04:05 UTC")
		}
		if sw.Deadline > 0 {
			s.DeadlineSeconds = strconv.FormatFloat(sw.Deadline.Seconds(), 'f', -1, 64)
		}
		v.Suppliers = append(v.Suppliers, s)
	}
	h.render(w, r, status, views.AdminSuppliers(v))
}

// AdminSupplierSwitchPost switches a supplier on or off and sets its
// deadline, for every instance; the change is audited.
func (h *Handler) AdminSupplierSwitchPost(w http.ResponseWriter, r *http.Request) {
	if h.ops == nil {
		h.notFound(w, r)
		return
	}
	name := r.PathValue("name")
	known := false
	for _, n := range h.ops.names {
		known = known || n == name
	}
	if !known {
		h.notFound(w, r)
		return
	}
	before := h.ops.switches.Get(r.Context(), name)
	next := supplierops.Switch{Disabled: before.Disabled, By: staffOf(r).Email}
	switch r.PostFormValue("state") {
	case "on":
		next.Disabled = false
	case "off":
		next.Disabled = true
	case "keep":
	default:
		h.renderSuppliers(w, r, http.StatusUnprocessableEntity, "Choose to switch the supplier on or off.")
		return
	}
	if d := strings.TrimSpace(r.PostFormValue("deadline")); d != "" {
		secs, err := strconv.ParseFloat(d, 64)
		if err != nil || secs <= 0 || time.Duration(secs*float64(time.Second)) > supplierops.MaxDeadline {
			h.renderSuppliers(w, r, http.StatusUnprocessableEntity,
				fmt.Sprintf("The deadline must be a number of seconds between 1 and %.0f.", supplierops.MaxDeadline.Seconds()))
			return
		}
		next.Deadline = time.Duration(secs * float64(time.Second))
	}
	after, err := h.ops.switches.Set(r.Context(), name, next)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if err := h.staff.svc.Audit(r.Context(), h.db, staffOf(r), "supplier.switch", "supplier", name,
		switchJSON(before), switchJSON(after)); err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/suppliers#supplier-"+name, http.StatusSeeOther)
}

func switchJSON(s supplierops.Switch) map[string]any {
	return map[string]any{"disabled": s.Disabled, "deadline_ms": s.Deadline.Milliseconds()}
}

func percent(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + " %" }

func millis(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
}

const chartW, chartH = 360, 80

// callsChart draws calls per minute over the hour, the failed part in red.
func callsChart(name string, mins []supplierops.Minute) views.SVGChart {
	var top int64 = 1
	for _, m := range mins {
		top = max(top, m.Requests)
	}
	c := views.SVGChart{Width: chartW, Height: chartH, Label: name + ": calls and failures per minute, last hour",
		Max: strconv.FormatInt(top, 10) + " calls"}
	bw := chartW / max(len(mins), 1)
	for i, m := range mins {
		hgt := int(m.Requests * chartH / top)
		fh := int(m.Failed() * chartH / top)
		c.Bars = append(c.Bars, views.SVGBar{X: i * bw, W: max(bw-1, 1), Y: chartH - hgt, H: hgt, FailY: chartH - fh, FailH: fh,
			Title: fmt.Sprintf("%s: %d calls, %d failed", m.At.Format("15:04"), m.Requests, m.Failed())})
	}
	return c
}

// latencyChart draws the p95 latency of each minute over the hour.
func latencyChart(name string, mins []supplierops.Minute) views.SVGChart {
	top := time.Second
	for _, m := range mins {
		top = max(top, m.Percentile(0.95))
	}
	c := views.SVGChart{Width: chartW, Height: chartH, Label: name + ": p95 latency per minute, last hour", Max: millis(top)}
	bw := chartW / max(len(mins), 1)
	var pts []string
	for i, m := range mins {
		if m.Requests == 0 {
			continue
		}
		y := chartH - int(int64(m.Percentile(0.95))*chartH/int64(top))
		pts = append(pts, fmt.Sprintf("%d,%d", i*bw+bw/2, y))
	}
	c.Line = strings.Join(pts, " ")
	return c
}
