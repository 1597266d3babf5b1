// Package suppliers holds one adapter per supplier API behind one Supplier
// interface. Each adapter knows its supplier only by its wire format — JSON
// or XML over HTTP — exactly as it would know a real one; deadlines come from
// the caller's context, failures are typed errors, and money leaves here as
// integer minor units of the supplier's currency.
package suppliers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"lobang/fx"
)

// Supplier is one hotel supplier API.
type Supplier interface {
	// Name is the configured supplier name ("ascenda", "bedcom", "wgl").
	Name() string
	// Hotels returns the static content of every hotel the supplier lists in
	// a destination (our destination uid). An unknown destination is an
	// empty list, not an error.
	Hotels(ctx context.Context, destinationUID string) ([]Hotel, error)
	// Availability searches a destination and calls emit with each batch of
	// hotel prices that is new or changed since the previous batch, as the
	// supplier produces them (polling suppliers yield partial batches long
	// before they complete). It returns nil once the supplier is complete.
	// emit is called from the calling goroutine, never concurrently.
	Availability(ctx context.Context, q Query, emit func([]HotelPrice)) error
	// Offers returns every room offer of one hotel (supplier hotel id).
	Offers(ctx context.Context, supplierHotelID string, q Query) ([]Offer, error)
	// PriceCheck re-checks an offer with the supplier just before booking. It
	// returns the current offer; when its total differs from o's it returns
	// the new offer together with ErrPriceChanged, and ErrSoldOut when the
	// room is gone.
	PriceCheck(ctx context.Context, q Query, o Offer) (Offer, error)
	// Book books an offer under our reference. Booking the same reference
	// again returns the first booking (suppliers are idempotent on it).
	Book(ctx context.Context, req BookRequest) (Booking, error)
	// Retrieve returns a booking by our reference, or ErrNotFound when the
	// supplier has no booking under it.
	Retrieve(ctx context.Context, reference string) (Booking, error)
	// CancellationFee previews what cancelling now would cost, changing nothing.
	CancellationFee(ctx context.Context, reference string) (Money, error)
	// Cancel cancels a booking and returns the fee charged; cancelling a
	// cancelled booking again returns the same result.
	Cancel(ctx context.Context, reference string) (Cancellation, error)
}

// Typed failures. Adapters wrap them with context; callers branch with
// errors.Is.
var (
	// ErrTimeout: the context's deadline passed before the supplier answered.
	ErrTimeout = errors.New("supplier timed out")
	// ErrRateLimited: the supplier answered 429 (see RateLimitError).
	ErrRateLimited = errors.New("supplier rate limited")
	// ErrSoldOut: the room or rate is no longer available.
	ErrSoldOut = errors.New("sold out")
	// ErrPriceChanged: the price differs from the one offered before.
	ErrPriceChanged = errors.New("price changed")
	// ErrBadResponse: the supplier answered something we cannot decode.
	ErrBadResponse = errors.New("bad supplier response")
	// ErrUnavailable: the supplier failed (5xx, connection refused, …).
	ErrUnavailable = errors.New("supplier unavailable")
	// ErrNotFound: the supplier does not know the hotel or booking asked for.
	ErrNotFound = errors.New("not found at supplier")
	// ErrInvalid: the supplier rejected our request as malformed (4xx); a
	// bug on our side or an expired key, never worth retrying.
	ErrInvalid = errors.New("request rejected by supplier")
)

// RateLimitError is a 429 with the wait the supplier asked for.
type RateLimitError struct {
	Supplier   string
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("%s: rate limited, retry after %s", e.Supplier, e.RetryAfter)
}

// Is makes errors.Is(err, ErrRateLimited) true.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// Money is an amount in minor units of an ISO 4217 currency (cents for USD,
// yen for JPY). Never a float. It is fx.Money: one money type in Lobang.
type Money = fx.Money

// Query is one stay: where, when and who. Occupancy is per room, every room
// alike.
type Query struct {
	DestinationUID string
	Checkin        time.Time // a date, UTC midnight
	Checkout       time.Time // a date, UTC midnight
	Rooms          int
	Adults         int   // per room
	ChildrenAges   []int // per room
	// Currency is the display currency the customer asked for; adapters may
	// pass it on where the dialect takes one, but always return what the
	// supplier actually priced in.
	Currency string
}

// Nights is the length of the stay.
func (q Query) Nights() int { return int(q.Checkout.Sub(q.Checkin).Hours() / 24) }

// Hotel is a supplier's static content for one hotel, normalised.
type Hotel struct {
	SupplierHotelID string
	Name            string
	Address         string
	City            string
	CountryCode     string
	PostalCode      string
	// Lat and Lng are meaningful only when HasGeo is true.
	Lat, Lng float64
	HasGeo   bool
	// Stars is the official rating, 0 when unknown (half stars allowed).
	Stars float64
	// ReviewScore is out of 10, 0 when unknown; ReviewCount may be 0.
	ReviewScore float64
	ReviewCount int
	// ReviewBreakdown holds category scores out of 10 where known
	// ("cleanliness", "location", "service", "value", "rooms").
	ReviewBreakdown map[string]float64
	// Description is the supplier's text as given, possibly HTML; the
	// catalog sanitises it.
	Description string
	// Amenities are keys of our own vocabulary (see Amenities), de-duplicated.
	Amenities []string
	Images    []Image
	// CheckInTime and CheckOutTime are "15:00" style, empty when unknown.
	CheckInTime, CheckOutTime string
}

// Image is one photo of a hotel.
type Image struct {
	URL     string
	Caption string
}

// HotelPrice is one hotel's cheapest offer in an availability search.
type HotelPrice struct {
	SupplierHotelID string
	// Total is everything the customer pays for the whole stay and all rooms:
	// taxes and fees included, also those payable at the hotel.
	Total Money
	// PayAtHotel is the part of Total paid at the hotel, not to us.
	PayAtHotel Money
	// FreeCancellation is true when the cheapest offer can be cancelled free
	// of charge until some deadline.
	FreeCancellation bool
}

// Offer is one bookable room rate at one hotel.
type Offer struct {
	SupplierHotelID string
	RoomCode        string
	RoomName        string
	// Board is one of "room_only", "breakfast", "half_board", "full_board",
	// "all_inclusive".
	Board string
	// Total is the price of the stay for all rooms, everything included.
	Total Money
	// PayAtHotel is the part of Total payable at the hotel.
	PayAtHotel Money
	// Net is what the supplier charges us, when the dialect says (else zero).
	Net          Money
	Fees         []Fee
	Cancellation CancellationPolicy
	// Key is the opaque token the supplier needs to re-check and book this
	// offer (a room key, a rateKey, codes joined by the adapter).
	Key string
	// NeedsPriceCheck is true when the supplier requires a re-check before
	// booking (bedcom's RECHECK rates).
	NeedsPriceCheck bool
}

// Fee is one itemised tax or fee of an offer.
type Fee struct {
	Name       string
	Amount     Money
	PayAtHotel bool
}

// CancellationPolicy says what cancelling costs and until when it is free.
type CancellationPolicy struct {
	// FreeUntil is the last instant (UTC) a cancellation is free; zero when
	// never free.
	FreeUntil time.Time
	// Refundable is false for non-refundable rates.
	Refundable bool
	// Penalties are the charges that apply from each instant on.
	Penalties []Penalty
	// Description is the supplier's wording, if any.
	Description string
}

// Penalty is a cancellation charge from a moment on.
type Penalty struct {
	From   time.Time
	Amount Money
}

// Guest is the lead guest a booking is made for.
type Guest struct {
	FirstName, LastName, Email, Phone string
}

// BookRequest books one offer under our reference.
type BookRequest struct {
	Reference       string
	Query           Query
	Offer           Offer
	Guest           Guest
	SpecialRequests string
}

// Booking statuses as normalised from every dialect.
const (
	StatusConfirmed = "confirmed"
	StatusPending   = "pending"
	StatusCancelled = "cancelled"
)

// Booking is a booking as the supplier holds it.
type Booking struct {
	Reference         string // ours
	SupplierReference string // theirs
	Status            string
	SupplierHotelID   string
	Checkin, Checkout time.Time
	Total             Money
	Net               Money
}

// Cancellation is the outcome of a cancel call.
type Cancellation struct {
	Reference string
	Status    string
	Fee       Money
}
