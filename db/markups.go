package db

import (
	"context"
	"fmt"
	"time"
)

// Markup kinds.
const (
	MarkupPercent = "percent"
	MarkupFixed   = "fixed"
)

// MarkupRule is one row of markup_rules. Empty Supplier or DestinationUID
// means any.
type MarkupRule struct {
	ID             int64
	Supplier       string
	DestinationUID string
	Kind           string
	PercentBP      int64 // hundredths of a percent, for MarkupPercent
	Amount         int64 // minor units of Currency, for MarkupFixed
	Currency       string
	UpdatedBy      string
	UpdatedAt      time.Time
}

// MarkupRules lists every rule, most specific scopes last.
func MarkupRules(ctx context.Context, q DBTX) ([]MarkupRule, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, supplier, destination_uid, kind, percent_bp, amount, currency,
		updated_by, updated_at FROM markup_rules ORDER BY supplier, destination_uid`)
	if err != nil {
		return nil, fmt.Errorf("markup rules: %w", err)
	}
	defer rows.Close()
	var out []MarkupRule
	for rows.Next() {
		var m MarkupRule
		if err := rows.Scan(&m.ID, &m.Supplier, &m.DestinationUID, &m.Kind, &m.PercentBP, &m.Amount, &m.Currency,
			&m.UpdatedBy, &m.UpdatedAt); err != nil {
			return nil, fmt.Errorf("scan markup rule: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("markup rules: %w", err)
	}
	return out, nil
}

// PutMarkupRule stores the rule of a scope, replacing the one there.
func PutMarkupRule(ctx context.Context, q DBTX, m MarkupRule) error {
	_, err := q.ExecContext(ctx, `INSERT INTO markup_rules (supplier, destination_uid, kind, percent_bp, amount, currency,
		updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON DUPLICATE KEY UPDATE kind = VALUES(kind), percent_bp = VALUES(percent_bp), amount = VALUES(amount),
			currency = VALUES(currency), updated_by = VALUES(updated_by), updated_at = VALUES(updated_at)`,
		m.Supplier, m.DestinationUID, m.Kind, m.PercentBP, m.Amount, m.Currency, m.UpdatedBy, m.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("put markup rule %s/%s: %w", m.Supplier, m.DestinationUID, err)
	}
	return nil
}

// DeleteMarkupRule removes a rule by id; ErrNotFound when there is none.
func DeleteMarkupRule(ctx context.Context, q DBTX, id int64) error {
	res, err := q.ExecContext(ctx, "DELETE FROM markup_rules WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("delete markup rule %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("markup rule %d: %w", id, ErrNotFound)
	}
	return nil
}
