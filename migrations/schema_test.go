package migrations_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/pgtest"
	"github.com/mastra-admin/mastra-admin/migrations"
)

// A search_path naming a schema that does not exist yet gets that schema
// created and migrated, never the next schema on the path.
func TestApplyCreatesTheSearchPathSchema(t *testing.T) {
	t.Parallel()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "fresh_" + hex.EncodeToString(b)
	pool, err := pgxpool.New(context.Background(), pgtest.SchemaURL(t, pgtest.BaseURL(), schema+",public"))
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = pool.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		pool.Close()
	})
	list, err := migrations.Postgres()
	require.NoError(t, err)
	res, err := migrations.Apply(t.Context(), pool, list)
	require.NoError(t, err)
	assert.Len(t, res.Applied, len(list))
	var n int
	require.NoError(t, pool.QueryRow(t.Context(),
		`SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'events'`, schema).Scan(&n))
	assert.Equal(t, 1, n, "the events table is in the new schema")
}

func TestApplyRefusesAGapBelowTheCurrentVersion(t *testing.T) {
	t.Parallel()
	db := pgtest.NewEmpty(t)
	one := migrations.Migration{Version: 1, Name: "0001_a.sql", SQL: `CREATE TABLE a (x int)`}
	two := migrations.Migration{Version: 2, Name: "0002_b.sql", SQL: `CREATE TABLE b (x int)`}
	three := migrations.Migration{Version: 3, Name: "0003_c.sql", SQL: `CREATE TABLE c (x int)`}
	_, err := migrations.Apply(t.Context(), db.Pool, []migrations.Migration{one, three})
	require.NoError(t, err)
	_, err = migrations.Apply(t.Context(), db.Pool, []migrations.Migration{one, two, three})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "0002_b.sql was never applied")
	assert.False(t, tableExists(t, db, "b"))
}
