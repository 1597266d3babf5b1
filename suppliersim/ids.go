package suppliersim

import (
	"fmt"
	"strconv"
	"strings"
)

// Supplier hotel ids encode the hotel's world slot (destination rank × maxHotels + index)
// through a keyed permutation, so that any supplier id can be resolved without a lookup table
// and without building the destination first, and so that ids look unrelated to each other.

const (
	maxHotels   = 400 // slots reserved per destination; generated counts stay below
	base62      = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	ascenda4    = 62 * 62 * 62 * 62
	ascenda5    = ascenda4 * 62
	numericSpan = 100_000_000
)

// permute maps v in [0,n) to a unique value in [0,n) with a 4-round Feistel network over
// 2*half bits and cycle walking; n must be ≤ 2^(2*half).
func (k keyed) permute(tag string, v, n uint64, half uint, inverse bool) uint64 {
	mask := uint64(1)<<half - 1
	round := func(i int, r uint64) uint64 {
		return k.sum(tag, strconv.Itoa(i), strconv.FormatUint(r, 10)) & mask
	}
	for {
		l, r := v>>half, v&mask
		if !inverse {
			for i := 0; i < 4; i++ {
				l, r = r, l^round(i, r)
			}
		} else {
			for i := 3; i >= 0; i-- {
				l, r = r^round(i, l), l
			}
		}
		v = l<<half | r
		if v < n {
			return v
		}
	}
}

func encode62(v uint64, width int) string {
	b := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		b[i] = base62[v%62]
		v /= 62
	}
	return string(b)
}

func decode62(s string) (uint64, bool) {
	var v uint64
	for i := 0; i < len(s); i++ {
		d := strings.IndexByte(base62, s[i])
		if d < 0 {
			return 0, false
		}
		v = v*62 + uint64(d)
	}
	return v, true
}

// slot identifies a world hotel: the destination's rank and the hotel's index in it.
type slot struct {
	rank, index int
}

func (s slot) value() uint64 { return uint64(s.rank)*maxHotels + uint64(s.index) }

func slotOf(v uint64) slot { return slot{rank: int(v / maxHotels), index: int(v % maxHotels)} }

// ascendaID gives 4-character ids (like "diH7") while they fit, 5 characters beyond.
func (k keyed) ascendaID(s slot) string {
	v := s.value()
	if v < ascenda4 {
		return encode62(k.permute("ascenda-id", v, ascenda4, 12, false), 4)
	}
	return encode62(k.permute("ascenda-id5", v-ascenda4, ascenda5, 15, false), 5)
}

func (k keyed) parseAscendaID(id string) (slot, bool) {
	v, ok := decode62(id)
	switch {
	case !ok:
		return slot{}, false
	case len(id) == 4:
		return slotOf(k.permute("ascenda-id", v, ascenda4, 12, true)), true
	case len(id) == 5 && v < ascenda5:
		return slotOf(k.permute("ascenda-id5", v, ascenda5, 15, true) + ascenda4), true
	}
	return slot{}, false
}

// bedcomCode gives numeric hotel codes.
func (k keyed) bedcomCode(s slot) int {
	return int(k.permute("bedcom-id", s.value(), numericSpan, 14, false)) + 1000
}

func (k keyed) parseBedcomCode(code int) (slot, bool) {
	v := code - 1000
	if v < 0 || v >= numericSpan {
		return slot{}, false
	}
	return slotOf(k.permute("bedcom-id", uint64(v), numericSpan, 14, true)), true
}

// wglCode gives codes like "WGL04512377".
func (k keyed) wglCode(s slot) string {
	return fmt.Sprintf("WGL%08d", k.permute("wgl-id", s.value(), numericSpan, 14, false))
}

func (k keyed) parseWGLCode(code string) (slot, bool) {
	digits, ok := strings.CutPrefix(code, "WGL")
	if !ok || len(digits) != 8 {
		return slot{}, false
	}
	v, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || v >= numericSpan {
		return slot{}, false
	}
	return slotOf(k.permute("wgl-id", v, numericSpan, 14, true)), true
}
