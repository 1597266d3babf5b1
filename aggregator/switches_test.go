package aggregator_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator"
	"lobang/aggregator/supplierops"
	"lobang/aggregator/suppliers"
	"lobang/db/dbtest"
)

// observedWorld wraps the world's adapters as cmd/lobang does, each
// instance with its own switch cache over the same Redis.
func observedWorld(w *world, health *supplierops.Health, sw *supplierops.Switches) *world {
	out := &world{sim: w.sim, url: w.url}
	for _, s := range w.suppliers {
		out.suppliers = append(out.suppliers, suppliers.Observe(s, health, sw))
	}
	return out
}

// TestSwitchedOffSupplierStopsOnEveryInstance: staff switch wgl off through
// one instance's switches; the other instance stops fanning out to it
// within the switch cache's life, and searches still complete.
func TestSwitchedOffSupplierStopsOnEveryInstance(t *testing.T) {
	w := newWorld(t)
	rdb, prefix := dbtest.Redis(t)
	health := supplierops.NewHealth(rdb, prefix, quiet())
	swA := supplierops.NewSwitches(rdb, prefix, quiet())
	swB := supplierops.NewSwitches(rdb, prefix, quiet())
	a := startInstance(t, rdb, observedWorld(w, health, swA), aggregator.Config{Prefix: prefix, Consumer: "a", Deadline: 10 * time.Second})
	b := startInstance(t, rdb, observedWorld(w, health, swB), aggregator.Config{Prefix: prefix, Consumer: "b", Deadline: 10 * time.Second})
	ctx := context.Background()

	search := func(in *instance, dest string) aggregator.Snapshot {
		t.Helper()
		sid, err := in.agg.Start(ctx, query(dest), "203.0.113.9")
		require.NoError(t, err)
		events, err := in.agg.Subscribe(ctx, sid, "")
		require.NoError(t, err)
		collect(t, events, 20*time.Second)
		snap, err := in.agg.Snapshot(ctx, sid)
		require.NoError(t, err)
		return snap
	}
	stateOf := func(snap aggregator.Snapshot, name string) aggregator.SupplierState {
		for _, st := range snap.Progress.Suppliers {
			if st.Name == name {
				return st
			}
		}
		t.Fatalf("no state for %s", name)
		return aggregator.SupplierState{}
	}

	// Both instances know wgl is on (and cache that).
	assert.False(t, swB.Disabled(ctx, "wgl"))
	w.sim.ResetStats()
	assert.Equal(t, aggregator.StateDone, stateOf(search(b, "9Ywx"), "wgl").State)
	require.EqualValues(t, 1, w.sim.Count("wgl", "OTA_HotelAvailRQ"))

	_, err := swA.Set(ctx, "wgl", supplierops.Switch{Disabled: true, By: "manager@lobang.test"})
	require.NoError(t, err)
	time.Sleep(supplierops.SwitchTTL + 100*time.Millisecond)

	w.sim.ResetStats()
	for _, dest := range []string{"i8gS", "bNe3"} {
		snap := search(b, dest)
		st := stateOf(snap, "wgl")
		assert.Equal(t, aggregator.StateSkipped, st.State)
		assert.Equal(t, "switched off", st.Why)
		assert.True(t, snap.Progress.Complete)
	}
	assert.Zero(t, w.sim.Count("wgl", "OTA_HotelAvailRQ"), "no fan-out to a switched-off supplier")
	assert.EqualValues(t, 2, w.sim.Count("bedcom", "availability"), "the others are still asked")

	// Switched on again with a deadline, the other instance uses it again.
	_, err = swB.Set(ctx, "wgl", supplierops.Switch{Deadline: 7 * time.Second, By: "manager@lobang.test"})
	require.NoError(t, err)
	time.Sleep(supplierops.SwitchTTL + 100*time.Millisecond)
	assert.Equal(t, 7*time.Second, swA.Deadline(ctx, "wgl"))
	assert.Equal(t, aggregator.StateDone, stateOf(search(a, "ceXQ"), "wgl").State)
	assert.EqualValues(t, 1, w.sim.Count("wgl", "OTA_HotelAvailRQ"))
}
