package suppliers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"lobang/fx"
)

// Tolerant JSON scalars: suppliers send numbers as strings, "" for numbers,
// null for anything, and now and then a value of the wrong type. These
// types accept all of that and record whether a usable value was present.

// flexString is a string that also accepts numbers and booleans; null is "".
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*f = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	case b[0] == '{' || b[0] == '[':
		*f = "" // an object where a string belongs: ignore it
	default:
		*f = flexString(b)
	}
	return nil
}

// flexNum is a number given as a JSON number or a string; it keeps the exact
// decimal text so that money is parsed without floating point. null, "" and
// anything non-numeric leave it empty.
type flexNum string

func (f *flexNum) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*f = ""
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) != nil {
			return nil
		}
		b = []byte(strings.TrimSpace(s))
	}
	if _, err := strconv.ParseFloat(string(b), 64); err == nil {
		*f = flexNum(b)
	}
	return nil
}

// Float returns the number and whether there was a finite one.
func (f flexNum) Float() (float64, bool) {
	if f == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(f), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// Int returns the number rounded to an integer (0 when absent or huge).
func (f flexNum) Int() int {
	v, ok := f.Float()
	if !ok || math.Abs(v) > 1e9 {
		return 0
	}
	return int(math.Round(v))
}

// Money reads the number as an amount of a currency, exactly. An empty or
// unparseable number is zero and false.
func (f flexNum) Money(currency string) (Money, bool) {
	if f == "" {
		return Money{Currency: currency}, false
	}
	m, err := fx.Parse(string(f), currency)
	if err != nil {
		return Money{Currency: currency}, false
	}
	return m, true
}

// flexBool accepts true/false, "true"/"false", 1/0 and null (false).
type flexBool struct {
	V, Set bool
}

func (f *flexBool) UnmarshalJSON(b []byte) error {
	s := strings.Trim(strings.ToLower(string(bytes.TrimSpace(b))), `"`)
	switch s {
	case "true", "1", "yes", "y":
		*f = flexBool{true, true}
	case "false", "0", "no", "n":
		*f = flexBool{false, true}
	default:
		*f = flexBool{}
	}
	return nil
}

// decodeJSON decodes a supplier body tolerantly: broken JSON or a body of the
// wrong shape at the top is an error, while a wrongly typed field deep inside
// is skipped (encoding/json fills everything else).
func decodeJSON(body []byte, v any) error {
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrBadResponse, err)
}

// geo validates a coordinate pair: both present, in range, and not (0, 0).
func geo(lat, lng flexNum) (float64, float64, bool) {
	la, ok1 := lat.Float()
	lo, ok2 := lng.Float()
	if !ok1 || !ok2 || la < -90 || la > 90 || lo < -180 || lo > 180 || (la == 0 && lo == 0) {
		return 0, 0, false
	}
	return la, lo, true
}

// clampStars keeps a star rating within 0–5 in half stars.
func clampStars(v float64) float64 {
	if math.IsNaN(v) || v <= 0 {
		return 0
	}
	return math.Min(5, math.Round(v*2)/2)
}

// score10 normalises a score on a scale of max to one decimal out of 10.
func score10(v, scale float64) float64 {
	if math.IsNaN(v) || v <= 0 || scale <= 0 {
		return 0
	}
	return math.Min(10, math.Round(v/scale*100)/10)
}

// clockTime normalises "3:00 PM", "15:00", "15:00:00" or "3 pm" to "15:00";
// anything else is "".
func clockTime(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	pm, am := strings.HasSuffix(s, "PM"), strings.HasSuffix(s, "AM")
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "PM"), "AM"))
	hs, ms, _ := strings.Cut(s, ":")
	if len(ms) > 2 {
		ms = ms[:2]
	}
	h, err := strconv.Atoi(hs)
	if err != nil {
		return ""
	}
	m := 0
	if ms != "" {
		if m, err = strconv.Atoi(ms); err != nil {
			return ""
		}
	}
	if pm && h < 12 {
		h += 12
	}
	if am && h == 12 {
		h = 0
	}
	if h < 0 || h > 23 || m < 0 || m > 59 {
		return ""
	}
	return fmt.Sprintf("%02d:%02d", h, m)
}
