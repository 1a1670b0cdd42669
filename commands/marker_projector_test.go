package commands_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/clickhouse"
	"github.com/mastra-admin/mastra-admin/adapters/pgstore"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
	"github.com/mastra-admin/mastra-admin/internal/chtest"
)

// markerEnv is an App that projects markers into a ClickHouse store, with
// a project and a production deployment of an owner.
type markerEnv struct {
	*apptest.Env
	store   *clickhouse.Store
	owner   commands.Principal
	project uuid.UUID
	dep     deployment.View
	events  *pgstore.EventStore
}

func startMarkers(t *testing.T, store *clickhouse.Store, tune ...func(*app.Config)) *markerEnv {
	t.Helper()
	sources, source := localProject(t)
	env := apptest.Start(t, append([]func(*app.Config){func(c *app.Config) {
		c.Commands.Sources, c.Markers = sources, store
	}}, tune...)...)
	env.Admin.SetObservability(store)
	ctx := context.Background()
	owner := principal(t, env, "owner@example.com", false)
	tm, err := env.Admin.CreateTeam(ctx, owner, commands.CreateTeamInput{Name: "Markers"})
	require.NoError(t, err)
	pr, err := env.Admin.CreateProject(ctx, owner, tm.ID, commands.ProjectInput{Name: "Math", SourceType: "local", SourceConfig: source})
	require.NoError(t, err)
	env.CaughtUp(t)
	dep, err := env.Admin.CreateDeployment(ctx, owner, pr.ID, commands.DeploymentInput{Type: deployment.Production})
	require.NoError(t, err)
	env.CaughtUp(t)
	return &markerEnv{Env: env, store: store, owner: owner, project: pr.ID, dep: dep, events: pgstore.NewEventStore(env.Store, pgstore.Registry())}
}

// appendTo records events on a stream after its last one, as the
// commands and the deploy saga do.
func (e *markerEnv) appendTo(t *testing.T, stream string, events ...domain.Event) {
	t.Helper()
	ctx := context.Background()
	_, version, err := e.events.Load(ctx, stream)
	require.NoError(t, err)
	a := commands.Append{StreamID: stream, Expected: version}
	for _, ev := range events {
		a.Events = append(a.Events, commands.NewEvent{ID: uuid.New(), Event: ev})
	}
	_, err = e.events.Append(ctx, commands.Meta{Actor: "test"}, commands.Conditions{}, a)
	require.NoError(t, err)
}

// queue records a build of the deployment as queued by by.
func (e *markerEnv) queue(t *testing.T, by uuid.UUID, trigger build.Trigger, rollbackOf *uuid.UUID, at time.Time) uuid.UUID {
	t.Helper()
	id := uuid.New()
	e.appendTo(t, build.StreamID(id), build.Queued{BuildID: id, DeploymentID: e.dep.ID, ProjectID: e.project, TeamID: e.dep.TeamID,
		Trigger: trigger, RollbackOf: rollbackOf, SourceType: "local", SourceConfig: []byte(`{}`), By: by, At: at})
	return id
}

func (e *markerEnv) switched(b uuid.UUID, at time.Time) deployment.RouteSwitched {
	return deployment.RouteSwitched{DeploymentID: e.dep.ID, ProjectID: e.project, TeamID: e.dep.TeamID, Subdomain: e.dep.Subdomain,
		ServerID: uuid.New(), BuildID: b, ArtifactID: b, BuildQueuedAt: at, Target: "127.0.0.1:1", At: at}
}

// waitMarkers waits until the store holds n markers of the project.
func (e *markerEnv) waitMarkers(t *testing.T, n int) []commands.MarkerRow {
	t.Helper()
	var got []commands.MarkerRow
	require.Eventually(t, func() bool {
		var err error
		got, err = e.store.Markers(context.Background(), e.project, commands.MarkerFilter{})
		return err == nil && len(got) >= n
	}, 30*time.Second, 20*time.Millisecond, "%d markers projected", n)
	require.Len(t, got, n)
	return got
}

// TestMarkerProjectorProjectsEveryKindOnce records every change that marks
// the charts (env var and override, deploy, rollback, restart asked for,
// stop, start, recovery by the system) and checks the markers the metrics
// answer carries, then delivers every event again: nothing changes.
func TestMarkerProjectorProjectsEveryKindOnce(t *testing.T) {
	t.Parallel()
	e := startMarkers(t, chtest.New(t, ""))
	ctx := context.Background()
	other := principal(t, e.Env, "other@example.com", false)
	_, err := e.Admin.SetEnvVar(ctx, e.owner, e.project, "MODEL", commands.EnvInput{Value: "gpt"})
	require.NoError(t, err)
	_, err = e.Admin.SetDeploymentEnv(ctx, e.owner, e.dep.ID, "TEMPERATURE", commands.EnvInput{Value: "0"})
	require.NoError(t, err)

	t0 := time.Now().Add(time.Minute).Truncate(time.Millisecond).UTC()
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) }
	a := e.queue(t, e.owner.UserID, build.TriggerDeploy, nil, at(0))
	b := e.queue(t, other.UserID, build.TriggerRollback, &a, at(1))
	stream := deployment.StreamID(e.dep.ID)
	e.appendTo(t, stream, e.switched(a, at(1)))
	e.appendTo(t, stream, e.switched(b, at(2)))
	e.appendTo(t, stream, deployment.RestartRequested{DeploymentID: e.dep.ID, ProjectID: e.project, TeamID: e.dep.TeamID, BuildID: b, ArtifactID: b, By: other.UserID, At: at(3)},
		e.switched(b, at(4)))
	e.appendTo(t, stream, deployment.Stopped{DeploymentID: e.dep.ID, ProjectID: e.project, TeamID: e.dep.TeamID, Subdomain: e.dep.Subdomain, By: e.owner.UserID, At: at(5)})
	e.appendTo(t, stream, deployment.StartRequested{DeploymentID: e.dep.ID, ProjectID: e.project, TeamID: e.dep.TeamID, BuildID: b, ArtifactID: b, By: other.UserID, At: at(6)},
		e.switched(b, at(7)))
	e.appendTo(t, stream, e.switched(b, at(8))) // a recovery: the system's

	rows := e.waitMarkers(t, 8)
	m, err := e.Admin.ProjectMetrics(ctx, e.owner, e.project, commands.MetricsQuery{TimeRange: commands.TimeRange{From: time.Now().Add(-time.Hour), To: at(9)}})
	require.NoError(t, err)
	owner, oth, dep := &e.owner.UserID, &other.UserID, &e.dep.ID
	want := []commands.Marker{
		{Kind: commands.MarkerEnv, By: owner, Key: "MODEL"},
		{Kind: commands.MarkerEnv, By: owner, DeploymentID: dep, Key: "TEMPERATURE"},
		{Kind: commands.MarkerDeploy, At: at(1), By: owner, DeploymentID: dep, BuildID: &a},
		{Kind: commands.MarkerRollback, At: at(2), By: oth, DeploymentID: dep, BuildID: &b, RollbackOf: &a},
		{Kind: commands.MarkerRestart, At: at(4), By: oth, DeploymentID: dep, BuildID: &b},
		{Kind: commands.MarkerStop, At: at(5), By: owner, DeploymentID: dep},
		{Kind: commands.MarkerRestart, At: at(7), By: oth, DeploymentID: dep, BuildID: &b},
		{Kind: commands.MarkerRestart, At: at(8), DeploymentID: dep, BuildID: &b},
	}
	require.Len(t, m.Markers, len(want))
	for i := range want {
		if want[i].At.IsZero() { // the env changes happened now
			want[i].At = m.Markers[i].At
			assert.WithinDuration(t, time.Now(), m.Markers[i].At, time.Hour)
		}
	}
	assert.Equal(t, want, m.Markers)

	// Every event delivered again, as after a crash before the checkpoint.
	pm := e.Admin.MarkerProjector(e.store)
	handles := map[string]bool{}
	for _, typ := range pm.Handles() {
		handles[typ] = true
	}
	delivered := 0
	for _, s := range []string{project.StreamID(e.project), stream} {
		recorded, err := e.Store.ReadStream(ctx, s, 0)
		require.NoError(t, err)
		for _, r := range recorded {
			if !handles[r.Type] {
				continue
			}
			ev, err := pgstore.Registry().Decode(r.Type, r.Payload)
			require.NoError(t, err)
			require.NoError(t, pm.Handle(ctx, commands.Recorded{ID: r.ID, StreamID: r.StreamID, StreamVersion: r.StreamVersion, Event: ev}))
			delivered++
		}
	}
	assert.Equal(t, 8, delivered)
	again, err := e.store.Markers(ctx, e.project, commands.MarkerFilter{})
	require.NoError(t, err)
	assert.Equal(t, rows, again, "the same markers, once each")
	var stored uint64
	require.NoError(t, e.store.Conn().QueryRow(ctx, "SELECT count() FROM change_markers FINAL").Scan(&stored))
	assert.Equal(t, uint64(8), stored)

	// ClickHouse loses them; replay --markers has the running projector
	// start over: the same markers come back.
	dropped, err := e.store.DropBefore(ctx, time.Now().AddDate(1, 0, 0))
	require.NoError(t, err)
	require.NotEmpty(t, dropped)
	gone, err := e.store.Markers(ctx, e.project, commands.MarkerFilter{})
	require.NoError(t, err)
	require.Empty(t, gone)
	require.NoError(t, eventstore.ResetCheckpoint(ctx, e.DB.Pool, commands.MarkersConsumer))
	assert.Equal(t, rows, e.waitMarkers(t, 8), "projected again")

	// A deployment's metrics carry its markers and the project's.
	staging, err := e.Admin.CreateDeployment(ctx, e.owner, e.project, commands.DeploymentInput{Type: deployment.Staging, Branch: "next"})
	require.NoError(t, err)
	m, err = e.Admin.ProjectMetrics(ctx, e.owner, e.project, commands.MetricsQuery{DeploymentID: staging.ID,
		TimeRange: commands.TimeRange{From: time.Now().Add(-time.Hour), To: at(9)}})
	require.NoError(t, err)
	require.Len(t, m.Markers, 1)
	assert.Equal(t, "MODEL", m.Markers[0].Key)
}

// TestMarkerProjectorWaitsOutClickHouse stops ClickHouse before an env
// change: the projector's consumer waits (each delivery ends when its ack
// deadline passes, as a passing failure, and comes again: it never parks,
// however short the deadline) and the marker is stored once ClickHouse is
// back.
func TestMarkerProjectorWaitsOutClickHouse(t *testing.T) {
	t.Parallel()
	srv := chtest.StartServer(t)
	store := chtest.NewOn(t, srv.Config())
	e := startMarkers(t, store, func(c *app.Config) { c.Subscriber.AckDeadline = 300 * time.Millisecond })
	ctx := context.Background()
	srv.Stop()

	_, err := e.Admin.SetEnvVar(ctx, e.owner, e.project, "MODEL", commands.EnvInput{Value: "gpt"})
	require.NoError(t, err)
	events, _, err := e.events.Load(ctx, project.StreamID(e.project))
	require.NoError(t, err)
	set := events[len(events)-1]

	// A delivery while it is down: the handler waits until its context
	// ends, then says the store is unavailable (which pgstore's handler
	// turns into eventstore.ErrRetryLater).
	pm := e.Admin.MarkerProjector(store)
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	err = pm.Handle(short, commands.Recorded{ID: uuid.New(), StreamID: project.StreamID(e.project), StreamVersion: int64(len(events)), Event: set})
	cancel()
	require.ErrorIs(t, err, commands.ErrStoreUnavailable)

	// The consumer, meanwhile, has had many deliveries end that way.
	time.Sleep(2 * time.Second)
	var parks int
	require.NoError(t, e.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM consumer_parks`).Scan(&parks))
	assert.Zero(t, parks, "no consumer parked while ClickHouse is down")
	got, err := store.Markers(ctx, e.project, commands.MarkerFilter{})
	assert.True(t, err != nil && errors.Is(err, commands.ErrStoreUnavailable), "ClickHouse is down: %v", err)
	assert.Empty(t, got)
	_, detail := e.App.Ready(ctx)
	var lag int64 = -1
	for _, c := range detail.(app.Readiness).Consumers {
		if c.Name == pm.Name() {
			lag = c.Lag
			assert.Nil(t, c.Parked)
		}
	}
	assert.Positive(t, lag, "/readyz shows the projector's lag")

	srv.Start()
	rows := e.waitMarkers(t, 1)
	assert.Equal(t, "MODEL", rows[0].Key)
	assert.Equal(t, e.owner.UserID.String(), rows[0].By)
}
