package fx_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/fx"
)

func TestMinorUnits(t *testing.T) {
	t.Parallel()
	for cur, want := range map[string]int{"JPY": 0, "KRW": 0, "VND": 0, "USD": 2, "SGD": 2, "EUR": 2, "IDR": 2, "KWD": 3, "BHD": 3, "CLF": 4, "jpy": 0} {
		got, ok := fx.MinorUnits(cur)
		require.True(t, ok, cur)
		assert.Equal(t, want, got, cur)
	}
	_, ok := fx.MinorUnits("XYZ")
	assert.False(t, ok)
}

func TestParseMinor(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		dec  int
		want int64
	}{
		{"123.45", 2, 12345}, {"123.4", 2, 12340}, {"123", 2, 12300}, {" 7.5 ", 2, 750},
		{"0.005", 2, 1}, {"0.0049", 2, 0}, {"-0.005", 2, -1}, {"2116.8", 2, 211680},
		{"1832.73131412", 2, 183273}, {"1.995", 2, 200}, {"-1.995", 2, -200},
		{"151.5", 0, 152}, {"150.4", 0, 150}, {"1e3", 2, 100000}, {"1.5E-2", 2, 2}, {"+4", 0, 4},
		{".5", 2, 50}, {"5.", 2, 500}, {"0", 2, 0}, {"000012.30", 2, 1230}, {"1.2345", 3, 1235},
		{"99999999999999.99", 2, 9999999999999999},
	}
	for _, c := range cases {
		got, err := fx.ParseMinor(c.in, c.dec)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
	for _, bad := range []string{"", " ", "-", ".", "abc", "1.2.3", "1e", "1e999", "12a", "NaN", "Inf", "0x10",
		"1,5", "99999999999999999999", "--1", "1e-", "１２"} {
		_, err := fx.ParseMinor(bad, 2)
		assert.ErrorIs(t, err, fx.ErrBadAmount, bad)
	}
}

func TestParseAndFormat(t *testing.T) {
	t.Parallel()
	m, err := fx.Parse("1234.5", "jpy")
	require.NoError(t, err)
	assert.Equal(t, fx.Money{Amount: 1235, Currency: "JPY"}, m)
	_, err = fx.Parse("1", "XXX1")
	assert.ErrorIs(t, err, fx.ErrUnknownCurrency)
	assert.Equal(t, "SGD 12.50", fx.Money{Amount: 1250, Currency: "SGD"}.String())
	assert.Equal(t, "JPY 1250", fx.Money{Amount: 1250, Currency: "JPY"}.String())
	assert.Equal(t, "-0.05", fx.FormatMinor(-5, 2))
	assert.Equal(t, "1.234", fx.FormatMinor(1234, 3))
}

func FuzzParseMinor(f *testing.F) {
	for _, s := range []string{"123.45", "1e3", "-0.005", "", "1e99", ".", "99999999999999999"} {
		f.Add(s, 2)
	}
	f.Fuzz(func(t *testing.T, s string, dec int) {
		n, err := fx.ParseMinor(s, dec%8)
		if err == nil && (n > 1e17 || n < -1e17) {
			t.Fatalf("%q parsed to %d beyond the digit bound", s, n)
		}
	})
}

func TestDisplay(t *testing.T) {
	for _, c := range []struct {
		m    fx.Money
		want string
	}{
		{fx.Money{Amount: 122760, Currency: "SGD"}, "SGD 1,227.60"},
		{fx.Money{Amount: 12000, Currency: "JPY"}, "JPY 12,000"},
		{fx.Money{Amount: 99, Currency: "USD"}, "USD 0.99"},
		{fx.Money{Amount: -123456789, Currency: "EUR"}, "EUR -1,234,567.89"},
		{fx.Money{Amount: 1234567, Currency: "KWD"}, "KWD 1,234.567"},
	} {
		assert.Equal(t, c.want, c.m.Display(), "%+v", c.m)
	}
}
