package booking

import (
	"context"

	"lobang/aggregator/suppliers"
	"lobang/fx"
)

// withMarkup adds a markup to a charge and to our margin; a markup in
// another currency than the charge's is not ours to add.
func withMarkup(p pricing, m fx.Money) pricing {
	if m.Amount == 0 || m.Currency != p.charge.Currency {
		return p
	}
	p.charge.Amount += m.Amount
	p.margin += m.Amount
	return p
}

// markedUp adds the stored offer's markup to a quote: the amount shown when
// the price held, so the customer is charged what was displayed, or the
// same rule on the supplier's new price when it changed.
func (s *Service) markedUp(ctx context.Context, so StoredOffer, fresh suppliers.Offer, p pricing, changed bool) (pricing, error) {
	if !changed {
		return withMarkup(p, so.Markup.Amount), nil
	}
	total := fx.Money{Amount: fresh.Total.Amount, Currency: fresh.Total.Currency}
	if total.Currency != p.charge.Currency {
		if s.rates == nil {
			return withMarkup(p, so.Markup.Reprice(p.charge)), nil
		}
		r, err := s.rates.Rates(ctx)
		if err != nil {
			return pricing{}, err
		}
		if total, err = r.Convert(total, p.charge.Currency); err != nil {
			return pricing{}, err
		}
	}
	return withMarkup(p, so.Markup.Reprice(total)), nil
}
