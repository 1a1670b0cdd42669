package projections_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
	"github.com/mastra-admin/mastra-admin/projections"
)

// TestRebuildKeepsTheOldReadModelVisibleUntilItCommits: while a read model
// is rebuilt, other connections read it whole (the old rows), never empty
// or half built, and are not locked out.
func TestRebuildKeepsTheOldReadModelVisibleUntilItCommits(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	store, err := eventstore.New(eventstore.Config{Pool: db.Pool})
	require.NoError(t, err)
	const n = 200
	for i := 0; i < n; i++ {
		_, err := store.Append(ctx, "s-"+uuid.NewString(), eventstore.NoStream,
			eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: "x.Happened", Payload: []byte(`{}`)})
		require.NoError(t, err)
	}
	_, err = projections.CatchUp(ctx, store, projections.Audit{}, projections.Options{})
	require.NoError(t, err)

	count := func() (int, error) {
		qctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		var c int
		err := db.Pool.QueryRow(qctx, `SELECT count(*) FROM audit_log`).Scan(&c)
		return c, err
	}
	var seen []int
	done, err := projections.Rebuild(ctx, store, projections.Audit{}, projections.Options{BatchSize: 10,
		Progress: func(done, total int64) {
			c, err := count()
			assert.NoError(t, err, "a reader is not locked out during the rebuild")
			seen = append(seen, c)
		}})
	require.NoError(t, err)
	assert.Equal(t, int64(n), done)
	require.GreaterOrEqual(t, len(seen), n/10) // more when the server-wide horizon cuts a batch short
	for _, c := range seen {
		assert.Equal(t, n, c, "readers see the old read model, whole")
	}
	c, err := count()
	require.NoError(t, err)
	assert.Equal(t, n, c)
}
