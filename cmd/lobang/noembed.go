//go:build noembed

package main

import (
	"context"
	"errors"
	"log/slog"
)

type embeddedStack struct {
	mysqlDSN, redisURL string
	close              func()
}

func startEmbedded(context.Context, *slog.Logger) (embeddedStack, error) {
	return embeddedStack{}, errors.New("LOBANG_MYSQL_DSN and LOBANG_REDIS_URL: required; this binary was built with -tags noembed and has no embedded dev stack")
}
