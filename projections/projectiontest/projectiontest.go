package projectiontest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/projections"
)

// Dump returns every row of a table as JSON text, sorted, so that two
// tables compare equal exactly when they hold the same rows.
func Dump(t testing.TB, db eventstore.DBTX, schema, table string) []string {
	t.Helper()
	q := `SELECT to_jsonb(x)::text FROM ` + pgx.Identifier{schema, table}.Sanitize() + ` x ORDER BY 1`
	rows, err := db.Query(context.Background(), q)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return out
}

// AssertRebuildIdentical requires that each projection, already built
// incrementally up to the head of the store, yields the same tables when
// rebuilt from zero and when built as of the head into a new schema.
func AssertRebuildIdentical(t testing.TB, store *eventstore.Store, ps ...projections.Projection) {
	t.Helper()
	ctx := context.Background()
	db := store.Pool()
	var schema string
	require.NoError(t, db.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema))
	head, err := store.Head(ctx)
	require.NoError(t, err)
	require.NotZero(t, head, "no events to rebuild from")

	incremental := map[string][]string{}
	for _, p := range ps {
		for _, table := range p.Tables() {
			incremental[table] = Dump(t, db, schema, table)
		}
	}
	for _, p := range ps {
		_, err := projections.Rebuild(ctx, store, p, projections.Options{BatchSize: 7})
		require.NoError(t, err, "rebuild %s", p.Name())
		for _, table := range p.Tables() {
			assert.Equal(t, incremental[table], Dump(t, db, schema, table), "rebuilt %s differs from incremental", table)
		}
	}
	asOf := "asof_" + randomHex()
	_, err = projections.BuildAsOf(ctx, store, ps, projections.AsOf{Position: head}, asOf, projections.Options{BatchSize: 5})
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = db.Exec(context.Background(), `DROP SCHEMA `+asOf+` CASCADE`) })
	for _, p := range ps {
		for _, table := range p.Tables() {
			assert.Equal(t, incremental[table], Dump(t, db, asOf, table), "as-of %s differs from incremental", table)
		}
	}
}

func randomHex() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
