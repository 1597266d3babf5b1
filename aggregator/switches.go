package aggregator

import (
	"context"
	"time"

	"lobang/aggregator/suppliers"
)

// switchedOff reports whether staff switched a supplier off; its part of a
// search is then skipped without a request.
func (a *Aggregator) switchedOff(ctx context.Context, supplier string) bool {
	s, ok := a.suppliers[supplier]
	return ok && suppliers.SwitchedOff(ctx, s)
}

// supplierDeadline is the deadline staff set for a supplier, else the
// configured one.
func (a *Aggregator) supplierDeadline(ctx context.Context, supplier string) time.Duration {
	if s, ok := a.suppliers[supplier]; ok {
		if d := suppliers.StaffDeadline(ctx, s); d > 0 {
			return d
		}
	}
	return a.deadline(supplier)
}
