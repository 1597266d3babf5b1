package aggregator

import (
	"context"
	"strconv"
	"sync"
	"time"

	"lobang/aggregator/suppliers"
)

// SearchLocal runs a search entirely in this process, for when Redis is
// down: every supplier is asked in parallel within its deadline and the
// answers are merged in memory. It is slower than the pipeline (it waits
// for every supplier) and nothing is cached, but the customer still gets
// results.
func (a *Aggregator) SearchLocal(ctx context.Context, q suppliers.Query) Snapshot {
	sid := SID(q)
	var mu sync.Mutex
	prices := map[string]string{}
	states := make([]SupplierState, len(a.order))
	var wg sync.WaitGroup
	for i, name := range a.order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := SupplierState{Name: name, State: StateDone}
			defer func() { states[i] = st }()
			if a.switchedOff(ctx, name) {
				st.State, st.Why = StateSkipped, "switched off"
				return
			}
			if a.BreakerState(name) == "open" {
				st.State, st.Why = StateSkipped, "circuit open"
				return
			}
			sctx, cancel := context.WithTimeout(ctx, a.supplierDeadline(ctx, name))
			defer cancel()
			err := a.suppliers[name].Availability(sctx, q, func(batch []suppliers.HotelPrice) {
				got := a.convertBatch(sctx, q, name, batch)
				mu.Lock()
				defer mu.Unlock()
				for k, v := range got {
					prices[k] = v
				}
			})
			if err != nil {
				st.State, st.Why = StateFailed, reason(err)
			}
		}()
	}
	wg.Wait()
	hotels := groupPrices(prices)
	return Snapshot{
		SID: sid,
		Progress: Progress{
			Suppliers: states, Total: len(states), Final: len(states),
			Hotels: len(hotels), Complete: true, Started: time.Now(),
		},
		Hotels: hotels,
	}
}

// convertBatch maps and converts a batch into price fields as land stores
// them; hotels that cannot be mapped or converted are left out.
func (a *Aggregator) convertBatch(ctx context.Context, q suppliers.Query, supplier string, batch []suppliers.HotelPrice) map[string]string {
	ids := make([]string, 0, len(batch))
	for _, p := range batch {
		ids = append(ids, p.SupplierHotelID)
	}
	mapped, err := a.mapper.HotelIDs(ctx, q.DestinationUID, supplier, ids)
	if err != nil {
		a.log.Warn("map hotels", "supplier", supplier, "err", err)
		return nil
	}
	out := map[string]string{}
	for _, p := range batch {
		hid, ok := mapped[p.SupplierHotelID]
		if !ok {
			continue
		}
		sp, err := a.price(ctx, q, supplier, p)
		if err != nil {
			a.log.Warn("convert price", "supplier", supplier, "err", err)
			continue
		}
		out[strconv.FormatInt(hid, 10)+"|"+supplier] = sp
	}
	return out
}
