package booking

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

// LiveEvent is what the staff dashboard hears of a booking that was just
// confirmed or failed.
type LiveEvent struct {
	Reference string    `json:"reference"`
	Status    string    `json:"status"`
	Supplier  string    `json:"supplier"`
	Amount    int64     `json:"amount"`
	Currency  string    `json:"currency"`
	At        time.Time `json:"at"`
}

// LiveChannel is the Redis pub/sub channel of booking events under prefix.
func LiveChannel(prefix string) string { return prefix + "bookings:live" }

// Publisher returns a Deps.Notify that publishes each event on
// LiveChannel(prefix). Publishing is best effort: a failure is logged and
// never fails the booking.
func Publisher(rdb redis.UniversalClient, prefix string, log *slog.Logger) func(Booking) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(b Booking) {
		ev := LiveEvent{Reference: b.Reference, Status: b.Status, Supplier: b.Supplier, Amount: b.ChargeAmount,
			Currency: b.ChargeCurrency, At: b.UpdatedAt.UTC()}
		msg, err := json.Marshal(ev)
		if err != nil {
			log.Warn("booking event", "booking", b.ID, "err", err)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := rdb.Publish(ctx, LiveChannel(prefix), msg).Err(); err != nil {
			log.Warn("publish booking event", "booking", b.ID, "err", err)
		}
	}
}

// notifyMoved tells Notify of a booking that moved from another status to
// confirmed or failed.
func (s *Service) notifyMoved(from string, b Booking) {
	if s.notify == nil || from == b.Status || (b.Status != StatusConfirmed && b.Status != StatusFailed) {
		return
	}
	s.notify(b)
}
