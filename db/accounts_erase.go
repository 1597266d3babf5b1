package db

import (
	"context"
	"fmt"
)

// DeleteAccount deletes an account with its tokens and its list of
// attached bookings (the bookings themselves stay), and counts the rows.
func DeleteAccount(ctx context.Context, q DBTX, id int64) (ErasedCounts, error) {
	counts := ErasedCounts{}
	for _, t := range []struct{ table, query string }{
		{"account_tokens", "DELETE FROM account_tokens WHERE account_id = ?"},
		{"account_bookings", "DELETE FROM account_bookings WHERE account_id = ?"},
		{"accounts", "DELETE FROM accounts WHERE id = ?"},
	} {
		res, err := q.ExecContext(ctx, t.query, id)
		if err != nil {
			return nil, fmt.Errorf("delete account %d: %s: %w", id, t.table, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, fmt.Errorf("delete account %d: %s: %w", id, t.table, err)
		}
		counts[t.table] += n
	}
	return counts, nil
}
