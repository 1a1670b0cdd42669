package app_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
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
