package admin

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"lobang/db"
)

// Staff sessions live in Redis under a random id that is the whole cookie
// value: revoking deletes the record, so a copied cookie dies with it. The
// idle and absolute limits are checked against the service's clock on every
// request.

// StartSession opens a new session for a member of staff and returns its
// id; the session the browser held before (old, may be empty) is revoked,
// so that login always rotates the id.
func (s *Service) StartSession(ctx context.Context, st Staff, old string) (string, error) {
	if old != "" {
		if err := s.Revoke(ctx, old); err != nil {
			return "", err
		}
	}
	id := randomHex(32)
	now := strconv.FormatInt(s.Now().UnixMicro(), 10)
	k := s.key("session", id)
	pipe := s.rdb.TxPipeline()
	pipe.HSet(ctx, k, "staff", st.ID, "created", now, "seen", now)
	pipe.Expire(ctx, k, s.cfg.AbsoluteTimeout)
	if _, err := pipe.Exec(ctx); err != nil {
		return "", fmt.Errorf("start staff session: %w", err)
	}
	return id, nil
}

// Session returns the member of staff a session id belongs to and marks
// the session used. A session unused for IdleTimeout, older than
// AbsoluteTimeout, revoked, or whose account is no longer active is
// ErrNoSession (and is gone).
func (s *Service) Session(ctx context.Context, id string) (Staff, error) {
	if len(id) != 64 {
		return Staff{}, ErrNoSession
	}
	k := s.key("session", id)
	f, err := s.rdb.HGetAll(ctx, k).Result()
	if err != nil {
		return Staff{}, fmt.Errorf("staff session: %w", err)
	}
	staffID, err1 := strconv.ParseInt(f["staff"], 10, 64)
	created, err2 := strconv.ParseInt(f["created"], 10, 64)
	seen, err3 := strconv.ParseInt(f["seen"], 10, 64)
	if len(f) == 0 || errors.Join(err1, err2, err3) != nil {
		return Staff{}, ErrNoSession
	}
	now := s.Now()
	if now.Sub(time.UnixMicro(seen)) >= s.cfg.IdleTimeout || now.Sub(time.UnixMicro(created)) >= s.cfg.AbsoluteTimeout {
		return Staff{}, errors.Join(ErrNoSession, s.Revoke(ctx, id))
	}
	u, err := db.GetStaffUser(ctx, s.db, staffID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && u.Status != db.StaffActive) {
		return Staff{}, errors.Join(ErrNoSession, s.Revoke(ctx, id))
	}
	if err != nil {
		return Staff{}, err
	}
	if err := s.rdb.HSet(ctx, k, "seen", strconv.FormatInt(now.UnixMicro(), 10)).Err(); err != nil {
		return Staff{}, fmt.Errorf("touch staff session: %w", err)
	}
	return Staff{ID: u.ID, Email: u.Email, Role: Role(u.Role), SessionID: id}, nil
}

// Revoke ends a session at once.
func (s *Service) Revoke(ctx context.Context, id string) error {
	if err := s.rdb.Del(ctx, s.key("session", id)).Err(); err != nil {
		return fmt.Errorf("revoke staff session: %w", err)
	}
	return nil
}

// Logout revokes a member of staff's session and records it.
func (s *Service) Logout(ctx context.Context, st Staff) error {
	if err := s.Revoke(ctx, st.SessionID); err != nil {
		return err
	}
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
