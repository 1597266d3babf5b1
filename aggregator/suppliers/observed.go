package suppliers

import (
	"context"
	"errors"
	"time"
)

// ErrDisabled: staff switched the supplier off; no new searches, offers,
// price checks or bookings go to it (existing bookings can still be
// retrieved and cancelled).
var ErrDisabled = errors.New("supplier switched off")

// Call outcomes as recorded for supplier health.
const (
	OutcomeOK          = "ok"
	OutcomeError       = "error"
	OutcomeTimeout     = "timeout"
	OutcomeRateLimited = "rate_limited"
)

// Call is one finished call to a supplier, as recorded for its health.
type Call struct {
	Supplier string
	Op       string // "hotels", "availability", "offers", "price_check", "book", …
	Outcome  string
	Latency  time.Duration
	Err      error // nil when the outcome is ok
	At       time.Time
}

// Recorder keeps calls for the supplier health screen.
type Recorder interface {
	Record(ctx context.Context, c Call)
}

// Switchboard tells whether staff switched a supplier off and which
// deadline they set for its searches (zero: the configured one).
type Switchboard interface {
	Disabled(ctx context.Context, supplier string) bool
	Deadline(ctx context.Context, supplier string) time.Duration
}

// Observed is a Supplier that records every call and honours staff
// switches. Callers that fan out (the aggregator, the rooms page) ask
// Disabled before calling, to skip a switched-off supplier quietly.
type Observed struct {
	Supplier
	rec Recorder
	sw  Switchboard
}

// Observe wraps s; a nil rec records nothing and a nil sw never switches off.
func Observe(s Supplier, rec Recorder, sw Switchboard) *Observed {
	return &Observed{Supplier: s, rec: rec, sw: sw}
}

// Disabled reports whether staff switched the supplier off.
func (o *Observed) Disabled(ctx context.Context) bool {
	return o.sw != nil && o.sw.Disabled(ctx, o.Name())
}

// Deadline is the search deadline staff set for the supplier, zero when
// none.
func (o *Observed) Deadline(ctx context.Context) time.Duration {
	if o.sw == nil {
		return 0
	}
	return o.sw.Deadline(ctx, o.Name())
}

// Classify names a call's outcome. Answers that are part of the business
// (sold out, price changed, not found) are ok: the supplier did answer.
// A call the caller cancelled has no outcome ("").
func Classify(err error) string {
	switch {
	case err == nil, errors.Is(err, ErrSoldOut), errors.Is(err, ErrPriceChanged), errors.Is(err, ErrNotFound):
		return OutcomeOK
	case errors.Is(err, ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return OutcomeTimeout
	case errors.Is(err, context.Canceled):
		return ""
	case errors.Is(err, ErrRateLimited):
		return OutcomeRateLimited
	}
	return OutcomeError
}

func (o *Observed) record(ctx context.Context, op string, start time.Time, err error) {
	if o.rec == nil {
		return
	}
	outcome := Classify(err)
	if outcome == "" {
		return
	}
	if outcome == OutcomeOK {
		err = nil
	}
	now := time.Now()
	o.rec.Record(context.WithoutCancel(ctx), Call{Supplier: o.Name(), Op: op, Outcome: outcome,
		Latency: now.Sub(start), Err: err, At: now})
}

// Hotels is never switched off: static content keeps the catalog whole.
func (o *Observed) Hotels(ctx context.Context, destinationUID string) ([]Hotel, error) {
	start := time.Now()
	h, err := o.Supplier.Hotels(ctx, destinationUID)
	o.record(ctx, "hotels", start, err)
	return h, err
}

// Availability searches unless the supplier is switched off.
func (o *Observed) Availability(ctx context.Context, q Query, emit func([]HotelPrice)) error {
	if o.Disabled(ctx) {
		return ErrDisabled
	}
	start := time.Now()
	err := o.Supplier.Availability(ctx, q, emit)
	o.record(ctx, "availability", start, err)
	return err
}

// Offers lists a hotel's rooms unless the supplier is switched off.
func (o *Observed) Offers(ctx context.Context, supplierHotelID string, q Query) ([]Offer, error) {
	if o.Disabled(ctx) {
		return nil, ErrDisabled
	}
	start := time.Now()
	offers, err := o.Supplier.Offers(ctx, supplierHotelID, q)
	o.record(ctx, "offers", start, err)
	return offers, err
}

// PriceCheck re-checks an offer unless the supplier is switched off.
func (o *Observed) PriceCheck(ctx context.Context, q Query, offer Offer) (Offer, error) {
	if o.Disabled(ctx) {
		return Offer{}, ErrDisabled
	}
	start := time.Now()
	fresh, err := o.Supplier.PriceCheck(ctx, q, offer)
	o.record(ctx, "price_check", start, err)
	return fresh, err
}

// Book books unless the supplier is switched off.
func (o *Observed) Book(ctx context.Context, req BookRequest) (Booking, error) {
	if o.Disabled(ctx) {
		return Booking{}, ErrDisabled
	}
	start := time.Now()
	b, err := o.Supplier.Book(ctx, req)
	o.record(ctx, "book", start, err)
	return b, err
}

// Retrieve always goes through: bookings made stay manageable.
func (o *Observed) Retrieve(ctx context.Context, reference string) (Booking, error) {
	start := time.Now()
	b, err := o.Supplier.Retrieve(ctx, reference)
	o.record(ctx, "retrieve", start, err)
	return b, err
}

// CancellationFee always goes through.
func (o *Observed) CancellationFee(ctx context.Context, reference string) (Money, error) {
	start := time.Now()
	m, err := o.Supplier.CancellationFee(ctx, reference)
	o.record(ctx, "cancellation_fee", start, err)
	return m, err
}

// Cancel always goes through.
func (o *Observed) Cancel(ctx context.Context, reference string) (Cancellation, error) {
	start := time.Now()
	c, err := o.Supplier.Cancel(ctx, reference)
	o.record(ctx, "cancel", start, err)
	return c, err
}

// SwitchedOff reports whether s is an observed supplier staff switched off.
func SwitchedOff(ctx context.Context, s Supplier) bool {
	o, ok := s.(*Observed)
	return ok && o.Disabled(ctx)
}

// StaffDeadline is the search deadline staff set for s, zero when none.
func StaffDeadline(ctx context.Context, s Supplier) time.Duration {
	if o, ok := s.(*Observed); ok {
		return o.Deadline(ctx)
	}
	return 0
}
