package main

import (
	"fmt"

	"lobang/internal/sessionstore"
)

// customerSessions is the customers' session store: a "__Host-" cookie on
// https, 30 minutes idle, 12 hours at most, signed with LOBANG_SESSION_KEYS.
func customerSessions(cfg Config, b *backends) (*sessionstore.Store, error) {
	s, err := sessionstore.New(b.redis, sessionstore.Options{
		Name:      "lobang_session",
		Secure:    cfg.BaseURL != nil && cfg.BaseURL.Scheme == "https",
		Keys:      cfg.SessionKeys,
		KeyPrefix: cfg.RedisPrefix,
	})
	if err != nil {
		return nil, fmt.Errorf("LOBANG_SESSION_KEYS: %w", err)
	}
	return s, nil
}
