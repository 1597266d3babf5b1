package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"lobang/aggregator"
	"lobang/destinations"
	"lobang/fx"
	"lobang/views"
)

// perPage is how many hotels a page of results shows.
const perPage = 30

// resultsView is how a search's results are shown beyond what searchParams
// holds: a minimum review score, prices per night, the map. They are
// display choices, so an unusable value is ignored rather than refused.
type resultsView struct {
	MinReview int // 0 (any), 6, 7, 8 or 9
	PerNight  bool
	Map       bool
}

func parseResultsView(v url.Values) resultsView {
	var rv resultsView
	if n, err := strconv.Atoi(strings.TrimSpace(v.Get("min_review"))); err == nil && n >= 6 && n <= 9 {
		rv.MinReview = n
	}
	rv.PerNight = v.Get("per_night") == "1"
	rv.Map = v.Get("view") == "map"
	return rv
}

// query is the URL query of the results page for p shown as rv.
func (rv resultsView) query(p searchParams) string {
	q := strings.TrimPrefix(canonicalSearchURL(p), "/search?")
	if rv.MinReview > 0 {
		q += "&min_review=" + strconv.Itoa(rv.MinReview)
	}
	if rv.PerNight {
		q += "&per_night=1"
	}
	if rv.Map {
		q += "&view=map"
	}
	return q
}

// resultsPage is one rendering of a search's results: the search, how it is
// shown, and where its destination's centre is.
type resultsPage struct {
	p    searchParams
	rv   resultsView
	dest destinations.Destination
}

func (rp resultsPage) url() string { return "/search?" + rp.rv.query(rp.p) }

// withPage is the same results at another page.
func (rp resultsPage) withPage(n int) resultsPage {
	rp.p.Page = n
	return rp
}

func (rp resultsPage) options() aggregator.ResultOptions {
	scale := int64(1)
	if d, ok := fx.MinorUnits(rp.p.Query.Currency); ok {
		for range d {
			scale *= 10
		}
	}
	return aggregator.ResultOptions{
		Sort:             rp.p.Sort,
		Stars:            rp.p.Stars,
		MinPrice:         int64(rp.p.MinPrice) * scale,
		MaxPrice:         int64(rp.p.MaxPrice) * scale,
		MinReview:        float64(rp.rv.MinReview),
		FreeCancellation: rp.p.FreeCancellation,
		Amenities:        rp.p.Amenities,
		CenterLat:        rp.dest.Lat,
		CenterLng:        rp.dest.Lng,
	}
}

// filtered reports whether any filter is on.
func (rp resultsPage) filtered() bool {
	p := rp.p
	return len(p.Stars) > 0 || p.MinPrice > 0 || p.MaxPrice > 0 || p.FreeCancellation ||
		len(p.Amenities) > 0 || rp.rv.MinReview > 0
}

// ranking is a search's hotels that pass the filters, in the page's order,
// with their catalog content.
type ranking struct {
	hotels  []aggregator.HotelResult
	content map[int64]cardHotel
	rank    map[int64]int
}

// rank filters and orders hotels for rp. Hotels the catalog does not know
// (yet) are left out: there is nothing to show for them.
func (h *Handler) rank(ctx context.Context, hotels []aggregator.HotelResult, rp resultsPage) (ranking, error) {
	ids := make([]int64, len(hotels))
	for i, hr := range hotels {
		ids[i] = hr.HotelID
	}
	content, err := h.results().hotels.get(ctx, h.db, ids)
	if err != nil {
		return ranking{}, err
	}
	known := make([]aggregator.HotelResult, 0, len(hotels))
	facts := make(map[int64]aggregator.HotelFacts, len(content))
	for _, hr := range hotels {
		if c, ok := content[hr.HotelID]; ok && len(hr.Prices) > 0 {
			known = append(known, hr)
			facts[hr.HotelID] = c.facts()
		}
	}
	o := rp.options()
	o.Page, o.PerPage = 1, max(1, len(known))
	sel := aggregator.Select(known, facts, o)
	r := ranking{hotels: sel.Hotels, content: content, rank: make(map[int64]int, len(sel.Hotels))}
	for i, hr := range sel.Hotels {
		r.rank[hr.HotelID] = i
	}
	return r, nil
}

// window is the part of the ranking page n shows.
func (r ranking) window(n int) []aggregator.HotelResult {
	start := (n - 1) * perPage
	if start >= len(r.hotels) {
		return nil
	}
	return r.hotels[start:min(start+perPage, len(r.hotels))]
}

// searchResults starts (or joins) the search and renders what it holds now.
// It returns aggregator.ErrRateLimited when the client may not start
// another search; when Redis is down it searches in process and renders the
// complete result without a stream.
func (h *Handler) searchResults(r *http.Request, p searchParams, dest destinations.Destination) (templ.Component, error) {
	if h.agg == nil {
		// The pipeline is still being attached (the process is starting).
		return views.SearchPending(dest.Name), nil
	}
	ctx := r.Context()
	rp := resultsPage{p: p, rv: parseResultsView(r.URL.Query()), dest: dest}
	snap, streamable, err := h.searchSnapshot(ctx, p, ClientIP(ctx).String())
	if errors.Is(err, aggregator.ErrNoSearch) {
		// Expired between start and read: the next refresh starts it anew.
		return views.SearchPending(dest.Name), nil
	}
	if err != nil {
		return nil, err
	}
	v, err := h.resultsView(ctx, snap, rp, streamable)
	if err != nil {
		return nil, err
	}
	return views.Results(v), nil
}

// searchSnapshot starts or joins the search for p and reads it; without
// Redis it searches in process (streamable is then false).
func (h *Handler) searchSnapshot(ctx context.Context, p searchParams, client string) (snap aggregator.Snapshot, streamable bool, err error) {
	sid, err := h.agg.Start(ctx, p.Query, client)
	if errors.Is(err, aggregator.ErrRateLimited) {
		return snap, false, err
	}
	if err == nil {
		snap, err = h.agg.Snapshot(ctx, sid)
		if err == nil || errors.Is(err, aggregator.ErrNoSearch) {
			return snap, true, err
		}
	}
	if ctx.Err() != nil {
		return snap, false, ctx.Err()
	}
	h.log.Warn("search pipeline unavailable, searching in process", "err", err)
	return h.agg.SearchLocal(ctx, p.Query), false, nil
}

// resultsView builds the results region for a snapshot.
func (h *Handler) resultsView(ctx context.Context, snap aggregator.Snapshot, rp resultsPage, streamable bool) (views.ResultsView, error) {
	rk, err := h.rank(ctx, snap.Hotels, rp)
	if err != nil {
		return views.ResultsView{}, err
	}
	page := rp.p.Page
	v := views.ResultsView{
		Live:     !snap.Progress.Complete,
		Status:   resultsStatus(snap.Progress, len(rk.hotels), rp),
		Filters:  resultsFilters(rp),
		SortNote: sortNote(rp),
		More:     resultsMore(rp, len(rk.hotels)),
	}
	if v.Live && streamable && snap.SID != "" {
		v.StreamURL = "/search/" + snap.SID + "/stream?after=" + url.QueryEscape(snap.LastEventID) + "&" + rp.rv.query(rp.p)
	}
	list, mapped := rp, rp
	list.rv.Map, mapped.rv.Map = false, true
	v.ListURL, v.MapURL = list.withPage(1).url(), mapped.withPage(1).url()
	shown := rk.window(page)
	if rp.rv.Map {
		m := resultsMap(rk, shown, rp)
		v.Map = &m
		return v, nil
	}
	v.Cards = make([]views.ResultCard, 0, len(shown))
	for i, hr := range shown {
		v.Cards = append(v.Cards, resultCard(hr, rk.content[hr.HotelID], rp, i >= 4))
	}
	return v, nil
}

// searchMore answers "load more" (a partial request for page 2 and on): the
// next cards and the next sentinel.
func (h *Handler) searchMore(w http.ResponseWriter, r *http.Request, p searchParams, dest destinations.Destination) {
	if h.agg == nil {
		h.renderError(w, r, http.StatusServiceUnavailable)
		return
	}
	ctx := r.Context()
	rp := resultsPage{p: p, rv: parseResultsView(r.URL.Query()), dest: dest}
	snap, _, err := h.searchSnapshot(ctx, p, ClientIP(ctx).String())
	switch {
	case errors.Is(err, aggregator.ErrRateLimited):
		h.tooManySearches(w, r)
		return
	case errors.Is(err, aggregator.ErrNoSearch):
		h.renderError(w, r, http.StatusNotFound)
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	rk, err := h.rank(ctx, snap.Hotels, rp)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := views.ResultsMoreView{More: resultsMore(rp, len(rk.hotels))}
	for _, hr := range rk.window(p.Page) {
		v.Cards = append(v.Cards, resultCard(hr, rk.content[hr.HotelID], rp, true))
	}
	h.render(w, r, http.StatusOK, views.ResultsMoreFragment(v))
}

// tooManySearches answers a client that started too many new searches.
func (h *Handler) tooManySearches(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", "60")
	h.renderError(w, r, http.StatusTooManyRequests)
}

// resultsMore is the link to the page after rp's, or the end of the list.
func resultsMore(rp resultsPage, matched int) views.ResultsMore {
	page := rp.p.Page
	m := views.ResultsMore{Matched: matched, Shown: min(page*perPage, matched)}
	if page > 1 {
		m.PrevURL = rp.withPage(page - 1).url()
	}
	if page*perPage < matched {
		next := rp.withPage(page + 1).url()
		m.URL, m.PartialURL = next, next+"&part=more"
	}
	return m
}

// resultsStatus is the status line: suppliers answered, hotels priced, the
// suppliers that failed, and how many hotels pass the filters.
func resultsStatus(pr aggregator.Progress, matched int, rp resultsPage) views.ResultsStatus {
	s := views.ResultsStatus{
		Progress:  fmt.Sprintf("%d of %d suppliers · %s", pr.Final, pr.Total, plural(pr.Hotels, "hotel", "hotels")),
		Complete:  pr.Complete,
		ResortURL: rp.withPage(1).url(),
	}
	if rp.filtered() {
		s.Matched = plural(matched, "matches", "match") + " your filters"
	}
	for _, st := range pr.Suppliers {
		why := st.Why
		if why == "" {
			why = "no reason given"
		}
		switch st.State {
		case aggregator.StateFailed:
			s.Notes = append(s.Notes, supplierName(st.Name)+" didn't answer ("+why+"): its prices are missing.")
		case aggregator.StateSkipped:
			s.Notes = append(s.Notes, supplierName(st.Name)+" was skipped ("+why+"): its prices are missing.")
		}
	}
	if pr.Complete && pr.Hotels == 0 {
		s.Notes = append(s.Notes, "No hotel has rooms for this stay. Try other dates or fewer rooms.")
	}
	return s
}

func sortNote(rp resultsPage) string {
	switch rp.p.Sort {
	case aggregator.SortReview:
		return "Sorted by review score, best first; equal scores by lowest total price."
	case aggregator.SortStars:
		return "Sorted by star rating, most first; equal ratings by lowest total price."
	case aggregator.SortDistance:
		return "Sorted by distance from the centre of " + rp.dest.Name + ", closest first."
	default:
		return "Sorted by lowest total price, taxes and fees included."
	}
}

// filterAmenities are the amenities offered as filters, most asked for first.
var filterAmenities = []string{"wifi", "pool", "breakfast", "parking", "gym", "spa", "air_conditioning", "family_rooms", "pets", "accessible"}

var amenityLabels = map[string]string{
	"wifi": "Free Wi-Fi", "pool": "Pool", "breakfast": "Breakfast", "parking": "Parking",
	"gym": "Fitness centre", "spa": "Spa", "air_conditioning": "Air conditioning",
	"family_rooms": "Family rooms", "pets": "Pets allowed", "accessible": "Wheelchair accessible",
}

// resultsFilters fills the filter form with rp's choices and the stay as
// hidden fields.
func resultsFilters(rp resultsPage) views.ResultsFilters {
	p := rp.p
	q := p.Query
	f := views.ResultsFilters{
		Sort:             p.Sort,
		Currency:         q.Currency,
		Currencies:       searchCurrencies,
		PerNight:         rp.rv.PerNight,
		Stars:            p.Stars,
		FreeCancellation: p.FreeCancellation,
	}
	f.Stay = []views.HiddenField{
		{Name: "destination", Value: q.DestinationUID},
		{Name: "q", Value: rp.dest.Name},
		{Name: "checkin", Value: q.Checkin.Format("2006-01-02")},
		{Name: "checkout", Value: q.Checkout.Format("2006-01-02")},
		{Name: "rooms", Value: strconv.Itoa(q.Rooms)},
		{Name: "adults", Value: strconv.Itoa(q.Adults)},
	}
	if len(q.ChildrenAges) > 0 {
		f.Stay = append(f.Stay, views.HiddenField{Name: "children", Value: joinInts(q.ChildrenAges)})
	}
	if rp.rv.Map {
		f.View = "map"
	}
	if p.MinPrice > 0 {
		f.MinPrice = strconv.Itoa(p.MinPrice)
	}
	if p.MaxPrice > 0 {
		f.MaxPrice = strconv.Itoa(p.MaxPrice)
	}
	if rp.rv.MinReview > 0 {
		f.MinReview = strconv.Itoa(rp.rv.MinReview)
	}
	for _, a := range filterAmenities {
		f.Amenities = append(f.Amenities, views.Choice{Value: a, Label: amenityLabels[a], Checked: slices.Contains(p.Amenities, a)})
	}
	return f
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}
