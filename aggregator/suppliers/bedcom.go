package suppliers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// bedcom speaks a JSON REST API in EUR: availability by destination, rates
// with rateKey (RECHECK rates need /checkrates), bookings by our
// clientReference.
type bedcom struct {
	t *transport
}

func (b *bedcom) Name() string { return b.t.name }

// bedcomPage is how many hotels one static-content page holds (the API's
// maximum).
const bedcomPage = 1000

// fail maps a bedcom error answer ({"error":{"code","message"}}).
func (b *bedcom) fail(op string, r reply) error {
	var e struct {
		Error struct {
			Code    flexString `json:"code"`
			Message flexString `json:"message"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.body, &e) // the status and code decide; a broken body is still an error
	typed := ErrInvalid
	switch code := strings.ToUpper(string(e.Error.Code)); {
	case code == "INSUFFICIENT_ALLOTMENT" || code == "NO_AVAILABILITY":
		typed = ErrSoldOut
	case code == "BOOKING_NOT_FOUND" || code == "HOTEL_NOT_FOUND" || r.status == http.StatusNotFound:
		typed = ErrNotFound
	case code == "RATE_RECHECK_REQUIRED":
		typed = errRecheck
	case r.status < 400:
		typed = ErrBadResponse
	}
	return fmt.Errorf("%s %s: %w: status %d %s %s", b.t.name, op, typed, r.status, e.Error.Code, e.Error.Message)
}

// errRecheck: bedcom refused to book a RECHECK rate that was not checked.
var errRecheck = fmt.Errorf("%w: rate must be checked first", ErrInvalid)

// send POSTs or DELETEs JSON and returns the body of a 200 answer.
func (b *bedcom) send(ctx context.Context, op, method, path string, in any) ([]byte, error) {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return nil, fmt.Errorf("%s %s: %w", b.t.name, op, err)
		}
	}
	r, err := b.t.call(ctx, op, method, path, body, "application/json")
	if err != nil {
		return nil, err
	}
	if r.status != http.StatusOK {
		return nil, b.fail(op, r)
	}
	return r.body, nil
}

func (b *bedcom) Hotels(ctx context.Context, destinationUID string) ([]Hotel, error) {
	var out []Hotel
	for from := 1; ; from += bedcomPage {
		in := map[string]any{"destination": destinationUID, "from": from, "to": from + bedcomPage - 1}
		body, err := b.send(ctx, "hotels", http.MethodPost, "/hotels", in)
		if err != nil {
			return nil, err
		}
		page, total, err := decodeBedcomHotels(body)
		if err != nil {
			return nil, fmt.Errorf("%s hotels: %w", b.t.name, err)
		}
		out = append(out, page...)
		if len(page) == 0 || from+bedcomPage > total || from > 100*bedcomPage {
			return out, nil
		}
	}
}

type bcPax struct {
	Type string `json:"type"`
	Age  int    `json:"age"`
}

type bcOccupancy struct {
	Rooms    int     `json:"rooms"`
	Adults   int     `json:"adults"`
	Children int     `json:"children"`
	Paxes    []bcPax `json:"paxes"`
}

type bcAvailRequest struct {
	Stay struct {
		CheckIn  string `json:"checkIn"`
		CheckOut string `json:"checkOut"`
	} `json:"stay"`
	Occupancies []bcOccupancy `json:"occupancies"`
	Destination *struct {
		Code string `json:"code"`
	} `json:"destination,omitempty"`
	Hotels *struct {
		Hotel []int `json:"hotel"`
	} `json:"hotels,omitempty"`
}

func bedcomAvailRequest(q Query) bcAvailRequest {
	var in bcAvailRequest
	in.Stay.CheckIn, in.Stay.CheckOut = date(q.Checkin), date(q.Checkout)
	occ := bcOccupancy{Rooms: q.Rooms, Adults: q.Adults, Children: len(q.ChildrenAges), Paxes: []bcPax{}}
	for _, a := range q.ChildrenAges {
		occ.Paxes = append(occ.Paxes, bcPax{Type: "CH", Age: a})
	}
	in.Occupancies = []bcOccupancy{occ}
	return in
}

func (b *bedcom) Availability(ctx context.Context, q Query, emit func([]HotelPrice)) error {
	if err := validQuery(q); err != nil {
		return fmt.Errorf("%s availability: %w", b.t.name, err)
	}
	in := bedcomAvailRequest(q)
	in.Destination = &struct {
		Code string `json:"code"`
	}{q.DestinationUID}
	body, err := b.send(ctx, "availability", http.MethodPost, "/availability", in)
	if err != nil {
		return err
	}
	hotels, err := decodeBedcomAvailability(body)
	if err != nil {
		return fmt.Errorf("%s availability: %w", b.t.name, err)
	}
	now := time.Now()
	var batch []HotelPrice
	for _, offers := range hotels {
		if hp, ok := cheapest(offers, now); ok {
			batch = append(batch, hp)
		}
	}
	if len(batch) > 0 {
		emit(batch)
	}
	return nil
}

func (b *bedcom) Offers(ctx context.Context, supplierHotelID string, q Query) ([]Offer, error) {
	if err := validQuery(q); err != nil {
		return nil, fmt.Errorf("%s offers: %w", b.t.name, err)
	}
	code, err := strconv.Atoi(strings.TrimSpace(supplierHotelID))
	if err != nil || code <= 0 {
		return nil, fmt.Errorf("%s offers: %w: hotel code %q", b.t.name, ErrNotFound, supplierHotelID)
	}
	in := bedcomAvailRequest(q)
	in.Hotels = &struct {
		Hotel []int `json:"hotel"`
	}{[]int{code}}
	body, err := b.send(ctx, "offers", http.MethodPost, "/availability", in)
	if err != nil {
		return nil, err
	}
	hotels, err := decodeBedcomAvailability(body)
	if err != nil {
		return nil, fmt.Errorf("%s offers: %w", b.t.name, err)
	}
	out := []Offer{}
	for _, offers := range hotels {
		for _, o := range offers {
			if o.SupplierHotelID == strconv.Itoa(code) {
				out = append(out, o)
			}
		}
	}
	return out, nil
}

// check asks /checkrates for the current price of a rate key.
func (b *bedcom) check(ctx context.Context, key string) (Offer, error) {
	in := map[string]any{"rooms": []map[string]string{{"rateKey": key}}}
	body, err := b.send(ctx, "price check", http.MethodPost, "/checkrates", in)
	if err != nil {
		return Offer{}, err
	}
	o, err := decodeBedcomCheck(body)
	if err != nil {
		return Offer{}, fmt.Errorf("%s price check: %w", b.t.name, err)
	}
	return o, nil
}

func (b *bedcom) PriceCheck(ctx context.Context, q Query, o Offer) (Offer, error) {
	n, err := b.check(ctx, o.Key)
	if err != nil {
		return Offer{}, err
	}
	if !samePrice(n, o) {
		return n, fmt.Errorf("%s price check: %w: %s now %s", b.t.name, ErrPriceChanged, o.Total, n.Total)
	}
	return n, nil
}

type bcBookRequest struct {
	Holder struct {
		Name    string `json:"name"`
		Surname string `json:"surname"`
	} `json:"holder"`
	Rooms []struct {
		RateKey string `json:"rateKey"`
	} `json:"rooms"`
	ClientReference string `json:"clientReference"`
	Remark          string `json:"remark,omitempty"`
}

func (b *bedcom) Book(ctx context.Context, req BookRequest) (Booking, error) {
	if err := validReference(req.Reference); err != nil {
		return Booking{}, fmt.Errorf("%s book: %w", b.t.name, err)
	}
	key := req.Offer.Key
	for attempt := 0; ; attempt++ {
		if req.Offer.NeedsPriceCheck || attempt > 0 {
			n, err := b.check(ctx, key)
			if err == nil && !samePrice(n, req.Offer) {
				err = fmt.Errorf("%s book: %w: %s now %s", b.t.name, ErrPriceChanged, req.Offer.Total, n.Total)
			}
			if err != nil {
				// Booked before under this reference? Then that booking stands.
				if old, rerr := b.Retrieve(ctx, req.Reference); rerr == nil {
					return old, nil
				}
				return Booking{}, err
			}
			key = n.Key
		}
		var in bcBookRequest
		in.Holder.Name, in.Holder.Surname = req.Guest.FirstName, req.Guest.LastName
		in.Rooms = []struct {
			RateKey string `json:"rateKey"`
		}{{key}}
		in.ClientReference, in.Remark = req.Reference, req.SpecialRequests
		body, err := b.send(ctx, "book", http.MethodPost, "/bookings", in)
		if errors.Is(err, errRecheck) && attempt == 0 {
			continue
		}
		if err != nil {
			return Booking{}, err
		}
		bk, _, err := decodeBedcomBooking(body)
		if err != nil {
			return Booking{}, fmt.Errorf("%s book: %w", b.t.name, err)
		}
		return bk, nil
	}
}

// booking GETs or DELETEs a booking by our reference.
func (b *bedcom) booking(ctx context.Context, op, method, reference, query string) (Booking, Money, error) {
	if err := validReference(reference); err != nil {
		return Booking{}, Money{}, fmt.Errorf("%s %s: %w", b.t.name, op, err)
	}
	body, err := b.send(ctx, op, method, "/bookings/"+pathEscape(reference)+query, nil)
	if err != nil {
		return Booking{}, Money{}, err
	}
	bk, fee, err := decodeBedcomBooking(body)
	if err != nil {
		return Booking{}, Money{}, fmt.Errorf("%s %s: %w", b.t.name, op, err)
	}
	return bk, fee, nil
}

func (b *bedcom) Retrieve(ctx context.Context, reference string) (Booking, error) {
	bk, _, err := b.booking(ctx, "retrieve", http.MethodGet, reference, "")
	return bk, err
}

func (b *bedcom) CancellationFee(ctx context.Context, reference string) (Money, error) {
	_, fee, err := b.booking(ctx, "cancellation fee", http.MethodDelete, reference, "?cancellationFlag=SIMULATION")
	return fee, err
}

func (b *bedcom) Cancel(ctx context.Context, reference string) (Cancellation, error) {
	bk, fee, err := b.booking(ctx, "cancel", http.MethodDelete, reference, "?cancellationFlag=CANCELLATION")
	if err != nil {
		return Cancellation{}, err
	}
	return Cancellation{Reference: bk.Reference, Status: bk.Status, Fee: fee}, nil
}
