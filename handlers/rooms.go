package handlers

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"lobang/aggregator"
	"lobang/aggregator/suppliers"
	"lobang/db"
	"lobang/markup"
	"lobang/views"
)

// supplierOfferWait is each supplier's deadline for a hotel's room offers.
// The rooms request waits for every supplier up to it and renders once:
// no polling and no refresh, at the price of a slow supplier's wait.
const supplierOfferWait = 8 * time.Second

// AttachSuppliers hands the handlers the supplier adapters and the
// currency converter that room offers need.
func (h *Handler) AttachSuppliers(sups []suppliers.Supplier, conv aggregator.Converter) {
	h.sups, h.conv = sups, conv
}

// supplierAnswer is one supplier hotel's offers, or why there are none.
type supplierAnswer struct {
	supplier, supplierHotelID string
	offers                    []suppliers.Offer
	err                       error
}

// RoomsPage shows every supplier's live room offers for a hotel and a stay:
// a fragment for htmx (the hotel page's offers region), a full page
// otherwise. Each offer is stored in Redis; its Book form posts only the
// offer's id. Private: prices are live and never cached.
func (h *Handler) RoomsPage(w http.ResponseWriter, r *http.Request) {
	id, ok := hotelID(r.PathValue("id"))
	if !ok || h.db == nil {
		h.notFound(w, r)
		return
	}
	hotel, err := db.GetHotel(r.Context(), h.db, id)
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	stay, errs := parseStay(r.URL.Query(), hotel.DestinationUID, time.Now().UTC())
	v := views.RoomsView{
		Meta:        h.meta("Rooms at "+hotel.Name, "", "", true),
		Attribution: h.cfg.Attribution,
		HotelName:   hotel.Name,
		HotelURL:    hotelPath(hotel),
		StayURL:     hotelPath(hotel),
	}
	if len(errs) > 0 {
		for _, f := range problemFields {
			if msg := errs[f.name]; msg != "" {
				v.Problems = append(v.Problems, msg)
			}
		}
		h.renderRooms(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	v.StayURL = hotelPath(hotel) + "?" + stayQuery(stay)
	v.Summary = stayDates(stay.Checkin, stay.Checkout) + " · " +
		guests(stay.Rooms, stay.Adults, len(stay.ChildrenAges)) + " · prices in " + stay.Currency

	links, err := db.HotelSuppliers(r.Context(), h.db, id)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	answers := h.askSuppliers(r.Context(), links, stay)
	loc := hotelLocation(hotel.TimeZone)
	var stored []*StoredOffer
	var rates []roomRate
	failed := map[string]error{}
	for _, a := range answers {
		if a.err != nil {
			failed[a.supplier] = a.err
			continue
		}
		for _, o := range a.offers {
			rate, display, mk, err := h.rateView(r.Context(), a.supplier, hotel.DestinationUID, o, stay.Currency, loc)
			if err != nil {
				failed[a.supplier] = err
				continue
			}
			so := &StoredOffer{Supplier: a.supplier, SupplierHotelID: a.supplierHotelID, HotelID: id,
				Query: stay, Offer: o, Display: display, Markup: mk, CreatedAt: time.Now().UTC()}
			stored = append(stored, so)
			rates = append(rates, roomRate{name: o.RoomName, total: display.Amount, stored: so, view: rate})
		}
	}
	if err := h.storeOffers(r.Context(), stored); err != nil {
		h.serverError(w, r, err)
		return
	}
	v.Rooms = groupRooms(rates)
	for _, s := range h.sups {
		if err, ok := failed[s.Name()]; ok {
			v.Missing = append(v.Missing, missingText(s.Name(), err))
		}
	}
	h.renderRooms(w, r, http.StatusOK, v)
}

func (h *Handler) renderRooms(w http.ResponseWriter, r *http.Request, status int, v views.RoomsView) {
	if isPartial(r) {
		h.render(w, r, status, views.RoomsContent(v))
		return
	}
	h.render(w, r, status, views.RoomsPage(v))
}

// askSuppliers asks every configured supplier that lists the hotel for its
// offers, in parallel, each within supplierOfferWait.
func (h *Handler) askSuppliers(ctx context.Context, links []db.SupplierHotel, stay suppliers.Query) []supplierAnswer {
	byName := map[string]suppliers.Supplier{}
	for _, s := range h.sups {
		byName[s.Name()] = s
	}
	var answers []supplierAnswer
	for _, l := range links {
		// A supplier staff switched off is skipped quietly, like one that
		// does not list the hotel.
		if s, ok := byName[l.Key.Supplier]; ok && !suppliers.SwitchedOff(ctx, s) {
			answers = append(answers, supplierAnswer{supplier: l.Key.Supplier, supplierHotelID: l.Key.ID})
		}
	}
	var wg sync.WaitGroup
	for i := range answers {
		a := &answers[i]
		wg.Go(func() {
			sctx, cancel := context.WithTimeout(ctx, supplierOfferWait)
			defer cancel()
			a.offers, a.err = byName[a.supplier].Offers(sctx, a.supplierHotelID, stay)
			if a.err == nil && sctx.Err() != nil {
				a.err = sctx.Err()
			}
		})
	}
	wg.Wait()
	return answers
}

// missingText says, in words, why a supplier's offers are missing.
func missingText(name string, err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, suppliers.ErrTimeout):
		return name + " did not answer in time"
	case errors.Is(err, suppliers.ErrRateLimited):
		return name + " is busy; try again in a minute"
	default:
		return name + " could not be reached"
	}
}

// roomRate is one converted offer on its way to the page.
type roomRate struct {
	name   string
	total  int64
	stored *StoredOffer
	view   views.Rate
}

// groupRooms groups rates by normalised room name, cheapest first in each
// room and rooms by their cheapest rate.
func groupRooms(rates []roomRate) []views.RoomOffers {
	type group struct {
		name  string
		min   int64
		rates []roomRate
	}
	idx := map[string]*group{}
	var groups []*group
	for _, rr := range rates {
		k := roomKey(rr.name)
		g, ok := idx[k]
		if !ok {
			g = &group{name: cmp.Or(strings.TrimSpace(rr.name), "Room"), min: rr.total}
			idx[k] = g
			groups = append(groups, g)
		}
		g.min = min(g.min, rr.total)
		g.rates = append(g.rates, rr)
	}
	slices.SortStableFunc(groups, func(a, b *group) int { return cmp.Compare(a.min, b.min) })
	out := make([]views.RoomOffers, 0, len(groups))
	for _, g := range groups {
		slices.SortStableFunc(g.rates, func(a, b roomRate) int { return cmp.Compare(a.total, b.total) })
		ro := views.RoomOffers{Name: g.name}
		for _, rr := range g.rates {
			v := rr.view
			v.OfferID = rr.stored.ID
			ro.Rates = append(ro.Rates, v)
		}
		out = append(out, ro)
	}
	return out
}

// roomNoise are words that suppliers add to the same room type.
var roomNoise = map[string]bool{"room": true, "the": true, "a": true, "with": true, "and": true}

// roomKey normalises a room name so that suppliers' spellings of one room
// type meet: case, punctuation and filler words do not count.
func roomKey(name string) string {
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	out := words[:0]
	for _, w := range words {
		if !roomNoise[w] {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

var boardLabels = map[string]string{
	"room_only":     "Room only",
	"breakfast":     "Breakfast included",
	"half_board":    "Half board",
	"full_board":    "Full board",
	"all_inclusive": "All inclusive",
}

// rateView converts an offer to the customer's currency and words its
// conditions; it returns the displayed total too.
func (h *Handler) rateView(ctx context.Context, supplier, destinationUID string, o suppliers.Offer, currency string, loc *time.Location) (views.Rate, suppliers.Money, markup.Applied, error) {
	conv := func(m suppliers.Money) (suppliers.Money, error) {
		if m.Currency == currency || m.Currency == "" {
			return suppliers.Money{Amount: m.Amount, Currency: currency}, nil
		}
		if h.conv == nil {
			return suppliers.Money{}, errors.New("no currency converter")
		}
		return h.conv.Convert(ctx, m, currency)
	}
	total, err := conv(o.Total)
	if err != nil {
		return views.Rate{}, suppliers.Money{}, markup.Applied{}, err
	}
	// The markup is part of the total shown and of what the booking charges.
	var mk markup.Applied
	if h.markups != nil {
		if mk, err = h.markups.Markup(ctx, supplier, destinationUID, total); err != nil {
			return views.Rate{}, suppliers.Money{}, markup.Applied{}, err
		}
		total.Amount += mk.Amount.Amount
	}
	atHotel, err := conv(o.PayAtHotel)
	if err != nil {
		return views.Rate{}, suppliers.Money{}, markup.Applied{}, err
	}
	v := views.Rate{
		Supplier: supplier,
		Board:    cmp.Or(boardLabels[o.Board], "Room only"),
		Total:    money(total),
	}
	switch {
	case atHotel.Amount <= 0:
		v.Payment = "Pay now"
	case atHotel.Amount >= total.Amount:
		v.Payment = "Pay at the hotel"
		v.PayAtHotel = money(atHotel)
	default:
		v.Payment = "Pay " + money(suppliers.Money{Amount: total.Amount - atHotel.Amount, Currency: currency}) + " now, the rest at the hotel"
		v.PayAtHotel = money(atHotel)
	}
	for _, f := range o.Fees {
		fm, err := conv(f.Amount)
		if err != nil {
			return views.Rate{}, suppliers.Money{}, markup.Applied{}, err
		}
		s := cmp.Or(f.Name, "Tax or fee") + " " + money(fm)
		if f.PayAtHotel {
			s += " (paid at the hotel)"
		}
		v.Fees = append(v.Fees, s)
	}
	v.Cancellation, v.Deadline, v.FreeCancel = cancellationText(o.Cancellation, loc, time.Now(), conv)
	return v, total, mk, nil
}

// cancellationText words a cancellation policy: the free-cancellation
// deadline in the hotel's time, with the same instant in UTC beside it.
func cancellationText(c suppliers.CancellationPolicy, loc *time.Location, now time.Time, conv func(suppliers.Money) (suppliers.Money, error)) (text, deadline string, free bool) {
	switch {
	case !c.Refundable:
		return "Non-refundable", "", false
	case !c.FreeUntil.IsZero() && c.FreeUntil.After(now):
		local := c.FreeUntil.In(loc)
		text = "Free cancellation until " + local.Format("2 Jan, 15:04") + " hotel time"
		deadline = "(" + loc.String() + "; that is " + c.FreeUntil.UTC().Format("2 Jan, 15:04") + " UTC)"
		return text, deadline, true
	}
	text = "Cancellation fee applies"
	for _, p := range c.Penalties {
		if m, err := conv(p.Amount); err == nil && !p.From.IsZero() {
			deadline = "Cancelling from " + p.From.In(loc).Format("2 Jan, 15:04") + " hotel time costs " + money(m)
			break
		}
	}
	return text, deadline, false
}

// hotelLocation loads a hotel's time zone; an unknown one is UTC.
func hotelLocation(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// money formats an amount for people: "SGD 1,234.50".
func money(m suppliers.Money) string { return m.Display() }
