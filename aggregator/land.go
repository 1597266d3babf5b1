package aggregator

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"lobang/aggregator/suppliers"
)

// Event types on a search's event stream.
const (
	EventStart    = "start"    // the search began
	EventPrices   = "prices"   // a supplier priced (or re-priced) some hotels
	EventSupplier = "supplier" // a supplier finished, failed or was skipped
	EventDone     = "done"     // every supplier is final
)

// SupplierPrice is one supplier's cheapest price for one hotel, in the
// search currency.
type SupplierPrice struct {
	Supplier         string `json:"s"`
	SupplierHotelID  string `json:"id"`
	Total            int64  `json:"t"`
	PayAtHotel       int64  `json:"h"`
	Currency         string `json:"c"`
	FreeCancellation bool   `json:"fc,omitempty"`
}

// land maps one batch of a supplier's prices to our hotels, converts them to
// the search currency, writes them and announces them, in one round trip.
func (a *Aggregator) land(ctx context.Context, j job, batch []suppliers.HotelPrice) error {
	ids := make([]string, 0, len(batch))
	for _, p := range batch {
		ids = append(ids, p.SupplierHotelID)
	}
	mapped, err := a.mapper.HotelIDs(ctx, j.Query.DestinationUID, j.Supplier, ids)
	if err != nil {
		return fmt.Errorf("map hotels: %w", err)
	}
	fields := make(map[string]any, len(batch))
	var hotelIDs []string
	for _, p := range batch {
		hid, ok := mapped[p.SupplierHotelID]
		if !ok {
			continue // not in the catalog yet, nor after an on-the-fly sync
		}
		raw, err := a.price(ctx, j.Query, j.Supplier, p)
		if err != nil {
			return err
		}
		h := strconv.FormatInt(hid, 10)
		fields[h+"|"+j.Supplier] = raw
		hotelIDs = append(hotelIDs, h)
	}
	if len(fields) == 0 {
		return nil
	}
	pipe := a.rdb.TxPipeline()
	pipe.HSet(ctx, a.k.prices(j.SID), fields)
	pipe.PExpireAt(ctx, a.k.prices(j.SID), j.Expires)
	pipe.XAdd(ctx, &redis.XAddArgs{Stream: a.k.events(j.SID), Values: map[string]any{
		"type": EventPrices, "supplier": j.Supplier, "hotels": strings.Join(hotelIDs, ","),
	}})
	pipe.PExpireAt(ctx, a.k.events(j.SID), j.Expires)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("write prices: %w", err)
	}
	return nil
}

// price converts one supplier price to the search currency and encodes it.
func (a *Aggregator) price(ctx context.Context, q suppliers.Query, supplier string, p suppliers.HotelPrice) (string, error) {
	total, err := a.fx.Convert(ctx, p.Total, q.Currency)
	if err != nil {
		return "", fmt.Errorf("convert %s: %w", p.SupplierHotelID, err)
	}
	if total, err = a.withMarkup(ctx, q, supplier, total); err != nil {
		return "", fmt.Errorf("price %s: %w", p.SupplierHotelID, err)
	}
	atHotel := suppliers.Money{Currency: total.Currency}
	if p.PayAtHotel.Amount != 0 {
		if atHotel, err = a.fx.Convert(ctx, p.PayAtHotel, q.Currency); err != nil {
			return "", fmt.Errorf("convert %s: %w", p.SupplierHotelID, err)
		}
	}
	raw, err := json.Marshal(SupplierPrice{
		Supplier: supplier, SupplierHotelID: p.SupplierHotelID,
		Total: total.Amount, PayAtHotel: atHotel.Amount, Currency: total.Currency,
		FreeCancellation: p.FreeCancellation,
	})
	if err != nil {
		return "", fmt.Errorf("encode price: %w", err)
	}
	return string(raw), nil
}

func (a *Aggregator) setState(ctx context.Context, j job, state, why string) {
	if err := a.rdb.HSet(ctx, a.k.meta(j.SID), "st:"+j.Supplier, state, "why:"+j.Supplier, why).Err(); err != nil {
		a.log.Warn("search state", "sid", j.SID, "err", err)
	}
}

// settle records a supplier's final state once (a job taken over after a
// crash may settle again) and finishes the search when it was the last.
func (a *Aggregator) settle(ctx context.Context, j job, state, why string) {
	ctx = context.WithoutCancel(ctx)
	first, err := a.rdb.HSetNX(ctx, a.k.meta(j.SID), "fin:"+j.Supplier, state).Result()
	if err != nil {
		a.log.Warn("settle supplier", "sid", j.SID, "supplier", j.Supplier, "err", err)
		return
	}
	if !first {
		return
	}
	pipe := a.rdb.TxPipeline()
	pipe.HSet(ctx, a.k.meta(j.SID), "st:"+j.Supplier, state, "why:"+j.Supplier, why)
	final := pipe.HIncrBy(ctx, a.k.meta(j.SID), "final", 1)
	total := pipe.HGet(ctx, a.k.meta(j.SID), "total")
	pipe.XAdd(ctx, &redis.XAddArgs{Stream: a.k.events(j.SID), Values: map[string]any{
		"type": EventSupplier, "supplier": j.Supplier, "state": state,
	}})
	pipe.PExpireAt(ctx, a.k.events(j.SID), j.Expires)
	if _, err := pipe.Exec(ctx); err != nil {
		a.log.Warn("settle supplier", "sid", j.SID, "supplier", j.Supplier, "err", err)
		return
	}
	n, err := strconv.Atoi(total.Val())
	if err == nil && final.Val() >= int64(n) {
		if err := a.finish(ctx, j.SID, j.Expires); err != nil {
			a.log.Warn("finish search", "sid", j.SID, "err", err)
		}
	}
}

// finish marks the search complete and sends the stream's closing event.
func (a *Aggregator) finish(ctx context.Context, sid string, expires time.Time) error {
	pipe := a.rdb.TxPipeline()
	pipe.HSet(ctx, a.k.meta(sid), "complete", 1, "completed", time.Now().UnixMilli())
	pipe.XAdd(ctx, &redis.XAddArgs{Stream: a.k.events(sid), Values: map[string]any{"type": EventDone}})
	pipe.PExpireAt(ctx, a.k.events(sid), expires)
	_, err := pipe.Exec(ctx)
	return err
}
