package migrations_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/pgtest"
	"github.com/mastra-admin/mastra-admin/migrations"
)

// recorded returns the versions in schema_migrations, in order.
func recorded(t *testing.T, pool *pgxpool.Pool) []int {
	t.Helper()
	rows, err := pool.Query(t.Context(), `SELECT version FROM schema_migrations ORDER BY version`)
	require.NoError(t, err)
	defer rows.Close()
	var out []int
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		out = append(out, v)
	}
	require.NoError(t, rows.Err())
	return out
}

// versions returns the versions of list, in order.
func versions(list []migrations.Migration) []int {
	out := make([]int, len(list))
	for i, m := range list {
		out[i] = m.Version
	}
	return out
}

// tableExists reports whether the test schema has the table.
func tableExists(t *testing.T, db *pgtest.DB, name string) bool {
	t.Helper()
	var ok bool
	require.NoError(t, db.Pool.QueryRow(t.Context(),
		`SELECT to_regclass(quote_ident($1) || '.' || quote_ident($2)) IS NOT NULL`, db.Schema, name).Scan(&ok))
	return ok
}

func TestPostgresVersionsStrictlyIncrease(t *testing.T) {
	t.Parallel()
	list, err := migrations.Postgres()
	require.NoError(t, err)
	require.NotEmpty(t, list)
	for i, m := range list {
		num, _, ok := strings.Cut(m.Name, "_")
		require.True(t, ok, m.Name)
		n, err := strconv.Atoi(num)
		require.NoError(t, err, m.Name)
		assert.Equal(t, m.Version, n, "%s: version matches the file name", m.Name)
		assert.NotEmpty(t, strings.TrimSpace(m.SQL), m.Name)
		if i > 0 {
			assert.Greater(t, m.Version, list[i-1].Version, "%s after %s", m.Name, list[i-1].Name)
		}
	}
}

func TestApplyTwiceIsANoOp(t *testing.T) {
	t.Parallel()
	db := pgtest.NewEmpty(t)
	list, err := migrations.Postgres()
	require.NoError(t, err)
	last := list[len(list)-1].Version

	first, err := migrations.Apply(t.Context(), db.Pool, list)
	require.NoError(t, err)
	assert.Equal(t, versions(list), versions(first.Applied))
	assert.Equal(t, last, first.Current)

	second, err := migrations.Apply(t.Context(), db.Pool, list)
	require.NoError(t, err)
	assert.Empty(t, second.Applied)
	assert.Equal(t, last, second.Current)
	assert.Equal(t, versions(list), recorded(t, db.Pool))
}

// TestApplyConcurrently starts six replicas at once, each with its own
// pool, on one fresh schema: the advisory lock lets exactly one apply each
// migration.
func TestApplyConcurrently(t *testing.T) {
	t.Parallel()
	db := pgtest.NewEmpty(t)
	list, err := migrations.Postgres()
	require.NoError(t, err)

	const replicas = 6
	pools := make([]*pgxpool.Pool, replicas)
	for i := range pools {
		pools[i], err = pgxpool.New(t.Context(), db.URL)
		require.NoError(t, err)
		t.Cleanup(pools[i].Close)
	}
	results := make([]migrations.Result, replicas)
	errs := make([]error, replicas)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() {
			<-start
			results[i], errs[i] = migrations.Apply(context.Background(), pools[i], list)
		})
	}
	close(start)
	wg.Wait()

	applied := 0
	for i := range replicas {
		require.NoError(t, errs[i], "replica %d", i)
		applied += len(results[i].Applied)
		assert.Equal(t, list[len(list)-1].Version, results[i].Current, "replica %d", i)
	}
	assert.Equal(t, len(list), applied, "each migration applied by exactly one replica")
	assert.Equal(t, versions(list), recorded(t, db.Pool), "one row per version")
}

// TestApplyStopsAtABrokenMigration checks that a failing file is named, is
// rolled back entirely and unrecorded, keeps what came before, and is
// applied by a later call once fixed.
func TestApplyStopsAtABrokenMigration(t *testing.T) {
	t.Parallel()
	db := pgtest.NewEmpty(t)
	broken := []migrations.Migration{
		{Version: 1, Name: "0001_first.sql", SQL: `CREATE TABLE first_table (id INT PRIMARY KEY)`},
		{Version: 2, Name: "0002_second.sql", SQL: `CREATE TABLE half_done (id INT); INSERT INTO no_such_table VALUES (1)`},
	}

	res, err := migrations.Apply(t.Context(), db.Pool, broken)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "0002_second.sql")
	assert.Equal(t, []int{1}, versions(res.Applied))
	assert.Equal(t, 1, res.Current)
	assert.Equal(t, []int{1}, recorded(t, db.Pool))
	assert.True(t, tableExists(t, db, "first_table"))
	assert.False(t, tableExists(t, db, "half_done"), "the broken file is rolled back as a whole")

	fixed := []migrations.Migration{broken[0], broken[1]}
	fixed[1].SQL = `CREATE TABLE half_done (id INT); CREATE TABLE second_table (id INT PRIMARY KEY)`
	res, err = migrations.Apply(t.Context(), db.Pool, fixed)
	require.NoError(t, err)
	assert.Equal(t, []int{2}, versions(res.Applied))
	assert.Equal(t, 2, res.Current)
	assert.Equal(t, []int{1, 2}, recorded(t, db.Pool))
	assert.True(t, tableExists(t, db, "second_table"))
}
