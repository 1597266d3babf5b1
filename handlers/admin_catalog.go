package handlers

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"lobang/admin"
	"lobang/aggregator"
	"lobang/aggregator/suppliers"
	"lobang/db"
	"lobang/views"
)

// registerAdminCatalog registers the catalog review screens: managers
// decide whether two supplier hotels the matcher doubted are one hotel.
func (h *Handler) registerAdminCatalog(r chi.Router) {
	h.staffRoute(r, "GET", "/admin/catalog", admin.Manager, h.AdminCatalog)
	h.staffRoute(r, "GET", "/admin/catalog/review", admin.Manager, h.AdminCatalogReview)
	h.staffRoute(r, "GET", "/admin/catalog/review/{action}", admin.Manager, h.AdminCatalogDecideConfirm)
	h.staffRoute(r, "POST", "/admin/catalog/review/{action}", admin.Manager, h.AdminCatalogDecidePost)
}

// catalogQueuePage is how many open reviews the queue shows.
const catalogQueuePage = 100

// AdminCatalog is the queue of open reviews, most doubtful first.
func (h *Handler) AdminCatalog(w http.ResponseWriter, r *http.Request) {
	reviews, names, err := db.OpenReviews(r.Context(), h.db, catalogQueuePage, 0)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	total, err := db.CountOpenReviews(r.Context(), h.db)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := views.AdminCatalogView{Shell: h.shell(r, "Catalog review"), Total: total, Flash: r.URL.Query().Get("done")}
	for i, rv := range reviews {
		v.Rows = append(v.Rows, views.AdminReviewRow{Href: reviewHref("/admin/catalog/review", rv),
			Destination: names[i] + " (" + rv.DestinationUID + ")", A: rv.A.Supplier + " " + rv.A.ID,
			B: rv.B.Supplier + " " + rv.B.ID, Score: strconv.FormatFloat(rv.Score, 'f', 2, 64),
			Distance: reviewDistance(rv)})
	}
	h.render(w, r, http.StatusOK, views.AdminCatalog(v))
}

func reviewDistance(rv db.HotelReview) string {
	if !rv.HasDistance {
		return "unknown"
	}
	return strconv.FormatFloat(rv.DistanceM, 'f', 0, 64) + " m"
}

// reviewHref is path with the pair in its query.
func reviewHref(path string, rv db.HotelReview) string {
	return path + "?" + url.Values{"dest": {rv.DestinationUID}, "a": {keyText(rv.A)}, "b": {keyText(rv.B)}}.Encode()
}

func keyText(k db.SupplierHotelKey) string { return k.Supplier + "/" + k.ID }

func parseKey(s string) (db.SupplierHotelKey, bool) {
	sup, id, ok := strings.Cut(s, "/")
	return db.SupplierHotelKey{Supplier: sup, ID: id}, ok && sup != "" && id != ""
}

// pairSide is one supplier hotel of a review: its stored content and the
// canonical hotel it is mapped to now (0: none).
type pairSide struct {
	key     db.SupplierHotelKey
	hotel   suppliers.Hotel
	found   bool
	hotelID int64
}

// reviewPair is a review with both of its supplier hotels.
type reviewPair struct {
	review db.HotelReview
	a, b   pairSide
}

func (p reviewPair) object() string {
	return p.review.DestinationUID + "|" + keyText(p.review.A) + "|" + keyText(p.review.B)
}

// together reports whether the two are one canonical hotel now.
func (p reviewPair) together() bool { return p.a.hotelID != 0 && p.a.hotelID == p.b.hotelID }

// loadPair finds the review named by dest, a and b in vals with both
// supplier hotels; unknown pairs answer 404.
func (h *Handler) loadPair(w http.ResponseWriter, r *http.Request, vals url.Values) (reviewPair, bool) {
	uid := vals.Get("dest")
	a, okA := parseKey(vals.Get("a"))
	b, okB := parseKey(vals.Get("b"))
	if uid == "" || !okA || !okB {
		h.notFound(w, r)
		return reviewPair{}, false
	}
	if b.Supplier < a.Supplier || (b.Supplier == a.Supplier && b.ID < a.ID) {
		a, b = b, a
	}
	reviews, err := db.ReviewsForDestination(r.Context(), h.db, uid)
	if err != nil {
		h.serverError(w, r, err)
		return reviewPair{}, false
	}
	var p reviewPair
	found := false
	for _, rv := range reviews {
		if rv.A == a && rv.B == b {
			p.review, found = rv, true
		}
	}
	if !found {
		h.notFound(w, r)
		return reviewPair{}, false
	}
	p.a.key, p.b.key = a, b
	if err := h.fillSides(r, &p); err != nil {
		h.serverError(w, r, err)
		return reviewPair{}, false
	}
	return p, true
}

// fillSides loads both supplier hotels' content and current mappings.
func (h *Handler) fillSides(r *http.Request, p *reviewPair) error {
	uid := p.review.DestinationUID
	stored, err := db.SupplierHotelsForDestination(r.Context(), h.db, uid)
	if err != nil {
		return err
	}
	maps, err := db.MappingsForDestination(r.Context(), h.db, uid)
	if err != nil {
		return err
	}
	for _, side := range []*pairSide{&p.a, &p.b} {
		side.hotelID = maps[side.key]
		for _, s := range stored {
			if s.Key != side.key {
				continue
			}
			if err := json.Unmarshal([]byte(s.Content), &side.hotel); err != nil {
				return fmt.Errorf("supplier hotel %s: %w", keyText(side.key), err)
			}
			side.found = true
		}
	}
	return nil
}

// AdminCatalogReview shows the two supplier hotels of a review side by side
// with a map of both points and the decisions a manager may take.
func (h *Handler) AdminCatalogReview(w http.ResponseWriter, r *http.Request) {
	p, ok := h.loadPair(w, r, r.URL.Query())
	if !ok {
		return
	}
	v := views.AdminReviewView{Shell: h.shell(r, "Review a match"), Status: p.review.Status,
		Score: strconv.FormatFloat(p.review.Score, 'f', 2, 64), Destination: p.review.DestinationUID,
		A: sideView("A", p.a), B: sideView("B", p.b), Together: p.together()}
	if p.a.found && p.b.found && p.a.hotel.HasGeo && p.b.hotel.HasGeo {
		d := aggregator.DistanceMetres(p.a.hotel.Lat, p.a.hotel.Lng, p.b.hotel.Lat, p.b.hotel.Lng)
		v.Distance = strconv.FormatFloat(d, 'f', 0, 64) + " m"
		v.Map = pairMap(p.a.hotel, p.b.hotel, d)
	} else {
		v.Distance = "unknown (a hotel has no coordinates)"
	}
	if p.review.Status != db.ReviewOpen {
		v.Decided = p.review.Status + " by " + p.review.DecidedBy + " at " + adminTime(p.review.DecidedAt)
	}
	// A decided pair may be decided again: a merge can be undone by a split.
	for _, a := range catalogActions {
		v.Actions = append(v.Actions, views.AdminLink{Label: a.label,
			Href: reviewHref("/admin/catalog/review/"+a.name, p.review)})
	}
	v.Flash = r.URL.Query().Get("done")
	h.render(w, r, http.StatusOK, views.AdminReview(v))
}

func sideView(label string, s pairSide) views.AdminReviewSide {
	v := views.AdminReviewSide{Label: label, Supplier: s.key.Supplier, SupplierID: s.key.ID, Found: s.found}
	if s.hotelID != 0 {
		v.HotelID, v.HotelHref = strconv.FormatInt(s.hotelID, 10), "/hotels/"+strconv.FormatInt(s.hotelID, 10)
	}
	if !s.found {
		return v
	}
	ho := s.hotel
	v.Name = ho.Name
	v.Address = strings.TrimSpace(strings.Join(nonEmpty(ho.Address, ho.PostalCode, ho.City, ho.CountryCode), ", "))
	if ho.HasGeo {
		v.Coordinates = strconv.FormatFloat(ho.Lat, 'f', 6, 64) + ", " + strconv.FormatFloat(ho.Lng, 'f', 6, 64)
	} else {
		v.Coordinates = "none"
	}
	if ho.Stars > 0 {
		v.Stars = strconv.FormatFloat(ho.Stars, 'f', -1, 64)
	}
	for i, img := range ho.Images {
		if i == 4 {
			break
		}
		v.Images = append(v.Images, views.Image{URL: img.URL, Alt: fmt.Sprintf("Photo %d of %s at %s", i+1, ho.Name,
			s.key.Supplier), Width: 160, Height: 107})
	}
	return v
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, strings.TrimSpace(s))
		}
	}
	return out
}

// catalogAction is one decision on a review.
type catalogAction struct {
	name, label, explain string
}

var catalogActions = []catalogAction{
	{"merge", "Merge: one hotel", "The two become one hotel: one page, one card in search results, every supplier's prices on it."},
	{"split", "Split: different hotels", "The two stay or become separate hotels, each with its own page and card."},
	{"confirm", "Confirm: the match stands", "The matcher's current result stays as it is, and no later sync changes it."},
}

func actionOf(name string) (catalogAction, bool) {
	for _, a := range catalogActions {
		if a.name == name {
			return a, true
		}
	}
	return catalogAction{}, false
}

// decisionOf is the review status an action records for a pair.
func decisionOf(action string, p reviewPair) string {
	switch action {
	case "merge":
		return db.ReviewMerged
	case "split":
		return db.ReviewRejected
	}
	if p.together() {
		return db.ReviewMerged
	}
	return db.ReviewRejected
}

// AdminCatalogDecideConfirm is the confirmation step of a decision.
func (h *Handler) AdminCatalogDecideConfirm(w http.ResponseWriter, r *http.Request) {
	act, ok := actionOf(r.PathValue("action"))
	if !ok {
		h.notFound(w, r)
		return
	}
	p, ok := h.loadPair(w, r, r.URL.Query())
	if !ok {
		return
	}
	h.confirmPage(w, r, http.StatusOK, "catalog."+act.name, p.object(), h.decideView(act, p))
}

func (h *Handler) decideView(act catalogAction, p reviewPair) views.AdminConfirmView {
	back := reviewHref("/admin/catalog/review", p.review)
	v := views.AdminConfirmView{Title: act.label, Back: back, Button: act.label,
		Action: reviewHref("/admin/catalog/review/"+act.name, p.review),
		Lines: []string{pairLine(p), act.explain,
			"Hotel pages and new searches show the decision at once; the next catalog sync keeps it."}}
	if p.review.Status != db.ReviewOpen {
		v.Lines = append(v.Lines, "This replaces the earlier decision ("+p.review.Status+" by "+p.review.DecidedBy+").")
	}
	return v
}

func pairLine(p reviewPair) string {
	name := func(s pairSide) string {
		n := s.key.Supplier + " " + s.key.ID
		if s.found {
			n += " (" + s.hotel.Name + ")"
		}
		return n
	}
	now := "now two hotels"
	if p.together() {
		now = "now one hotel, #" + strconv.FormatInt(p.a.hotelID, 10)
	}
	return name(p.a) + " and " + name(p.b) + ": " + now + "."
}

// AdminCatalogDecidePost records a decision with its audit entry, applies
// it to the catalog at once and forgets what this instance cached of the
// hotels concerned.
func (h *Handler) AdminCatalogDecidePost(w http.ResponseWriter, r *http.Request) {
	act, ok := actionOf(r.PathValue("action"))
	if !ok {
		h.notFound(w, r)
		return
	}
	if !parseForm(h, w, r) {
		return
	}
	p, ok := h.loadPair(w, r, r.URL.Query())
	if !ok {
		return
	}
	if !h.consume(w, r, "catalog."+act.name, p.object(), reviewHref("/admin/catalog/review", p.review)) {
		return
	}
	st := staffOf(r)
	status := decisionOf(act.name, p)
	uid := p.review.DestinationUID
	err := db.WithTx(r.Context(), h.db, func(tx *sql.Tx) error {
		if err := db.DecideReview(r.Context(), tx, uid, p.review.A, p.review.B, status, st.Email,
			h.staff.svc.Now()); err != nil {
			return err
		}
		return h.staff.svc.Audit(r.Context(), tx, st, "catalog."+act.name, "hotel_review", p.object(),
			map[string]any{"status": p.review.Status, "hotel_a": p.a.hotelID, "hotel_b": p.b.hotelID},
			map[string]any{"status": status})
	})
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	msg := "Decision recorded: " + act.label + "."
	if h.cat == nil {
		msg += " The next catalog sync applies it."
	} else if _, err := h.cat.ApplyDecisions(r.Context(), uid); err != nil {
		h.log.Warn("catalog decision not applied yet", "destination", uid, "err", err)
		msg += " It could not be applied at once (" + err.Error() + "); the next catalog sync applies it."
	}
	h.forgetHotels(r, p)
	http.Redirect(w, r, reviewHref("/admin/catalog/review", p.review)+"&done="+url.QueryEscape(msg), http.StatusSeeOther)
}

// forgetHotels drops what this instance cached of the pair's hotels before
// and after the decision: rendered pages, search cards and the mapping
// searches use. Other instances follow within their caches' short lives.
func (h *Handler) forgetHotels(r *http.Request, p reviewPair) {
	ids := []int64{p.a.hotelID, p.b.hotelID}
	after := reviewPair{review: p.review, a: pairSide{key: p.a.key}, b: pairSide{key: p.b.key}}
	if err := h.fillSides(r, &after); err == nil {
		ids = append(ids, after.a.hotelID, after.b.hotelID)
	}
	for _, id := range ids {
		if id != 0 {
			h.pages.dropHotel(id)
			h.resultsState.hotels.forget(id)
		}
	}
	if h.agg != nil {
		h.agg.ForgetMapping(p.review.DestinationUID)
	}
}

// dropHotel removes every cached page of a hotel (each stay query).
func (c *pageCache) dropHotel(id int64) {
	prefix := strconv.FormatInt(id, 10) + "|"
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, el := range c.entries {
		if strings.HasPrefix(k, prefix) {
			c.order.Remove(el)
			delete(c.entries, k)
		}
	}
}

// forget drops a hotel's cached card content.
func (c *hotelCache) forget(id int64) {
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}
