package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"lobang/aggregator"
	"lobang/destinations"
	"lobang/suggest"
	"lobang/views"
)

// problemFields orders the error summary and says which control each
// field's message jumps to ("" where the form has none).
var problemFields = []struct{ name, control string }{
	{"q", "q"}, {"checkin", "checkin"}, {"checkout", "checkout"}, {"rooms", "rooms"},
	{"adults", "adults"}, {"children", "child-1"}, {"currency", ""}, {"sort", ""},
	{"stars", ""}, {"min_price", ""}, {"max_price", ""}, {"free_cancellation", ""},
	{"amenities", ""}, {"page", ""},
}

// SearchPage is the results page of a search. Invalid input re-renders the
// form with its messages (422); a destination typed but not chosen is
// resolved (303 to the same search with destination=UID) or offered as
// "did you mean"; a valid search shows the form and the results region.
func (h *Handler) SearchPage(w http.ResponseWriter, r *http.Request) {
	today := time.Now().UTC()
	p, errs := parseSearch(r.URL.Query(), today)
	form := searchForm(r, p, today)
	dest, hasDest := destinations.Lookup(p.Query.DestinationUID)
	if hasDest && form.Q == "" {
		form.Q = dest.Name
	}
	if len(errs) > 0 {
		// Save the customer a step: the text they typed may already name a place.
		if p.Query.DestinationUID == "" && errs["q"] == "" {
			if best, _, ok := h.suggest().Resolve(p.Q); ok {
				form.Destination = resolvedUID(best)
			}
		}
		h.searchInvalid(w, r, form, errs)
		return
	}
	if !hasDest {
		h.searchResolve(w, r, p, form)
		return
	}
	if isPartial(r) && r.URL.Query().Get("part") == "more" {
		h.searchMore(w, r, p, dest)
		return
	}
	results, err := h.searchResults(r, p, dest)
	if errors.Is(err, aggregator.ErrRateLimited) {
		h.tooManySearches(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	summary := stayDates(p.Query.Checkin, p.Query.Checkout) + " · " +
		guests(p.Query.Rooms, p.Query.Adults, len(p.Query.ChildrenAges))
	v := views.SearchView{
		Meta:        h.meta("Hotels in "+dest.Name+" · "+summary, "", "", true),
		Attribution: h.cfg.Attribution,
		Form:        form,
		Heading:     "Hotels in " + dest.Name,
		Summary:     summary,
		Results:     results,
	}
	if isPartial(r) {
		// The filter form: the results region alone replaces the shown one.
		h.render(w, r, http.StatusOK, views.ResultsRegion(results))
		return
	}
	h.render(w, r, http.StatusOK, views.SearchPage(v))
}

// searchInvalid re-renders the form with its messages, status 422: the
// whole page, or the form alone for a partial htmx request.
func (h *Handler) searchInvalid(w http.ResponseWriter, r *http.Request, form views.SearchForm, errs map[string]string) {
	form.Errors = errs
	var problems []views.Problem
	for _, f := range problemFields {
		if msg := errs[f.name]; msg != "" {
			problems = append(problems, views.Problem{Field: f.control, Message: msg})
		}
	}
	if isPartial(r) {
		h.render(w, r, http.StatusUnprocessableEntity, views.SearchFormPanel(form, problems))
		return
	}
	v := views.SearchView{
		Meta:        h.meta("Check your search", "", "", true),
		Attribution: h.cfg.Attribution,
		Form:        form,
		Problems:    problems,
	}
	h.render(w, r, http.StatusUnprocessableEntity, views.SearchPage(v))
}

// searchResolve handles a destination typed but not chosen from the list:
// one clear meaning redirects to the same search there; several are offered
// as "did you mean"; none is a message beside the field.
func (h *Handler) searchResolve(w http.ResponseWriter, r *http.Request, p searchParams, form views.SearchForm) {
	best, alternatives, ok := h.suggest().Resolve(p.Q)
	if ok {
		http.Redirect(w, r, searchIn(p, best), http.StatusSeeOther)
		return
	}
	if len(alternatives) == 0 {
		h.searchInvalid(w, r, form, map[string]string{
			"q": "We couldn't find a place called “" + p.Q + "”. Check the spelling, or try a nearby city.",
		})
		return
	}
	v := views.DidYouMeanView{
		Meta:        h.meta("Which “"+p.Q+"” did you mean?", "", "", true),
		Attribution: h.cfg.Attribution,
		Form:        form,
		Q:           p.Q,
	}
	for _, m := range alternatives {
		v.Options = append(v.Options, views.DidYouMeanOption{
			Name:    m.Name,
			Context: m.Context,
			URL:     searchIn(p, m),
			Hotel:   m.Kind == suggest.KindHotel,
		})
	}
	if isPartial(r) {
		h.render(w, r, http.StatusOK, views.DidYouMeanContent(v))
		return
	}
	h.render(w, r, http.StatusOK, views.DidYouMeanPage(v))
}

// searchIn is the URL of search p in the destination of m, with q set to
// the destination's name.
func searchIn(p searchParams, m suggest.Match) string {
	p.Query.DestinationUID = resolvedUID(m)
	p.Q = m.Name
	if d, ok := destinations.Lookup(p.Query.DestinationUID); ok {
		p.Q = d.Name
	}
	return canonicalSearchURL(p)
}

// resolvedUID is the destination to search for a match: a place itself, or
// the place a hotel is in.
func resolvedUID(m suggest.Match) string {
	if m.Kind == suggest.KindHotel {
		return m.DestinationUID
	}
	return m.ID
}

// searchForm is the form as the customer filled it: dates as typed (so a
// mistyped one can be corrected), the rest as read; errors are added by
// searchInvalid.
func searchForm(r *http.Request, p searchParams, today time.Time) views.SearchForm {
	v := r.URL.Query()
	return views.SearchForm{
		Q:           p.Q,
		Destination: p.Query.DestinationUID,
		Checkin:     strings.TrimSpace(v.Get("checkin")),
		Checkout:    strings.TrimSpace(v.Get("checkout")),
		Rooms:       p.Query.Rooms,
		Adults:      p.Query.Adults,
		Children:    slices.Clone(p.Query.ChildrenAges),
		MinDate:     today.Format(time.DateOnly),
	}
}

// stayDates writes a stay compactly: "3–5 Mar", "30 Mar – 2 Apr",
// "30 Dec 2026 – 2 Jan 2027".
func stayDates(in, out time.Time) string {
	switch {
	case in.Year() != out.Year():
		return in.Format("2 Jan 2006") + " – " + out.Format("2 Jan 2006")
	case in.Month() != out.Month():
		return in.Format("2 Jan") + " – " + out.Format("2 Jan")
	default:
		return strconv.Itoa(in.Day()) + "–" + out.Format("2 Jan")
	}
}

// guests writes the party: "2 adults", "2 rooms · 4 adults, 2 children".
func guests(rooms, adultsPerRoom, childrenPerRoom int) string {
	s := plural(rooms*adultsPerRoom, "adult", "adults")
	if childrenPerRoom > 0 {
		s += ", " + plural(rooms*childrenPerRoom, "child", "children")
	}
	if rooms > 1 {
		s = plural(rooms, "room", "rooms") + " · " + s
	}
	return s
}

// plural writes "1 room", "2 rooms".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
