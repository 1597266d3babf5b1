//go:build !noembed

// Package devstack runs the embedded development stack: an in-process Redis
// (miniredis, with keys expiring on the wall clock) and an in-process
// MySQL-wire server (go-mysql-server), both on ephemeral loopback ports.
//
// It exists so that `go run ./cmd/lobang` and `go test ./...` work on a fresh
// machine with nothing installed. It is not for production: go-mysql-server
// does not isolate concurrent transactions, so clients must use a single
// connection, and nothing is persisted. The `noembed` build tag leaves this
// package out of the binary.
package devstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/memory"
	"github.com/dolthub/go-mysql-server/server"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/sirupsen/logrus"
)

// DatabaseName is the schema the embedded MySQL server creates.
const DatabaseName = "lobang"

// Stack is a running embedded Redis and MySQL pair.
type Stack struct {
	// MySQLDSN connects to the embedded MySQL server (go-sql-driver format).
	MySQLDSN string
	// RedisURL connects to the embedded Redis server.
	RedisURL string

	redis *miniredis.Miniredis
	mysql *server.Server
	log   *slog.Logger
	stop  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once
}

// Start launches both servers on 127.0.0.1 with ports chosen by the kernel.
func Start(ctx context.Context, log *slog.Logger) (*Stack, error) {
	logrus.SetLevel(logrus.ErrorLevel) // go-mysql-server logs every connection at info
	s := &Stack{stop: make(chan struct{}), log: log}

	s.redis = miniredis.NewMiniRedis()
	if err := s.redis.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("start embedded redis: %w", err)
	}
	s.RedisURL = "redis://" + s.redis.Addr() + "/0"
	s.wg.Add(1)
	go s.tickRedisClock()

	if err := s.startMySQL(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// tickRedisClock advances miniredis's clock with the wall clock so that
// keys with a TTL expire as they would on a real server.
func (s *Stack) tickRedisClock() {
	defer s.wg.Done()
	last := time.Now()
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case now := <-t.C:
			s.redis.FastForward(now.Sub(last))
			last = now
		}
	}
}

func (s *Stack) startMySQL(ctx context.Context) error {
	db := memory.NewDatabase(DatabaseName)
	db.BaseDatabase.EnablePrimaryKeyIndexes()
	pro := memory.NewDBProvider(db)
	engine := sqle.NewDefault(pro)

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen for embedded mysql: %w", err)
	}
	cfg := server.Config{Protocol: "tcp", Listener: ln, Version: "8.0.33-lobang-embedded"}
	srv, err := server.NewServer(cfg, engine, sql.NewContext, memory.NewSessionBuilder(pro), nil)
	if err != nil {
		ln.Close()
		return fmt.Errorf("start embedded mysql: %w", err)
	}
	s.mysql = srv
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		// Start blocks until the listener closes.
		if err := srv.Start(); err != nil && !errors.Is(err, net.ErrClosed) {
			s.log.Warn("embedded mysql stopped", "err", err)
		}
	}()
	s.MySQLDSN = fmt.Sprintf("root@tcp(%s)/%s", ln.Addr().String(), DatabaseName)
	return nil
}

// Close stops both servers and waits for their goroutines.
func (s *Stack) Close() {
	s.once.Do(func() {
		close(s.stop)
		if s.mysql != nil {
			s.mysql.Close()
		}
		if s.redis != nil {
			s.redis.Close()
		}
		s.wg.Wait()
	})
}
