package deployment_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
)

func TestRouteHealthRecordsTransitionsOfTheServingTargetOnly(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	d := apply(t, deployment.Deployment{}, []domain.Event{deployment.Created{DeploymentID: uuid.New(), Type: deployment.Production,
		Slug: "production", Subdomain: "math"}})
	down := deployment.RecordRouteHealth{Target: "127.0.0.1:4100", Healthy: false, Reason: "GET /health: status 500", Router: "r1", At: now}
	evs, err := down.Decide(d)
	require.NoError(t, err)
	assert.Empty(t, evs, "a deployment that serves nothing has no route health")

	s1 := uuid.New()
	d = apply(t, d, mustDecide(t, deployment.SwitchRoute{ServerID: s1, BuildID: uuid.New(), Target: "127.0.0.1:4100", At: now}, d))
	evs, err = down.Decide(d)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	got := evs[0].(deployment.RouteHealthChanged)
	assert.Equal(t, s1, got.ServerID)
	assert.False(t, got.Healthy)
	assert.Equal(t, "GET /health: status 500", got.Reason)
	d = apply(t, d, evs)
	evs, err = down.Decide(d)
	require.NoError(t, err)
	assert.Empty(t, evs, "a second router seeing the same failure records nothing")

	up := down
	up.Healthy, up.Reason = true, "ignored"
	evs, err = up.Decide(d)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.True(t, evs[0].(deployment.RouteHealthChanged).Healthy)
	assert.Empty(t, evs[0].(deployment.RouteHealthChanged).Reason)
	d = apply(t, d, evs)

	d = apply(t, d, mustDecide(t, deployment.SwitchRoute{ServerID: uuid.New(), BuildID: uuid.New(), BuildQueuedAt: now.Add(time.Minute),
		Target: "127.0.0.1:4101", At: now}, d))
	evs, err = down.Decide(d)
	require.NoError(t, err)
	assert.Empty(t, evs, "a report about the replaced target is stale")
}

func mustDecide(t *testing.T, cmd interface {
	Decide(deployment.Deployment) ([]domain.Event, error)
}, d deployment.Deployment) []domain.Event {
	t.Helper()
	evs, err := cmd.Decide(d)
	require.NoError(t, err)
	return evs
}
