package booking

import (
	"context"
	"errors"
	"fmt"

	"lobang/booking/payments"
	"lobang/db"
	"lobang/fx"
)

// Refund is what a cancelled booking is owed back and how far the provider
// got with it.
type Refund = db.Refund

// RefundOf returns the refund of a cancelled booking, or ErrNotFound.
func (s *Service) RefundOf(ctx context.Context, id string) (Refund, error) {
	if !validID(id) {
		return Refund{}, ErrNotFound
	}
	r, err := db.GetRefund(ctx, s.db, id, db.RefundCancellation)
	if errors.Is(err, db.ErrNotFound) {
		return Refund{}, ErrNotFound
	}
	return r, err
}

// refund asks the provider for a cancelled booking's pending refund, under
// an idempotency key from the booking id, so that Cancel and RetryRefunds
// racing, or a retry after a lost answer, refund once. A time-out or outage
// leaves it pending; any other refusal marks it failed, for staff.
func (s *Service) refund(ctx context.Context, id string) (Refund, error) {
	r, err := db.GetRefund(ctx, s.db, id, db.RefundCancellation)
	if err != nil || r.Status != db.RefundPending {
		return r, err
	}
	b, err := s.Get(ctx, id)
	if err != nil {
		return r, err
	}
	now := s.clock()
	if !b.PaymentID.Valid {
		_, err := db.RecordRefundAttempt(ctx, s.db, id, r.Reason, db.RefundFailed, "", "no payment to refund", now)
		return r, errors.Join(fmt.Errorf("refund %s: no payment", id), err)
	}
	cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
	pr, err := s.pay.Refund(cctx, b.PaymentID.String, fx.Money{Amount: r.Amount, Currency: r.Currency},
		payments.IdempotencyKey(b.ID, "cancellation-refund"))
	cancel()
	status, pid, why := db.RefundProcessing, pr.ID, ""
	switch {
	case errors.Is(err, payments.ErrTimeout) || errors.Is(err, payments.ErrUnavailable):
		status, why = db.RefundPending, err.Error()
	case err != nil:
		status, why = db.RefundFailed, err.Error()
	case pr.Status == "succeeded":
		status = db.RefundSucceeded
	case pr.Status == "failed" || pr.Status == "canceled":
		status, why = db.RefundFailed, "provider refund "+pr.Status
	}
	if _, rerr := db.RecordRefundAttempt(ctx, s.db, id, r.Reason, status, pid, why, s.clock()); rerr != nil {
		return r, errors.Join(err, rerr)
	}
	if err != nil {
		return r, fmt.Errorf("refund %s: %w", id, err)
	}
	return db.GetRefund(ctx, s.db, id, db.RefundCancellation)
}

// RetryRefunds asks the provider again for cancellation refunds left
// pending (a failure or a crash after the supplier cancelled) and counts
// those it accepted.
func (s *Service) RetryRefunds(ctx context.Context) (int, error) {
	pending, err := db.PendingRefunds(ctx, s.db, db.RefundCancellation, reconcileBatch)
	if err != nil {
		return 0, err
	}
	var errs []error
	done := 0
	for _, r := range pending {
		got, err := s.refund(ctx, r.BookingID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if got.Status != db.RefundPending {
			done++
		}
	}
	return done, errors.Join(errs...)
}

// refunded records a provider's refund.succeeded event against the refund
// it confirms; an event for a refund we did not record (a failed booking's
// payment given back) changes nothing.
func (s *Service) refunded(ctx context.Context, ev payments.Event) error {
	changed, err := db.MarkRefundSucceeded(ctx, s.db, ev.PaymentID, ev.RefundID, ev.Amount.Amount, s.clock())
	if err != nil {
		return fmt.Errorf("webhook %s: %w", ev.ID, err)
	}
	if changed {
		s.log.Info("refund succeeded", "payment", ev.PaymentID, "refund", ev.RefundID)
	}
	return nil
}
