package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

// Deploy queues a build of a deployment (developers and up). Workers take
// queued builds oldest first, never running more at once than the
// license's concurrent-build limit.
func (a *Admin) Deploy(ctx context.Context, p Principal, deploymentID uuid.UUID) (build.View, error) {
	if _, err := a.licensed("deploys", "", 0); err != nil {
		return build.View{}, err
	}
	var view build.View
	_, err := a.execute(ctx, p, func() (write, error) {
		sc, err := a.liveDeployment(ctx, p, deploymentID, domain.ActionBuildWrite)
		if err != nil {
			return write{}, err
		}
		d, dversion, pr, pversion, guard := sc.d, sc.version, sc.project, sc.projectVersion, sc.guard
		// The env the build's servers will run with, read after the
		// versions the guards hold: a change meanwhile fails a guard.
		env, err := a.runEnv(ctx, pr.ID, d.ID)
		if err != nil {
			return write{}, err
		}
		id, now := a.cfg.IDs.New(), a.cfg.Clock.Now()
		branch := d.Branch
		evs, err := build.Queue{BuildID: id, DeploymentID: d.ID, ProjectID: pr.ID, TeamID: pr.TeamID,
			SourceType: pr.SourceType, SourceConfig: pr.SourceConfig, Branch: branch, Env: env, By: p.UserID, At: now}.Decide(build.Build{})
		if err != nil {
			return write{}, err
		}
		view = build.View{ID: id, DeploymentID: d.ID, ProjectID: pr.ID, TeamID: pr.TeamID, Status: build.StatusQueued,
			Trigger: build.TriggerDeploy, Branch: branch, QueuedBy: p.UserID, QueuedAt: now}
		return write{guards: []Guard{guard, {StreamID: project.StreamID(pr.ID), Version: pversion},
			{StreamID: deployment.StreamID(d.ID), Version: dversion}},
			appends: []Append{{StreamID: build.StreamID(id), Expected: NoStream, Events: a.events(evs...)}}}, nil
	})
	return view, err
}

// GetBuild returns a build the caller can see.
func (a *Admin) GetBuild(ctx context.Context, p Principal, id uuid.UUID) (build.View, error) {
	if err := a.fresh(ctx, p); err != nil {
		return build.View{}, err
	}
	v, role, ok, err := a.cfg.Reads.BuildForMember(ctx, id, p.UserID)
	if err != nil {
		return build.View{}, fmt.Errorf("read build: %w", err)
	}
	if !ok || !(p.PlatformAdmin || domain.Can(role, domain.ActionTeamRead)) {
		return build.View{}, errNotFound("build", id)
	}
	return v, nil
}

// ListBuilds returns a deployment's builds, newest first (the last 100).
func (a *Admin) ListBuilds(ctx context.Context, p Principal, deploymentID uuid.UUID) ([]build.View, error) {
	if _, err := a.deploymentOf(ctx, p, deploymentID); err != nil {
		return nil, err
	}
	return a.cfg.Reads.BuildsOf(ctx, deploymentID, 100)
}

// CancelBuild cancels a build that has not ended (developers and up). A
// running build's worker stops its pipeline within moments; its slot is
// free at once.
func (a *Admin) CancelBuild(ctx context.Context, p Principal, id uuid.UUID) error {
	return a.cancelBuild(ctx, p, id, "")
}

func (a *Admin) cancelBuild(ctx context.Context, p Principal, id uuid.UUID, reason string) error {
	_, err := a.execute(ctx, p, func() (write, error) {
		b, version, err := load(ctx, a.cfg.Store, build.StreamID(id), build.Evolve)
		if err != nil {
			return write{}, err
		}
		if !b.Exists() {
			return write{}, errNotFound("build", id)
		}
		var guards []Guard
		if p != System {
			_, _, guard, err := a.projectFor(ctx, p, b.ProjectID, domain.ActionBuildWrite)
			if errors.Is(err, domain.ErrNotFound) {
				return write{}, errNotFound("build", id)
			}
			if err != nil {
				return write{}, err
			}
			guards = append(guards, guard)
		}
		evs, err := build.Cancel{Reason: reason, By: p.UserID, At: a.cfg.Clock.Now()}.Decide(b)
		if err != nil {
			return write{}, err
		}
		return write{claims: freeSlot(b), guards: guards,
			appends: []Append{{StreamID: build.StreamID(id), Expected: version, Events: a.events(evs...)}}}, nil
	})
	return err
}

// freeSlot frees the build slot b holds, if any.
func freeSlot(b build.Build) []Claim {
	if b.Slot == "" {
		return nil
	}
	return []Claim{{Scope: build.SlotScope, Value: b.Slot, Owner: b.ID, Release: true}}
}
