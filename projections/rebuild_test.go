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
	var during eventstore.Position
	done, err := projections.Rebuild(ctx, store, projections.Audit{}, projections.Options{BatchSize: 10,
		Progress: func(done, total int64) {
			c, err := count()
			assert.NoError(t, err, "a reader is not locked out during the rebuild")
			seen = append(seen, c)
			if during != (eventstore.Position{}) {
				return
			}
			// An event appended now reaches gap-safe readers now: the
			// rebuild holds back no one's horizon while it runs.
			before, err := store.Last(ctx)
			require.NoError(t, err)
			got, err := store.Append(ctx, "s-during", eventstore.NoStream,
				eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: "x.Happened", Payload: []byte(`{}`)})
			require.NoError(t, err)
			during = got[0].Position
			assert.Eventually(t, func() bool {
				events, err := store.ReadAll(ctx, before, 10)
				return err == nil && len(events) > 0 && events[len(events)-1].Position == during
			}, 5*time.Second, 5*time.Millisecond, "readers see new events during the rebuild")
		}})
	require.NoError(t, err)
	assert.Equal(t, int64(n+1), done, "every event, the one appended during the rebuild included")
	require.GreaterOrEqual(t, len(seen), n/10) // more when the server-wide horizon cuts a batch short
	for _, c := range seen {
		assert.Equal(t, n, c, "readers see the old read model, whole")
	}
	c, err := count()
	require.NoError(t, err)
	assert.Equal(t, n+1, c, "then the rebuilt one")
	var at int64
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT global_position FROM consumer_checkpoints WHERE consumer = 'audit'`).Scan(&at))
	assert.Equal(t, during.GlobalPosition, at, "the checkpoint is where the rebuild ended")
}
