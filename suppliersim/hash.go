package suppliersim

import (
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
)

// keyed derives every pseudo-random decision of the world from the seed and the identifiers of
// the thing being decided, so that the same seed gives the same world on every machine and no
// decision depends on the order in which requests arrive.
type keyed struct {
	seed uint64
}

// sum hashes the seed and parts (separated so that "ab","c" differs from "a","bc").
func (k keyed) sum(parts ...string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], k.seed)
	h.Write(b[:]) //nolint:errcheck // hash writes never fail
	for _, p := range parts {
		h.Write([]byte(p)) //nolint:errcheck // hash writes never fail
		h.Write([]byte{0}) //nolint:errcheck // hash writes never fail
	}
	return mix(h.Sum64())
}

// mix is a 64-bit finaliser (splitmix64) that spreads FNV's weak low bits.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// unit returns a float in [0,1) for the parts.
func (k keyed) unit(parts ...string) float64 {
	return float64(k.sum(parts...)>>11) / (1 << 53)
}

// between returns an int in [lo,hi] for the parts.
func (k keyed) between(lo, hi int, parts ...string) int {
	if hi <= lo {
		return lo
	}
	return lo + int(k.sum(parts...)%uint64(hi-lo+1))
}

// rng returns a PCG-backed generator for a sequence of decisions about one thing.
func (k keyed) rng(parts ...string) *rand.Rand {
	a := k.sum(parts...)
	return rand.New(rand.NewPCG(a, mix(a^0x5851f42d4c957f2d)))
}

// itoa is strconv.Itoa, short because keys are built everywhere.
func itoa(i int) string { return strconv.Itoa(i) }

// pick returns one element of xs chosen by r.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }
