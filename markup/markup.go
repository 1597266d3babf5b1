// Package markup works out the markup Lobang adds to supplier prices: staff
// rules per supplier and/or destination (the most specific wins), a
// percentage or a fixed amount, applied alike to the prices customers see
// and to what their booking charges.
package markup

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"lobang/db"
	"lobang/fx"
)

// Rule is one markup rule.
type Rule = db.MarkupRule

// Specificity ranks a rule's scope: supplier and destination 3,
// destination 2, supplier 1, global 0.
func Specificity(r Rule) int {
	s := 0
	if r.DestinationUID != "" {
		s += 2
	}
	if r.Supplier != "" {
		s++
	}
	return s
}

// Pick returns the most specific rule matching a supplier and destination.
func Pick(rules []Rule, supplier, destinationUID string) (Rule, bool) {
	best, found := Rule{}, false
	for _, r := range rules {
		if (r.Supplier != "" && r.Supplier != supplier) || (r.DestinationUID != "" && r.DestinationUID != destinationUID) {
			continue
		}
		if !found || Specificity(r) > Specificity(best) {
			best, found = r, true
		}
	}
	return best, found
}

// Percent is the markup of bp hundredths of a percent on an amount in minor
// units, rounded half away from zero to the currency's minor unit (a whole
// yen for JPY, a cent for SGD).
func Percent(amount, bp int64) int64 {
	n := amount * bp
	q, r := n/10000, n%10000
	if r >= 5000 {
		q++
	} else if r <= -5000 {
		q--
	}
	return q
}

// Converter converts money between currencies.
type Converter interface {
	Convert(ctx context.Context, m fx.Money, to string) (fx.Money, error)
}

// Applied is the markup one price got: its amount in the price's currency
// and the rule it came from (a zero rule ID when none applied).
type Applied struct {
	Amount    fx.Money `json:"amount"`
	RuleID    int64    `json:"rule_id,omitempty"`
	PercentBP int64    `json:"percent_bp,omitempty"`
}

// On works out the markup of a price under rule r; a fixed amount in
// another currency is converted to the price's.
func On(ctx context.Context, r Rule, price fx.Money, conv Converter) (Applied, error) {
	switch r.Kind {
	case db.MarkupPercent:
		return Applied{Amount: fx.Money{Amount: Percent(price.Amount, r.PercentBP), Currency: price.Currency},
			RuleID: r.ID, PercentBP: r.PercentBP}, nil
	case db.MarkupFixed:
		m := fx.Money{Amount: r.Amount, Currency: r.Currency}
		if r.Currency != price.Currency {
			if conv == nil {
				return Applied{}, fmt.Errorf("markup in %s on %s: no converter", r.Currency, price.Currency)
			}
			var err error
			if m, err = conv.Convert(ctx, m, price.Currency); err != nil {
				return Applied{}, fmt.Errorf("markup rule %d: %w", r.ID, err)
			}
		}
		return Applied{Amount: m, RuleID: r.ID}, nil
	}
	return Applied{}, fmt.Errorf("markup rule %d: unknown kind %q", r.ID, r.Kind)
}

// Reprice is the markup a stored offer's rule gives a new price of the same
// offer (after a price change): the same percentage, or the same amount.
func (a Applied) Reprice(price fx.Money) fx.Money {
	if a.PercentBP != 0 {
		return fx.Money{Amount: Percent(price.Amount, a.PercentBP), Currency: price.Currency}
	}
	if a.Amount.Currency != price.Currency {
		return fx.Money{Currency: price.Currency}
	}
	return a.Amount
}

// TTL is how long an Engine trusts its copy of the rules.
const TTL = 2 * time.Second

// Engine applies the rules in MySQL, read through a short in-process cache.
type Engine struct {
	pool   *sql.DB
	conv   Converter
	log    *slog.Logger
	mu     sync.Mutex
	rules  []Rule
	loaded time.Time
}

// NewEngine returns an engine over the rules in pool.
func NewEngine(pool *sql.DB, conv Converter, log *slog.Logger) *Engine {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Engine{pool: pool, conv: conv, log: log}
}

// Rules returns every rule (cached up to TTL).
func (e *Engine) Rules(ctx context.Context) ([]Rule, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.rules != nil && time.Since(e.loaded) < TTL {
		return e.rules, nil
	}
	rules, err := db.MarkupRules(ctx, e.pool)
	if err != nil {
		return nil, err
	}
	if rules == nil {
		rules = []Rule{}
	}
	e.rules, e.loaded = rules, time.Now()
	return rules, nil
}

// Invalidate makes the next call read the rules again.
func (e *Engine) Invalidate() {
	e.mu.Lock()
	e.rules = nil
	e.mu.Unlock()
}

// Markup returns the markup of a supplier's price in a destination (zero
// when no rule applies).
func (e *Engine) Markup(ctx context.Context, supplier, destinationUID string, price fx.Money) (Applied, error) {
	rules, err := e.Rules(ctx)
	if err != nil {
		return Applied{}, err
	}
	r, ok := Pick(rules, supplier, destinationUID)
	if !ok {
		return Applied{Amount: fx.Money{Currency: price.Currency}}, nil
	}
	return On(ctx, r, price, e.conv)
}
