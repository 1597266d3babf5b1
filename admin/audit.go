package admin

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"lobang/db"
)

// Audit appends one entry to the audit log in q (the transaction of the
// change, where there is one): by whom, the action, the object, and the
// object before and after as JSON (nil: none).
func (s *Service) Audit(ctx context.Context, q db.DBTX, by Staff, action, objectType, objectID string, before, after any) error {
	enc := func(v any) (sql.NullString, error) {
		if v == nil {
			return sql.NullString{}, nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			return sql.NullString{}, fmt.Errorf("audit %s: %w", action, err)
		}
		return sql.NullString{String: string(b), Valid: true}, nil
	}
	b, err := enc(before)
	if err != nil {
		return err
	}
	a, err := enc(after)
	if err != nil {
		return err
	}
	email := by.Email
	if by.ID == 0 && email == "" {
		email = "command line"
	}
	return db.InsertAudit(ctx, q, db.AuditEntry{At: s.Now(), StaffID: by.ID, StaffEmail: email, Action: action,
		ObjectType: objectType, ObjectID: objectID, IP: by.IP, Before: b, After: a})
}

// SearchAudit lists audit entries, newest first.
func (s *Service) SearchAudit(ctx context.Context, f db.AuditFilter, limit, offset int) ([]db.AuditEntry, error) {
	return db.SearchAudit(ctx, s.db, f, limit, offset)
}
