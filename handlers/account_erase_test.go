package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/db/dbtest"
)

// TestAccountErasure deletes an account and erases its person's data: not
// while a stay is to come; then the account, its sessions and every trace
// of the name, email and phone in every table are gone, while the bookings'
// amounts stay.
func TestAccountErasure(t *testing.T) {
	dbtest.RequireReal(t)
	bw, aw := accountBookingWorld(t)
	const email = "nadia.forget@example.com"
	id := guestBooking(t, bw, 4, 48, email)
	aw.signUp(t, email, goodPassword)
	v := aw.visitor(t)
	v.logIn(t, email, goodPassword)
	other := aw.visitor(t) // the same customer on another device
	other.logIn(t, email, goodPassword)

	b, err := bw.svc.Get(context.Background(), id)
	require.NoError(t, err)
	page := v.get(t, "/account/erase")
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.doc.Find(`[data-testid="erase-blocked"]`).Text(), b.Reference, "cancel the stay first")
	assert.Equal(t, 0, page.doc.Find(`[data-testid="confirm-erase-account"]`).Length())
	refused := v.post(t, "/account/erase", nil)
	assert.Equal(t, http.StatusConflict, refused.status)
	assert.True(t, v.loggedIn(t), "nothing happened")

	q, err := bw.svc.CancellationQuote(context.Background(), id)
	require.NoError(t, err)
	_, err = bw.svc.Cancel(context.Background(), id, q.Token)
	require.NoError(t, err)

	page = v.get(t, "/account/erase")
	require.Equal(t, 1, page.doc.Find(`[data-testid="confirm-erase-account"]`).Length())
	done := v.post(t, "/account/erase", nil)
	require.Equal(t, http.StatusSeeOther, done.status, done.body)
	assert.False(t, v.loggedIn(t), "logged out")
	assert.False(t, other.loggedIn(t), "every session of the account ended")
	relog := aw.visitor(t).post(t, "/account/login", map[string][]string{"email": {email}, "password": {goodPassword}})
	assert.NotEqual(t, http.StatusSeeOther, relog.status, "the account is gone")

	// No text column of any table holds the email, the last name or the phone.
	for _, needle := range []string{email, guestForm.Get("last_name"), "6123 4567"} {
		for _, hit := range textColumnsHolding(t, bw, needle) {
			t.Errorf("%q is still in %s", needle, hit)
		}
	}
	after, err := bw.svc.Get(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, b.ChargeAmount, after.ChargeAmount, "the amounts stay")
	assert.Equal(t, b.Reference, after.Reference)
	rf, err := bw.svc.RefundOf(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, b.ChargeAmount, rf.Amount+rf.FeeAmount, "refund and fee still add up to what was paid")
	var erasures int
	require.NoError(t, bw.pool.QueryRow("SELECT COUNT(*) FROM erasures").Scan(&erasures))
	assert.Equal(t, 1, erasures, "the erasure is recorded")
}

// textColumnsHolding lists table.column of every text column in the test
// database with a value containing needle (case aside).
func textColumnsHolding(t *testing.T, w *bookingWorld, needle string) []string {
	t.Helper()
	rows, err := w.pool.Query(`SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = DATABASE() AND data_type IN ('char','varchar','text','mediumtext','longtext','json')`)
	require.NoError(t, err)
	type col struct{ table, column string }
	var cols []col
	for rows.Next() {
		var c col
		require.NoError(t, rows.Scan(&c.table, &c.column))
		cols = append(cols, c)
	}
	require.NoError(t, rows.Err())
	rows.Close()
	require.NotEmpty(t, cols)
	var hits []string
	for _, c := range cols {
		var n int
		q := fmt.Sprintf("SELECT COUNT(*) FROM `%s` WHERE LOWER(`%s`) LIKE ?", c.table, c.column)
		require.NoError(t, w.pool.QueryRow(q, "%"+strings.ToLower(needle)+"%").Scan(&n))
		if n > 0 {
			hits = append(hits, c.table+"."+c.column)
		}
	}
	return hits
}
