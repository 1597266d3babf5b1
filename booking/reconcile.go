package booking

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"lobang/aggregator/suppliers"
	"lobang/booking/payments"
	"lobang/db"
)

// reconcileBatch bounds the bookings one pass looks at per kind.
const reconcileBatch = 200

// ReconcileResult counts what one pass did. Checked counts confirmed
// bookings whose supplier answered a re-check; Flagged those of them newly
// flagged.
type ReconcileResult struct {
	Confirmed, Failed, Expired, Pending int
	Checked, Flagged                    int
	// Refunded counts pending refunds the provider accepted on a retry.
	Refunded int
}

// Reconcile makes one pass over unfinished bookings: confirming ones are
// looked up at the supplier by our reference (booked there: capture and
// confirm; not there: book again within the grace period, else void and
// fail), and quotes past their expiry end as expired — unless their checkout
// was paid, which moves them on like a late return from the checkout. Last,
// confirmed bookings due a re-check are compared with the supplier's (see
// recheck), and refunds of cancellations left pending are asked for again
// (RetryRefunds).
func (s *Service) Reconcile(ctx context.Context) (ReconcileResult, error) {
	var res ReconcileResult
	var errs []error
	count := func(b Booking) {
		switch b.Status {
		case StatusConfirmed:
			res.Confirmed++
		case StatusFailed:
			res.Failed++
		case StatusExpired:
			res.Expired++
		default:
			res.Pending++
		}
	}
	// Confirming bookings are due at once, whatever their quote says.
	ids, err := db.BookingIDsInStatus(ctx, s.db, []string{StatusConfirming}, time.Time{}, reconcileBatch)
	if err != nil {
		return res, err
	}
	for _, id := range ids {
		b, err := s.reconcileConfirming(ctx, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		count(b)
	}
	// Two lists, so that checkouts still open (left alone until their session
	// ends) never crowd out quotes that only need expiring.
	stale, err := db.BookingIDsInStatus(ctx, s.db,
		[]string{StatusPriceChanged, StatusQuoted, StatusDetails}, s.clock(), reconcileBatch)
	if err != nil {
		return res, errors.Join(append(errs, err)...)
	}
	unpaid, err := db.BookingIDsInStatus(ctx, s.db, []string{StatusAwaitingPayment}, s.clock(), reconcileBatch)
	if err != nil {
		return res, errors.Join(append(errs, err)...)
	}
	stale = append(stale, unpaid...)
	for _, id := range stale {
		b, err := s.expire(ctx, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		count(b)
	}
	checked, flagged, err := s.recheck(ctx)
	res.Checked, res.Flagged = checked, flagged
	if err != nil {
		errs = append(errs, err)
	}
	refunded, err := s.RetryRefunds(ctx)
	res.Refunded = refunded
	if err != nil {
		errs = append(errs, err)
	}
	return res, errors.Join(errs...)
}

// reconcileConfirming settles one confirming booking if its lease is free.
func (s *Service) reconcileConfirming(ctx context.Context, id string) (Booking, error) {
	b, ok, err := s.claim(ctx, id)
	if err != nil || !ok {
		return b, err
	}
	sup, found := s.sups[b.Supplier]
	if !found {
		return s.release(ctx, id, "unknown supplier "+b.Supplier)
	}
	cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
	sb, err := sup.Retrieve(cctx, b.Reference)
	cancel()
	switch {
	case err == nil && sb.Status == suppliers.StatusConfirmed:
		return s.capture(ctx, b, sb.SupplierReference)
	case err == nil && sb.Status == suppliers.StatusCancelled:
		return s.fail(ctx, b, "cancelled at the supplier")
	case err == nil:
		return s.release(ctx, id, "supplier booking "+sb.Status)
	case errors.Is(err, suppliers.ErrNotFound):
		if b.ConfirmingSince.Valid && s.clock().Sub(b.ConfirmingSince.Time) >= s.cfg.Grace {
			return s.fail(ctx, b, "no booking at the supplier after the grace period")
		}
		return s.book(ctx, b) // idempotent on our reference
	}
	return s.release(ctx, id, "supplier look-up failed: "+err.Error())
}

// expire ends a booking whose quote ran out; an awaiting_payment one whose
// checkout was paid is confirmed instead, and one whose checkout is still
// open is left for the customer to finish.
func (s *Service) expire(ctx context.Context, id string) (Booking, error) {
	b, err := s.Get(ctx, id)
	if err != nil {
		return Booking{}, err
	}
	if b.Status == StatusAwaitingPayment && b.PaymentSessionID.Valid {
		cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
		sess, err := s.pay.Session(cctx, b.PaymentSessionID.String)
		cancel()
		if err != nil {
			return b, fmt.Errorf("reconcile %s: %w", id, err)
		}
		switch sess.Status {
		case payments.SessionAuthorized:
			return s.Authorized(ctx, id)
		case payments.SessionOpen:
			return b, nil
		}
	}
	return s.change(ctx, id, func(_ *sql.Tx, b *Booking) (decision, error) {
		if Final(b.Status) || b.Status == StatusConfirming || !s.clock().After(b.QuoteExpiresAt) {
			return decision{}, errSkip
		}
		return decision{To: StatusExpired, Cause: "quote expired"}, nil
	})
}
