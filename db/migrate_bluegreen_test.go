package db_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/db"
	"lobang/db/dbtest"
)

// expandMigration is a future release's migration of the allowed kind: a
// nullable column on a table the running release reads and writes, a column
// with a default, and a new table.
const expandMigration = `-- A future release: hotel check-in notes and booking holds.
ALTER TABLE hotels ADD COLUMN check_in_notes TEXT NULL;
ALTER TABLE destinations ADD COLUMN featured BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE IF NOT EXISTS booking_holds (
	id BIGINT NOT NULL AUTO_INCREMENT,
	hotel_id BIGINT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
`

// contractMigration is what expand/contract forbids while the old release
// still runs: it drops a column the old queries select.
const contractMigration = `ALTER TABLE hotels DROP COLUMN review_breakdown;
`

func bgLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// oldRelease runs the current release's catalog and destination queries in
// loops until stop is closed, counting calls and failures.
type oldRelease struct {
	calls, failures atomic.Int64
	mu              sync.Mutex
	firstErr        error
}

func (o *oldRelease) run(ctx context.Context, pool db.DBTX, worker int, stop <-chan struct{}) {
	uid := "i8gS"
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		err := func() error {
			if _, err := db.EnsureDestination(ctx, pool, uid); err != nil {
				return err
			}
			if _, err := db.GetDestination(ctx, pool, uid); err != nil {
				return err
			}
			id, err := db.InsertHotel(ctx, pool, db.Hotel{
				DestinationUID: uid, Slug: fmt.Sprintf("bg-%d-%d", worker, i), Name: fmt.Sprintf("Blue Green %d/%d", worker, i),
				Active: true, ContentHash: strings.Repeat("a", 64), ContentUpdatedAt: time.Now().UTC(), CreatedAt: time.Now().UTC(),
				ReviewBreakdown: map[string]float64{"clean": 8.5}, Sources: map[string]string{"name": "ascenda"},
			})
			if err != nil {
				return err
			}
			if err := db.SetDestinationHotels(ctx, pool, uid, []int64{id}, nil); err != nil {
				return err
			}
			if _, err := db.GetHotel(ctx, pool, id); err != nil {
				return err
			}
			if _, _, err := db.HotelsByDestination(ctx, pool, uid, "", 20, 0); err != nil {
				return err
			}
			_, err = db.HotelsByIDs(ctx, pool, []int64{id})
			return err
		}()
		o.calls.Add(1)
		if err != nil {
			o.failures.Add(1)
			o.mu.Lock()
			if o.firstErr == nil {
				o.firstErr = err
			}
			o.mu.Unlock()
		}
	}
}

// applyWhileOldReleaseRuns migrates a fresh database to the current schema,
// starts the old release's queries, applies next from a test-only FS in the
// middle, and reports how the old release fared.
func applyWhileOldReleaseRuns(t *testing.T, next string) (*oldRelease, error) {
	t.Helper()
	ctx := context.Background()
	pool, err := db.Open(ctx, dbtest.NewDatabase(t), db.Options{MaxOpenConns: 16})
	require.NoError(t, err)
	t.Cleanup(func() { pool.Close() })
	_, err = db.MigrateUp(ctx, pool, bgLog())
	require.NoError(t, err)

	old := &oldRelease{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Go(func() { old.run(ctx, pool, w, stop) })
	}
	// Enough rounds on each side of the migration, however slow the machine.
	waitRounds := func(n int64) bool {
		deadline := time.Now().Add(30 * time.Second)
		for old.calls.Load() < n && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		return old.calls.Load() >= n
	}
	ranBefore := waitRounds(30)
	before := old.calls.Load()
	_, migErr := db.MigrateUpFS(ctx, pool, fstest.MapFS{"0900_next_release.sql": {Data: []byte(next)}}, bgLog())
	ranAfter := waitRounds(before + 30)
	close(stop)
	wg.Wait()
	require.True(t, ranBefore, "the old release ran before the migration")
	require.True(t, ranAfter, "and after it")
	return old, migErr
}

// Blue/green runs the previous release against the schema the next release
// migrates: an expand-only migration must not fail a single old query.
func TestExpandMigrationKeepsOldReleaseRunning(t *testing.T) {
	dbtest.RequireReal(t)
	t.Parallel()
	old, err := applyWhileOldReleaseRuns(t, expandMigration)
	require.NoError(t, err, "the expand migration applies")
	assert.Zero(t, old.failures.Load(), "old queries failed during the expand migration: first %v", old.firstErr)
	t.Logf("old release: %d query rounds, %d failed", old.calls.Load(), old.failures.Load())
}

// The same harness sees a contract migration break the old release, so the
// test above can fail.
func TestContractMigrationBreaksOldRelease(t *testing.T) {
	dbtest.RequireReal(t)
	t.Parallel()
	old, err := applyWhileOldReleaseRuns(t, contractMigration)
	require.NoError(t, err)
	assert.Positive(t, old.failures.Load(), "dropping a column the old release reads must break it")
}

var (
	contractMarker = regexp.MustCompile(`(?m)^\s*--\s*contract:\s*\S`)
	sqlComment     = regexp.MustCompile(`(?m)--.*$`)
	dropColumnOrTb = regexp.MustCompile(`(?i)\bDROP\s+(TABLE|DATABASE|SCHEMA|VIEW)\b|\bDROP\s+(COLUMN\s+)?` + "`?" + `\w+` + "`?" + `\s*(,|;|$)`)
	dropIndexLike  = regexp.MustCompile(`(?i)\bDROP\s+(INDEX|KEY|FOREIGN|PRIMARY|CONSTRAINT|CHECK)\b`)
	renameLike     = regexp.MustCompile(`(?i)\bRENAME\b|\bCHANGE\s+(COLUMN\s+)?` + "`?" + `(\w+)` + "`?" + `\s+` + "`?" + `(\w+)`)
	truncate       = regexp.MustCompile(`(?i)\bTRUNCATE\b`)
	alterClause    = regexp.MustCompile(`(?i)\b(ADD|MODIFY)\s+(COLUMN\s+)?[^,;]*`)
	notNull        = regexp.MustCompile(`(?i)\bNOT\s+NULL\b`)
	hasDefault     = regexp.MustCompile(`(?i)\bDEFAULT\b|\bAUTO_INCREMENT\b`)
	addIndexLike   = regexp.MustCompile(`(?i)^(ADD|MODIFY)\s+(UNIQUE|INDEX|KEY|PRIMARY|CONSTRAINT|FULLTEXT|SPATIAL|FOREIGN)\b`)
)

// contractProblems lists the statements of a migration that would break the
// release still running, unless the file says why with "-- contract: …"
// (to be applied only once no running release needs what it removes).
func contractProblems(body string) []string {
	if contractMarker.MatchString(body) {
		return nil
	}
	var out []string
	for _, stmt := range strings.Split(sqlComment.ReplaceAllString(body, ""), ";") {
		stmt = strings.Join(strings.Fields(stmt), " ")
		if stmt == "" {
			continue
		}
		upper := strings.ToUpper(stmt)
		switch {
		case truncate.MatchString(stmt):
			out = append(out, "TRUNCATE: "+stmt)
		case renameLike.MatchString(stmt):
			if m := renameLike.FindStringSubmatch(stmt); m[2] == "" || !strings.EqualFold(m[2], m[3]) {
				out = append(out, "rename: "+stmt)
			}
		case dropColumnOrTb.MatchString(dropIndexLike.ReplaceAllString(stmt, "")):
			out = append(out, "drop: "+stmt)
		}
		if !strings.HasPrefix(upper, "ALTER TABLE") {
			continue
		}
		for _, clause := range alterClause.FindAllString(stmt, -1) {
			if addIndexLike.MatchString(clause) {
				continue
			}
			if notNull.MatchString(clause) && !hasDefault.MatchString(clause) {
				out = append(out, "NOT NULL without DEFAULT (the old release's INSERTs omit the column): "+stmt)
			}
		}
	}
	return out
}

// Every migration in db/migrations is expand-only or says why not.
func TestMigrationsAreExpandOnly(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("migrations/*.sql")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		body, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.Empty(t, contractProblems(string(body)), f)
	}
	assert.Empty(t, contractProblems(expandMigration), "the test's expand migration")
}

func TestContractLintRejectsBreakingStatements(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		"ALTER TABLE hotels DROP COLUMN name;":                                        true,
		"ALTER TABLE hotels DROP name;":                                               true,
		"alter table hotels drop `name`;":                                             true,
		"DROP TABLE hotels;":                                                          true,
		"DROP TABLE IF EXISTS hotels;":                                                true,
		"RENAME TABLE hotels TO hotel;":                                               true,
		"ALTER TABLE hotels RENAME COLUMN name TO title;":                             true,
		"ALTER TABLE hotels CHANGE name title VARCHAR(300) NOT NULL DEFAULT '';":      true,
		"ALTER TABLE hotels MODIFY name VARCHAR(300) NOT NULL;":                       true,
		"ALTER TABLE hotels ADD COLUMN rating INT NOT NULL;":                          true,
		"TRUNCATE TABLE hotels;":                                                      true,
		"ALTER TABLE hotels ADD COLUMN rating INT NULL;":                              false,
		"ALTER TABLE hotels ADD COLUMN rating INT NOT NULL DEFAULT 0;":                false,
		"ALTER TABLE hotels MODIFY name VARCHAR(400) NOT NULL DEFAULT '';":            false,
		"ALTER TABLE hotels CHANGE name name VARCHAR(400) NOT NULL DEFAULT '';":       false,
		"ALTER TABLE hotels ADD INDEX hotels_name (name);":                            false,
		"ALTER TABLE hotels DROP INDEX hotels_name;":                                  false,
		"CREATE TABLE t (id BIGINT NOT NULL AUTO_INCREMENT, PRIMARY KEY (id));":       false,
		"-- contract: release 42 no longer reads name\nALTER TABLE hotels DROP name;": false,
	}
	for stmt, breaking := range cases {
		got := contractProblems(stmt)
		if breaking {
			assert.NotEmpty(t, got, "must reject: %s", stmt)
		} else {
			assert.Empty(t, got, "must accept: %s", stmt)
		}
	}
}
