package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

// RollbackInput is the body of POST /api/deployments/{id}/rollback.
type RollbackInput struct {
	BuildID uuid.UUID `json:"buildId"`
}

// Rollback queues a build that runs an earlier succeeded build of the
// deployment again: that build's artifact with the env it ran with (the
// versions and ciphertexts its Queued event recorded), with no install
// and no build (developers and up). The build is deploying at once: it
// takes no build slot and waits for no queue, and the deploy saga swaps
// its server in without downtime. Rolling back to a build that did not
// succeed, is another deployment's, or whose artifact was pruned is a
// conflict; the artifact is checked through the Artifacts port.
func (a *Admin) Rollback(ctx context.Context, p Principal, deploymentID uuid.UUID, in RollbackInput) (build.View, error) {
	if in.BuildID == uuid.Nil {
		return build.View{}, domain.Errorf(domain.KindInvalid, "buildId is required: the ID of the earlier build to roll back to")
	}
	if _, err := a.licensed("deploys", "", 0); err != nil {
		return build.View{}, err
	}
	id := a.cfg.IDs.New()
	var view build.View
	logged := false
	_, err := a.execute(ctx, p, func() (write, error) {
		sc, err := a.liveDeployment(ctx, p, deploymentID, domain.ActionBuildWrite)
		if err != nil {
			return write{}, err
		}
		d, dversion, pr, pversion, guard := sc.d, sc.version, sc.project, sc.projectVersion, sc.guard
		to, toVersion, err := load(ctx, a.cfg.Store, build.StreamID(in.BuildID), build.Evolve)
		if err != nil {
			return write{}, err
		}
		if !to.Exists() || to.TeamID != pr.TeamID { // another team's builds are not shown
			return write{}, domain.Errorf(domain.KindNotFound, "build %s not found: roll back to one of this deployment's builds", in.BuildID)
		}
		if err := build.CheckRollbackTo(to, d.ID); err != nil {
			return write{}, err
		}
		kept, err := a.artifactKept(ctx, to.ArtifactID)
		if err != nil {
			return write{}, err
		}
		now := a.cfg.Clock.Now()
		evs, err := build.Rollback{BuildID: id, DeploymentID: d.ID, ArtifactKept: kept, By: p.UserID, At: now}.Decide(build.Build{}, to)
		if err != nil {
			return write{}, err
		}
		if !logged { // before the build exists, so that its log is whole when it ends
			logged = true
			a.logRollback(ctx, id, d.ID, to)
		}
		of := to.ID
		view = build.View{ID: id, DeploymentID: d.ID, ProjectID: pr.ID, TeamID: pr.TeamID, Status: build.StatusDeploying,
			Trigger: build.TriggerRollback, RollbackOf: &of, Branch: to.Branch, QueuedBy: p.UserID, QueuedAt: now, ReadyAt: &now}
		return write{guards: []Guard{guard, {StreamID: project.StreamID(pr.ID), Version: pversion},
			{StreamID: deployment.StreamID(d.ID), Version: dversion}, {StreamID: build.StreamID(to.ID), Version: toVersion}},
			appends: []Append{{StreamID: build.StreamID(id), Expected: NoStream, Events: a.events(evs...)}}}, nil
	})
	return view, err
}

// artifactKept reports whether artifact id is still kept.
func (a *Admin) artifactKept(ctx context.Context, id uuid.UUID) (bool, error) {
	if a.cfg.Artifacts == nil {
		return false, domain.Errorf(domain.KindUnavailable,
			"this process cannot check that the build's artifact is still kept (it runs no servers, so it has no artifacts); send rollbacks to a process that runs servers (mastra-admin serve)")
	}
	_, err := a.cfg.Artifacts.Resolve(ctx, id)
	switch {
	case errors.Is(err, ErrArtifactNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("check artifact %s: %w", id, err)
	}
	return true, nil
}

// logRollback writes the log of rollback build id: what it re-uses, and
// the names and versions (never the values) of the env it restores. A
// process without build logs writes none.
func (a *Admin) logRollback(ctx context.Context, id, deploymentID uuid.UUID, to build.Build) {
	if a.cfg.LogCache == nil || a.cfg.Files == nil {
		return
	}
	w := a.newLogWriter(context.WithoutCancel(ctx), id, func(error) {}) // a lost line must not fail the rollback
	fmt.Fprintf(w, "rollback build %s of deployment %s to build %s\n", id, deploymentID, to.ID)
	fmt.Fprintf(w, "no install and no build: re-using artifact %s, which build %s produced\n", to.ArtifactID, to.ID)
	vars := make([]string, 0, len(to.Env))
	for _, v := range to.Env {
		vars = append(vars, fmt.Sprintf("%s (%s version %d)", v.Key, v.Source, v.Version))
	}
	if len(vars) == 0 {
		vars = append(vars, "no env vars")
	}
	fmt.Fprintf(w, "env as build %s ran with: %s\n", to.ID, strings.Join(vars, ", "))
	fmt.Fprintf(w, "artifact %s ready; deploying\n", to.ArtifactID)
	_ = w.Close()
}
