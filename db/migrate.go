package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one numbered schema change, split into statements that are
// applied and recorded one by one: MySQL commits DDL implicitly, so a
// migration interrupted half way resumes at its first unrecorded step.
//
// Migrations are expand/contract: a migration never breaks the release that
// is still running (add columns and tables first, drop them a release later).
type Migration struct {
	Version    int64
	Name       string
	Statements []string
}

// MigrationState is a migration with how far it has been applied.
type MigrationState struct {
	Migration
	StepsApplied int
	AppliedAt    time.Time
}

// Applied reports whether every step of the migration has run.
func (m MigrationState) Applied() bool { return m.StepsApplied == len(m.Statements) }

// Migrations returns the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	return loadMigrations(migrationFiles, "migrations")
}

func loadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []Migration
	seen := map[int64]string{}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".sql" {
			continue
		}
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %q: name must be NNNN_description.sql", e.Name())
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %q and %q share version %d", prev, e.Name(), v)
		}
		seen[v] = e.Name()
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		stmts := splitStatements(string(body))
		if len(stmts) == 0 {
			return nil, fmt.Errorf("migration %s has no statements", e.Name())
		}
		out = append(out, Migration{Version: v, Name: name, Statements: stmts})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// splitStatements splits SQL on semicolons that end a line, dropping
// comment-only lines. Migrations keep to that shape.
func splitStatements(body string) []string {
	var stmts []string
	var cur strings.Builder
	for line := range strings.SplitSeq(body, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			stmt := strings.TrimSuffix(strings.TrimSpace(cur.String()), ";")
			stmts = append(stmts, stmt)
			cur.Reset()
		}
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		stmts = append(stmts, rest)
	}
	return stmts
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version BIGINT NOT NULL,
	step INT NOT NULL,
	name VARCHAR(200) NOT NULL,
	applied_at DATETIME(6) NOT NULL,
	PRIMARY KEY (version, step)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`

// MigrateUp applies every pending migration step in order and returns how
// many steps it ran. Running it again is a no-op. Concurrent runners are
// serialised by a MySQL advisory lock where the server supports one.
func MigrateUp(ctx context.Context, pool *sql.DB, log *slog.Logger) (int, error) {
	migs, err := Migrations()
	if err != nil {
		return 0, err
	}
	return migrateUp(ctx, pool, migs, log)
}

// MigrateUpFS applies the migrations in the root of fsys (NNNN_name.sql, the
// same shape as the embedded ones) exactly as MigrateUp does, recorded in the
// same table. Tests use it to apply a migration of a future release while
// the current release's queries run.
func MigrateUpFS(ctx context.Context, pool *sql.DB, fsys fs.FS, log *slog.Logger) (int, error) {
	migs, err := loadMigrations(fsys, ".")
	if err != nil {
		return 0, err
	}
	return migrateUp(ctx, pool, migs, log)
}

func migrateUp(ctx context.Context, pool *sql.DB, migs []Migration, log *slog.Logger) (int, error) {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: connection: %w", err)
	}
	defer conn.Close()

	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK('lobang_migrate', 60)").Scan(&got); err != nil {
		return 0, fmt.Errorf("migrate: lock: %w", err)
	}
	if !got.Valid || got.Int64 != 1 {
		return 0, fmt.Errorf("migrate: another migration holds the lock")
	}
	defer func() {
		var released sql.NullInt64
		if err := conn.QueryRowContext(context.WithoutCancel(ctx), "SELECT RELEASE_LOCK('lobang_migrate')").Scan(&released); err != nil {
			log.Warn("migrate: release lock", "err", err)
		}
	}()

	if _, err := conn.ExecContext(ctx, createMigrationsTable); err != nil {
		return 0, fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	done, err := appliedSteps(ctx, conn)
	if err != nil {
		return 0, err
	}
	ran := 0
	for _, m := range migs {
		for i, stmt := range m.Statements {
			step := i + 1
			if done[m.Version] >= step {
				continue
			}
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return ran, fmt.Errorf("migration %04d_%s step %d: %w", m.Version, m.Name, step, err)
			}
			if _, err := conn.ExecContext(ctx,
				"INSERT INTO schema_migrations (version, step, name, applied_at) VALUES (?, ?, ?, ?)",
				m.Version, step, m.Name, time.Now().UTC()); err != nil {
				return ran, fmt.Errorf("record migration %04d step %d: %w", m.Version, step, err)
			}
			ran++
		}
		if done[m.Version] < len(m.Statements) {
			log.Info("migration applied", "version", m.Version, "name", m.Name)
		}
	}
	return ran, nil
}

// MigrationStatus lists every embedded migration with how far it has run.
func MigrationStatus(ctx context.Context, pool *sql.DB) ([]MigrationState, error) {
	migs, err := Migrations()
	if err != nil {
		return nil, err
	}
	if _, err := pool.ExecContext(ctx, createMigrationsTable); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	done, err := appliedSteps(ctx, pool)
	if err != nil {
		return nil, err
	}
	at := map[int64]time.Time{}
	rows, err := pool.QueryContext(ctx, "SELECT version, MAX(applied_at) FROM schema_migrations GROUP BY version")
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int64
		var t time.Time
		if err := rows.Scan(&v, &t); err != nil {
			return nil, fmt.Errorf("scan schema_migrations: %w", err)
		}
		at[v] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	out := make([]MigrationState, 0, len(migs))
	for _, m := range migs {
		out = append(out, MigrationState{Migration: m, StepsApplied: done[m.Version], AppliedAt: at[m.Version]})
	}
	return out, nil
}

func appliedSteps(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) (map[int64]int, error) {
	rows, err := q.QueryContext(ctx, "SELECT version, MAX(step) FROM schema_migrations GROUP BY version")
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	done := map[int64]int{}
	for rows.Next() {
		var v int64
		var s int
		if err := rows.Scan(&v, &s); err != nil {
			return nil, fmt.Errorf("scan schema_migrations: %w", err)
		}
		done[v] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	return done, nil
}
