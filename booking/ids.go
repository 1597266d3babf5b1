package booking

import (
	"crypto/rand"
	"encoding/hex"
)

// newID is 128 random bits in hex: booking ids and form tokens.
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	return hex.EncodeToString(b)
}

// validID reports whether id has the shape of newID's output.
func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

// referenceAlphabet leaves out 0, O, 1 and I, which read alike.
const referenceAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// newReference is a customer-facing reference like LB-7K3Q9X: 30 random bits
// (a clash is caught by the unique key and drawn again).
func newReference() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	out := []byte("LB-")
	for _, c := range b {
		out = append(out, referenceAlphabet[int(c)%len(referenceAlphabet)])
	}
	return string(out)
}
