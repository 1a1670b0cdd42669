package projections_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/server"
	"github.com/mastra-admin/mastra-admin/domain/team"
	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
	"github.com/mastra-admin/mastra-admin/projections"
)

// TestOverviewReadsEveryTeamsDeploymentsWithTheirHealth builds two teams
// (and a deleted one), their projects (one deleted) and deployments: one
// served healthy, one whose route fails its health checks, one stopped,
// one never deployed; the overview reads show the live ones with their
// route and server, one team's or all.
func TestOverviewReadsEveryTeamsDeploymentsWithTheirHealth(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	store, err := eventstore.New(eventstore.Config{Pool: db.Pool})
	require.NoError(t, err)
	at := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	by := uuid.New()
	put := func(stream string, e domain.Event) {
		t.Helper()
		payload, err := json.Marshal(e)
		require.NoError(t, err)
		_, err = store.Append(ctx, stream, eventstore.Any, eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: e.EventType(), Payload: payload})
		require.NoError(t, err)
	}
	newTeam := func(slug string) uuid.UUID {
		id := uuid.New()
		put(team.StreamID(id), team.Created{TeamID: id, Name: slug, Slug: slug, CreatedBy: by, At: at})
		return id
	}
	newProject := func(teamID uuid.UUID, slug string) uuid.UUID {
		id := uuid.New()
		put(project.StreamID(id), project.Created{ProjectID: id, TeamID: teamID, Name: slug, Slug: slug, SourceType: "local",
			SourceConfig: json.RawMessage(`{}`), DefaultBranch: "main", By: by, At: at})
		return id
	}
	newDeployment := func(teamID, projectID uuid.UUID, slug string) uuid.UUID {
		id := uuid.New()
		put(deployment.StreamID(id), deployment.Created{DeploymentID: id, ProjectID: projectID, TeamID: teamID, Type: deployment.Staging,
			Branch: "main", Slug: slug, Subdomain: slug, By: by, At: at})
		return id
	}
	serve := func(teamID, projectID, id uuid.UUID, healthy bool) uuid.UUID {
		srv, bld := uuid.New(), uuid.New()
		put(server.StreamID(srv), server.Scheduled{ServerID: srv, DeploymentID: id, ProjectID: projectID, TeamID: teamID, BuildID: bld,
			ArtifactID: uuid.New(), Port: 4100, Purpose: server.PurposeDeploy, At: at})
		put(server.StreamID(srv), server.Started{ServerID: srv, DeploymentID: id, PID: 1, At: at})
		put(server.StreamID(srv), server.Healthy{ServerID: srv, DeploymentID: id, At: at})
		put(deployment.StreamID(id), deployment.RouteSwitched{DeploymentID: id, ProjectID: projectID, TeamID: teamID, Subdomain: "x",
			ServerID: srv, BuildID: bld, ArtifactID: uuid.New(), BuildQueuedAt: at, Target: "127.0.0.1:4100", At: at})
		if !healthy {
			put(deployment.StreamID(id), deployment.RouteHealthChanged{DeploymentID: id, ProjectID: projectID, TeamID: teamID,
				Subdomain: "x", ServerID: srv, Target: "127.0.0.1:4100", Healthy: false, Reason: "GET /health: status 500", Router: "r1", At: at})
		}
		return bld
	}

	acme, beta, gone := newTeam("acme"), newTeam("beta"), newTeam("gone")
	agent, bot, old := newProject(acme, "agent"), newProject(acme, "bot"), newProject(acme, "old")
	ok, sick, stopped := newDeployment(acme, agent, "a-ok"), newDeployment(acme, agent, "b-sick"), newDeployment(acme, agent, "c-stopped")
	okBuild := serve(acme, agent, ok, true)
	serve(acme, agent, sick, false)
	serve(acme, agent, stopped, true)
	put(deployment.StreamID(stopped), deployment.Stopped{DeploymentID: stopped, ProjectID: agent, TeamID: acme, Subdomain: "x", By: by, At: at})
	never := newDeployment(acme, bot, "main")
	newDeployment(acme, old, "main")
	put(project.StreamID(old), project.Deleted{ProjectID: old, TeamID: acme, Slug: "old", By: by, At: at})
	betaProject := newProject(beta, "agent")
	betaDeployment := newDeployment(beta, betaProject, "main")
	goneProject := newProject(gone, "agent")
	newDeployment(gone, goneProject, "main")
	put(team.StreamID(gone), team.Deleted{TeamID: gone, Slug: "gone", By: by, At: at})
	for _, p := range []projections.Projection{projections.Teams{}, projections.Projects{}, projections.Deployments{}, projections.Servers{}, projections.Routes{}} {
		_, err := projections.CatchUp(ctx, store, p, projections.Options{})
		require.NoError(t, err)
	}
	q := projections.NewQueries(db.Pool)

	got, err := q.DeploymentsHealth(ctx, &acme)
	require.NoError(t, err)
	health := map[uuid.UUID]deployment.HealthView{}
	for _, h := range got {
		health[h.ID] = h
	}
	assert.Len(t, got, 4, "the deleted project's deployment is not listed")
	assert.Equal(t, deployment.HealthHealthy, health[ok].Health())
	assert.Equal(t, server.StatusHealthy, health[ok].ServerStatus)
	assert.Equal(t, "active", health[ok].RouteState)
	require.NotNil(t, health[ok].CurrentBuildID)
	assert.Equal(t, okBuild, *health[ok].CurrentBuildID)
	assert.Equal(t, acme, health[ok].TeamID)
	assert.Equal(t, deployment.Staging, health[ok].Type)
	assert.Equal(t, deployment.HealthUnhealthy, health[sick].Health())
	assert.Equal(t, "GET /health: status 500", health[sick].HealthReason)
	assert.Equal(t, deployment.HealthStopped, health[stopped].Health())
	assert.Equal(t, "stopped", health[stopped].RouteState)
	assert.Empty(t, health[stopped].ServerStatus, "no server serves a stopped deployment")
	assert.Equal(t, deployment.HealthPending, health[never].Health())
	assert.Empty(t, health[never].RouteState)
	assert.True(t, health[never].RouteHealthy, "no route: nothing seen failing")
	assert.Nil(t, health[never].CurrentBuildID)
	var agentSlugs []string
	for _, h := range got {
		if h.ProjectID == agent {
			agentSlugs = append(agentSlugs, h.Slug)
		} else if len(agentSlugs) > 0 {
			break
		}
	}
	assert.Equal(t, []string{"a-ok", "b-sick", "c-stopped"}, agentSlugs, "a project's deployments together, by slug")

	all, err := q.DeploymentsHealth(ctx, nil)
	require.NoError(t, err)
	ids := map[uuid.UUID]bool{}
	for _, h := range all {
		ids[h.ID] = true
	}
	assert.Len(t, all, 5, "every live team's, not the deleted team's")
	assert.True(t, ids[betaDeployment])

	// The summary's reads: counts, and the health the Go rule gives to
	// each group of facts equals the health of its deployments one by one.
	counts, err := q.ProjectCounts(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[uuid.UUID]int{acme: 2, beta: 1}, counts, "live projects of live teams")
	groups, err := q.HealthGroups(ctx)
	require.NoError(t, err)
	byTeam := map[uuid.UUID]map[string]int{}
	for _, g := range groups {
		if byTeam[g.TeamID] == nil {
			byTeam[g.TeamID] = map[string]int{}
		}
		byTeam[g.TeamID][g.Health()] += g.Count
	}
	one := map[uuid.UUID]map[string]int{}
	for _, h := range all {
		if one[h.TeamID] == nil {
			one[h.TeamID] = map[string]int{}
		}
		one[h.TeamID][h.Health()]++
	}
	assert.Equal(t, one, byTeam)
	assert.Equal(t, map[string]int{deployment.HealthHealthy: 1, deployment.HealthUnhealthy: 1, deployment.HealthStopped: 1,
		deployment.HealthPending: 1}, byTeam[acme])
	maybe, err := q.MaybeUnhealthy(ctx, 10)
	require.NoError(t, err)
	require.Len(t, maybe, 1)
	assert.Equal(t, sick, maybe[0].ID)
	assert.Equal(t, "GET /health: status 500", maybe[0].HealthReason)
	none, err := q.MaybeUnhealthy(ctx, 0)
	require.NoError(t, err)
	assert.Empty(t, none)
}
