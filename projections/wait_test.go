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

func TestWaiterDoesNotWaitForAParkedProjection(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	store, err := eventstore.New(eventstore.Config{Pool: db.Pool})
	require.NoError(t, err)
	recorded, err := store.Append(ctx, "s-1", eventstore.NoStream,
		eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: "x.Happened", Payload: []byte(`{}`)})
	require.NoError(t, err)
	pos := recorded[0].Position
	for _, c := range []string{"teams", "audit"} {
		require.NoError(t, eventstore.EnsureCheckpoint(ctx, db.Pool, c))
	}
	tx, err := db.Pool.Begin(ctx)
	require.NoError(t, err)
	require.NoError(t, eventstore.SaveCheckpoint(ctx, tx, "audit", pos)) // audit applied it; teams did not
	require.NoError(t, tx.Commit(ctx))

	w := projections.NewWaiter(db.Pool, 300*time.Millisecond, projections.Teams{}, projections.Audit{})
	assert.ErrorIs(t, w.WaitFor(ctx, pos), projections.ErrNotCaughtUp, "teams is behind and running: waited for")

	_, err = db.Pool.Exec(ctx, `INSERT INTO consumer_parks (consumer, global_position, event_id, event_type, error)
		VALUES ('teams', $1, $2, 'x.Happened', 'duplicate key')`, pos.GlobalPosition, recorded[0].ID)
	require.NoError(t, err)
	assert.NoError(t, w.WaitFor(ctx, pos), "teams is parked: not waited for")
}
