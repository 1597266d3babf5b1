package booking

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"lobang/aggregator/suppliers"
	"lobang/db"
)

// Flags a re-check sets on a confirmed booking. The status stays
// confirmed and nothing is refunded: staff decide.
const (
	// FlagSupplierCancelled: the supplier cancelled the booking, or has none
	// under our reference.
	FlagSupplierCancelled = "supplier_cancelled"
	// FlagMismatch: the supplier's booking has other dates, another hotel or
	// another supplier reference than ours.
	FlagMismatch = "mismatch"
)

// nearCheckin is the stretch before check-in in which bookings are
// re-checked every RecheckNear instead of every RecheckEvery.
const nearCheckin = 48 * time.Hour

// noMoreChecks is the next check of a booking whose stay is over: never.
// A date rather than NULL, which means due at once.
var noMoreChecks = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// checkOutcome is what one booking's re-check came to.
type checkOutcome int

const (
	checkSkipped     checkOutcome = iota // not ours to check now, or its stay is over
	checkMatched                         // the supplier's booking is ours
	checkFlagged                         // newly flagged
	checkUnreachable                     // no answer: try again next pass
)

// recheck compares confirmed bookings whose stay is still to come with the
// supplier's view of them, at most RecheckBatch per supplier and pass, the
// longest due first, each supplier in its own goroutine so that a slow one
// holds up no other. It counts the answers and the new flags.
func (s *Service) recheck(ctx context.Context) (checked, flagged int, err error) {
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for _, sup := range s.sups {
		wg.Go(func() {
			c, f, err := s.recheckSupplier(ctx, sup)
			mu.Lock()
			defer mu.Unlock()
			checked, flagged = checked+c, flagged+f
			if err != nil {
				errs = append(errs, err)
			}
		})
	}
	wg.Wait()
	return checked, flagged, errors.Join(errs...)
}

// recheckSupplier re-checks one supplier's due bookings; it stops at the
// first time-out or outage, so a supplier that is down costs one call per
// pass, and the bookings not reached stay due.
func (s *Service) recheckSupplier(ctx context.Context, sup suppliers.Supplier) (checked, flagged int, err error) {
	ids, err := db.DueBookingChecks(ctx, s.db, StatusConfirmed, sup.Name(), s.clock(), s.cfg.RecheckBatch)
	if err != nil {
		return 0, 0, err
	}
	var errs []error
	for _, id := range ids {
		out, err := s.recheckOne(ctx, sup, id)
		if err != nil {
			errs = append(errs, fmt.Errorf("re-check %s: %w", id, err))
		}
		switch out {
		case checkMatched:
			checked++
		case checkFlagged:
			checked++
			flagged++
		case checkUnreachable:
			return checked, flagged, errors.Join(errs...)
		}
	}
	return checked, flagged, errors.Join(errs...)
}

// recheckOne claims one due booking's check, asks the supplier for the
// booking under our reference and records the answer. A claim lasts one
// call and its bookkeeping; a worker that dies leaves the booking due again
// once it lapses.
func (s *Service) recheckOne(ctx context.Context, sup suppliers.Supplier, id string) (checkOutcome, error) {
	now := s.clock()
	until := now.Add(s.cfg.CallTimeout + s.cfg.Lease)
	ok, err := db.ClaimBookingCheck(ctx, s.db, id, StatusConfirmed, now, until)
	if err != nil || !ok {
		return checkSkipped, err
	}
	b, err := s.Get(ctx, id)
	if err != nil {
		return checkSkipped, err
	}
	q, _, err := decoded(b)
	if err != nil {
		// Unreadable: try again after the usual interval, not every pass.
		return checkSkipped, errors.Join(err,
			db.FinishBookingCheck(ctx, s.db, id, until, sql.NullTime{}, now.Add(s.cfg.RecheckEvery)))
	}
	if !now.Before(q.Checkout) {
		return checkSkipped, db.FinishBookingCheck(ctx, s.db, id, until, sql.NullTime{}, noMoreChecks)
	}
	cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
	sb, err := sup.Retrieve(cctx, b.Reference)
	cancel()
	answered := s.clock()
	next := s.nextCheck(q, answered)
	var flag, detail string
	switch {
	case errors.Is(err, suppliers.ErrNotFound):
		flag, detail = FlagSupplierCancelled, "no booking under "+b.Reference+" at "+b.Supplier
	case err != nil:
		s.log.Info("booking re-check failed", "booking", id, "supplier", b.Supplier, "err", err)
		ferr := db.FinishBookingCheck(ctx, s.db, id, until, sql.NullTime{}, answered)
		if unreachable(err) {
			return checkUnreachable, ferr
		}
		return checkSkipped, ferr
	case sb.Status == suppliers.StatusCancelled:
		flag, detail = FlagSupplierCancelled, "cancelled at "+b.Supplier
	default:
		if diffs := differences(b, q, sb); len(diffs) > 0 {
			flag, detail = FlagMismatch, strings.Join(diffs, "; ")
		}
	}
	checked := sql.NullTime{Time: answered, Valid: true}
	if flag == "" {
		return checkMatched, db.FinishBookingCheck(ctx, s.db, id, until, checked, next)
	}
	return s.flagBooking(ctx, id, until, checked, next, flag, detail)
}

// flagBooking stores a flag on a confirmed booking with an event that keeps
// its status, under the booking's row lock. The same flag again only
// records the check: one event per thing staff must see.
func (s *Service) flagBooking(ctx context.Context, id string, until time.Time, checked sql.NullTime, next time.Time,
	flag, detail string) (checkOutcome, error) {
	out := checkMatched
	_, err := s.change(ctx, id, func(tx *sql.Tx, b *Booking) (decision, error) {
		if b.Status != StatusConfirmed {
			return decision{}, errSkip // cancelled meanwhile: nothing to flag
		}
		cur, err := db.GetBookingCheck(ctx, tx, id)
		if err != nil {
			return decision{}, err
		}
		if cur.Flag.String == flag && cur.FlagDetail.String == detail {
			return decision{}, errSkip
		}
		if err := db.FinishBookingCheck(ctx, tx, id, until, checked, next); err != nil {
			return decision{}, err
		}
		if err := db.FlagBooking(ctx, tx, id, flag, detail, checked.Time); err != nil {
			return decision{}, err
		}
		out = checkFlagged
		return decision{To: StatusConfirmed, Cause: "supplier check: " + flag + ": " + detail, Record: true}, nil
	})
	if err != nil {
		return checkSkipped, err
	}
	if out == checkFlagged {
		s.log.Warn("booking flagged", "booking", id, "flag", flag, "detail", detail)
		return out, nil
	}
	return out, db.FinishBookingCheck(ctx, s.db, id, until, checked, next)
}

// nextCheck is when a booking checked at now is next due: every
// RecheckEvery, every RecheckNear in the last 48 hours before check-in.
func (s *Service) nextCheck(q suppliers.Query, now time.Time) time.Time {
	near := q.Checkin.Add(-nearCheckin)
	if !now.Before(near) {
		return now.Add(s.cfg.RecheckNear)
	}
	if next := now.Add(s.cfg.RecheckEvery); next.Before(near) {
		return next
	}
	return near
}

// unreachable reports whether a supplier error says nothing about the
// booking but that the supplier cannot be asked now.
func unreachable(err error) bool {
	return errors.Is(err, suppliers.ErrTimeout) || errors.Is(err, suppliers.ErrUnavailable) ||
		errors.Is(err, suppliers.ErrRateLimited) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, context.Canceled)
}

// differences lists what the supplier's booking has other than ours: dates,
// hotel, supplier reference. A field the supplier's answer leaves empty is
// not compared.
func differences(b Booking, q suppliers.Query, sb suppliers.Booking) []string {
	var out []string
	day := func(t time.Time) string { return t.UTC().Format(time.DateOnly) }
	if !sb.Checkin.IsZero() && day(sb.Checkin) != day(q.Checkin) {
		out = append(out, fmt.Sprintf("check-in %s, ours %s", day(sb.Checkin), day(q.Checkin)))
	}
	if !sb.Checkout.IsZero() && day(sb.Checkout) != day(q.Checkout) {
		out = append(out, fmt.Sprintf("check-out %s, ours %s", day(sb.Checkout), day(q.Checkout)))
	}
	if sb.SupplierHotelID != "" && sb.SupplierHotelID != b.SupplierHotelID {
		out = append(out, fmt.Sprintf("hotel %s, ours %s", sb.SupplierHotelID, b.SupplierHotelID))
	}
	if sb.SupplierReference != "" && b.SupplierReference.Valid && sb.SupplierReference != b.SupplierReference.String {
		out = append(out, fmt.Sprintf("supplier reference %s, ours %s", sb.SupplierReference, b.SupplierReference.String))
	}
	return out
}
