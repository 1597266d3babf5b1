package catalog_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator/catalog"
	"lobang/aggregator/suppliers"
	"lobang/destinations"
	"lobang/suppliersim"
)

// world is the simulator served over HTTP with adapters pointing at it.
type world struct {
	sim  *suppliersim.Sim
	srv  *httptest.Server
	sups []suppliers.Supplier
}

func newWorld(t testing.TB) *world {
	t.Helper()
	sim, err := suppliersim.New(suppliersim.Config{Profile: "test", Admin: true})
	require.NoError(t, err)
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(func() { sim.Close(); srv.Close() })
	w := &world{sim: sim, srv: srv}
	for _, name := range []string{"ascenda", "bedcom", "wgl"} {
		s, err := suppliers.New(name, srv.URL+"/"+name, srv.Client())
		require.NoError(t, err)
		w.sups = append(w.sups, s)
	}
	return w
}

func (w *world) content(t testing.TB, uid string) []catalog.SupplierContent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := make([]catalog.SupplierContent, len(w.sups))
	var wg sync.WaitGroup
	errs := make([]error, len(w.sups))
	for i, s := range w.sups {
		wg.Go(func() {
			hs, err := s.Hotels(ctx, uid)
			out[i], errs[i] = catalog.SupplierContent{Supplier: s.Name(), Hotels: hs}, err
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	return out
}

func (w *world) truth(t testing.TB, uid string) []catalog.TruthHotel {
	t.Helper()
	tr, ok := w.sim.Truth(uid)
	require.True(t, ok, uid)
	var out []catalog.TruthHotel
	for _, h := range tr.Hotels {
		out = append(out, catalog.TruthHotel{WorldID: h.WorldID, Name: h.Name, Cases: h.Cases, Suppliers: h.Suppliers})
	}
	return out
}

// qualityDestinations spans sizes from a handful of hotels to the largest.
func qualityDestinations() []string {
	uids := []string{"i8gS", "9Ywx", "ceXQ", "bNe3", "sTSB", "7OrW"}
	all := destinations.All()
	for _, rank := range []int{3, 40, 150, 400, 900, 1500, 2500, 4000, 6000, 9000, 12000, 15000, 18000, 21000, 24000} {
		uids = append(uids, all[rank].UID)
	}
	return uids
}

func TestMappingQuality(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var total catalog.Evaluation
	var lines []string
	for _, uid := range qualityDestinations() {
		d, _ := destinations.Lookup(uid)
		res := catalog.Match(w.content(t, uid), catalog.Constraints{}, d.Name, d.ASCIIName)
		truth := w.truth(t, uid)
		ev := catalog.Eval(catalog.GroupMapping(res), truth)
		lines = append(lines, fmt.Sprintf("%s %-20s hotels=%3d pairs=%4d precision=%.4f recall=%.4f reviews=%d",
			uid, d.Name, len(truth), ev.TruePairs, ev.Precision, ev.Recall, len(res.Reviews)))
		for _, p := range ev.FalseMerges {
			lines = append(lines, fmt.Sprintf("   FALSE %v %v %s/%s %v", p.A, p.B, p.TruthA, p.TruthB, p.Cases))
		}
		for _, p := range ev.MissedMerges {
			lines = append(lines, fmt.Sprintf("   MISSED %v %v %s %v", p.A, p.B, p.TruthA, p.Cases))
		}
		total.TruePairs += ev.TruePairs
		total.MappedPairs += ev.MappedPairs
		total.Correct += ev.Correct
		total.FalseMerges = append(total.FalseMerges, ev.FalseMerges...)
		total.MissedMerges = append(total.MissedMerges, ev.MissedMerges...)

		// Brand twins are never merged.
		mapping := catalog.GroupMapping(res)
		var twins []catalog.TruthHotel
		for _, h := range truth {
			for _, c := range h.Cases {
				if c == "brand_twin" {
					twins = append(twins, h)
				}
			}
		}
		if len(twins) == 2 {
			for sa, ida := range twins[0].Suppliers {
				for sb, idb := range twins[1].Suppliers {
					a, b := mapping[key(sa, ida)], mapping[key(sb, idb)]
					assert.NotEqual(t, a, b, "%s: brand twins %s and %s merged", uid, twins[0].Name, twins[1].Name)
				}
			}
		}
	}
	precision := float64(total.Correct) / float64(total.MappedPairs)
	recall := float64(total.TruePairs-len(total.MissedMerges)) / float64(total.TruePairs)
	sort.Strings(lines[:0])
	t.Logf("mapping quality over %d destinations:\n%s\nTOTAL pairs=%d precision=%.4f recall=%.4f",
		len(qualityDestinations()), strings.Join(lines, "\n"), total.TruePairs, precision, recall)
	assert.GreaterOrEqual(t, precision, 0.99)
	assert.GreaterOrEqual(t, recall, 0.97)
}
