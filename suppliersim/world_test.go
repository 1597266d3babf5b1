package suppliersim

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWorldHardMappingCases(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for _, dest := range []struct{ name, cc string }{{"Singapore", "SG"}, {"Tokyo", "JP"}, {"Zürich", "CH"}} {
		tr, ok := e.sim.Truth(uidOf(t, dest.name, dest.cc))
		require.True(t, ok)
		byCase := map[string][]TruthHotel{}
		for _, h := range tr.Hotels {
			for _, c := range h.Cases {
				byCase[c] = append(byCase[c], h)
			}
		}
		twins := byCase[caseBrandTwin]
		require.Len(t, twins, 2, dest.name)
		assert.NotEqual(t, twins[0].Name, twins[1].Name)
		assert.Less(t, distanceM(twins[0].Lat, twins[0].Lng, twins[1].Lat, twins[1].Lng), 150.0, "twins within 150 m")
		assert.Equal(t, brandNamed(twins[0].Brand).family, brandNamed(twins[1].Brand).family)

		renamed := byCase[caseRenamed]
		require.Len(t, renamed, 1)
		differs := 0
		for _, n := range renamed[0].Names {
			if !strings.EqualFold(fold(n), fold(renamed[0].Name)) && !strings.Contains(strings.ToUpper(fold(renamed[0].Name)), strings.ToUpper(n)) {
				differs++
			}
		}
		assert.GreaterOrEqual(t, differs, 1, "one supplier has the old name: %v", renamed[0].Names)

		tl := byCase[caseTransliterated]
		require.Len(t, tl, 1)
		names := map[string]bool{}
		for _, n := range tl[0].Names {
			names[n] = true
		}
		assert.Len(t, names, 3, "three romanisations: %v", tl[0].Names)
		assert.Contains(t, slices.Collect(func(yield func(string) bool) {
			for _, n := range tl[0].Names {
				if !yield(n) {
					return
				}
			}
		}), tl[0].Name, "the canonical spelling is one of them")

		for _, h := range byCase[caseSingleSupplier] {
			assert.Len(t, h.Suppliers, 1)
		}
	}
}

func TestWorldCoverageAndCoordinates(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	d, ok := e.sim.w.destination(uidOf(t, "Singapore", "SG"))
	require.True(t, ok)
	n := float64(len(d.hotels))
	counts := map[string]int{}
	missing := 0
	for _, h := range d.hotels {
		require.NotEmpty(t, h.sup, "every hotel is sold somewhere")
		var pts [][2]float64
		for s, sh := range h.sup {
			counts[s]++
			if sh.hasCoords {
				pts = append(pts, [2]float64{sh.lat, sh.lng})
			} else {
				missing++
			}
		}
		for i := range pts {
			for j := i + 1; j < len(pts); j++ {
				assert.LessOrEqual(t, distanceM(pts[i][0], pts[i][1], pts[j][0], pts[j][1]), 150.0, h.worldID)
			}
		}
	}
	for _, s := range Suppliers {
		share := float64(counts[s]) / n
		assert.InDelta(t, 0.725, share, 0.17, "%s carries 60–85%% (±sampling): %.2f", s, share)
	}
	assert.Positive(t, missing, "some supplier hotels have no coordinates")
}

func TestWorldScalesWithPopulation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	big, _ := e.sim.w.destination(uidOf(t, "Singapore", "SG"))
	small, _ := e.sim.w.destination(smallestUID())
	assert.GreaterOrEqual(t, len(big.hotels), 200)
	assert.LessOrEqual(t, len(big.hotels), 360)
	assert.LessOrEqual(t, len(small.hotels), 6)
	assert.GreaterOrEqual(t, len(small.hotels), 2)
}

func TestSupplierIDsRoundTrip(t *testing.T) {
	t.Parallel()
	k := keyed{seed: 99}
	for _, s := range []slot{{0, 0}, {1, 5}, {24999, 359}, {36939, 399}, {40000, 12}, {200000, 1}} {
		id := k.ascendaID(s)
		got, ok := k.parseAscendaID(id)
		require.True(t, ok, id)
		assert.Equal(t, s, got, id)
		code := k.bedcomCode(s)
		gotB, ok := k.parseBedcomCode(code)
		require.True(t, ok)
		assert.Equal(t, s, gotB)
		w := k.wglCode(s)
		gotW, ok := k.parseWGLCode(w)
		require.True(t, ok, w)
		assert.Equal(t, s, gotW)
	}
	assert.Len(t, k.ascendaID(slot{100, 3}), 4)
	_, ok := k.parseWGLCode("WGLxyz")
	assert.False(t, ok)
	_, ok = k.parseAscendaID("ab!d")
	assert.False(t, ok)
}

func TestAscendaKeyIsSealed(t *testing.T) {
	t.Parallel()
	k := keyed{seed: 5}
	st, err := parseStay("2030-05-01", "2030-05-04", mustDate("2030-04-01"))
	require.NoError(t, err)
	ref := offerRef{slot: slot{12, 7}, ri: 2, pi: 3, stay: st, occ: occupancy{adults: []int{2, 3}, children: [][]int{nil, nil}}}
	key := k.ascendaKey(ref)
	got, ok := k.parseAscendaKey(key)
	require.True(t, ok)
	assert.Equal(t, ref, got)
	tampered := []byte(key)
	tampered[0] ^= 1
	if tampered[0] == '-' {
		tampered[0] = 'a'
	}
	_, ok = k.parseAscendaKey(string(tampered))
	assert.False(t, ok, "a changed key is rejected")
	_, ok = keyed{seed: 6}.parseAscendaKey(key)
	assert.False(t, ok, "a key of another world is rejected")
}
