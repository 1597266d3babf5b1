package booking

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"lobang/aggregator/suppliers"
	"lobang/db"
	"lobang/fx"
)

// CancellationQuote is what cancelling a confirmed booking costs now: the
// page shows it before the customer confirms and hands Token to Cancel,
// which goes ahead only at this very fee. Amounts are in the booking's
// charge currency.
type CancellationQuote struct {
	BookingID string
	Paid      fx.Money // what the customer paid us
	Fee       fx.Money // what cancelling now costs: the supplier's fee converted, at most Paid
	Refund    fx.Money // Paid − Fee
	// SupplierFee is the supplier's fee as it states it, in its currency.
	SupplierFee fx.Money
	// FreeUntil is the last instant (UTC) cancelling is free under the
	// booking's policy; zero when it never is.
	FreeUntil time.Time
	// ExpiresAt is when the quote stops holding (QuoteTTL after it was made).
	ExpiresAt time.Time
	// Token identifies this fee for this booking until ExpiresAt. It is no
	// secret: Cancel asks the supplier again and compares.
	Token string
}

// FeeChangedError is ErrFeeChanged with the current quote, to show in the
// place of the one that no longer holds.
type FeeChangedError struct {
	Quote CancellationQuote
}

func (e *FeeChangedError) Error() string {
	return fmt.Sprintf("cancellation fee changed: now %s, refund %s", e.Quote.Fee, e.Quote.Refund)
}

// Unwrap lets errors.Is find ErrFeeChanged.
func (e *FeeChangedError) Unwrap() error { return ErrFeeChanged }

// CancellationQuote asks the supplier what cancelling a confirmed booking
// would cost now (changing nothing) and converts the fee into the booking's
// charge currency at the rate fixed when it was quoted, rounded down to the
// minor unit (in the customer's favour; see feeInCharge) and capped at what
// was paid.
func (s *Service) CancellationQuote(ctx context.Context, id string) (CancellationQuote, error) {
	b, err := s.Get(ctx, id)
	if err != nil {
		return CancellationQuote{}, err
	}
	if b.Status != StatusConfirmed {
		return CancellationQuote{}, fmt.Errorf("cancellation quote of %s in %s: %w", id, b.Status, ErrNotAllowed)
	}
	return s.cancellationQuote(ctx, b)
}

func (s *Service) cancellationQuote(ctx context.Context, b Booking) (CancellationQuote, error) {
	sup, ok := s.sups[b.Supplier]
	if !ok {
		return CancellationQuote{}, fmt.Errorf("cancellation quote of %s: unknown supplier %q", b.ID, b.Supplier)
	}
	cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
	fee, err := sup.CancellationFee(cctx, b.Reference)
	cancel()
	if err != nil {
		return CancellationQuote{}, fmt.Errorf("cancellation fee of %s: %w", b.ID, err)
	}
	_, o, err := decoded(b)
	if err != nil {
		return CancellationQuote{}, err
	}
	charged, err := feeInCharge(b, o, fee)
	if err != nil {
		return CancellationQuote{}, fmt.Errorf("cancellation fee of %s: %w", b.ID, err)
	}
	charged = min(charged, b.ChargeAmount)
	q := CancellationQuote{BookingID: b.ID, Paid: fx.Money{Amount: b.ChargeAmount, Currency: b.ChargeCurrency},
		Fee: fx.Money{Amount: charged, Currency: b.ChargeCurrency}, SupplierFee: fee,
		Refund:    fx.Money{Amount: b.ChargeAmount - charged, Currency: b.ChargeCurrency},
		FreeUntil: o.Cancellation.FreeUntil.UTC(), ExpiresAt: s.clock().Add(s.cfg.QuoteTTL)}
	if o.Cancellation.FreeUntil.IsZero() {
		q.FreeUntil = time.Time{}
	}
	q.Token = strconv.FormatInt(q.ExpiresAt.UnixMicro(), 10) + "." + q.fingerprint(q.ExpiresAt)
	return q, nil
}

// fingerprint is the hash of what the customer agrees to: this booking,
// this fee and refund, until expires.
func (q CancellationQuote) fingerprint(expires time.Time) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "lobang-cancel|%s|%d|%d|%s|%d", q.BookingID, q.Fee.Amount,
		q.Refund.Amount, q.Fee.Currency, expires.UnixMicro()))
	return hex.EncodeToString(sum[:16])
}

// parseCancelToken splits a quote's token into its expiry and fingerprint.
func parseCancelToken(token string) (time.Time, string, bool) {
	at, sum, ok := strings.Cut(token, ".")
	micros, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || len(sum) != 32 {
		return time.Time{}, "", false
	}
	return time.UnixMicro(micros).UTC(), sum, true
}

// feeInCharge converts a supplier's cancellation fee into the booking's
// charge currency at the booking's fixed rate (FXRate, charge units per
// supplier unit), rounded down to the minor unit: a fee converted here is
// never more than its exact value. A fee of all the supplier was paid
// through us is the whole charge, which is that amount's own conversion.
func feeInCharge(b Booking, o suppliers.Offer, m fx.Money) (int64, error) {
	from := strings.ToUpper(strings.TrimSpace(m.Currency))
	prepaid := o.Total.Amount
	if o.PayAtHotel.Currency == o.Total.Currency {
		prepaid -= o.PayAtHotel.Amount
	}
	switch {
	case m.Amount < 0:
		return 0, fmt.Errorf("negative fee %s", m)
	case m.Amount == 0:
		return 0, nil
	case from == b.ChargeCurrency:
		return m.Amount, nil
	case from != b.NetCurrency:
		return 0, fmt.Errorf("fee in %s, booking priced in %s", from, b.NetCurrency)
	case from == strings.ToUpper(o.Total.Currency) && m.Amount >= prepaid:
		return b.ChargeAmount, nil
	}
	rate, ok := new(big.Rat).SetString(b.FXRate)
	if !ok || rate.Sign() <= 0 {
		return 0, fmt.Errorf("booking %s has no usable exchange rate %q", b.ID, b.FXRate)
	}
	dFrom, okFrom := fx.MinorUnits(from)
	dTo, okTo := fx.MinorUnits(b.ChargeCurrency)
	if !okFrom || !okTo {
		return 0, fmt.Errorf("convert %s to %s: %w", from, b.ChargeCurrency, fx.ErrUnknownCurrency)
	}
	v := new(big.Rat).SetInt64(m.Amount)
	v.Mul(v, rate)
	v.Mul(v, new(big.Rat).SetFrac(pow10(dTo), pow10(dFrom)))
	n := new(big.Int).Quo(v.Num(), v.Denom()) // positive: truncation is rounding down
	if !n.IsInt64() {
		return 0, fmt.Errorf("convert %s to %s: out of range", m, b.ChargeCurrency)
	}
	return n.Int64(), nil
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// Cancel cancels a confirmed booking at the fee of the quote whose Token it
// is given. It asks the supplier's fee again and refuses with a
// *FeeChangedError (ErrFeeChanged) when it is not the one shown or the
// quote ran out. Then it cancels with the supplier: when the supplier
// refuses or fails the booking stays confirmed (ErrCancelFailed); when its
// answer is lost, a look-up by our reference tells whether it cancelled, and
// when that cannot tell either the booking stays confirmed
// (ErrCancelUnconfirmed). Once the supplier has cancelled, the booking is
// cancelled with the refund it is owed (what was paid less the fee) recorded
// and the cancellation email queued, in one transaction; the refund is then
// asked of the provider. A refund the provider does not take now stays
// pending for RetryRefunds: Cancel still answers the cancelled booking,
// whose refund RefundOf tells. Cancelling a cancelled booking answers it.
func (s *Service) Cancel(ctx context.Context, id, token string) (Booking, error) {
	b, err := s.Get(ctx, id)
	if err != nil {
		return Booking{}, err
	}
	switch b.Status {
	case StatusCancelled:
		return b, nil
	case StatusConfirmed:
	default:
		return b, fmt.Errorf("cancel %s in %s: %w", id, b.Status, ErrNotAllowed)
	}
	expires, sum, ok := parseCancelToken(token)
	if !ok {
		return b, fmt.Errorf("cancel %s: %w", id, ErrBadToken)
	}
	// From here the work outlives the caller's request: a customer closing
	// the tab must not cut a cancellation in half.
	ctx = context.WithoutCancel(ctx)
	fresh, err := s.cancellationQuote(ctx, b)
	if err != nil {
		return b, fmt.Errorf("cancel %s: %w: %w", id, ErrCancelFailed, err)
	}
	if !s.clock().Before(expires) || fresh.fingerprint(expires) != sum {
		return b, &FeeChangedError{Quote: fresh}
	}
	supFee, known, err := s.cancelAtSupplier(ctx, b)
	if err != nil {
		s.log.Warn("booking cancellation failed", "booking", id, "supplier", b.Supplier, "err", err)
		return b, err
	}
	fee, cause := fresh.Fee.Amount, ""
	if known {
		_, o, err := decoded(b)
		actual := int64(0)
		if err == nil {
			actual, err = feeInCharge(b, o, supFee)
		}
		switch {
		case err != nil:
			cause = "; the supplier's fee " + supFee.String() + " unreadable"
		case actual < fee:
			fee = actual // never more than the supplier charged
		case actual > fee:
			cause = "; the supplier charged " + supFee.String() + ", more than shown: Lobang bears the difference"
		}
	} else {
		supFee = fresh.SupplierFee
		cause = "; the supplier's answer was lost, its booking is cancelled"
	}
	refund := b.ChargeAmount - fee
	b, err = s.change(ctx, id, func(tx *sql.Tx, b *Booking) (decision, error) {
		if b.Status == StatusCancelled {
			return decision{}, errSkip // a concurrent call recorded it first
		}
		if b.Status != StatusConfirmed {
			return decision{}, fmt.Errorf("cancel %s in %s: %w", id, b.Status, ErrNotAllowed)
		}
		now := s.clock()
		r := db.Refund{BookingID: b.ID, Reason: db.RefundCancellation, Amount: refund, Currency: b.ChargeCurrency,
			FeeAmount: fee, SupplierFeeAmount: supFee.Amount, SupplierFeeCurrency: supFee.Currency,
			Status: db.RefundPending, CreatedAt: now, UpdatedAt: now}
		if r.SupplierFeeCurrency == "" {
			r.SupplierFeeCurrency = b.NetCurrency
		}
		if refund == 0 {
			r.Status = db.RefundNone
		}
		if err := db.InsertRefund(ctx, tx, r); err != nil {
			return decision{}, err
		}
		if err := s.enqueueCancellation(ctx, tx, *b, fee, refund); err != nil {
			return decision{}, err
		}
		money := func(n int64) fx.Money { return fx.Money{Amount: n, Currency: b.ChargeCurrency} }
		return decision{To: StatusCancelled, Cause: fmt.Sprintf("cancelled at %s: fee %s (supplier's %s), refund %s%s",
			b.Supplier, money(fee), supFee, money(refund), cause)}, nil
	})
	if err != nil {
		// The supplier has cancelled: a retry finds the same cancellation
		// there, and the re-check flags the booking meanwhile.
		return Booking{}, fmt.Errorf("cancel %s: cancelled at the supplier, not recorded: %w", id, err)
	}
	if _, err := s.refund(ctx, id); err != nil {
		s.log.Warn("cancellation refund pending", "booking", id, "err", err)
	}
	return b, nil
}

// cancelAtSupplier cancels a booking with its supplier and returns the fee
// the supplier charged; known is false when its answer was lost and a
// look-up found the booking cancelled, without the fee.
func (s *Service) cancelAtSupplier(ctx context.Context, b Booking) (fx.Money, bool, error) {
	sup, ok := s.sups[b.Supplier]
	if !ok {
		return fx.Money{}, false, fmt.Errorf("cancel %s: %w: unknown supplier %q", b.ID, ErrCancelFailed, b.Supplier)
	}
	cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
	c, err := sup.Cancel(cctx, b.Reference)
	cancel()
	switch {
	case err == nil && (c.Status == "" || c.Status == suppliers.StatusCancelled):
		return c.Fee, true, nil
	case err == nil:
		return fx.Money{}, false, fmt.Errorf("cancel %s: %w: the supplier's booking is %s", b.ID, ErrCancelFailed, c.Status)
	case supplierRefused(err):
		return fx.Money{}, false, fmt.Errorf("cancel %s: %w: %w", b.ID, ErrCancelFailed, err)
	}
	// No answer: the supplier may have cancelled. Ask it.
	cctx, cancel = context.WithTimeout(ctx, s.cfg.CallTimeout)
	sb, lerr := sup.Retrieve(cctx, b.Reference)
	cancel()
	switch {
	case lerr == nil && sb.Status == suppliers.StatusCancelled:
		return fx.Money{}, false, nil
	case lerr == nil:
		return fx.Money{}, false, fmt.Errorf("cancel %s: %w: %w (the supplier's booking is %s)", b.ID,
			ErrCancelFailed, err, sb.Status)
	}
	return fx.Money{}, false, fmt.Errorf("cancel %s: %w: %w; look-up: %w", b.ID, ErrCancelUnconfirmed, err, lerr)
}

// enqueueCancellation writes the cancellation email into the outbox, in
// the transaction that cancels the booking.
func (s *Service) enqueueCancellation(ctx context.Context, tx *sql.Tx, b Booking, fee, refund int64) error {
	if !b.Email.Valid {
		return nil
	}
	hotel, err := db.GetHotel(ctx, tx, b.HotelID)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return err
	}
	money := func(n int64) string { return fx.Money{Amount: n, Currency: b.ChargeCurrency}.Display() }
	var body strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&body, format+"\n", args...) }
	line("Dear %s %s,", b.FirstName.String, b.LastName.String)
	line("")
	line("Your booking %s is cancelled.", b.Reference)
	line("")
	if hotel.Name != "" {
		line("Hotel: %s", hotel.Name)
	}
	line("Paid: %s", money(b.ChargeAmount))
	line("Cancellation fee: %s", money(fee))
	switch {
	case refund > 0 && b.CardBrand.Valid:
		line("Refund: %s to your %s card ending %s", money(refund),
			strings.ToUpper(b.CardBrand.String[:1])+b.CardBrand.String[1:], b.CardLast4.String)
	default:
		line("Refund: %s", money(refund))
	}
	line("Currency: %s", b.ChargeCurrency)
	line("")
	if refund > 0 {
		line("A refund usually reaches your card within 5 to 10 working days.")
		line("")
	}
	line("Thank you for booking with Lobang.")
	now := s.clock()
	err = db.EnqueueOutbox(ctx, tx, db.OutboxMessage{BookingID: b.ID, Kind: "cancellation", To: b.Email.String,
		Subject: "Booking cancelled: " + b.Reference, Body: body.String(), NextAt: now, CreatedAt: now})
	if errors.Is(err, db.ErrDuplicate) {
		return nil
	}
	return err
}
