//go:build !noembed

package dbtest

import (
	"context"
	"io"
	"log/slog"
	"strings"

	"lobang/devstack"
)

// startEmbedded starts one embedded stack for the whole test binary; the
// process exit stops it.
func startEmbedded() (mysqlDSN, redisURL string, err error) {
	st, err := devstack.Start(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return "", "", err
	}
	// Tests create their own databases: strip the stack's default schema.
	dsn, _, _ := strings.Cut(st.MySQLDSN, "/")
	return dsn + "/", st.RedisURL, nil
}
