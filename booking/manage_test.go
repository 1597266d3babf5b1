package booking_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/booking"
)

func TestNormaliseReference(t *testing.T) {
	for in, want := range map[string]string{
		"LB-7K3Q9X":   "LB-7K3Q9X",
		" lb-7k3q9x ": "LB-7K3Q9X",
		"lb 7k3q9x":   "LB-7K3Q9X",
		"7K3Q9X":      "LB-7K3Q9X",
		"7k3-q9x":     "LB-7K3Q9X",
		"LB-7K3Q9":    "",
		"LB-7K3Q9XX":  "",
		"LB-0K3Q9X":   "", // 0, O, 1 and I are never in a reference
		"LB-IK3Q9X":   "",
		"":            "",
		"<script>":    "",
	} {
		assert.Equal(t, want, booking.NormaliseReference(in), "%q", in)
	}
}

func TestFindForGuest(t *testing.T) {
	e := newEnv(t, envOpts{})
	b, u := e.toPayment(t)
	status, _ := pay(t, u, "4242 4242 4242 4242")
	require.Equal(t, 303, status)
	_, err := e.svc.Authorized(ctxT(t), b.ID)
	require.NoError(t, err)

	got, err := e.svc.FindForGuest(ctxT(t), b.Reference, guest.Email)
	require.NoError(t, err)
	assert.Equal(t, b.ID, got.ID)
	got, err = e.svc.FindForGuest(ctxT(t), " "+b.Reference[3:]+" ", "  "+guest.Email+" ")
	require.NoError(t, err, "typed loosely")
	assert.Equal(t, b.ID, got.ID)

	_, wrongEmail := e.svc.FindForGuest(ctxT(t), b.Reference, "someone.else@example.com")
	_, wrongRef := e.svc.FindForGuest(ctxT(t), "LB-ZZZZZZ", guest.Email)
	assert.ErrorIs(t, wrongEmail, booking.ErrNotFound)
	assert.ErrorIs(t, wrongRef, booking.ErrNotFound)
	assert.Equal(t, wrongEmail.Error(), wrongRef.Error(), "the same answer either way")
}
