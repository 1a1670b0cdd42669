package commands

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
)

// ReasonDeploymentDeleted is why the system cancels the builds of a
// deleted deployment.
const ReasonDeploymentDeleted = "the deployment was deleted"

// errAtCapacity says the license's build slots are all taken.
var errAtCapacity = errors.New("commands: every build slot is taken")

// StartNextBuild takes the oldest queued build that can run now for
// worker, and returns what the worker needs to run it; false when nothing
// is queued or every build slot of the license is taken. The start and
// its slot are recorded in one append, so a build starts once across
// replicas and no more run at once than the license allows. Builds of
// deleted deployments are cancelled on the way.
func (a *Admin) StartNextBuild(ctx context.Context, worker string) (build.Job, bool, error) {
	queued, err := a.cfg.Reads.QueuedBuilds(ctx, 16)
	if err != nil {
		return build.Job{}, false, err
	}
	for _, q := range queued {
		job, err := a.startBuild(ctx, worker, q.ID)
		switch {
		case err == nil:
			return job, true, nil
		case errors.Is(err, errAtCapacity):
			return build.Job{}, false, nil
		case errors.Is(err, ErrConcurrency), domain.KindOf(err) == domain.KindConflict:
			continue // taken, cancelled or ended meanwhile
		default:
			return build.Job{}, false, err
		}
	}
	return build.Job{}, false, nil
}

func (a *Admin) startBuild(ctx context.Context, worker string, id uuid.UUID) (build.Job, error) {
	b, version, err := load(ctx, a.cfg.Store, build.StreamID(id), build.Evolve)
	if err != nil {
		return build.Job{}, err
	}
	if b.Status != build.StatusQueued {
		return build.Job{}, ErrConcurrency
	}
	d, dversion, err := load(ctx, a.cfg.Store, deployment.StreamID(b.DeploymentID), deployment.Evolve)
	if err != nil {
		return build.Job{}, err
	}
	if !d.Live() {
		if err := a.cancelBuild(ctx, System, id, ReasonDeploymentDeleted); err != nil {
			return build.Job{}, err
		}
		return build.Job{}, ErrConcurrency
	}
	now := a.cfg.Clock.Now()
	evs, err := build.Start{Worker: worker, Slot: id.String(), At: now}.Decide(b)
	if err != nil {
		return build.Job{}, err
	}
	started := evs[0].(build.Started)
	// The slot is a claim named by the build; the limit counts the slots
	// held, under a lock, so concurrent starts cannot pass it.
	var limit *Limit
	if n := a.cfg.License.Limits.ConcurrentBuilds; n > 0 {
		limit = &Limit{ScopePrefix: build.SlotScope, Max: n}
	}
	_, err = a.cfg.Store.Append(ctx, Meta{Actor: "worker:" + worker},
		Conditions{Claims: []Claim{{Scope: build.SlotScope, Value: started.Slot, Owner: id, At: now}}, Limit: limit,
			Guards: []Guard{{StreamID: deployment.StreamID(d.ID), Version: dversion}}}, // not deleted meanwhile
		Append{StreamID: build.StreamID(id), Expected: version, Events: a.events(evs...)})
	switch {
	case errors.Is(err, ErrLimitReached):
		return build.Job{}, errAtCapacity
	case err != nil && !a.startedOn(ctx, worker, id):
		return build.Job{}, err
	}
	return build.Job{
		Build: build.View{ID: id, DeploymentID: b.DeploymentID, ProjectID: b.ProjectID, TeamID: b.TeamID,
			Status: build.StatusBuilding, Branch: d.Branch, Worker: worker, StartedAt: &started.At},
		SourceType: b.SourceType, SourceConfig: b.SourceConfig,
	}, nil
}

// startedOn reports whether build id is running on worker: after an
// append whose outcome is unknown (a lost connection), it may be.
func (a *Admin) startedOn(ctx context.Context, worker string, id uuid.UUID) bool {
	b, _, err := load(ctx, a.cfg.Store, build.StreamID(id), build.Evolve)
	return err == nil && b.Status == build.StatusBuilding && b.Worker == worker
}

// FinishBuild records the end of a build worker ran: its artifact, or
// failure with reason. A conflict means the build was cancelled meanwhile.
func (a *Admin) FinishBuild(ctx context.Context, worker string, id, artifact uuid.UUID, failure string) error {
	return a.finishBuild(ctx, worker, worker, id, artifact, failure)
}

// finishBuild records, as actor, the end of a build running on worker.
func (a *Admin) finishBuild(ctx context.Context, actor, worker string, id, artifact uuid.UUID, failure string) error {
	for attempt := 0; ; attempt++ {
		b, version, err := load(ctx, a.cfg.Store, build.StreamID(id), build.Evolve)
		if err != nil {
			return err
		}
		evs, err := build.Finish{Worker: worker, ArtifactID: artifact, Err: failure, At: a.cfg.Clock.Now()}.Decide(b)
		if err != nil {
			return err
		}
		_, err = a.cfg.Store.Append(ctx, Meta{Actor: "worker:" + actor}, Conditions{Claims: freeSlot(b)},
			Append{StreamID: build.StreamID(id), Expected: version, Events: a.events(evs...)})
		if errors.Is(err, ErrConcurrency) && attempt < a.cfg.Retries {
			continue
		}
		return err
	}
}

// seen records that worker is alive.
func (a *Admin) seen(ctx context.Context, worker string) error {
	if a.cfg.Workers == nil {
		return nil
	}
	return a.cfg.Workers.Seen(ctx, worker)
}

// failSilentWorkers records as failed, as worker, the builds running on
// workers not seen for lease (they died, or lost the database): their
// slots are freed. A worker that comes back stops them (they are no
// longer building there); one that lost the database stops them itself
// (see RunBuildWorker). A silent worker shown with no builds left is
// forgotten.
func (a *Admin) failSilentWorkers(ctx context.Context, worker string, lease time.Duration) error {
	if a.cfg.Workers == nil {
		return nil
	}
	silent, err := a.cfg.Workers.NotSeenFor(ctx, lease)
	if err != nil {
		return err
	}
	for _, w := range silent {
		if w == worker {
			continue
		}
		running, err := a.cfg.Reads.BuildsRunningOn(ctx, w)
		if err != nil {
			return err
		}
		if len(running) == 0 { // its builds were all ended (by now, shown so)
			if err := a.cfg.Workers.Forget(ctx, w); err != nil {
				return err
			}
			continue
		}
		for _, b := range running {
			reason := fmt.Sprintf("interrupted: the worker %s stopped answering (not seen for over %s); deploy again", w, lease)
			err := a.finishBuild(ctx, worker, w, b.ID, uuid.Nil, reason)
			if err != nil && domain.KindOf(err) != domain.KindConflict {
				return fmt.Errorf("fail build %s of silent worker %s: %w", b.ID, w, err)
			}
		}
	}
	return nil
}

// cancelBuildsOf cancels, as the system, the builds of a deleted
// deployment that have not ended: running ones stop and free their slots.
// (A build queued so recently that the read model does not show it yet is
// cancelled by the worker that would take it.)
func (a *Admin) cancelBuildsOf(ctx context.Context, deploymentID uuid.UUID) error {
	builds, err := a.cfg.Reads.BuildsOf(ctx, deploymentID, 100)
	if err != nil {
		return err
	}
	for _, b := range builds {
		if b.Status.Ended() {
			continue
		}
		err := a.cancelBuild(ctx, System, b.ID, ReasonDeploymentDeleted)
		if err != nil && domain.KindOf(err) != domain.KindConflict {
			return fmt.Errorf("cancel build %s of deleted deployment %s: %w", b.ID, deploymentID, err)
		}
	}
	return nil
}

// failInterrupted records as failed the builds the read models show
// running on worker that it does not run (runs): those a restart left,
// and any whose start was recorded although the worker never learnt it
// (an append whose outcome was lost). A read model that lags only
// delays this to the next look: the store decides each end. It returns
// how many it failed.
func (a *Admin) failInterrupted(ctx context.Context, worker string, runs map[uuid.UUID]running) (int, error) {
	shown, err := a.cfg.Reads.BuildsRunningOn(ctx, worker)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, b := range shown {
		if _, ok := runs[b.ID]; ok {
			continue
		}
		err := a.FinishBuild(ctx, worker, b.ID, uuid.Nil, "interrupted: the worker "+worker+" restarted before the build ended; deploy again")
		switch {
		case err == nil:
			n++
		case domain.KindOf(err) == domain.KindConflict: // ended meanwhile
		default:
			return n, fmt.Errorf("fail interrupted build %s: %w", b.ID, err)
		}
	}
	return n, nil
}

// BuildStatus returns the status of a build as the read model shows it.
func (a *Admin) BuildStatus(ctx context.Context, id uuid.UUID) (build.Status, error) {
	return a.cfg.Reads.BuildStatus(ctx, id)
}

// artifactSpace names the artifacts: one per build.
var artifactSpace = uuid.MustParse("6f1d7c1e-2b7a-4c55-9a8e-2d4f0b1c9e01")

// ArtifactID is the ID of the artifact build id produces.
func ArtifactID(build uuid.UUID) uuid.UUID { return uuid.NewSHA1(artifactSpace, build[:]) }
