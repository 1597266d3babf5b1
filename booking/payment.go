package booking

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"lobang/booking/payments"
	"lobang/db"
	"lobang/fx"
)

// StartPayment opens the hosted checkout for a booking with saved details
// (→ awaiting_payment) and returns the URL to redirect the customer to.
// Calling it again answers the same checkout session: its idempotency key
// derives from the booking id.
func (s *Service) StartPayment(ctx context.Context, id, successURL, cancelURL string) (string, error) {
	b, err := s.step(ctx, id, func(b *Booking) (decision, error) {
		switch b.Status {
		case StatusDetails, StatusAwaitingPayment:
			return decision{}, errSkip
		}
		return decision{}, fmt.Errorf("start payment of %s in %s: %w", id, b.Status, ErrNotAllowed)
	})
	if err != nil {
		return "", err
	}
	cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
	co, err := s.pay.CreateCheckout(cctx, payments.CheckoutRequest{BookingID: b.ID, Reference: b.Reference,
		Amount: fx.Money{Amount: b.ChargeAmount, Currency: b.ChargeCurrency}, SuccessURL: successURL, CancelURL: cancelURL,
		IdempotencyKey: payments.IdempotencyKey(b.ID, "checkout")})
	cancel()
	if err != nil {
		return "", fmt.Errorf("start payment of %s: %w", id, err)
	}
	_, err = s.change(ctx, id, func(_ *sql.Tx, b *Booking) (decision, error) {
		switch {
		case b.Status == StatusDetails:
			b.PaymentSessionID = sql.NullString{String: co.SessionID, Valid: true}
			return decision{To: StatusAwaitingPayment, Cause: "sent to checkout " + co.SessionID}, nil
		case b.PaymentSessionID.String == co.SessionID:
			return decision{}, errSkip
		}
		return decision{}, fmt.Errorf("start payment of %s in %s: %w", id, b.Status, ErrNotAllowed)
	})
	if err != nil {
		return "", err
	}
	return co.URL, nil
}

// Authorized moves a paid booking on: the customer's return from the
// checkout and the provider's webhook both call it, any number of times, by
// booking id or checkout session id. When the session's payment is
// authorised the booking goes to confirming and one caller (holding the
// booking's lease) books with the supplier under our reference and captures.
// A supplier refusal voids the authorisation (→ failed); a supplier time-out
// leaves the booking confirming for Reconcile. It answers the booking as it
// then stands, or ErrNotPaid when the session has no authorised payment.
func (s *Service) Authorized(ctx context.Context, idOrSession string) (Booking, error) {
	id := idOrSession
	if !validID(id) {
		var err error
		if id, err = db.BookingIDBySession(ctx, s.db, idOrSession); err != nil {
			if errors.Is(err, db.ErrNotFound) {
				return Booking{}, ErrNotFound
			}
			return Booking{}, err
		}
	}
	b, err := s.Get(ctx, id)
	if err != nil {
		return Booking{}, err
	}
	switch b.Status {
	case StatusAwaitingPayment, StatusExpired:
		if !b.PaymentSessionID.Valid {
			return b, ErrNotPaid
		}
	case StatusConfirming:
		return s.confirm(ctx, b.ID)
	case StatusPriceChanged, StatusQuoted, StatusDetails:
		return b, ErrNotPaid
	default:
		return b, nil
	}
	cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
	sess, err := s.pay.Session(cctx, b.PaymentSessionID.String)
	cancel()
	if err != nil {
		return b, fmt.Errorf("authorized %s: %w", id, err)
	}
	if sess.Status != payments.SessionAuthorized || sess.PaymentID == "" || sess.PaymentStatus != payments.PaymentAuthorized &&
		sess.PaymentStatus != payments.PaymentCaptured {
		return b, ErrNotPaid
	}
	claimed := false
	b, err = s.change(ctx, id, func(_ *sql.Tx, b *Booking) (decision, error) {
		if b.Status == StatusExpired {
			return decision{}, errSkip
		}
		if b.Status != StatusAwaitingPayment {
			return decision{}, errSkip // another caller got here first
		}
		now := s.clock()
		b.PaymentID = sql.NullString{String: sess.PaymentID, Valid: true}
		b.CardBrand = sql.NullString{String: sess.Card.Brand, Valid: sess.Card.Brand != ""}
		b.CardLast4 = sql.NullString{String: sess.Card.Last4, Valid: sess.Card.Last4 != ""}
		b.ConfirmingSince = sql.NullTime{Time: now, Valid: true}
		b.WorkUntil = sql.NullTime{Time: now.Add(s.cfg.Lease), Valid: true}
		claimed = true
		return decision{To: StatusConfirming, Cause: "payment " + sess.PaymentID + " authorised"}, nil
	})
	if err != nil {
		return Booking{}, err
	}
	if b.Status == StatusExpired {
		// Paid after the booking expired: release the money at once.
		if _, err := s.void(ctx, b.ID, sess.PaymentID); err != nil {
			return b, fmt.Errorf("authorized %s after expiry: %w", id, err)
		}
		return b, nil
	}
	if !claimed {
		if b.Status == StatusConfirming {
			return s.confirm(ctx, b.ID)
		}
		return b, nil
	}
	return s.book(ctx, b)
}

// claim takes the lease of a confirming booking; ok is false when someone
// else holds it or the booking has moved on.
func (s *Service) claim(ctx context.Context, id string) (Booking, bool, error) {
	ok := false
	b, err := s.change(ctx, id, func(_ *sql.Tx, b *Booking) (decision, error) {
		now := s.clock()
		if b.Status != StatusConfirming || (b.WorkUntil.Valid && b.WorkUntil.Time.After(now)) {
			return decision{}, errSkip
		}
		b.WorkUntil = sql.NullTime{Time: now.Add(s.cfg.Lease), Valid: true}
		ok = true
		return decision{}, nil
	})
	return b, ok, err
}

// confirm finishes a confirming booking when its lease is free.
func (s *Service) confirm(ctx context.Context, id string) (Booking, error) {
	b, ok, err := s.claim(ctx, id)
	if err != nil || !ok {
		return b, err
	}
	return s.book(ctx, b)
}

// release gives the lease back, leaving the booking confirming.
func (s *Service) release(ctx context.Context, id, cause string) (Booking, error) {
	s.log.Info("booking stays confirming", "booking", id, "cause", cause)
	return s.change(ctx, id, func(_ *sql.Tx, b *Booking) (decision, error) {
		b.WorkUntil = sql.NullTime{}
		return decision{}, nil
	})
}

// void gives a payment back: it releases the authorisation or, when the
// payment was captured already (a crash between capture and confirmation),
// refunds it in full. It says which it did; done before is fine.
func (s *Service) void(ctx context.Context, bookingID, paymentID string) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
	defer cancel()
	p, err := s.pay.Void(cctx, paymentID, payments.IdempotencyKey(bookingID, "void"))
	if errors.Is(err, payments.ErrConflict) {
		r, rerr := s.pay.Refund(cctx, paymentID, fx.Money{}, payments.IdempotencyKey(bookingID, "refund"))
		if rerr != nil {
			return "", fmt.Errorf("void %s: %w; refund: %w", paymentID, err, rerr)
		}
		if r.Status == "failed" {
			return "", fmt.Errorf("refund %s failed", paymentID)
		}
		return "payment refunded", nil
	}
	if err != nil {
		return "", fmt.Errorf("void %s: %w", paymentID, err)
	}
	if p.Status != payments.PaymentVoided {
		return "", fmt.Errorf("void %s: payment is %s", paymentID, p.Status)
	}
	return "payment voided", nil
}

// HandleWebhook verifies a payment webhook, skips an event already acted
// on, and acts on the rest: an authorisation moves its booking on; a
// refund's success marks the refund recorded for it succeeded.
func (s *Service) HandleWebhook(ctx context.Context, payload []byte, header http.Header) error {
	ev, err := s.pay.VerifyWebhook(payload, header, s.now())
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadWebhook, err)
	}
	fresh, err := db.RecordWebhookEvent(ctx, s.db, ev.ID, string(ev.Type), s.clock())
	if err != nil {
		return err
	}
	if !fresh {
		return nil
	}
	if ev.Type == payments.EventAuthorized {
		ref := ev.BookingID
		if !validID(ref) {
			ref = ev.SessionID
		}
		_, err := s.Authorized(ctx, ref)
		if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrNotPaid) {
			return fmt.Errorf("webhook %s: %w", ev.ID, err)
		}
	}
	if ev.Type == payments.EventRefunded {
		if err := s.refunded(ctx, ev); err != nil {
			return err
		}
	}
	return db.MarkWebhookProcessed(ctx, s.db, ev.ID, s.clock())
}
