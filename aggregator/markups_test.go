package aggregator_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator"
	"lobang/aggregator/suppliers"
	"lobang/db"
	"lobang/db/dbtest"
	"lobang/markup"
)

// TestMarkupRaisesDisplayedPricesExactly: the same search with and without
// a 12.5 % rule on wgl in one destination; every wgl price carries exactly
// the rounded markup and the other suppliers' prices are untouched.
func TestMarkupRaisesDisplayedPricesExactly(t *testing.T) {
	w := newWorld(t)
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	require.NoError(t, db.PutMarkupRule(ctx, pool, db.MarkupRule{Supplier: "wgl", DestinationUID: "i8gS",
		Kind: db.MarkupPercent, PercentBP: 1250, UpdatedBy: "admin@lobang.test", UpdatedAt: time.Now()}))
	engine := markup.NewEngine(pool, yenFX{}, quiet())

	run := func(m aggregator.Markups) map[string]int64 {
		t.Helper()
		rdb, prefix := dbtest.Redis(t)
		cfg := aggregator.Config{Prefix: prefix, Deadline: 10 * time.Second}
		if m != nil {
			cfg.Markups = m
		}
		agg := aggregator.New(rdb, w.suppliers, hashMapper{}, yenFX{}, quiet(), cfg)
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			assert.NoError(t, agg.Run(rctx))
		}()
		t.Cleanup(func() {
			cancel()
			<-done
		})
		in := &instance{agg: agg}
		q := query("i8gS")
		q.Currency = "JPY"
		sid, err := in.agg.Start(ctx, q, "")
		require.NoError(t, err)
		events, err := in.agg.Subscribe(ctx, sid, "")
		require.NoError(t, err)
		collect(t, events, 20*time.Second)
		snap, err := in.agg.Snapshot(ctx, sid)
		require.NoError(t, err)
		out := map[string]int64{}
		for _, h := range snap.Hotels {
			for _, p := range h.Prices {
				assert.Equal(t, "JPY", p.Currency)
				out[p.Supplier+"|"+p.SupplierHotelID] = p.Total
			}
		}
		return out
	}
	plain, marked := run(nil), run(engine)
	require.NotEmpty(t, plain)
	require.Equal(t, len(plain), len(marked))
	wgl := 0
	for k, base := range plain {
		if k[:4] == "wgl|" {
			wgl++
			assert.Equal(t, base+markup.Percent(base, 1250), marked[k], k)
		} else {
			assert.Equal(t, base, marked[k], k)
		}
	}
	assert.Positive(t, wgl, "wgl priced some hotels")
}

// yenFX converts at fixed rates that include the yen (no minor unit).
type yenFX struct{}

func (yenFX) Convert(ctx context.Context, m suppliers.Money, to string) (suppliers.Money, error) {
	perSGD := map[string]float64{"SGD": 1, "EUR": 0.69, "USD": 0.74, "JPY": 110}
	from, dest := perSGD[m.Currency], perSGD[to]
	if m.Currency == "JPY" {
		from /= 100 // yen per cent of SGD
	}
	if to == "JPY" {
		dest /= 100
	}
	return suppliers.Money{Amount: int64(float64(m.Amount)/from*dest + 0.5), Currency: to}, nil
}

var _ aggregator.Markups = (*markup.Engine)(nil)
var _ suppliers.Supplier = (*suppliers.Observed)(nil)
