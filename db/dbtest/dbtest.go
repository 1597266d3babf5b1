// Package dbtest gives each test its own throw-away MySQL database and Redis
// key prefix. With LOBANG_TEST_MYSQL_DSN / LOBANG_TEST_REDIS_URL set (as CI
// does) it uses those real servers; otherwise it starts the embedded
// development stack once per test binary. Nothing here ever flushes a shared
// server: databases are dropped and keys deleted by prefix.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"lobang/db"
)

var (
	embeddedOnce sync.Once
	embeddedDSN  string
	embeddedURL  string
	embeddedErr  error
)

// Servers returns the MySQL DSN (without a database) and the Redis URL the
// tests should use, and whether they are real servers rather than the
// embedded stack.
func Servers(t testing.TB) (mysqlDSN, redisURL string, real bool) {
	t.Helper()
	mysqlDSN = os.Getenv("LOBANG_TEST_MYSQL_DSN")
	redisURL = os.Getenv("LOBANG_TEST_REDIS_URL")
	if mysqlDSN != "" && redisURL != "" {
		return mysqlDSN, redisURL, true
	}
	embeddedOnce.Do(func() { embeddedDSN, embeddedURL, embeddedErr = startEmbedded() })
	if embeddedErr != nil {
		t.Skipf("no LOBANG_TEST_MYSQL_DSN/LOBANG_TEST_REDIS_URL and no embedded stack: %v", embeddedErr)
	}
	if mysqlDSN == "" {
		mysqlDSN = embeddedDSN
	}
	if redisURL == "" {
		redisURL = embeddedURL
	}
	return mysqlDSN, redisURL, false
}

// RequireReal skips the test unless real MySQL and Redis servers are
// configured: locking and isolation need their true semantics.
func RequireReal(t testing.TB) {
	t.Helper()
	if os.Getenv("LOBANG_TEST_MYSQL_DSN") == "" || os.Getenv("LOBANG_TEST_REDIS_URL") == "" {
		t.Skip("needs real MySQL and Redis: set LOBANG_TEST_MYSQL_DSN and LOBANG_TEST_REDIS_URL (.ci/run does)")
	}
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	return hex.EncodeToString(b)
}

// NewDatabase creates an empty database named after the test, returns its
// DSN, and drops it when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	serverDSN, _, _ := Servers(t)
	cfg, err := db.ParseDSN(serverDSN)
	require.NoError(t, err)
	name := "lobang_t_" + nonWord.ReplaceAllString(strings.ToLower(t.Name()), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	name += "_" + randomHex(4)

	cfg.DBName = ""
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	require.NoError(t, err)
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = admin.ExecContext(ctx, "CREATE DATABASE `"+name+"` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
	require.NoError(t, err, "create test database")

	t.Cleanup(func() {
		drop, err := sql.Open("mysql", cfg.FormatDSN())
		if err != nil {
			t.Logf("drop %s: %v", name, err)
			return
		}
		defer drop.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := drop.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+name+"`"); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
	})
	cfg.DBName = name
	return cfg.FormatDSN()
}

// MySQL returns a pool on a fresh, migrated database of the test's own.
func MySQL(t testing.TB) *sql.DB {
	t.Helper()
	dsn := NewDatabase(t)
	_, _, real := Servers(t)
	opt := db.Options{MaxOpenConns: 10}
	if !real {
		opt.MaxOpenConns = 1
	}
	pool, err := db.Open(context.Background(), dsn, opt)
	require.NoError(t, err)
	t.Cleanup(func() { pool.Close() })
	_, err = db.MigrateUp(context.Background(), pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err, "migrate test database")
	return pool
}

// Redis returns a client and a key prefix of the test's own; keys under the
// prefix are deleted when the test ends.
func Redis(t testing.TB) (*redis.Client, string) {
	t.Helper()
	_, url, _ := Servers(t)
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	client := redis.NewClient(opt)
	prefix := fmt.Sprintf("t:%s:%s:", nonWord.ReplaceAllString(strings.ToLower(t.Name()), "_"), randomHex(4))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		iter := client.Scan(ctx, 0, prefix+"*", 500).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Logf("scan test keys: %v", err)
		}
		for len(keys) > 0 {
			n := min(len(keys), 500)
			if err := client.Del(ctx, keys[:n]...).Err(); err != nil {
				t.Logf("delete test keys: %v", err)
				break
			}
			keys = keys[n:]
		}
		client.Close()
	})
	return client, prefix
}
