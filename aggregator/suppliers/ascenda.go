package suppliers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ascenda speaks the Ascenda hotel API: GET and JSON, prices in SGD, price
// searches polled until complete.
type ascenda struct {
	t *transport
}

// ascendaCurrency is what we ask ascenda to price in: its own currency, so
// that totals, fees and penalties agree.
const ascendaCurrency = "SGD"

func (a *ascenda) Name() string { return a.t.name }

// fail maps an ascenda error answer ({"error": code, "message": text}).
func (a *ascenda) fail(op string, r reply) error {
	var e struct {
		Error   flexString `json:"error"`
		Message flexString `json:"message"`
	}
	_ = json.Unmarshal(r.body, &e) // the status decides; the body only adds words
	typed := ErrInvalid
	switch {
	case r.status == http.StatusNotFound:
		typed = ErrNotFound
	case r.status == http.StatusConflict || e.Error == "sold_out":
		typed = ErrSoldOut
	case r.status < 400:
		typed = ErrBadResponse
	}
	return fmt.Errorf("%s %s: %w: status %d %s %s", a.t.name, op, typed, r.status, e.Error, e.Message)
}

// get calls a GET endpoint and returns the body of a 2xx answer.
func (a *ascenda) get(ctx context.Context, op, path string) ([]byte, error) {
	r, err := a.t.call(ctx, op, http.MethodGet, path, nil, "")
	if err != nil {
		return nil, err
	}
	if r.status < 200 || r.status > 299 {
		return nil, a.fail(op, r)
	}
	return r.body, nil
}

func (a *ascenda) Hotels(ctx context.Context, destinationUID string) ([]Hotel, error) {
	body, err := a.get(ctx, "hotels", "/api/hotels?"+url.Values{"destination_id": {destinationUID}}.Encode())
	if err != nil {
		return nil, err
	}
	hs, err := decodeAscendaHotels(body)
	if err != nil {
		return nil, fmt.Errorf("%s hotels: %w", a.t.name, err)
	}
	return hs, nil
}

// ascendaGuests is the guests parameter: people per room, children counted
// as guests, "|" between rooms ("3|3").
func ascendaGuests(q Query) string {
	per := itoa(q.Adults + len(q.ChildrenAges))
	return strings.TrimSuffix(strings.Repeat(per+"|", q.Rooms), "|")
}

func ascendaParams(q Query) url.Values {
	return url.Values{"checkin": {date(q.Checkin)}, "checkout": {date(q.Checkout)},
		"guests": {ascendaGuests(q)}, "currency": {ascendaCurrency}}
}

func (a *ascenda) Availability(ctx context.Context, q Query, emit func([]HotelPrice)) error {
	if err := validQuery(q); err != nil {
		return fmt.Errorf("%s prices: %w", a.t.name, err)
	}
	p := ascendaParams(q)
	p.Set("destination_id", q.DestinationUID)
	path := "/api/hotels/prices?" + p.Encode()
	last := map[string]HotelPrice{}
	interval := a.t.opts.pollStart
	for {
		body, err := a.get(ctx, "prices", path)
		if err != nil {
			return err
		}
		prices, done, err := decodeAscendaPrices(body, ascendaCurrency)
		if err != nil {
			return fmt.Errorf("%s prices: %w", a.t.name, err)
		}
		var batch []HotelPrice
		for _, hp := range prices {
			if old, ok := last[hp.SupplierHotelID]; !ok || old != hp {
				last[hp.SupplierHotelID] = hp
				batch = append(batch, hp)
			}
		}
		if len(batch) > 0 {
			emit(batch)
		}
		if done {
			return nil
		}
		if err := sleep(ctx, interval); err != nil {
			return fmt.Errorf("%s prices: %w", a.t.name, err)
		}
		interval = min(interval*3/2, a.t.opts.pollMax)
	}
}

func (a *ascenda) Offers(ctx context.Context, supplierHotelID string, q Query) ([]Offer, error) {
	if err := validQuery(q); err != nil {
		return nil, fmt.Errorf("%s price: %w", a.t.name, err)
	}
	path := "/api/hotels/" + url.PathEscape(supplierHotelID) + "/price?" + ascendaParams(q).Encode()
	interval := a.t.opts.pollStart
	for {
		body, err := a.get(ctx, "price", path)
		if err != nil {
			return nil, err
		}
		offers, done, err := decodeAscendaRooms(body, supplierHotelID, ascendaCurrency)
		if err != nil {
			return nil, fmt.Errorf("%s price: %w", a.t.name, err)
		}
		if done {
			return offers, nil
		}
		if err := sleep(ctx, interval); err != nil {
			return nil, fmt.Errorf("%s price: %w", a.t.name, err)
		}
		interval = min(interval*3/2, a.t.opts.pollMax)
	}
}

func (a *ascenda) PriceCheck(ctx context.Context, q Query, o Offer) (Offer, error) {
	offers, err := a.Offers(ctx, o.SupplierHotelID, q)
	if err != nil {
		return Offer{}, err
	}
	return recheck(a.t.name, o, offers)
}

// recheck finds o among fresh offers of the same hotel: by key, else by room,
// board and refundability. Gone is ErrSoldOut; another total is
// ErrPriceChanged with the fresh offer.
func recheck(name string, o Offer, fresh []Offer) (Offer, error) {
	found := -1
	for i, f := range fresh {
		if f.Key == o.Key {
			found = i
			break
		}
	}
	for i, f := range fresh {
		if found >= 0 {
			break
		}
		if f.RoomCode == o.RoomCode && f.Board == o.Board && f.RoomName == o.RoomName &&
			f.Cancellation.Refundable == o.Cancellation.Refundable {
			found = i
		}
	}
	if found < 0 {
		return Offer{}, fmt.Errorf("%s price check: %w", name, ErrSoldOut)
	}
	n := fresh[found]
	if !samePrice(n, o) {
		return n, fmt.Errorf("%s price check: %w: %s now %s", name, ErrPriceChanged, o.Total, n.Total)
	}
	return n, nil
}

type ascBookRequest struct {
	Key             string `json:"key"`
	Reference       string `json:"reference"`
	SpecialRequests string `json:"special_requests,omitempty"`
	Guest           struct {
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
		Email     string `json:"email"`
		Phone     string `json:"phone,omitempty"`
	} `json:"guest"`
}

func (a *ascenda) Book(ctx context.Context, req BookRequest) (Booking, error) {
	if err := validReference(req.Reference); err != nil {
		return Booking{}, fmt.Errorf("%s book: %w", a.t.name, err)
	}
	in := ascBookRequest{Key: req.Offer.Key, Reference: req.Reference, SpecialRequests: req.SpecialRequests}
	in.Guest.FirstName, in.Guest.LastName, in.Guest.Email, in.Guest.Phone = req.Guest.FirstName, req.Guest.LastName, req.Guest.Email, req.Guest.Phone
	body, err := json.Marshal(in)
	if err != nil {
		return Booking{}, fmt.Errorf("%s book: %w", a.t.name, err)
	}
	r, err := a.t.call(ctx, "book", http.MethodPost, "/api/bookings", body, "application/json")
	if err != nil {
		return Booking{}, err
	}
	if r.status != http.StatusOK && r.status != http.StatusCreated {
		return Booking{}, a.fail("book", r)
	}
	b, _, err := decodeAscendaBooking(r.body, ascendaCurrency)
	if err != nil {
		return Booking{}, fmt.Errorf("%s book: %w", a.t.name, err)
	}
	return b, nil
}

func (a *ascenda) booking(ctx context.Context, op, method, reference, suffix string) (Booking, Money, error) {
	if err := validReference(reference); err != nil {
		return Booking{}, Money{}, fmt.Errorf("%s %s: %w", a.t.name, op, err)
	}
	r, err := a.t.call(ctx, op, method, "/api/bookings/"+pathEscape(reference)+suffix, nil, "")
	if err != nil {
		return Booking{}, Money{}, err
	}
	if r.status != http.StatusOK {
		return Booking{}, Money{}, a.fail(op, r)
	}
	b, fee, err := decodeAscendaBooking(r.body, ascendaCurrency)
	if err != nil {
		return Booking{}, Money{}, fmt.Errorf("%s %s: %w", a.t.name, op, err)
	}
	return b, fee, nil
}

func (a *ascenda) Retrieve(ctx context.Context, reference string) (Booking, error) {
	b, _, err := a.booking(ctx, "retrieve", http.MethodGet, reference, "")
	return b, err
}

func (a *ascenda) CancellationFee(ctx context.Context, reference string) (Money, error) {
	_, fee, err := a.booking(ctx, "cancellation fee", http.MethodGet, reference, "")
	return fee, err
}

func (a *ascenda) Cancel(ctx context.Context, reference string) (Cancellation, error) {
	b, fee, err := a.booking(ctx, "cancel", http.MethodPost, reference, "/cancel")
	if err != nil {
		return Cancellation{}, err
	}
	return Cancellation{Reference: b.Reference, Status: b.Status, Fee: fee}, nil
}
