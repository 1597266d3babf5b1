package handlers

import (
	"context"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"lobang/db"
	"lobang/destinations"
	"lobang/views"
)

const (
	destinationPageSize = 24
	// destinationSyncWait bounds how long a first view waits for the
	// destination's catalog to sync.
	destinationSyncWait = 10 * time.Second
)

// destinationSorts maps the sort parameter to the catalog's orders; ""
// (most reviewed first) is the default and has no parameter.
var destinationSorts = []struct{ param, order, label string }{
	{"", "popular", "Popular"},
	{"stars", "stars", "Stars"},
	{"review", "review", "Review score"},
}

// DestinationPage lists a destination's hotels, 24 a page, sortable, with
// links a crawler can follow. The first view of a destination syncs its
// catalog (within a deadline); while it has no hotels the page is private,
// so that no cache keeps the empty page.
func (h *Handler) DestinationPage(w http.ResponseWriter, r *http.Request) {
	dest, ok := destinations.Lookup(r.PathValue("uid"))
	if !ok {
		h.notFound(w, r)
		return
	}
	path := destinationPath(dest)
	if r.URL.Path != path {
		target := path
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	q := r.URL.Query()
	sortIdx := slices.IndexFunc(destinationSorts, func(s struct{ param, order, label string }) bool {
		return s.param == q.Get("sort")
	})
	page, err := strconv.Atoi(cmpOr(q.Get("page"), "1"))
	if sortIdx < 0 || err != nil || page < 1 || page > maxPage {
		h.renderError(w, r, http.StatusBadRequest)
		return
	}
	if h.db == nil {
		h.serverError(w, r, errors.New("destination page: no database"))
		return
	}
	h.syncDestination(r.Context(), dest.UID)
	hotels, total, err := db.HotelsByDestination(r.Context(), h.db, dest.UID, destinationSorts[sortIdx].order,
		destinationPageSize, (page-1)*destinationPageSize)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	pages := max(1, int(math.Ceil(float64(total)/destinationPageSize)))
	if page > pages {
		h.notFound(w, r)
		return
	}
	v := h.destinationView(dest, hotels, total, page, pages, sortIdx)
	if total == 0 {
		markPrivate(w)
	}
	h.render(w, r, http.StatusOK, views.DestinationPage(v))
}

// syncDestination makes sure the catalog has the destination, waiting at
// most destinationSyncWait; a slow or failed sync shows what there is.
func (h *Handler) syncDestination(ctx context.Context, uid string) {
	if h.cat == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, destinationSyncWait)
	defer cancel()
	if err := h.cat.EnsureSynced(ctx, uid); err != nil {
		h.log.Warn("destination sync on view", "destination", uid, "err", err)
	}
}

func (h *Handler) destinationView(dest destinations.Destination, hotels []db.Hotel, total, page, pages, sortIdx int) views.DestinationView {
	path := destinationPath(dest)
	pageURL := func(p, s int) string {
		u := path
		sep := "?"
		if s > 0 {
			u += sep + "sort=" + destinationSorts[s].param
			sep = "&"
		}
		if p > 1 {
			u += sep + "page=" + strconv.Itoa(p)
		}
		return u
	}
	where := dest.Country
	if dest.Region != "" && dest.Region != dest.Name {
		where = dest.Region + ", " + dest.Country
	}
	today := time.Now().UTC()
	v := views.DestinationView{
		Attribution: h.cfg.Attribution,
		Name:        dest.Name,
		Context:     where,
		Total:       total,
		Pending:     total == 0,
		Form: views.SearchForm{
			Q: dest.Name, Destination: dest.UID,
			Checkin:  today.AddDate(0, 0, 14).Format(time.DateOnly),
			Checkout: today.AddDate(0, 0, 16).Format(time.DateOnly),
			Rooms:    1, Adults: 2, MinDate: today.Format(time.DateOnly),
		},
	}
	for i, s := range destinationSorts {
		v.Sorts = append(v.Sorts, views.Link{Label: s.label, URL: pageURL(1, i), Current: i == sortIdx})
	}
	if page > 1 {
		v.Prev = pageURL(page-1, sortIdx)
	}
	if page < pages {
		v.Next = pageURL(page+1, sortIdx)
	}
	for p := 1; p <= pages && pages > 1; p++ {
		v.Pages = append(v.Pages, views.Link{Label: strconv.Itoa(p), URL: pageURL(p, sortIdx), Current: p == page})
	}
	for _, ht := range hotels {
		c := views.HotelCard{Name: ht.Name, URL: hotelPath(ht), Address: ht.Address,
			Stars: int(math.Round(ht.Stars)), ReviewCount: ht.ReviewCount}
		if c.Stars > 0 {
			c.StarsText = strconv.Itoa(c.Stars) + "-star hotel"
		}
		if ht.ReviewScore > 0 {
			c.ReviewScore = strconv.FormatFloat(ht.ReviewScore, 'f', 1, 64)
		}
		if len(ht.Images) > 0 {
			c.Image = views.Image{URL: ht.Images[0].URL, Width: photoWidth, Height: photoHeight}
		}
		v.Hotels = append(v.Hotels, c)
	}

	title := "Hotels in " + dest.Name
	if dest.Country != "" && dest.Country != dest.Name {
		title += ", " + dest.Country
	}
	if sortIdx > 0 {
		title += " by " + destinationSorts[sortIdx].label
	}
	if page > 1 {
		title += " · page " + strconv.Itoa(page)
	}
	desc := "Compare " + plural(total, "hotel", "hotels") + " in " + dest.Name +
		" with photos, reviews and a map, then see every supplier's price for your dates."
	if total == 0 {
		desc = "Hotels in " + dest.Name + ": compare every supplier's price for your dates."
	}
	v.Meta = h.meta(title, desc, path, false)
	if page > 1 || sortIdx > 0 {
		v.Meta.Robots = "noindex,follow"
	}
	v.Meta.OG = views.OpenGraph{Type: "website", Title: title, Description: desc, URL: v.Meta.Canonical}
	return v
}

// destinationPath is the canonical path of a destination page.
func destinationPath(d destinations.Destination) string {
	if d.UID == "" {
		return "/"
	}
	return "/destinations/" + d.UID + "/" + d.Slug()
}
