package handlers

import (
	"math"

	"lobang/aggregator"
	"lobang/views"
)

// Size of the map view's drawing, and the margin kept free around the pins
// (price labels extend to the right of their pin).
const (
	resultsMapWidth, resultsMapHeight = 800, 520
	resultsMapMargin                  = 24
	resultsMapLabelRoom               = 96
)

// resultsMap plots the hotels of a page on an equirectangular projection
// of their bounding box (and the centre's), scaled to fit the drawing.
func resultsMap(rk ranking, shown []aggregator.HotelResult, rp resultsPage) views.ResultsMap {
	m := views.ResultsMap{Width: resultsMapWidth, Height: resultsMapHeight}
	type point struct {
		lat, lng float64
		hr       aggregator.HotelResult
		c        cardHotel
	}
	var pts []point
	minLat, maxLat := math.Inf(1), math.Inf(-1)
	minLng, maxLng := math.Inf(1), math.Inf(-1)
	extend := func(lat, lng float64) {
		minLat, maxLat = min(minLat, lat), max(maxLat, lat)
		minLng, maxLng = min(minLng, lng), max(maxLng, lng)
	}
	for _, hr := range shown {
		c := rk.content[hr.HotelID]
		if !c.HasGeo {
			m.Missing++
			continue
		}
		pts = append(pts, point{c.Lat, c.Lng, hr, c})
		extend(c.Lat, c.Lng)
	}
	if len(pts) == 0 {
		return m
	}
	m.HasCenter = rp.dest.Lat != 0 || rp.dest.Lng != 0
	if m.HasCenter {
		extend(rp.dest.Lat, rp.dest.Lng)
	}
	// Longitude degrees shrink with latitude; keep the map's proportions true.
	kx := math.Cos((minLat + maxLat) / 2 * math.Pi / 180)
	spanX := max((maxLng-minLng)*kx, 0.002)
	spanY := max(maxLat-minLat, 0.002)
	w := float64(resultsMapWidth - 2*resultsMapMargin - resultsMapLabelRoom)
	hgt := float64(resultsMapHeight - 2*resultsMapMargin)
	scale := min(w/spanX, hgt/spanY)
	project := func(lat, lng float64) (int, int) {
		x := float64(resultsMapMargin) + (lng-minLng)*kx*scale
		y := float64(resultsMapMargin) + (maxLat-lat)*scale
		return int(math.Round(x)), int(math.Round(y))
	}
	if m.HasCenter {
		m.CenterX, m.CenterY = project(rp.dest.Lat, rp.dest.Lng)
	}
	for _, pt := range pts {
		x, y := project(pt.lat, pt.lng)
		card := resultCard(pt.hr, pt.c, rp, true)
		m.Pins = append(m.Pins, views.MapPin{X: x, Y: y, Name: pt.c.Name, Price: card.Price, URL: card.URL})
	}
	return m
}
