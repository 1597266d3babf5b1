package main

import (
	"log/slog"

	"lobang/accounts"
)

// customerAccounts is the customer accounts service over the backends; its
// emails link to the public base URL.
func customerAccounts(cfg Config, b *backends, log *slog.Logger) (*accounts.Service, error) {
	return accounts.New(accounts.Config{DB: b.db, Redis: b.redis, RedisPrefix: cfg.RedisPrefix, BaseURL: cfg.BaseURL,
		Log: log})
}
