package booking

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"lobang/aggregator/suppliers"
	"lobang/db"
	"lobang/fx"
	"lobang/markup"
)

// StoredOffer is the room offer the rooms page keeps in Redis under
// {prefix}offer:{id}; the booking reads the same JSON.
type StoredOffer struct {
	ID              string          `json:"id"`
	Supplier        string          `json:"supplier"`
	SupplierHotelID string          `json:"supplier_hotel_id"`
	HotelID         int64           `json:"hotel_id"`
	Query           suppliers.Query `json:"query"`
	Offer           suppliers.Offer `json:"offer"`
	Display         fx.Money        `json:"display"`
	CreatedAt       time.Time       `json:"created_at"`
	// Markup is the part of Display that is Lobang's markup.
	Markup markup.Applied `json:"markup"`
}

// loadOffer reads a stored offer; a missing one is ErrOfferExpired.
func (s *Service) loadOffer(ctx context.Context, id string) (StoredOffer, error) {
	if !validID(id) {
		return StoredOffer{}, ErrOfferExpired
	}
	raw, err := s.rdb.Get(ctx, s.prefix+"offer:"+id).Bytes()
	if err != nil {
		if errors.Is(err, redis.Nil) {
			return StoredOffer{}, ErrOfferExpired
		}
		return StoredOffer{}, fmt.Errorf("load offer %s: %w", id, err)
	}
	var o StoredOffer
	if err := json.Unmarshal(raw, &o); err != nil {
		return StoredOffer{}, fmt.Errorf("decode offer %s: %w", id, err)
	}
	return o, nil
}

// Quote turns a stored offer into a booking after a live re-check with the
// supplier. The price always comes from the stored offer and the supplier,
// never from the client. A changed price still creates the booking, in
// price_changed with the old and new charge, and returns it with
// ErrPriceChanged; AcceptPrice goes on from there.
func (s *Service) Quote(ctx context.Context, offerID string) (Booking, error) {
	so, err := s.loadOffer(ctx, offerID)
	if err != nil {
		return Booking{}, err
	}
	sup, ok := s.sups[so.Supplier]
	if !ok {
		return Booking{}, fmt.Errorf("quote offer %s: unknown supplier %q", offerID, so.Supplier)
	}
	cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
	fresh, err := sup.PriceCheck(cctx, so.Query, so.Offer)
	cancel()
	changed := errors.Is(err, suppliers.ErrPriceChanged)
	switch {
	case errors.Is(err, suppliers.ErrSoldOut):
		return Booking{}, fmt.Errorf("quote offer %s: %w", offerID, ErrSoldOut)
	case err != nil && !changed:
		return Booking{}, fmt.Errorf("quote offer %s: %w", offerID, err)
	}
	currency := so.Query.Currency
	if currency == "" {
		currency = so.Display.Currency
	}
	if currency == "" {
		currency = fresh.Total.Currency
	}
	p, err := s.price(ctx, fresh, currency)
	if err != nil {
		return Booking{}, fmt.Errorf("quote offer %s: %w", offerID, err)
	}
	var old pricing
	if changed {
		if old, err = s.price(ctx, so.Offer, currency); err != nil {
			return Booking{}, fmt.Errorf("quote offer %s: %w", offerID, err)
		}
		old = withMarkup(old, so.Markup.Amount)
	}
	if p, err = s.markedUp(ctx, so, fresh, p, changed); err != nil {
		return Booking{}, fmt.Errorf("quote offer %s: %w", offerID, err)
	}
	query, err := json.Marshal(so.Query)
	if err != nil {
		return Booking{}, fmt.Errorf("encode query: %w", err)
	}
	offer, err := json.Marshal(fresh)
	if err != nil {
		return Booking{}, fmt.Errorf("encode offer: %w", err)
	}
	now := s.clock()
	b := Booking{ID: newID(), Status: StatusQuoted, HotelID: so.HotelID, Supplier: so.Supplier,
		SupplierHotelID: so.SupplierHotelID, OfferKey: fresh.Key, Offer: string(offer), Query: string(query),
		ChargeAmount: p.charge.Amount, ChargeCurrency: p.charge.Currency, NetAmount: p.net.Amount,
		NetCurrency: p.net.Currency, PayAtHotelAmount: fresh.PayAtHotel.Amount,
		PayAtHotelCurrency: fresh.PayAtHotel.Currency, FXRate: p.rate, MarginAmount: p.margin,
		QuoteExpiresAt: now.Add(s.cfg.QuoteTTL), FormToken: newID(), CreatedAt: now, UpdatedAt: now}
	cause := "quoted at " + p.charge.String()
	if changed {
		b.Status, b.PreviousChargeAmount = StatusPriceChanged, old.charge.Amount
		cause = fmt.Sprintf("price changed from %s to %s", old.charge, p.charge)
	}
	if err := s.insert(ctx, &b, cause); err != nil {
		return Booking{}, err
	}
	if changed {
		return b, ErrPriceChanged
	}
	return b, nil
}

// insert stores a new booking under a fresh reference (drawn again on a
// clash) with its first event.
func (s *Service) insert(ctx context.Context, b *Booking, cause string) error {
	for attempt := 0; ; attempt++ {
		b.Reference = newReference()
		err := db.WithTx(ctx, s.db, func(tx *sql.Tx) error {
			if err := db.InsertBooking(ctx, tx, *b); err != nil {
				return err
			}
			return db.AddBookingEvent(ctx, tx, db.BookingEvent{BookingID: b.ID, At: b.CreatedAt, To: b.Status, Cause: cause})
		})
		if errors.Is(err, db.ErrDuplicate) && attempt < 5 {
			continue
		}
		if err != nil {
			return fmt.Errorf("create booking: %w", err)
		}
		return nil
	}
}

// pricing is what the customer is charged and what it costs us.
type pricing struct {
	charge fx.Money // the part paid to us, in the customer's currency
	net    fx.Money // what the supplier charges us, in its currency
	rate   string   // charge currency units per net currency unit, exact decimal
	margin int64    // charge − net converted, in the charge currency
}

// price works out the charge of an offer: its total less what is paid at the
// hotel, converted to currency. The supplier's net is its stated net price,
// or the prepaid part when it states none.
func (s *Service) price(ctx context.Context, o suppliers.Offer, currency string) (pricing, error) {
	prepaid := fx.Money{Amount: o.Total.Amount, Currency: o.Total.Currency}
	if o.PayAtHotel.Amount > 0 && o.PayAtHotel.Currency == o.Total.Currency {
		prepaid.Amount -= o.PayAtHotel.Amount
	}
	net := prepaid
	if o.Net.Amount > 0 && o.Net.Currency == o.Total.Currency {
		net = fx.Money{Amount: o.Net.Amount, Currency: o.Net.Currency}
	}
	if prepaid.Currency == currency {
		return pricing{charge: prepaid, net: net, rate: "1", margin: prepaid.Amount - net.Amount}, nil
	}
	if s.rates == nil {
		return pricing{}, fmt.Errorf("price in %s: no exchange rates configured", currency)
	}
	r, err := s.rates.Rates(ctx)
	if err != nil {
		return pricing{}, fmt.Errorf("price in %s: %w", currency, err)
	}
	charge, err := r.Convert(prepaid, currency)
	if err != nil {
		return pricing{}, fmt.Errorf("price in %s: %w", currency, err)
	}
	netIn, err := r.Convert(net, currency)
	if err != nil {
		return pricing{}, fmt.Errorf("price in %s: %w", currency, err)
	}
	return pricing{charge: charge, net: net, rate: rateText(r, prepaid.Currency, currency),
		margin: charge.Amount - netIn.Amount}, nil
}

// rateText is the exchange rate from one currency to another under r, as a
// decimal with 10 places ("" when r lacks either).
func rateText(r fx.Rates, from, to string) string {
	of := func(c string) *big.Rat {
		if v, ok := r.Rates[c]; ok {
			if x, ok := new(big.Rat).SetString(v); ok && x.Sign() > 0 {
				return x
			}
			return nil
		}
		if strings.EqualFold(c, r.Base) {
			return big.NewRat(1, 1)
		}
		return nil
	}
	f, t := of(from), of(to)
	if f == nil || t == nil {
		return ""
	}
	return new(big.Rat).Quo(t, f).FloatString(10)
}

// AcceptPrice accepts the changed price of a booking in price_changed; it
// then holds as a quote until the quote expires.
func (s *Service) AcceptPrice(ctx context.Context, id string) (Booking, error) {
	return s.step(ctx, id, func(b *Booking) (decision, error) {
		switch b.Status {
		case StatusQuoted:
			return decision{}, errSkip // accepted before
		case StatusPriceChanged:
			return decision{To: StatusQuoted, Cause: "new price accepted"}, nil
		}
		return decision{}, fmt.Errorf("accept price of %s in %s: %w", id, b.Status, ErrNotAllowed)
	})
}

// DeclinePrice ends a booking whose changed price the customer refused.
func (s *Service) DeclinePrice(ctx context.Context, id string) (Booking, error) {
	return s.step(ctx, id, func(b *Booking) (decision, error) {
		switch b.Status {
		case StatusPriceChanged:
			return decision{To: StatusExpired, Cause: "new price refused"}, nil
		}
		return decision{}, fmt.Errorf("decline price of %s in %s: %w", id, b.Status, ErrNotAllowed)
	})
}

// step changes a booking of the quote phase (price_changed, quoted,
// details): one whose quote has run out is expired first and the step
// answers ErrQuoteExpired.
func (s *Service) step(ctx context.Context, id string, decide func(b *Booking) (decision, error)) (Booking, error) {
	if !validID(id) {
		return Booking{}, ErrNotFound
	}
	expired := false
	b, err := s.change(ctx, id, func(_ *sql.Tx, b *Booking) (decision, error) {
		switch b.Status {
		case StatusPriceChanged, StatusQuoted, StatusDetails:
			if !s.clock().Before(b.QuoteExpiresAt) {
				expired = true
				return decision{To: StatusExpired, Cause: "quote expired"}, nil
			}
		case StatusExpired:
			expired = true
			return decision{}, errSkip
		}
		return decide(b)
	})
	if errors.Is(err, ErrNotFound) {
		return Booking{}, ErrNotFound
	}
	if err != nil {
		return Booking{}, err
	}
	if expired {
		return b, ErrQuoteExpired
	}
	return b, nil
}
