package aggregator

import (
	"context"
	"fmt"

	"lobang/aggregator/suppliers"
	"lobang/markup"
)

// Markups gives the markup of a supplier's price in a destination.
type Markups interface {
	Markup(ctx context.Context, supplier, destinationUID string, price suppliers.Money) (markup.Applied, error)
}

// withMarkup adds the configured markup to a price in the search currency.
func (a *Aggregator) withMarkup(ctx context.Context, q suppliers.Query, supplier string, total suppliers.Money) (suppliers.Money, error) {
	if a.cfg.Markups == nil {
		return total, nil
	}
	m, err := a.cfg.Markups.Markup(ctx, supplier, q.DestinationUID, total)
	if err != nil {
		return suppliers.Money{}, fmt.Errorf("markup: %w", err)
	}
	total.Amount += m.Amount.Amount
	return total, nil
}
