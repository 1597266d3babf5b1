package admin

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"lobang/db"
)

// Staff sessions live in the shared session store (internal/sessionstore)
// under their own cookie; the handlers keep the staff id in them and ask
// Member on every request, so that a disabled account or a changed role
// takes effect at once.

// Member returns the active member of staff with id; an unknown or inactive
// account is ErrNoSession.
func (s *Service) Member(ctx context.Context, id int64) (Staff, error) {
	u, err := db.GetStaffUser(ctx, s.db, id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && u.Status != db.StaffActive) {
		return Staff{}, ErrNoSession
	}
	if err != nil {
		return Staff{}, err
	}
	return Staff{ID: u.ID, Email: u.Email, Role: Role(u.Role)}, nil
}

// Logout records that a member of staff signed out; the handler has
// destroyed the session.
func (s *Service) Logout(ctx context.Context, st Staff) error {
	return s.Audit(ctx, s.db, st, "staff.logout", "staff", fmt.Sprint(st.ID), nil, nil)
}

// IssueToken returns a one-time token that lets st do action to object
// once, within 30 minutes: the confirmation step of every staff action.
func (s *Service) IssueToken(ctx context.Context, st Staff, action, object string) (string, error) {
	t := randomHex(16)
	if err := s.rdb.Set(ctx, s.key("token", t), tokenValue(st, action, object), 30*time.Minute).Err(); err != nil {
		return "", fmt.Errorf("issue confirmation token: %w", err)
	}
	return t, nil
}

// ConsumeToken uses up a token IssueToken gave st for action on object;
// any other token is ErrBadToken.
func (s *Service) ConsumeToken(ctx context.Context, st Staff, token, action, object string) error {
	if len(token) != 32 {
		return ErrBadToken
	}
	v, err := s.rdb.GetDel(ctx, s.key("token", token)).Result()
	if err != nil || v != tokenValue(st, action, object) {
		return ErrBadToken
	}
	return nil
}

func tokenValue(st Staff, action, object string) string {
	return strconv.FormatInt(st.ID, 10) + "|" + action + "|" + object
}
