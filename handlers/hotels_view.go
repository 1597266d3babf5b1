package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"lobang/aggregator"
	"lobang/aggregator/suppliers"
	"lobang/db"
	"lobang/destinations"
	"lobang/views"
)

// Photo sizes: the simulated suppliers' photos are 800×533; the width and
// height attributes reserve the space before the image arrives.
const (
	photoWidth  = 800
	photoHeight = 533
	maxPhotos   = 12
	maxNearby   = 8
	nearbyKM    = 10.0
)

// reviewParts orders the review breakdown and names its categories.
var reviewParts = []struct{ key, label string }{
	{"cleanliness", "Cleanliness"}, {"location", "Location"}, {"service", "Service"},
	{"rooms", "Rooms"}, {"value", "Value for money"},
}

// hotelView builds the hotel page's view model: content only, no prices.
func (h *Handler) hotelView(ctx context.Context, hotel db.Hotel, q url.Values, now time.Time) (views.HotelView, error) {
	dest, _ := destinations.Lookup(hotel.DestinationUID)
	destName := cmpOr(dest.Name, "its destination")
	path := hotelPath(hotel)
	v := views.HotelView{
		Attribution:     h.cfg.Attribution,
		ID:              hotel.ID,
		Name:            hotel.Name,
		Stars:           int(math.Round(hotel.Stars)),
		Address:         hotel.Address,
		Destination:     views.Link{Label: destName, URL: destinationPath(dest)},
		DescriptionHTML: hotel.Description,
		Amenities:       amenityGroups(hotel.Amenities),
		CheckIn:         hotel.CheckInTime,
		CheckOut:        hotel.CheckOutTime,
		Suppliers:       strings.Join(hotel.Suppliers, ", "),
		Review:          review(hotel),
	}
	if v.Stars > 0 {
		v.StarsText = strconv.Itoa(v.Stars) + "-star hotel"
	}
	for i, img := range hotel.Images[:min(len(hotel.Images), maxPhotos)] {
		alt := img.Caption
		if alt == "" {
			alt = fmt.Sprintf("Photo %d of %s", i+1, hotel.Name)
		}
		v.Images = append(v.Images, views.Image{URL: img.URL, Alt: alt, Width: photoWidth, Height: photoHeight})
	}

	v.Stay = views.StayForm{Action: path, Rooms: 1, Adults: 2, Currency: defaultCurr,
		Currencies: searchCurrencies, MinDate: now.UTC().Format(time.DateOnly)}
	if hasStay(q) {
		stay, errs := parseStay(q, hotel.DestinationUID, now)
		v.Stay.Checkin = truncateValid(strings.TrimSpace(q.Get("checkin")), 10)
		v.Stay.Checkout = truncateValid(strings.TrimSpace(q.Get("checkout")), 10)
		v.Stay.Rooms, v.Stay.Adults, v.Stay.Children = stay.Rooms, stay.Adults, stay.ChildrenAges
		v.Stay.Currency = stay.Currency
		if len(errs) == 0 {
			v.RoomsURL = "/hotels/" + strconv.FormatInt(hotel.ID, 10) + "/rooms?" + stayQuery(stay)
		}
	}

	if hotel.HasGeo && h.db != nil {
		others, _, err := db.HotelsByDestination(ctx, h.db, hotel.DestinationUID, "popular", 500, 0)
		if err != nil {
			return views.HotelView{}, err
		}
		v.Map = hotelMap(hotel, others)
	}

	title := hotel.Name + ", " + destName
	if v.Stars > 0 {
		title += " · " + v.StarsText
	}
	desc := hotelDescription(hotel, destName, v.StarsText)
	v.Meta = h.meta(title, desc, path, !hotel.Active)
	if hasStay(q) && hotel.Active {
		v.Meta.Robots = "noindex,follow"
	}
	v.Meta.OG = views.OpenGraph{Type: "website", Title: hotel.Name, Description: desc, URL: v.Meta.Canonical}
	if len(v.Images) > 0 {
		v.Meta.OG.Image = v.Images[0].URL
	}
	ld, err := hotelJSONLD(hotel, dest, v.Meta.Canonical, desc)
	if err != nil {
		return views.HotelView{}, err
	}
	v.Meta.JSONLD = ld
	return v, nil
}

// hotelDescription is the page's meta description, under 160 characters
// where the hotel's name allows.
func hotelDescription(hotel db.Hotel, destName, starsText string) string {
	var b strings.Builder
	b.WriteString(hotel.Name + " in " + destName)
	if starsText != "" {
		b.WriteString(", a " + starsText)
	}
	if hotel.ReviewScore > 0 && hotel.ReviewCount > 0 {
		fmt.Fprintf(&b, " rated %.1f/10 by %d guests", hotel.ReviewScore, hotel.ReviewCount)
	}
	b.WriteString(". Photos, amenities, map and every supplier's room prices for your dates.")
	return b.String()
}

func review(hotel db.Hotel) views.Review {
	if hotel.ReviewScore <= 0 {
		return views.Review{}
	}
	r := views.Review{Score: strconv.FormatFloat(hotel.ReviewScore, 'f', 1, 64), Label: reviewLabel(hotel.ReviewScore), Count: hotel.ReviewCount}
	for _, p := range reviewParts {
		if s, ok := hotel.ReviewBreakdown[p.key]; ok && s > 0 {
			r.Parts = append(r.Parts, views.ReviewPart{Label: p.label, Score: strconv.FormatFloat(s, 'f', 1, 64),
				Tenths: max(0, min(10, int(math.Round(s))))})
		}
	}
	return r
}

func reviewLabel(score float64) string {
	switch {
	case score >= 9:
		return "Exceptional"
	case score >= 8:
		return "Excellent"
	case score >= 7:
		return "Very good"
	case score >= 6:
		return "Good"
	default:
		return "Review score"
	}
}

// amenityGroups groups amenity keys by the vocabulary's groups, in its order.
func amenityGroups(keys []string) []views.AmenityGroup {
	var out []views.AmenityGroup
	for _, a := range suppliers.Amenities {
		if !slices.Contains(keys, a.Key) {
			continue
		}
		if len(out) == 0 || out[len(out)-1].Name != a.Group {
			out = append(out, views.AmenityGroup{Name: a.Group})
		}
		out[len(out)-1].Items = append(out[len(out)-1].Items, a.Label)
	}
	return out
}

// Map drawing: an equirectangular projection scaled to fit, good enough for
// a few kilometres around one hotel.
const (
	mapWidth  = 560
	mapHeight = 320
	mapPad    = 28
)

// hotelMap places the hotel and its nearest neighbours (with coordinates,
// within nearbyKM) on a small map.
func hotelMap(hotel db.Hotel, others []db.Hotel) *views.HotelMap {
	type near struct {
		h  db.Hotel
		km float64
	}
	var ns []near
	for _, o := range others {
		if o.ID == hotel.ID || !o.HasGeo {
			continue
		}
		if km := aggregator.DistanceMetres(hotel.Lat, hotel.Lng, o.Lat, o.Lng) / 1000; km <= nearbyKM {
			ns = append(ns, near{o, km})
		}
	}
	slices.SortFunc(ns, func(a, b near) int { return compareFloat(a.km, b.km) })
	ns = ns[:min(len(ns), maxNearby)]

	k := math.Cos(hotel.Lat * math.Pi / 180)
	xy := func(lat, lng float64) (float64, float64) { return (lng - hotel.Lng) * k, -(lat - hotel.Lat) }
	minX, maxX, minY, maxY := 0.0, 0.0, 0.0, 0.0
	for _, n := range ns {
		x, y := xy(n.h.Lat, n.h.Lng)
		minX, maxX, minY, maxY = math.Min(minX, x), math.Max(maxX, x), math.Min(minY, y), math.Max(maxY, y)
	}
	// A uniform scale keeps distances true in both directions.
	scale := math.Min(float64(mapWidth-2*mapPad)/math.Max(maxX-minX, 1e-6), float64(mapHeight-2*mapPad)/math.Max(maxY-minY, 1e-6))
	if len(ns) == 0 {
		scale = 0
	}
	offX := (float64(mapWidth) - (maxX-minX)*scale) / 2
	offY := (float64(mapHeight) - (maxY-minY)*scale) / 2
	point := func(h db.Hotel) views.MapPoint {
		x, y := xy(h.Lat, h.Lng)
		px := int(math.Round(offX + (x-minX)*scale))
		return views.MapPoint{X: px, Y: int(math.Round(offY + (y-minY)*scale)), Name: h.Name,
			URL: hotelPath(h), LabelLeft: px > mapWidth*3/5}
	}
	m := &views.HotelMap{Width: mapWidth, Height: mapHeight}
	for _, n := range ns {
		p := point(n.h)
		p.Distance = distanceText(n.km * 1000)
		m.Points = append(m.Points, p)
	}
	cur := point(hotel)
	cur.Current = true
	m.Points = append(m.Points, cur) // drawn last, on top
	return m
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// parseStay reads a stay from the address with /search's rules, for a
// hotel in destination uid.
func parseStay(q url.Values, uid string, now time.Time) (suppliers.Query, map[string]string) {
	v := url.Values{}
	for _, k := range []string{"checkin", "checkout", "rooms", "adults", "children", "currency"} {
		if vs, ok := q[k]; ok {
			v[k] = vs
		}
	}
	v.Set("destination", uid)
	p, errs := parseSearch(v, now)
	return p.Query, errs
}

// stayQuery is the normalised query of a stay: parameters in a fixed
// order, children comma-separated.
func stayQuery(s suppliers.Query) string {
	v := "checkin=" + s.Checkin.Format(time.DateOnly) + "&checkout=" + s.Checkout.Format(time.DateOnly) +
		"&rooms=" + strconv.Itoa(s.Rooms) + "&adults=" + strconv.Itoa(s.Adults)
	if len(s.ChildrenAges) > 0 {
		ages := make([]string, len(s.ChildrenAges))
		for i, a := range s.ChildrenAges {
			ages[i] = strconv.Itoa(a)
		}
		v += "&children=" + strings.Join(ages, ",")
	}
	return v + "&currency=" + url.QueryEscape(s.Currency)
}

// hotelJSONLD is the schema.org Hotel document of a hotel page.
func hotelJSONLD(hotel db.Hotel, dest destinations.Destination, canonical, desc string) (string, error) {
	type thing = map[string]any
	doc := thing{
		"@context":    "https://schema.org",
		"@type":       "Hotel",
		"name":        hotel.Name,
		"description": desc,
	}
	if canonical != "" {
		doc["url"] = canonical
		doc["@id"] = canonical
	}
	addr := thing{"@type": "PostalAddress", "streetAddress": hotel.Address}
	if hotel.PostalCode != "" {
		addr["postalCode"] = hotel.PostalCode
	}
	if dest.Name != "" {
		addr["addressLocality"] = dest.Name
	}
	if dest.Region != "" {
		addr["addressRegion"] = dest.Region
	}
	if dest.CountryCode != "" {
		addr["addressCountry"] = dest.CountryCode
	}
	doc["address"] = addr
	if hotel.HasGeo {
		doc["geo"] = thing{"@type": "GeoCoordinates", "latitude": hotel.Lat, "longitude": hotel.Lng}
	}
	if hotel.Stars > 0 {
		doc["starRating"] = thing{"@type": "Rating", "ratingValue": hotel.Stars}
	}
	if hotel.ReviewScore > 0 && hotel.ReviewCount > 0 {
		doc["aggregateRating"] = thing{"@type": "AggregateRating", "ratingValue": hotel.ReviewScore,
			"bestRating": 10, "worstRating": 0, "reviewCount": hotel.ReviewCount}
	}
	var images []string
	for _, img := range hotel.Images[:min(len(hotel.Images), maxPhotos)] {
		images = append(images, img.URL)
	}
	if len(images) > 0 {
		doc["image"] = images
	}
	var features []thing
	for _, g := range amenityGroups(hotel.Amenities) {
		for _, label := range g.Items {
			features = append(features, thing{"@type": "LocationFeatureSpecification", "name": label, "value": true})
		}
	}
	if len(features) > 0 {
		doc["amenityFeature"] = features
	}
	if hotel.CheckInTime != "" {
		doc["checkinTime"] = hotel.CheckInTime
	}
	if hotel.CheckOutTime != "" {
		doc["checkoutTime"] = hotel.CheckOutTime
	}
	// encoding/json escapes <, > and & so the document cannot end its script element.
	b, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("hotel %d json-ld: %w", hotel.ID, err)
	}
	return string(b), nil
}
