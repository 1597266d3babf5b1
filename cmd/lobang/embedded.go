//go:build !noembed

package main

import (
	"context"
	"log/slog"

	"lobang/devstack"
)

type embeddedStack struct {
	mysqlDSN, redisURL string
	close              func()
}

func startEmbedded(ctx context.Context, log *slog.Logger) (embeddedStack, error) {
	st, err := devstack.Start(ctx, log)
	if err != nil {
		return embeddedStack{}, err
	}
	return embeddedStack{mysqlDSN: st.MySQLDSN, redisURL: st.RedisURL, close: st.Close}, nil
}
