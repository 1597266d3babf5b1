package handlers

import (
	"math"
	"strconv"

	"lobang/aggregator/suppliers"
	"lobang/views"
)

// Size of the review map in SVG units.
const pairMapW, pairMapH, pairMapPad = 360, 220, 40

// pairMap draws two hotels' points on a local flat projection (metres east
// and north of their midpoint), scaled to fit, with a scale bar.
func pairMap(a, b suppliers.Hotel, distance float64) views.AdminPairMap {
	lat0 := (a.Lat + b.Lat) / 2
	east := (b.Lng - a.Lng) * math.Cos(lat0*math.Pi/180) * 111320
	north := (b.Lat - a.Lat) * 110540
	span := math.Max(math.Max(math.Abs(east), math.Abs(north)), 20)
	scale := math.Min(pairMapW-2*pairMapPad, pairMapH-2*pairMapPad) / span
	cx, cy := float64(pairMapW)/2, float64(pairMapH)/2
	m := views.AdminPairMap{Width: pairMapW, Height: pairMapH,
		AX: int(math.Round(cx - east/2*scale)), AY: int(math.Round(cy + north/2*scale)),
		BX: int(math.Round(cx + east/2*scale)), BY: int(math.Round(cy - north/2*scale)),
		Label: "Map of hotel A and hotel B, " + strconv.FormatFloat(distance, 'f', 0, 64) + " m apart"}
	bar := 1.0
	for _, step := range []float64{2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000} {
		if step*scale <= pairMapW/3 {
			bar = step
		}
	}
	m.ScaleX2 = 10 + int(math.Round(bar*scale))
	m.ScaleLabel = strconv.FormatFloat(bar, 'f', 0, 64) + " m"
	if bar >= 1000 {
		m.ScaleLabel = strconv.FormatFloat(bar/1000, 'f', 0, 64) + " km"
	}
	return m
}
