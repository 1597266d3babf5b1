package fx

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// Rates are exchange rates against one base currency, as exact decimals.
type Rates struct {
	// Base is the currency every rate is quoted against (the feed's "base").
	Base string `json:"base"`
	// Rates holds units of each currency per one unit of Base, as exact
	// decimal strings ("1.34", "151"). Base itself is 1 whether listed or not.
	Rates map[string]string `json:"rates"`
	// Decimals is the feed's opinion of each currency's minor unit. Kept for
	// reference only: Convert uses the built-in ISO 4217 table.
	Decimals map[string]int `json:"decimals,omitempty"`
}

// ErrNoRate: the rates do not quote a currency.
var ErrNoRate = errors.New("no exchange rate")

// rateText is the shape of a rate we accept: a plain decimal, optionally with
// a small exponent (never one that would make big.Rat allocate without end).
var rateText = regexp.MustCompile(`^[0-9]{1,20}(\.[0-9]{1,20})?([eE][+-]?[0-9]{1,2})?$`)

// rate returns the rate of a currency as an exact fraction.
func (r Rates) rate(cur string) (*big.Rat, error) {
	if cur == strings.ToUpper(r.Base) {
		if s, ok := r.Rates[cur]; !ok || s == "1" {
			return big.NewRat(1, 1), nil
		}
	}
	s, ok := r.Rates[cur]
	if !ok {
		return nil, fmt.Errorf("%w for %s", ErrNoRate, cur)
	}
	v, err := parseRate(s)
	if err != nil {
		return nil, fmt.Errorf("rate of %s: %w", cur, err)
	}
	return v, nil
}

func parseRate(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	if !rateText.MatchString(s) {
		return nil, fmt.Errorf("%w: rate %q", ErrBadAmount, truncate(s))
	}
	v, ok := new(big.Rat).SetString(s)
	if !ok || v.Sign() <= 0 {
		return nil, fmt.Errorf("%w: rate %q must be positive", ErrBadAmount, truncate(s))
	}
	return v, nil
}

// Validate checks that the base is a known currency and every rate is a
// positive decimal.
func (r Rates) Validate() error {
	if _, ok := MinorUnits(r.Base); !ok {
		return fmt.Errorf("rates: base %w %q", ErrUnknownCurrency, r.Base)
	}
	if len(r.Rates) == 0 {
		return fmt.Errorf("rates: %w: empty", ErrNoRate)
	}
	for c, s := range r.Rates {
		if _, err := parseRate(s); err != nil {
			return fmt.Errorf("rates: %s: %w", c, err)
		}
	}
	return nil
}

// Convert converts an amount into another currency, exactly: minor units of
// the source are scaled by both rates and the ISO 4217 minor units of both
// currencies in rational arithmetic, then rounded once, half to even
// (banker's rounding, so that many conversions do not drift one way). Money
// in the target currency is returned unchanged.
func (r Rates) Convert(m Money, to string) (Money, error) {
	from, to := strings.ToUpper(strings.TrimSpace(m.Currency)), strings.ToUpper(strings.TrimSpace(to))
	dFrom, ok := MinorUnits(from)
	if !ok {
		return Money{}, fmt.Errorf("convert from %q: %w", m.Currency, ErrUnknownCurrency)
	}
	dTo, ok := MinorUnits(to)
	if !ok {
		return Money{}, fmt.Errorf("convert to %q: %w", to, ErrUnknownCurrency)
	}
	if from == to {
		return Money{Amount: m.Amount, Currency: to}, nil
	}
	rFrom, err := r.rate(from)
	if err != nil {
		return Money{}, fmt.Errorf("convert %s to %s: %w", from, to, err)
	}
	rTo, err := r.rate(to)
	if err != nil {
		return Money{}, fmt.Errorf("convert %s to %s: %w", from, to, err)
	}
	// amount × rateTo × 10^dTo / (rateFrom × 10^dFrom)
	v := new(big.Rat).SetInt64(m.Amount)
	v.Mul(v, rTo)
	v.Quo(v, rFrom)
	v.Mul(v, new(big.Rat).SetFrac(pow10(dTo), pow10(dFrom)))
	n, ok := roundHalfEven(v)
	if !ok {
		return Money{}, fmt.Errorf("convert %s to %s: %w: result out of range", from, to, ErrBadAmount)
	}
	return Money{Amount: n, Currency: to}, nil
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// roundHalfEven rounds a fraction to the nearest integer, ties to even.
func roundHalfEven(v *big.Rat) (int64, bool) {
	num, den := v.Num(), v.Denom() // den > 0
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	twice := new(big.Int).Abs(rem)
	twice.Lsh(twice, 1)
	switch c := twice.Cmp(den); {
	case c > 0 || (c == 0 && q.Bit(0) == 1):
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	if !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}

// decodeFeed reads the rates feed: {"base","rates":{code: number},
// "decimals":{code: n}}, keeping each rate's exact decimal text.
func decodeFeed(body []byte) (Rates, error) {
	var w struct {
		Base     string                     `json:"base"`
		Rates    map[string]json.RawMessage `json:"rates"`
		Decimals map[string]int             `json:"decimals"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return Rates{}, fmt.Errorf("decode rates: %w", err)
	}
	r := Rates{Base: strings.ToUpper(strings.TrimSpace(w.Base)), Rates: map[string]string{}, Decimals: w.Decimals}
	for c, raw := range w.Rates {
		r.Rates[strings.ToUpper(strings.TrimSpace(c))] = strings.Trim(strings.TrimSpace(string(raw)), `"`)
	}
	if err := r.Validate(); err != nil {
		return Rates{}, err
	}
	return r, nil
}
