// Package fx holds Lobang's money type, the ISO 4217 minor units of every
// currency, exact decimal parsing into minor units, and exchange rates
// fetched from a rates feed and cached in Redis.
package fx

import (
	"errors"
	"fmt"
	"strings"
)

// Money is an amount in minor units of an ISO 4217 currency (cents for USD,
// yen for JPY). Never a float.
type Money struct {
	Amount   int64
	Currency string
}

// String formats the amount with the currency's decimals, e.g. "SGD 12.50".
func (m Money) String() string {
	d, ok := MinorUnits(m.Currency)
	if !ok {
		d = 2
	}
	return m.Currency + " " + FormatMinor(m.Amount, d)
}

// Display formats the amount for people, with thousands separators:
// "SGD 1,234.50", "JPY 12,000".
func (m Money) Display() string {
	d, ok := MinorUnits(m.Currency)
	if !ok {
		d = 2
	}
	s := FormatMinor(m.Amount, d)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return m.Currency + " " + b.String()
}

// ErrUnknownCurrency: the code is not an ISO 4217 currency we know.
var ErrUnknownCurrency = errors.New("unknown currency")

// ErrBadAmount: a decimal amount could not be parsed.
var ErrBadAmount = errors.New("bad amount")

// minorUnits is ISO 4217's exponent of every active currency that is not 2.
var minorUnits = map[string]int{
	// exponent 0
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
	"RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	// exponent 3
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	// exponent 4
	"CLF": 4, "UYW": 4,
}

// twoDecimals lists the active ISO 4217 currencies with exponent 2.
const twoDecimals = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD " +
	"BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR " +
	"FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD " +
	"KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN " +
	"NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS " +
	"SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD " +
	"XCG YER ZAR ZMW ZWG"

func init() {
	for _, c := range strings.Fields(twoDecimals) {
		minorUnits[c] = 2
	}
}

// MinorUnits returns the number of decimal digits of a currency's minor unit
// per ISO 4217 (JPY 0, USD 2, KWD 3), and false for an unknown code. The
// table is built in: a feed's opinion does not count.
func MinorUnits(currency string) (int, bool) {
	d, ok := minorUnits[strings.ToUpper(strings.TrimSpace(currency))]
	return d, ok
}

// Parse reads a decimal amount of a currency ("123.45", "1e3", "-0.5") into
// Money, rounding half away from zero beyond the currency's decimals.
func Parse(s, currency string) (Money, error) {
	cur := strings.ToUpper(strings.TrimSpace(currency))
	d, ok := MinorUnits(cur)
	if !ok {
		return Money{}, fmt.Errorf("parse %q: %w %q", s, ErrUnknownCurrency, currency)
	}
	n, err := ParseMinor(s, d)
	if err != nil {
		return Money{}, err
	}
	return Money{Amount: n, Currency: cur}, nil
}

// maxDigits keeps every parsed amount well inside int64.
const maxDigits = 17

// ParseMinor reads a decimal number (optional sign, digits, optional
// fraction, optional exponent) into minor units with the given number of
// decimals, without floating point. Digits beyond the decimals are rounded
// half away from zero. Amounts of more than 17 significant digits are
// rejected rather than overflowing.
func ParseMinor(s string, decimals int) (int64, error) {
	bad := func(why string) (int64, error) {
		return 0, fmt.Errorf("%w: %q: %s", ErrBadAmount, truncate(s), why)
	}
	if decimals < 0 || decimals > 6 {
		return bad("unsupported decimals")
	}
	t := strings.TrimSpace(s)
	if len(t) == 0 || len(t) > 64 {
		return bad("empty or too long")
	}
	neg := false
	switch t[0] {
	case '-':
		neg, t = true, t[1:]
	case '+':
		t = t[1:]
	}
	exp := 0
	if i := strings.IndexAny(t, "eE"); i >= 0 {
		e, ok := smallInt(t[i+1:])
		if !ok {
			return bad("bad exponent")
		}
		exp, t = e, t[:i]
	}
	intPart, frac, _ := strings.Cut(t, ".")
	if intPart == "" && frac == "" {
		return bad("no digits")
	}
	digits := intPart + frac
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return bad("not a number")
		}
	}
	// value = digits × 10^shift in minor units
	shift := exp - len(frac) + decimals
	digits = strings.TrimLeft(digits, "0")
	roundUp := false
	if shift < 0 {
		cut := len(digits) + shift
		if cut < 0 {
			digits, shift = "", 0
		} else {
			roundUp = digits[cut] >= '5'
			digits, shift = digits[:cut], 0
		}
	}
	if len(digits)+shift > maxDigits {
		return bad("too large")
	}
	var n int64
	for i := 0; i < len(digits); i++ {
		n = n*10 + int64(digits[i]-'0')
	}
	for ; shift > 0; shift-- {
		n *= 10
	}
	if roundUp {
		n++
	}
	if neg {
		n = -n
	}
	return n, nil
}

// smallInt parses an exponent of at most two digits with an optional sign.
func smallInt(s string) (int, bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	if s == "" || len(s) > 2 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// FormatMinor writes minor units as a decimal string with the given decimals.
func FormatMinor(amount int64, decimals int) string {
	sign := ""
	u := uint64(amount)
	if amount < 0 {
		sign, u = "-", uint64(-amount)
	}
	s := fmt.Sprintf("%0*d", decimals+1, u)
	if decimals == 0 {
		return sign + s
	}
	return sign + s[:len(s)-decimals] + "." + s[len(s)-decimals:]
}

func truncate(s string) string {
	if len(s) > 32 {
		return s[:32] + "…"
	}
	return s
}
