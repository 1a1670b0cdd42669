package projections_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/server"
	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
	"github.com/mastra-admin/mastra-admin/projections"
	"github.com/mastra-admin/mastra-admin/projections/projectiontest"
)

// TestEnvExposureTracksVersionsAndTheServersThatGotThem rotates a secret
// under a running server: the server is named stale until a new server
// with the new version takes over; the exposure lists both servers by
// version; as of a moment before the rotation nothing is stale; a rebuild
// and an as-of build give the same tables.
func TestEnvExposureTracksVersionsAndTheServersThatGotThem(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	store, err := eventstore.New(eventstore.Config{Pool: db.Pool})
	require.NoError(t, err)
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	pid, did, other, by := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	var last int64
	put := func(stream string, e domain.Event) {
		t.Helper()
		payload, err := json.Marshal(e)
		require.NoError(t, err)
		got, err := store.Append(ctx, stream, eventstore.Any, eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: e.EventType(), Payload: payload})
		require.NoError(t, err)
		last = got[0].Position.GlobalPosition
	}
	set := func(key string) {
		put(project.StreamID(pid), project.EnvVarSet{ProjectID: pid, Key: key, Secret: true, Nonce: []byte{1}, Ciphertext: []byte{2}, By: by, At: at})
	}
	start := func(srv, dep uuid.UUID, versions map[string]domain.EnvVersion) {
		put(server.StreamID(srv), server.Scheduled{ServerID: srv, DeploymentID: dep, ProjectID: pid, BuildID: uuid.New(), ArtifactID: uuid.New(), Port: 4100, Purpose: server.PurposeDeploy, At: at})
		put(server.StreamID(srv), server.Started{ServerID: srv, DeploymentID: dep, PID: 1, EnvVersions: versions, At: at})
	}
	q := projections.NewQueries(db.Pool)
	catchUp := func() {
		t.Helper()
		_, err := projections.CatchUp(ctx, store, projections.EnvExposure{}, projections.Options{})
		require.NoError(t, err)
	}

	set("API_KEY")
	put(deployment.StreamID(other), deployment.EnvOverrideSet{DeploymentID: other, ProjectID: pid, Key: "API_KEY", Nonce: []byte{3}, Ciphertext: []byte{4}, By: by, At: at})
	first, overridden := uuid.New(), uuid.New()
	start(first, did, map[string]domain.EnvVersion{"API_KEY": {Source: domain.EnvFromProject, Version: 1}})
	start(overridden, other, map[string]domain.EnvVersion{"API_KEY": {Source: domain.EnvFromDeployment, Version: 1}})
	beforeRotation := last
	set("API_KEY") // rotated: version 2
	catchUp()

	versions, err := q.EnvVersionsNow(ctx, pid)
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"API_KEY": 2}, versions)
	stale, err := q.StaleServers(ctx, pid)
	require.NoError(t, err)
	assert.Equal(t, []project.StaleServer{{DeploymentID: did, ServerID: first, Key: "API_KEY", Source: domain.EnvFromProject, Version: 1, CurrentVersion: 2}}, stale,
		"the server with the project's old version needs a restart; the one with its deployment's override does not")

	second := uuid.New()
	start(second, did, map[string]domain.EnvVersion{"API_KEY": {Source: domain.EnvFromProject, Version: 2}})
	put(server.StreamID(first), server.StopRequested{ServerID: first, DeploymentID: did, Reason: "replaced", At: at.Add(time.Minute)})
	catchUp()
	stale, err = q.StaleServers(ctx, pid)
	require.NoError(t, err)
	assert.Empty(t, stale, "a server asked to stop needs no restart")
	put(server.StreamID(first), server.Stopped{ServerID: first, DeploymentID: did, Port: 4100, At: at.Add(2 * time.Minute)})
	catchUp()

	x, err := q.EnvExposure(ctx, pid, "API_KEY")
	require.NoError(t, err)
	require.Len(t, x, 3, "project versions 1 and 2, and the override's version 1")
	assert.Equal(t, domain.EnvFromProject, x[0].Source)
	assert.Equal(t, 1, x[0].Version)
	assert.False(t, x[0].Current)
	require.NotNil(t, x[0].EndedAt)
	require.Len(t, x[0].Servers, 1)
	assert.Equal(t, first, x[0].Servers[0].ServerID)
	assert.False(t, x[0].Servers[0].Running)
	require.NotNil(t, x[0].Servers[0].StoppedAt)
	assert.Equal(t, at.Add(2*time.Minute), x[0].Servers[0].StoppedAt.UTC())
	assert.Equal(t, 2, x[1].Version)
	assert.True(t, x[1].Current)
	require.Len(t, x[1].Servers, 1)
	assert.Equal(t, second, x[1].Servers[0].ServerID)
	assert.True(t, x[1].Servers[0].Running)
	assert.Equal(t, domain.EnvFromDeployment, x[2].Source)
	require.NotNil(t, x[2].DeploymentID)
	assert.Equal(t, other, *x[2].DeploymentID)
	require.Len(t, x[2].Servers, 1)
	assert.Equal(t, overridden, x[2].Servers[0].ServerID)
	put(server.StreamID(overridden), server.Exited{ServerID: overridden, DeploymentID: other, ExitStatus: "exit status 1", At: at.Add(3 * time.Minute)})
	catchUp()
	x, err = q.EnvExposure(ctx, pid, "API_KEY")
	require.NoError(t, err)
	assert.False(t, x[2].Servers[0].Running, "a server that exited on its own runs no more")
	none, err := q.EnvExposure(ctx, pid, "NEVER_SET")
	require.NoError(t, err)
	assert.Empty(t, none)

	projectiontest.AssertRebuildIdentical(t, store, projections.EnvExposure{})

	// As of a moment before the rotation: one version, nothing stale.
	schema := "asof_" + db.Schema
	t.Cleanup(func() { _, _ = db.Pool.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE") })
	_, err = projections.BuildAsOf(ctx, store, []projections.Projection{projections.EnvExposure{}}, projections.AsOf{Position: beforeRotation}, schema, projections.Options{})
	require.NoError(t, err)
	cfg, err := pgxpool.ParseConfig(pgtest.SchemaURL(t, pgtest.BaseURL(), schema))
	require.NoError(t, err)
	past, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	defer past.Close()
	pq := projections.NewQueries(past)
	versions, err = pq.EnvVersionsNow(ctx, pid)
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"API_KEY": 1}, versions)
	stale, err = pq.StaleServers(ctx, pid)
	require.NoError(t, err)
	assert.Empty(t, stale)
	x, err = pq.EnvExposure(ctx, pid, "API_KEY")
	require.NoError(t, err)
	require.Len(t, x, 2)
	assert.True(t, x[0].Current)
	require.Len(t, x[0].Servers, 1)
	assert.True(t, x[0].Servers[0].Running, "the first server still ran then")
}
