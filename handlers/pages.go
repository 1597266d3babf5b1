package handlers

import (
	"net/http"
	"time"

	"lobang/views"
)

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
