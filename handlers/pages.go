package handlers

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"time"

	"lobang/db"
	"lobang/destinations"
	"lobang/views"
)

// popularCount is how many destinations the home page links.
const popularCount = 8

// popularDestinations are the destinations with the most hotels in the
// catalog, linked to their pages. The same for every visitor: the home page
// stays cacheable. Without a catalog the section is simply left out.
func (h *Handler) popularDestinations(ctx context.Context) []views.DestinationLink {
	if h.db == nil {
		return nil
	}
	ds, err := db.DestinationsWithHotels(ctx, h.db)
	if err != nil {
		h.log.Warn("popular destinations", "err", err)
		return nil
	}
	slices.SortStableFunc(ds, func(a, b db.DestinationCatalog) int { return cmp.Compare(b.Hotels, a.Hotels) })
	var out []views.DestinationLink
	for _, d := range ds {
		dest, ok := destinations.Lookup(d.UID)
		if !ok {
			continue
		}
		out = append(out, views.DestinationLink{Name: dest.Name, Country: dest.Country, URL: destinationPath(dest), Hotels: d.Hotels})
		if len(out) == popularCount {
			break
		}
	}
	return out
}

// HomePage is the search form and popular destinations.
func (h *Handler) HomePage(w http.ResponseWriter, r *http.Request) {
	today := time.Now().UTC()
	v := views.Home{
		Meta: h.meta("Lobang · Compare hotel prices from every supplier",
			"Search hotels in 20,000 destinations and compare every supplier's price for each hotel, then book with free cancellation on many rooms.",
			"/", false),
		Form: views.SearchForm{
			Checkin:  today.AddDate(0, 0, 14).Format(time.DateOnly),
			Checkout: today.AddDate(0, 0, 16).Format(time.DateOnly),
			Rooms:    1,
			Adults:   2,
			MinDate:  today.Format(time.DateOnly),
		},
		Attribution: h.cfg.Attribution,
		Popular:     h.popularDestinations(r.Context()),
	}
	h.render(w, r, http.StatusOK, views.HomePage(v))
}

// TermsPage is the terms of use.
func (h *Handler) TermsPage(w http.ResponseWriter, r *http.Request) {
	v := views.Static{Meta: h.meta("Terms of use", "The terms that apply when you search and book hotels on Lobang.", "/terms", false), Attribution: h.cfg.Attribution}
	h.render(w, r, http.StatusOK, views.TermsPage(v))
}

// PrivacyPage is the privacy notice.
func (h *Handler) PrivacyPage(w http.ResponseWriter, r *http.Request) {
	v := views.Static{Meta: h.meta("Privacy notice", "What personal data Lobang keeps, why, and how to have it erased.", "/privacy", false), Attribution: h.cfg.Attribution}
	h.render(w, r, http.StatusOK, views.PrivacyPage(v))
}
