package app_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

func TestReadinessReportsParkedConsumersAsDegraded(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	ctx := context.Background()
	ready, detail := env.Ready(ctx)
	require.True(t, ready)
	assert.Equal(t, "ready", detail.(app.Readiness).Status)

	_, err := env.DB.Pool.Exec(ctx, `INSERT INTO consumer_parks (consumer, global_position, event_id, event_type, error)
		VALUES ('teams', 42, $1, 'team.TeamCreated', 'duplicate key')`, uuid.New())
	require.NoError(t, err)
	ready, detail = env.Ready(ctx)
	r := detail.(app.Readiness)
	assert.True(t, ready, "a parked consumer degrades, it does not take the server out")
	assert.Equal(t, "degraded", r.Status)
	require.NotEmpty(t, r.Problems)
	assert.Contains(t, r.Problems[0], "teams")
	assert.Contains(t, r.Problems[0], "duplicate key")
	for _, c := range r.Consumers {
		if c.Name == "teams" {
			require.NotNil(t, c.Parked)
			assert.EqualValues(t, 42, c.Parked.GlobalPosition)
		}
	}

	env.DB.Pool.Close()
	ready, detail = env.Ready(ctx)
	assert.False(t, ready, "no database, not ready")
	assert.Equal(t, "unavailable", detail.(app.Readiness).Status)
}

func TestReadinessCountsLagUpToACap(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	a, err := app.New(app.Config{Pool: db.Pool, Logger: logrus.NewEntry(logrus.New())}) // consumers not running: every event is lag
	require.NoError(t, err)
	ctx := context.Background()
	for _, n := range []int{3, app.MaxCountedLag + 10} {
		batch := make([]eventstore.EventData, n)
		for i := range batch {
			batch[i] = eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: "x.Happened", Payload: []byte(`{}`)}
		}
		_, err := a.Store.Append(ctx, fmt.Sprintf("s-%d", n), eventstore.NoStream, batch...)
		require.NoError(t, err)
		if n == 3 {
			_, detail := a.Ready(ctx)
			for _, c := range detail.(app.Readiness).Consumers {
				assert.EqualValues(t, 3, c.Lag, c.Name)
			}
		}
	}
	_, detail := a.Ready(ctx)
	r := detail.(app.Readiness)
	require.NotEmpty(t, r.Consumers)
	for _, c := range r.Consumers {
		assert.EqualValues(t, app.MaxCountedLag, c.Lag, "%s: counted up to the cap", c.Name)
	}
}
