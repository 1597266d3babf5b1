// Package db holds Lobang's MySQL access: opening a pool with sane settings,
// the embedded schema migrations, a transaction helper and the sentinel
// errors that stores return. SQL lives next to the Scan that reads it.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/go-sql-driver/mysql"
)

// ErrNotFound is returned by stores when a row does not exist.
var ErrNotFound = errors.New("not found")

// ErrDuplicate is returned by stores when a unique key rejects a row.
var ErrDuplicate = errors.New("duplicate")

// DBTX is satisfied by both *sql.DB and *sql.Tx, so stores can run inside or
// outside a transaction.
type DBTX interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Options tune the connection pool.
type Options struct {
	// MaxOpenConns caps open connections; 1 for the embedded server, which
	// does not isolate concurrent transactions.
	MaxOpenConns int
}

// Open parses dsn, forces parseTime and UTC, adds network deadlines, and
// returns a pool that has answered a ping.
func Open(ctx context.Context, dsn string, opt Options) (*sql.DB, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("mysql connector: %w", err)
	}
	pool := sql.OpenDB(connector)
	if opt.MaxOpenConns <= 0 {
		opt.MaxOpenConns = 25
	}
	pool.SetMaxOpenConns(opt.MaxOpenConns)
	pool.SetMaxIdleConns(min(opt.MaxOpenConns, 10))
	pool.SetConnMaxLifetime(5 * time.Minute)
	pool.SetConnMaxIdleTime(time.Minute)

	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := pool.PingContext(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping mysql at %s: %w", cfg.Addr, err)
	}
	return pool, nil
}

// ParseDSN parses a go-sql-driver DSN and applies Lobang's settings:
// parseTime, UTC, utf8mb4 and network deadlines.
func ParseDSN(dsn string) (*mysql.Config, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse mysql dsn: %w", err)
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = 30 * time.Second
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = 30 * time.Second
	}
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	if _, ok := cfg.Params["time_zone"]; !ok {
		cfg.Params["time_zone"] = "'+00:00'"
	}
	// Interpolate arguments client-side: one round trip per statement
	// instead of prepare, execute and close.
	cfg.InterpolateParams = true
	if cfg.Collation == "" {
		cfg.Collation = "utf8mb4_unicode_ci"
	}
	return cfg, nil
}

// WithTx runs fn inside a transaction, committing when fn returns nil and
// rolling back otherwise, including when fn panics.
func WithTx(ctx context.Context, pool *sql.DB, fn func(tx *sql.Tx) error) (err error) {
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	committed := false
	defer func() {
		if committed {
			return
		}
		// Runs on error and on panic alike, so a panicking fn never leaves
		// a transaction (and, on the embedded server, the only connection) open.
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) && err != nil {
			err = errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	committed = true
	return nil
}

// IsDuplicate reports whether err is MySQL's duplicate-key error (1062).
func IsDuplicate(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == 1062
}
