package fx_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/fx"
)

// feedRates are rates shaped like the feed: units per US dollar.
var feedRates = fx.Rates{Base: "USD", Rates: map[string]string{
	"USD": "1", "SGD": "1.34", "EUR": "0.92", "JPY": "151.0", "KRW": "1340", "IDR": "15800", "KWD": "0.307",
	"AED": "3.6725",
}}

func TestConvert(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   fx.Money
		to   string
		want fx.Money
	}{
		{"SGD to JPY has no decimals", fx.Money{Amount: 1000, Currency: "SGD"}, "JPY", fx.Money{Amount: 1127, Currency: "JPY"}}, // 10/1.34*151 = 1126.87
		{"USD to EUR", fx.Money{Amount: 10000, Currency: "USD"}, "EUR", fx.Money{Amount: 9200, Currency: "EUR"}},
		{"JPY to USD", fx.Money{Amount: 15100, Currency: "JPY"}, "USD", fx.Money{Amount: 10000, Currency: "USD"}},
		{"EUR to SGD", fx.Money{Amount: 9200, Currency: "EUR"}, "SGD", fx.Money{Amount: 13400, Currency: "SGD"}},
		{"USD to KRW", fx.Money{Amount: 199, Currency: "USD"}, "KRW", fx.Money{Amount: 2667, Currency: "KRW"}}, // 2666.6
		{"USD to KWD has three", fx.Money{Amount: 100, Currency: "USD"}, "KWD", fx.Money{Amount: 307, Currency: "KWD"}},
		{"same currency unchanged", fx.Money{Amount: 12345, Currency: "SGD"}, "sgd", fx.Money{Amount: 12345, Currency: "SGD"}},
		{"zero", fx.Money{Amount: 0, Currency: "EUR"}, "JPY", fx.Money{Amount: 0, Currency: "JPY"}},
		{"negative (refunds)", fx.Money{Amount: -10000, Currency: "USD"}, "EUR", fx.Money{Amount: -9200, Currency: "EUR"}},
		{"USD to IDR", fx.Money{Amount: 1, Currency: "USD"}, "IDR", fx.Money{Amount: 15800, Currency: "IDR"}},
	}
	for _, c := range cases {
		got, err := feedRates.Convert(c.in, c.to)
		require.NoError(t, err, c.name)
		assert.Equal(t, c.want, got, c.name)
	}
}

func TestConvertRoundsHalfToEven(t *testing.T) {
	t.Parallel()
	half := fx.Rates{Base: "USD", Rates: map[string]string{"EUR": "0.5", "JPY": "0.5"}}
	for in, want := range map[int64]int64{1: 0, 3: 2, 5: 2, 7: 4, -1: 0, -3: -2, -5: -2, 2: 1} {
		got, err := half.Convert(fx.Money{Amount: in, Currency: "USD"}, "EUR")
		require.NoError(t, err)
		assert.Equal(t, want, got.Amount, "%d cents × 0.5", in)
	}
	// 1.50 USD → 0.75 JPY → 1 (above the half); 1.00 USD → 0.5 JPY → 0 (tie to even).
	got, err := half.Convert(fx.Money{Amount: 150, Currency: "USD"}, "JPY")
	require.NoError(t, err)
	assert.EqualValues(t, 1, got.Amount)
	got, err = half.Convert(fx.Money{Amount: 100, Currency: "USD"}, "JPY")
	require.NoError(t, err)
	assert.EqualValues(t, 0, got.Amount)
}

func TestConvertErrors(t *testing.T) {
	t.Parallel()
	_, err := feedRates.Convert(fx.Money{Amount: 1, Currency: "USD"}, "GBP")
	assert.ErrorIs(t, err, fx.ErrNoRate)
	_, err = feedRates.Convert(fx.Money{Amount: 1, Currency: "ZZZ"}, "USD")
	assert.ErrorIs(t, err, fx.ErrUnknownCurrency)
	_, err = feedRates.Convert(fx.Money{Amount: 1 << 62, Currency: "USD"}, "IDR")
	assert.ErrorIs(t, err, fx.ErrBadAmount, "overflow is an error, not a wrap-around")
	bad := fx.Rates{Base: "USD", Rates: map[string]string{"EUR": "1e99999"}}
	assert.Error(t, bad.Validate())
	_, err = bad.Convert(fx.Money{Amount: 1, Currency: "USD"}, "EUR")
	assert.ErrorIs(t, err, fx.ErrBadAmount)
	assert.Error(t, fx.Rates{Base: "USD", Rates: map[string]string{"EUR": "-1"}}.Validate())
	assert.Error(t, fx.Rates{Base: "USD", Rates: map[string]string{"EUR": "0"}}.Validate())
}
