package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
)

// ReasonDeploymentDeleted is why the system cancels the builds of a
// deleted deployment.
const ReasonDeploymentDeleted = "the deployment was deleted"

// errAtCapacity says every build slot is taken.
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
	d, _, err := load(ctx, a.cfg.Store, deployment.StreamID(b.DeploymentID), deployment.Evolve)
	if err != nil {
		return build.Job{}, err
	}
	if !d.Live() {
		if err := a.cancelBuild(ctx, System, id, ReasonDeploymentDeleted); err != nil {
			return build.Job{}, err
		}
		return build.Job{}, ErrConcurrency
	}
	slots := []string{""}
	if limit := a.cfg.License.Limits.ConcurrentBuilds; limit > 0 {
		if slots, err = a.freeSlots(ctx, limit); err != nil {
			return build.Job{}, err
		}
	}
	now := a.cfg.Clock.Now()
	for _, slot := range slots {
		evs, err := build.Start{Worker: worker, Slot: slot, At: now}.Decide(b)
		if err != nil {
			return build.Job{}, err
		}
		var claims []Claim
		if slot != "" {
			claims = []Claim{{Scope: build.SlotScope, Value: slot, Owner: id, At: now}}
		}
		_, err = a.cfg.Store.Append(ctx, Meta{Actor: "worker:" + worker}, Conditions{Claims: claims},
			Append{StreamID: build.StreamID(id), Expected: version, Events: a.events(evs...)})
		if errors.Is(err, ErrClaimTaken) {
			continue // another worker took it first
		}
		if err != nil {
			return build.Job{}, err
		}
		started := evs[0].(build.Started)
		return build.Job{
			Build: build.View{ID: id, DeploymentID: b.DeploymentID, ProjectID: b.ProjectID, TeamID: b.TeamID,
				Status: build.StatusBuilding, Branch: d.Branch, Worker: worker, StartedAt: &started.At},
			SourceType: b.SourceType, SourceConfig: b.SourceConfig,
		}, nil
	}
	return build.Job{}, errAtCapacity
}

// freeSlots lists the build slots no build holds now.
func (a *Admin) freeSlots(ctx context.Context, limit int) ([]string, error) {
	var free []string
	for _, s := range build.Slots(limit) {
		_, held, err := a.cfg.Store.ClaimOwner(ctx, build.SlotScope, s)
		if err != nil {
			return nil, fmt.Errorf("read build slot %s: %w", s, err)
		}
		if !held {
			free = append(free, s)
		}
	}
	return free, nil
}

// FinishBuild records the end of a build worker ran: its artifact, or
// failure with reason. A conflict means the build was cancelled meanwhile.
func (a *Admin) FinishBuild(ctx context.Context, worker string, id uuid.UUID, artifact, failure string) error {
	for attempt := 0; ; attempt++ {
		b, version, err := load(ctx, a.cfg.Store, build.StreamID(id), build.Evolve)
		if err != nil {
			return err
		}
		evs, err := build.Finish{Worker: worker, Artifact: artifact, Err: failure, At: a.cfg.Clock.Now()}.Decide(b)
		if err != nil {
			return err
		}
		_, err = a.cfg.Store.Append(ctx, Meta{Actor: "worker:" + worker}, Conditions{Claims: slotClaims(b, true)},
			Append{StreamID: build.StreamID(id), Expected: version, Events: a.events(evs...)})
		if errors.Is(err, ErrConcurrency) && attempt < a.cfg.Retries {
			continue
		}
		return err
	}
}

// FailInterrupted records as failed the builds the read model shows
// running on worker: a worker calls it when it starts, since a build it
// ran before a restart can no longer be running (its processes die with
// it). It returns how many it failed.
func (a *Admin) FailInterrupted(ctx context.Context, worker string) (int, error) {
	running, err := a.cfg.Reads.BuildsRunningOn(ctx, worker)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, b := range running {
		err := a.FinishBuild(ctx, worker, b.ID, "", "interrupted: the worker "+worker+" restarted before the build ended; deploy again")
		switch {
		case err == nil:
			n++
		case domain.KindOf(err) == domain.KindConflict:
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
