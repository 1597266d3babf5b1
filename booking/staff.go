package booking

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"lobang/booking/payments"
	"lobang/db"
	"lobang/fx"
)

// ErrRefundTooLarge: a staff refund larger than what is left to give back.
var ErrRefundTooLarge = errors.New("refund larger than what is left")

// StaffRefundReason is the refund reason of a staff refund with action id
// actionID (booking_refunds.reason).
func StaffRefundReason(actionID string) string { return "staff-" + actionID }

// StaffRefund gives back amount of a booking's captured payment at staff's
// request actionID (a random id, unique per request). The refund is
// recorded with a booking event, and audit runs in that same transaction
// with the booking; then the provider is asked under an idempotency key
// from the booking and actionID, so a retry of the same request refunds
// once. A refund the provider does not take now stays pending (RetryRefunds
// does not retry staff refunds: staff see it and ask again).
func (s *Service) StaffRefund(ctx context.Context, id string, amount fx.Money, actionID string,
	audit func(tx *sql.Tx, b Booking) error) (Refund, error) {
	if amount.Amount <= 0 {
		return Refund{}, fmt.Errorf("staff refund %s: amount must be positive", id)
	}
	reason := StaffRefundReason(actionID)
	_, err := s.change(ctx, id, func(tx *sql.Tx, b *Booking) (decision, error) {
		if !b.PaymentID.Valid || (b.Status != StatusConfirmed && b.Status != StatusCancelled) {
			return decision{}, fmt.Errorf("staff refund in %s: %w", b.Status, ErrNotAllowed)
		}
		if amount.Currency != b.ChargeCurrency {
			return decision{}, fmt.Errorf("staff refund in %s of a booking in %s: %w", amount.Currency,
				b.ChargeCurrency, ErrNotAllowed)
		}
		done, err := db.RefundedAmount(ctx, tx, b.ID)
		if err != nil {
			return decision{}, err
		}
		if done+amount.Amount > b.ChargeAmount {
			return decision{}, ErrRefundTooLarge
		}
		now := s.clock()
		if err := db.InsertRefund(ctx, tx, db.Refund{BookingID: b.ID, Reason: reason, Amount: amount.Amount,
			Currency: amount.Currency, SupplierFeeCurrency: b.NetCurrency, Status: db.RefundPending, CreatedAt: now,
			UpdatedAt: now}); err != nil {
			return decision{}, err
		}
		if err := audit(tx, *b); err != nil {
			return decision{}, err
		}
		return decision{Record: true, Cause: "refund of " + amount.String() + " by staff"}, nil
	})
	if err != nil {
		return Refund{}, err
	}
	b, err := s.Get(ctx, id)
	if err != nil {
		return Refund{}, err
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.CallTimeout)
	pr, perr := s.pay.Refund(cctx, b.PaymentID.String, amount, payments.IdempotencyKey(b.ID, "staff-refund-"+actionID))
	cancel()
	status, why := db.RefundProcessing, ""
	switch {
	case errors.Is(perr, payments.ErrTimeout) || errors.Is(perr, payments.ErrUnavailable):
		status, why = db.RefundPending, perr.Error()
	case perr != nil:
		status, why = db.RefundFailed, perr.Error()
	case pr.Status == "succeeded":
		status = db.RefundSucceeded
	case pr.Status == "failed" || pr.Status == "canceled":
		status, why = db.RefundFailed, "provider refund "+pr.Status
	}
	if _, err := db.RecordRefundAttempt(ctx, s.db, id, reason, status, pr.ID, why, s.clock()); err != nil {
		return Refund{}, errors.Join(perr, err)
	}
	r, err := db.GetRefund(ctx, s.db, id, reason)
	if err != nil {
		return Refund{}, err
	}
	if perr != nil {
		return r, fmt.Errorf("staff refund %s: %w", id, perr)
	}
	return r, nil
}

// Refunds lists every refund of a booking: the cancellation's and staff's.
func (s *Service) Refunds(ctx context.Context, id string) ([]Refund, error) {
	return db.RefundsOfBooking(ctx, s.db, id)
}

// PaymentSession asks the provider how a booking's checkout session and its
// payment stand now.
func (s *Service) PaymentSession(ctx context.Context, b Booking) (payments.Session, error) {
	if !b.PaymentSessionID.Valid {
		return payments.Session{}, fmt.Errorf("booking %s has no checkout session: %w", b.ID, ErrNotPaid)
	}
	cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
	defer cancel()
	return s.pay.Session(cctx, b.PaymentSessionID.String)
}

// ReconcileBooking runs the reconciler's work for one booking now: a
// confirming booking is looked up at the supplier, a lapsed quote expires
// (or moves on if its checkout was paid), and a cancelled booking's pending
// refund is asked of the provider again. Other bookings are left as they
// are.
func (s *Service) ReconcileBooking(ctx context.Context, id string) (Booking, error) {
	b, err := s.Get(ctx, id)
	if err != nil {
		return b, err
	}
	switch b.Status {
	case StatusConfirming:
		return s.reconcileConfirming(ctx, id)
	case StatusPriceChanged, StatusQuoted, StatusDetails, StatusAwaitingPayment:
		if b.QuoteExpiresAt.After(s.clock()) {
			return b, nil
		}
		return s.expire(ctx, id)
	case StatusCancelled:
		if _, err := s.refund(ctx, id); err != nil {
			return b, err
		}
	}
	return s.Get(ctx, id)
}
