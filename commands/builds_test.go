package commands_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/pgstore"
	"github.com/mastra-admin/mastra-admin/adapters/source/local"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/license"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
	"github.com/mastra-admin/mastra-admin/projections"
	"github.com/mastra-admin/mastra-admin/projections/projectiontest"
)

// gate is a Builder whose builds run until the test releases them; it
// records how many ran at once.
type gate struct {
	mu       sync.Mutex
	running  map[uuid.UUID]chan error
	started  []uuid.UUID
	stopped  []uuid.UUID // ended by their context (cancelled, or the worker stopped)
	max, now int
	linger   time.Duration // how long a stopped build takes to end, as SIGTERM's grace would
}

func newGate() *gate { return &gate{running: map[uuid.UUID]chan error{}} }

func (g *gate) Build(ctx context.Context, job build.Job, log io.Writer) (string, error) {
	release := make(chan error, 1)
	g.mu.Lock()
	g.running[job.Build.ID] = release
	g.started = append(g.started, job.Build.ID)
	g.now++
	g.max = max(g.max, g.now)
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.now--
		delete(g.running, job.Build.ID)
		g.mu.Unlock()
	}()
	fmt.Fprintf(log, "building %s\n", job.SourceConfig)
	select {
	case err := <-release:
		if err != nil {
			return "", err
		}
		return "/artifacts/" + job.Build.ID.String(), nil
	case <-ctx.Done():
		g.mu.Lock()
		g.stopped = append(g.stopped, job.Build.ID)
		linger := g.linger
		g.mu.Unlock()
		time.Sleep(linger)
		return "", ctx.Err()
	}
}

// release ends a running build with err (nil: success) once it runs.
func (g *gate) release(t *testing.T, id uuid.UUID, err error) {
	t.Helper()
	require.Eventually(t, func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		ch, ok := g.running[id]
		if ok {
			ch <- err
		}
		return ok
	}, 10*time.Second, 5*time.Millisecond, "build %s never ran", id)
}

func (g *gate) stats() (started, stopped []uuid.UUID, maxAtOnce int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]uuid.UUID(nil), g.started...), append([]uuid.UUID(nil), g.stopped...), g.max
}

// buildEnv is an App with a build worker over a gate, a team, a project
// and its deployments.
type buildEnv struct {
	*apptest.Env
	gate   *gate
	dev    commands.Principal
	deps   []uuid.UUID
	worker string
}

// localProject makes a Mastra project folder under a base of its own and
// returns the local source provider over that base and the project's
// source configuration.
func localProject(t *testing.T) (*local.Provider, []byte) {
	t.Helper()
	base := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(base, "math"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(base, "math", "package.json"), []byte(`{"dependencies":{"@mastra/core":"1"}}`), 0o644))
	sources, err := local.New([]string{base})
	require.NoError(t, err)
	return sources, []byte(fmt.Sprintf(`{"path":%q}`, filepath.Join(base, "math")))
}

func startBuilds(t *testing.T, lic license.License, deployments int, tune ...func(*app.Config)) *buildEnv {
	t.Helper()
	sources, source := localProject(t)
	g := newGate()
	worker := "w-" + uuid.NewString()[:8]
	env := apptest.Start(t, append([]func(*app.Config){func(c *app.Config) {
		c.Commands.Sources, c.Commands.License = sources, lic
		c.Worker = commands.WorkerConfig{ID: worker, Capacity: 4, Builder: g, Poll: 50 * time.Millisecond}
	}}, tune...)...)
	ctx := context.Background()
	dev := principal(t, env, "dev@example.com", false)
	tm, err := env.Admin.CreateTeam(ctx, dev, commands.CreateTeamInput{Name: "Builders"})
	require.NoError(t, err)
	pr, err := env.Admin.CreateProject(ctx, dev, tm.ID, commands.ProjectInput{Name: "Math", SourceType: "local", SourceConfig: source})
	require.NoError(t, err)
	b := &buildEnv{Env: env, gate: g, dev: dev, worker: worker}
	for i := range deployments {
		d, err := env.Admin.CreateDeployment(ctx, dev, pr.ID, commands.DeploymentInput{Type: deployment.Preview, Slug: fmt.Sprintf("pr-%d", i+1)})
		require.NoError(t, err)
		b.deps = append(b.deps, d.ID)
	}
	return b
}

func (b *buildEnv) deploy(t *testing.T, dep uuid.UUID) uuid.UUID {
	t.Helper()
	v, err := b.Admin.Deploy(context.Background(), b.dev, dep)
	require.NoError(t, err)
	require.Equal(t, build.StatusQueued, v.Status)
	return v.ID
}

func (b *buildEnv) status(t *testing.T, id uuid.UUID) build.View {
	t.Helper()
	v, err := b.Admin.GetBuild(context.Background(), b.dev, id)
	require.NoError(t, err)
	return v
}

func (b *buildEnv) waitStatus(t *testing.T, id uuid.UUID, want build.Status) build.View {
	t.Helper()
	var v build.View
	require.Eventually(t, func() bool {
		b.CaughtUp(t)
		v = b.status(t, id)
		return v.Status == want
	}, 15*time.Second, 10*time.Millisecond, "build %s never became %s", id, want)
	return v
}

func TestCommunityLicenseRunsOneBuildAtATime(t *testing.T) {
	t.Parallel()
	b := startBuilds(t, license.CommunityLicense(), 3)
	// A second worker, as another replica would run, competes for the
	// same builds: the license's one slot holds across both.
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- b.Admin.RunBuildWorker(ctx, commands.WorkerConfig{ID: "other-replica", Capacity: 4, Builder: b.gate,
			Poll: 10 * time.Millisecond})
	}()
	t.Cleanup(func() { stop(); <-done })

	ids := []uuid.UUID{b.deploy(t, b.deps[0]), b.deploy(t, b.deps[1]), b.deploy(t, b.deps[2])}
	first := b.waitStatus(t, ids[0], build.StatusBuilding)
	assert.NotEmpty(t, first.Worker)
	assert.NotNil(t, first.StartedAt)
	// Both workers have spare capacity and poll every few milliseconds;
	// the others stay queued while the one slot is held.
	assert.Never(t, func() bool {
		b.CaughtUp(t)
		return b.status(t, ids[1]).Status != build.StatusQueued || b.status(t, ids[2]).Status != build.StatusQueued
	}, 300*time.Millisecond, 20*time.Millisecond)

	b.gate.release(t, ids[0], nil)
	ready := b.waitStatus(t, ids[0], build.StatusDeploying)
	assert.Equal(t, build.StatusDeploying, ready.Status, "its artifact is ready; no saga runs here")
	require.NotNil(t, ready.StartedAt)
	require.NotNil(t, ready.ReadyAt, "the build step's end is recorded")
	assert.False(t, ready.ReadyAt.Before(*ready.StartedAt))
	assert.Nil(t, ready.FinishedAt)
	b.waitStatus(t, ids[1], build.StatusBuilding) // oldest first
	assert.Equal(t, build.StatusQueued, b.status(t, ids[2]).Status)
	b.gate.release(t, ids[1], errors.New("npm install failed"))
	failed := b.waitStatus(t, ids[1], build.StatusFailed)
	assert.Equal(t, "npm install failed", failed.Error)
	assert.NotNil(t, failed.FinishedAt)
	b.gate.release(t, ids[2], nil)
	b.waitStatus(t, ids[2], build.StatusDeploying)

	_, _, most := b.gate.stats()
	assert.Equal(t, 1, most, "never more than the license's one concurrent build")
	for _, id := range ids {
		_, held, err := b.Store.ClaimOwner(context.Background(), build.SlotScope, id.String())
		require.NoError(t, err)
		assert.False(t, held, "the slot of %s is free once it ended", id)
	}
}

func TestUnlimitedLicenseRunsBuildsTogether(t *testing.T) {
	t.Parallel()
	b := startBuilds(t, license.License{Tier: license.Enterprise, Features: []string{}}, 3)
	ids := []uuid.UUID{b.deploy(t, b.deps[0]), b.deploy(t, b.deps[1]), b.deploy(t, b.deps[2])}
	for _, id := range ids {
		b.waitStatus(t, id, build.StatusBuilding)
	}
	for _, id := range ids {
		b.gate.release(t, id, nil)
		b.waitStatus(t, id, build.StatusDeploying)
	}
	_, _, most := b.gate.stats()
	assert.Equal(t, 3, most)
}

func TestTeamLicenseBoundsBuildsAcrossDeployments(t *testing.T) {
	t.Parallel()
	lic := license.License{Tier: license.Team, Features: []string{}, Limits: license.Limits{ConcurrentBuilds: 2}}
	b := startBuilds(t, lic, 3)
	ids := []uuid.UUID{b.deploy(t, b.deps[0]), b.deploy(t, b.deps[1]), b.deploy(t, b.deps[2])}
	b.waitStatus(t, ids[0], build.StatusBuilding)
	b.waitStatus(t, ids[1], build.StatusBuilding)
	assert.Never(t, func() bool { b.CaughtUp(t); return b.status(t, ids[2]).Status != build.StatusQueued },
		200*time.Millisecond, 20*time.Millisecond)
	_, _, most := b.gate.stats()
	assert.Equal(t, 2, most)
	// The builds read model and the held slots derive from the events.
	b.CaughtUp(t)
	projectiontest.AssertRebuildIdentical(t, b.Store, b.Projections...)
	claims := projectiontest.Dump(t, b.DB.Pool, b.DB.Schema, "unique_claims")
	_, err := projections.RebuildClaims(context.Background(), b.Store, projections.Options{BatchSize: 2})
	require.NoError(t, err)
	assert.Equal(t, claims, projectiontest.Dump(t, b.DB.Pool, b.DB.Schema, "unique_claims"), "slots included")
	// Cancelling a running build frees its slot at once and stops its
	// pipeline within moments (so for those moments three may run).
	require.NoError(t, b.Admin.CancelBuild(context.Background(), b.dev, ids[0]))
	b.waitStatus(t, ids[0], build.StatusCancelled)
	b.waitStatus(t, ids[2], build.StatusBuilding)
	require.Eventually(t, func() bool { _, stopped, _ := b.gate.stats(); return len(stopped) == 1 }, 10*time.Second, 5*time.Millisecond)
	_, stopped, _ := b.gate.stats()
	assert.Equal(t, ids[0], stopped[0], "the cancelled build's pipeline was stopped")
	err = b.Admin.CancelBuild(context.Background(), b.dev, ids[0])
	assert.ErrorIs(t, err, domain.ErrConflict, "a cancelled build cannot be cancelled again")
	assert.Eventually(t, func() bool { b.gate.mu.Lock(); defer b.gate.mu.Unlock(); return b.gate.now == 2 },
		10*time.Second, 5*time.Millisecond, "two run once the cancelled one stopped")
	b.gate.release(t, ids[1], nil)
	b.gate.release(t, ids[2], nil)
	b.waitStatus(t, ids[2], build.StatusDeploying)

	logs, err := b.Admin.BuildLog(context.Background(), b.dev, ids[2])
	require.NoError(t, err)
	text, err := io.ReadAll(logs)
	require.NoError(t, err)
	require.NoError(t, logs.Close())
	assert.Contains(t, string(text), "building {\"path\"")
	assert.Contains(t, string(text), "artifact "+commands.ArtifactID(ids[2]).String()+" ready; deploying")
}

func TestDeletingADeploymentCancelsItsBuilds(t *testing.T) {
	t.Parallel()
	b := startBuilds(t, license.CommunityLicense(), 3)
	running := b.deploy(t, b.deps[0])
	b.waitStatus(t, running, build.StatusBuilding)
	queued := b.deploy(t, b.deps[1])
	other := b.deploy(t, b.deps[2])
	require.NoError(t, b.Admin.DeleteDeployment(context.Background(), b.dev, b.deps[1]))
	// The queued build of the deleted deployment never runs; the other
	// deployment's build runs next.
	b.gate.release(t, running, nil)
	b.waitStatus(t, running, build.StatusDeploying)
	b.waitStatus(t, other, build.StatusBuilding)
	s, err := b.Admin.BuildStatus(context.Background(), queued)
	require.NoError(t, err)
	assert.Equal(t, build.StatusCancelled, s)

	// Deleting the deployment of a running build stops it and frees the slot.
	require.NoError(t, b.Admin.DeleteDeployment(context.Background(), b.dev, b.deps[2]))
	require.Eventually(t, func() bool {
		b.CaughtUp(t)
		s, err := b.Admin.BuildStatus(context.Background(), other)
		require.NoError(t, err)
		return s == build.StatusCancelled
	}, 10*time.Second, 10*time.Millisecond)
	require.Eventually(t, func() bool { _, stopped, _ := b.gate.stats(); return len(stopped) == 1 }, 10*time.Second, 5*time.Millisecond)
	_, held, err := b.Store.ClaimOwner(context.Background(), build.SlotScope, other.String())
	require.NoError(t, err)
	assert.False(t, held)
	started, _, _ := b.gate.stats()
	assert.Equal(t, []uuid.UUID{running, other}, started, "the deleted deployment's queued build never ran")
}

func TestAWorkerFailsTheBuildsItLeftRunning(t *testing.T) {
	t.Parallel()
	b := startBuilds(t, license.CommunityLicense(), 1, func(c *app.Config) { c.Worker.Builder = nil })
	id := b.deploy(t, b.deps[0])
	b.CaughtUp(t)
	// A worker takes the build, then dies without recording its end.
	job, ok, err := b.Admin.StartNextBuild(context.Background(), "crashed")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, id, job.Build.ID)
	b.waitStatus(t, id, build.StatusBuilding)
	next := b.deploy(t, b.deps[0])

	// Restarted under the same name, it records the build as failed,
	// which frees the slot for the next one.
	g := newGate()
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- b.Admin.RunBuildWorker(ctx, commands.WorkerConfig{ID: "crashed", Builder: g,
			Poll: 10 * time.Millisecond})
	}()
	failed := b.waitStatus(t, id, build.StatusFailed)
	assert.Contains(t, failed.Error, "interrupted: the worker crashed restarted")
	b.waitStatus(t, next, build.StatusBuilding)

	// Stopped while building, it records the build as interrupted.
	stop()
	require.NoError(t, <-done)
	b.CaughtUp(t)
	v := b.status(t, next)
	assert.Equal(t, build.StatusFailed, v.Status)
	assert.Contains(t, v.Error, "interrupted: the worker crashed stopped")
	for _, id := range []uuid.UUID{id, next} {
		_, held, err := b.Store.ClaimOwner(context.Background(), build.SlotScope, id.String())
		require.NoError(t, err)
		assert.False(t, held)
	}
}

func TestDeployRulesAndVisibility(t *testing.T) {
	t.Parallel()
	expires := time.Now().Add(24 * time.Hour)
	b := startBuilds(t, license.CommunityLicense(), 1, func(c *app.Config) { c.Worker.Builder = nil })
	ctx := context.Background()
	outsider := principal(t, b.Env, "outsider@example.com", false)
	_, err := b.Admin.Deploy(ctx, outsider, b.deps[0])
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = b.Admin.Deploy(ctx, b.dev, uuid.New())
	assert.ErrorIs(t, err, domain.ErrNotFound)
	id := b.deploy(t, b.deps[0])
	_, err = b.Admin.GetBuild(ctx, outsider, id)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	assert.ErrorIs(t, b.Admin.CancelBuild(ctx, outsider, id), domain.ErrNotFound)
	list, err := b.Admin.ListBuilds(ctx, b.dev, b.deps[0])
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, id, list[0].ID)
	logs, err := b.Admin.BuildLog(ctx, b.dev, id)
	require.NoError(t, err)
	text, _ := io.ReadAll(logs)
	assert.Empty(t, text, "a queued build has an empty log")
	require.NoError(t, b.Admin.CancelBuild(ctx, b.dev, id))
	assert.Equal(t, build.StatusCancelled, b.status(t, id).Status)

	// After the license's grace period, new deploys are refused; the
	// deployment is unchanged.
	clock := &fixedClock{t: time.Now()}
	lapsed := startBuilds(t, license.License{Tier: license.Team, Features: []string{}, ExpiresAt: &expires}, 1,
		func(c *app.Config) { c.Commands.Clock, c.Worker.Builder = clock, nil })
	clock.set(expires.Add(license.Grace + time.Hour))
	_, err = lapsed.Admin.Deploy(ctx, lapsed.dev, lapsed.deps[0])
	assert.ErrorIs(t, err, domain.ErrLicenseRequired)
	assert.Contains(t, err.Error(), "new deploys cannot be created")
	list, err = lapsed.Admin.ListBuilds(ctx, lapsed.dev, lapsed.deps[0])
	require.NoError(t, err)
	assert.Empty(t, list)
	clock.set(expires.Add(license.Grace - time.Hour))
	_, err = lapsed.Admin.Deploy(ctx, lapsed.dev, lapsed.deps[0])
	assert.NoError(t, err, "deploys still work in the grace period")
}

// TestAWorkerFailsStartsItDoesNotKnow: a start recorded for a worker that
// never learnt of it (the append's reply was lost) is failed at the
// worker's next look, so its slot does not stay taken.
func TestAWorkerFailsStartsItDoesNotKnow(t *testing.T) {
	t.Parallel()
	// One build at a time on this worker; the license allows more.
	b := startBuilds(t, license.License{Tier: license.Enterprise, Features: []string{}}, 2,
		func(c *app.Config) { c.Worker.Capacity = 1 })
	busy := b.deploy(t, b.deps[0])
	b.waitStatus(t, busy, build.StatusBuilding)
	lost := b.deploy(t, b.deps[1])
	b.CaughtUp(t)
	// Take the queued build under the busy worker's name, behind its back.
	job, ok, err := b.Admin.StartNextBuild(context.Background(), b.worker)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, lost, job.Build.ID)
	failed := b.waitStatus(t, lost, build.StatusFailed)
	assert.Contains(t, failed.Error, "interrupted")
	_, held, err := b.Store.ClaimOwner(context.Background(), build.SlotScope, lost.String())
	require.NoError(t, err)
	assert.False(t, held, "its slot is free")
	b.gate.release(t, busy, nil)
	b.waitStatus(t, busy, build.StatusDeploying)
	started, _, _ := b.gate.stats()
	assert.Equal(t, []uuid.UUID{busy}, started)
}

// TestBuildsOfASilentWorkerAreFailed: a worker that stops answering (it
// died, for good) loses its running builds to another worker's look once
// its lease is over, so that the slot it held does not block the queue.
func TestBuildsOfASilentWorkerAreFailed(t *testing.T) {
	t.Parallel()
	b := startBuilds(t, license.CommunityLicense(), 2, func(c *app.Config) { c.Worker.Builder = nil })
	ctx := context.Background()
	orphan := b.deploy(t, b.deps[0])
	b.CaughtUp(t)
	// A worker takes the build, is seen once, and never answers again.
	job, ok, err := b.Admin.StartNextBuild(ctx, "ghost")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, orphan, job.Build.ID)
	// It answers until the check below that its build holds the slot is
	// over, then never again.
	beating, stopBeating := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(beating)
		for {
			assert.NoError(t, pgstore.Workers{DB: b.DB.Pool}.Seen(ctx, "ghost"))
			select {
			case <-stopBeating:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	next := b.deploy(t, b.deps[1])

	wctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- b.Admin.RunBuildWorker(wctx, commands.WorkerConfig{ID: "live", Builder: b.gate,
			Poll: 20 * time.Millisecond, Lease: time.Second})
	}()
	t.Cleanup(func() { stop(); <-done })
	// While the ghost's lease runs, its build holds the one slot.
	assert.Never(t, func() bool { b.CaughtUp(t); return b.status(t, next).Status != build.StatusQueued },
		300*time.Millisecond, 20*time.Millisecond)
	close(stopBeating)
	<-beating
	failed := b.waitStatus(t, orphan, build.StatusFailed)
	assert.Contains(t, failed.Error, "the worker ghost stopped answering")
	b.waitStatus(t, next, build.StatusBuilding)
	b.gate.release(t, next, nil)
	b.waitStatus(t, next, build.StatusDeploying)
}

// failingWorkers is the build_workers table with a switch that makes
// recording the worker fail, as a lost database would.
type failingWorkers struct {
	pgstore.Workers
	mu   sync.Mutex
	down bool
}

func (w *failingWorkers) Seen(ctx context.Context, worker string) error {
	w.mu.Lock()
	down := w.down
	w.mu.Unlock()
	if down {
		return errors.New("connection refused")
	}
	return w.Workers.Seen(ctx, worker)
}

// TestAWorkerThatCannotBeSeenStopsItsBuilds: other workers fail the builds
// of a worker they do not see for its lease, and free their slots; so a
// worker that cannot record itself for half its lease stops them first.
func TestAWorkerThatCannotBeSeenStopsItsBuilds(t *testing.T) {
	t.Parallel()
	ws := &failingWorkers{}
	b := startBuilds(t, license.CommunityLicense(), 1, func(c *app.Config) {
		ws.Workers = pgstore.Workers{DB: c.Pool}
		c.Commands.Workers = ws
		c.Worker.Poll, c.Worker.Lease = 20*time.Millisecond, 400*time.Millisecond
	})
	id := b.deploy(t, b.deps[0])
	b.waitStatus(t, id, build.StatusBuilding)
	assert.Never(t, func() bool { _, stopped, _ := b.gate.stats(); return len(stopped) > 0 },
		500*time.Millisecond, 20*time.Millisecond, "a worker that is seen keeps its build")
	ws.mu.Lock()
	ws.down = true
	ws.mu.Unlock()
	failed := b.waitStatus(t, id, build.StatusFailed)
	assert.Contains(t, failed.Error, "lost the database")
	_, stopped, _ := b.gate.stats()
	assert.Equal(t, []uuid.UUID{id}, stopped)
}

// TestFollowingACancelledBuildGetsItsLastLine: the worker writes a
// cancelled build's last line after the cancellation is recorded; a
// follower still gets it before the stream ends.
func TestFollowingACancelledBuildGetsItsLastLine(t *testing.T) {
	t.Parallel()
	b := startBuilds(t, license.CommunityLicense(), 2)
	b.gate.mu.Lock()
	b.gate.linger = 500 * time.Millisecond // the pipeline takes a while to stop
	b.gate.mu.Unlock()
	ctx := context.Background()
	id := b.deploy(t, b.deps[0])
	b.waitStatus(t, id, build.StatusBuilding)
	// Queued behind it (one build at a time) and cancelled before it ran.
	queued := b.deploy(t, b.deps[1])
	require.NoError(t, b.Admin.CancelBuild(ctx, b.dev, queued))
	var mu sync.Mutex
	var lines []string
	done := make(chan error, 1)
	go func() {
		done <- b.Admin.FollowBuildLog(ctx, b.dev, id, 0, func(l string) error {
			mu.Lock()
			defer mu.Unlock()
			lines = append(lines, l)
			return nil
		})
	}()
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(lines) >= 2 }, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, b.Admin.CancelBuild(ctx, b.dev, id))
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(20 * time.Second):
		t.Fatal("the stream did not end")
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, "build stopped: it was cancelled", lines[len(lines)-1], "%q", lines)

	// A build cancelled before it ran ends its stream, empty.
	require.NoError(t, b.Admin.FollowBuildLog(ctx, b.dev, queued, 0, func(l string) error {
		t.Errorf("unexpected line %q", l)
		return nil
	}))
}
