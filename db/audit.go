package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// AuditEntry is one row of the audit log: who did what to which object,
// when, from where, with the object before and after (JSON, may be empty).
type AuditEntry struct {
	ID         int64
	At         time.Time
	StaffID    int64
	StaffEmail string
	Action     string
	ObjectType string
	ObjectID   string
	IP         string
	Before     sql.NullString
	After      sql.NullString
}

// InsertAudit appends an entry to the audit log. The log is append-only:
// this file is the only code that writes it, and it only inserts.
func InsertAudit(ctx context.Context, q DBTX, e AuditEntry) error {
	_, err := q.ExecContext(ctx, `INSERT INTO audit_log (at, staff_id, staff_email, action, object_type, object_id, ip,
		before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.At.UTC(), e.StaffID, e.StaffEmail, e.Action,
		e.ObjectType, e.ObjectID, e.IP, e.Before, e.After)
	if err != nil {
		return fmt.Errorf("insert audit entry %s: %w", e.Action, err)
	}
	return nil
}

// AuditFilter narrows an audit search; zero fields match everything.
type AuditFilter struct {
	Staff    string // part of the staff member's email
	Action   string // exact action
	ObjectID string // exact object id (booking id, reference, message id…)
	From, To time.Time
}

// SearchAudit lists audit entries matching f, newest first.
func SearchAudit(ctx context.Context, q DBTX, f AuditFilter, limit, offset int) ([]AuditEntry, error) {
	var where []string
	var args []any
	if f.Staff != "" {
		where = append(where, "staff_email LIKE ?")
		args = append(args, "%"+likeEscape(f.Staff)+"%")
	}
	if f.Action != "" {
		where = append(where, "action = ?")
		args = append(args, f.Action)
	}
	if f.ObjectID != "" {
		where = append(where, "object_id = ?")
		args = append(args, f.ObjectID)
	}
	if !f.From.IsZero() {
		where = append(where, "at >= ?")
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where = append(where, "at < ?")
		args = append(args, f.To.UTC())
	}
	query := `SELECT id, at, staff_id, staff_email, action, object_type, object_id, ip, before_json, after_json
		FROM audit_log`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY id DESC LIMIT ? OFFSET ?"
	args = append(args, limit, offset)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.StaffID, &e.StaffEmail, &e.Action, &e.ObjectType, &e.ObjectID, &e.IP,
			&e.Before, &e.After); err != nil {
			return nil, fmt.Errorf("scan audit entry: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search audit log: %w", err)
	}
	return out, nil
}

// likeEscape escapes LIKE's wildcards in s.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
