package db_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/db"
	"lobang/db/dbtest"
	"lobang/destinations"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestMigrateUpIsIdempotent(t *testing.T) {
	pool := dbtest.MySQL(t) // applied once by the helper
	ctx := context.Background()

	ran, err := db.MigrateUp(ctx, pool, quietLog())
	require.NoError(t, err)
	assert.Zero(t, ran, "a second run applies nothing")

	states, err := db.MigrationStatus(ctx, pool)
	require.NoError(t, err)
	require.NotEmpty(t, states)
	for _, s := range states {
		assert.True(t, s.Applied(), "migration %04d_%s applied", s.Version, s.Name)
		assert.False(t, s.AppliedAt.IsZero())
	}
}

func TestMigrationsAreWellFormed(t *testing.T) {
	migs, err := db.Migrations()
	require.NoError(t, err)
	require.NotEmpty(t, migs)
	for i, m := range migs {
		assert.Equal(t, int64(i+1), m.Version, "versions are consecutive from 1")
		for _, stmt := range m.Statements {
			assert.NotContains(t, stmt, " AS new", "use VALUES(col) in upserts: MariaDB lacks row aliases")
		}
	}
}

func TestWithTxCommitsAndRollsBack(t *testing.T) {
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	_, err := pool.ExecContext(ctx, "CREATE TABLE tx_probe (id INT NOT NULL PRIMARY KEY)")
	require.NoError(t, err)

	require.NoError(t, db.WithTx(ctx, pool, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO tx_probe (id) VALUES (1)")
		return err
	}))
	boom := errors.New("boom")
	err = db.WithTx(ctx, pool, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO tx_probe (id) VALUES (2)"); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	assert.Panics(t, func() {
		_ = db.WithTx(ctx, pool, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO tx_probe (id) VALUES (3)"); err != nil {
				return err
			}
			panic("mid-transaction")
		})
	})

	var ids []int
	rows, err := pool.QueryContext(ctx, "SELECT id FROM tx_probe ORDER BY id")
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var id int
		require.NoError(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []int{1}, ids, "only the committed row survives")
}

func TestIsDuplicate(t *testing.T) {
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	_, err := pool.ExecContext(ctx, "CREATE TABLE dup_probe (id INT NOT NULL PRIMARY KEY)")
	require.NoError(t, err)
	_, err = pool.ExecContext(ctx, "INSERT INTO dup_probe (id) VALUES (7)")
	require.NoError(t, err)
	_, err = pool.ExecContext(ctx, "INSERT INTO dup_probe (id) VALUES (7)")
	require.Error(t, err)
	assert.True(t, db.IsDuplicate(err))
	assert.False(t, db.IsDuplicate(errors.New("other")))
}

func TestRedisPrefixIsolation(t *testing.T) {
	client, prefix := dbtest.Redis(t)
	ctx := context.Background()
	require.NoError(t, client.Set(ctx, prefix+"k", "v", 0).Err())
	got, err := client.Get(ctx, prefix+"k").Result()
	require.NoError(t, err)
	assert.Equal(t, "v", got)
	assert.Contains(t, prefix, "testredisprefixisolation")
}

func TestSeedDestinations(t *testing.T) {
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	all := destinations.All()
	_, _, real := dbtest.Servers(t)
	if !real {
		all = all[:1000] // the embedded server indexes slowly; real servers take them all
	}
	n, err := db.SeedDestinations(ctx, pool, all)
	require.NoError(t, err)
	assert.Equal(t, len(all), n)
	again, err := db.SeedDestinations(ctx, pool, all)
	require.NoError(t, err)
	assert.Zero(t, again, "a second seed changes nothing")

	sg, err := db.GetDestination(ctx, pool, "i8gS")
	require.NoError(t, err)
	assert.Equal(t, "Singapore", sg.Name)
	assert.Equal(t, "Asia/Singapore", sg.TimeZone)
	_, err = db.EnsureDestination(ctx, pool, "7OrW")
	require.NoError(t, err)
	zu, err := db.GetDestination(ctx, pool, "7OrW")
	require.NoError(t, err)
	assert.Equal(t, "Zürich", zu.Name, "utf8mb4 round trip")

	_, err = db.GetDestination(ctx, pool, "nope")
	require.ErrorIs(t, err, db.ErrNotFound)

	// A destination outside the seeded set is added on demand.
	last := destinations.All()[len(destinations.All())-1]
	got, err := db.EnsureDestination(ctx, pool, last.UID)
	require.NoError(t, err)
	assert.Equal(t, last.Name, got.Name)
	stored, err := db.GetDestination(ctx, pool, last.UID)
	require.NoError(t, err)
	assert.Equal(t, last.GeoNameID, stored.GeoNameID)
	_, err = db.EnsureDestination(ctx, pool, "zzzzzz")
	require.ErrorIs(t, err, db.ErrNotFound)
}
