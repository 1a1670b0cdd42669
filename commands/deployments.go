package commands

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/team"
)

// DeploymentInput is the body of POST /api/projects/{projectId}/deployments.
type DeploymentInput struct {
	Type      deployment.Type `json:"type"`
	Branch    string          `json:"branch,omitempty"`
	Slug      string          `json:"slug,omitempty"`
	ExpiresAt *time.Time      `json:"expiresAt,omitempty"`
}

// CreateDeployment creates a deployment of a project (developers and up).
// Its slug is unique in the project, and a project has one production
// deployment at most.
func (a *Admin) CreateDeployment(ctx context.Context, p Principal, projectID uuid.UUID, in DeploymentInput) (deployment.View, error) {
	if _, err := a.licensed("deployments", "", 0); err != nil {
		return deployment.View{}, err
	}
	var view deployment.View
	var created deployment.Created
	var base string
	_, err := a.execute(ctx, p, func() (write, error) {
		pr, version, guard, err := a.projectFor(ctx, p, projectID, domain.ActionDeploymentWrite)
		if err != nil {
			return write{}, err
		}
		id, now := a.cfg.IDs.New(), a.cfg.Clock.Now()
		evs, err := deployment.Create{DeploymentID: id, Project: pr, Type: in.Type, Branch: in.Branch, Slug: in.Slug,
			ExpiresAt: in.ExpiresAt, By: p.UserID, At: now}.Decide(deployment.Deployment{})
		if err != nil {
			return write{}, err
		}
		created, base = evs[0].(deployment.Created), pr.SubdomainBase
		view = a.deploymentView(deployment.View{ID: id, ProjectID: pr.ID, TeamID: pr.TeamID,
			Type: created.Type, Branch: created.Branch, Slug: created.Slug, Subdomain: created.Subdomain,
			Status: deployment.StatusPending, ExpiresAt: created.ExpiresAt, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now})
		// The project must hold its base (see project.BaseScope) while
		// its deployment takes a subdomain under it.
		claims := append(deploymentClaims(id, pr.ID, created.Type, created.Slug, created.Subdomain, now, false),
			Claim{Scope: project.BaseScope, Value: pr.SubdomainBase, Owner: pr.ID, Move: true, From: pr.ID})
		return write{claims: claims, guards: []Guard{guard, {StreamID: project.StreamID(pr.ID), Version: version}},
			appends: []Append{{StreamID: deployment.StreamID(id), Expected: NoStream, Events: a.events(evs...)}}}, nil
	})
	if errors.Is(err, ErrClaimTaken) {
		return deployment.View{}, a.deploymentConflict(ctx, created, base)
	}
	return view, err
}

// deploymentConflict says which of a new deployment's claims is held,
// without a word of who holds it: a subdomain under the project's own base
// can only be held by its team's deployments, or by one recorded before
// bases.
func (a *Admin) deploymentConflict(ctx context.Context, c deployment.Created, base string) error {
	held := func(scope, value string) bool {
		_, ok, err := a.cfg.Store.ClaimOwner(ctx, scope, value)
		return err == nil && ok
	}
	owner, holds, err := a.cfg.Store.ClaimOwner(ctx, project.BaseScope, base)
	switch {
	case err == nil && (!holds || owner != c.ProjectID):
		return domain.Errorf(domain.KindConflict,
			"project %s cannot take new subdomains: its subdomain base %q is not reserved for it; recreate the project to get a base of its own", c.ProjectID, base)
	case c.Type == deployment.Production && held(deployment.ProductionScope(c.ProjectID), deployment.ProductionClaim):
		return domain.Errorf(domain.KindConflict, "project %s already has a production deployment", c.ProjectID)
	case held(deployment.SlugScope(c.ProjectID), c.Slug):
		return domain.Errorf(domain.KindConflict, "deployment slug %q is taken in this project", c.Slug)
	case c.Type == deployment.Production:
		return domain.Errorf(domain.KindConflict,
			"subdomain %q is still held by an earlier deployment (a deleted one frees it within a minute); retry shortly (a production deployment is served at its project's subdomain base)", c.Subdomain)
	default:
		return domain.Errorf(domain.KindConflict,
			"subdomain %q is still held by an earlier deployment (a deleted one frees it within a minute); retry shortly or give this deployment another slug", c.Subdomain)
	}
}

// projectFor loads a live project and checks the caller may do action in
// its team; it returns the project, its version and a guard on the team.
// Outsiders get not_found.
func (a *Admin) projectFor(ctx context.Context, p Principal, id uuid.UUID, action domain.Action) (project.Project, int64, Guard, error) {
	pr, version, err := load(ctx, a.cfg.Store, project.StreamID(id), project.Evolve)
	if err != nil {
		return pr, 0, Guard{}, err
	}
	if !pr.Live() {
		return pr, 0, Guard{}, errNotFound("project", id)
	}
	_, guard, err := a.authorizeTeamGuarded(ctx, p, pr.TeamID, action)
	if errors.Is(err, domain.ErrNotFound) {
		return pr, 0, Guard{}, errNotFound("project", id)
	}
	return pr, version, guard, err
}

// GetDeployment returns a deployment the caller can see.
func (a *Admin) GetDeployment(ctx context.Context, p Principal, id uuid.UUID) (deployment.View, error) {
	r, err := a.deploymentOf(ctx, p, id)
	if err != nil {
		return deployment.View{}, err
	}
	return a.deploymentView(r), nil
}

func (a *Admin) deploymentOf(ctx context.Context, p Principal, id uuid.UUID) (deployment.View, error) {
	if err := a.fresh(ctx, p); err != nil {
		return deployment.View{}, err
	}
	r, role, ok, err := a.cfg.Reads.DeploymentForMember(ctx, id, p.UserID)
	if err != nil {
		return deployment.View{}, fmt.Errorf("read deployment: %w", err)
	}
	if !ok || !(p.PlatformAdmin || domain.Can(role, domain.ActionTeamRead)) {
		return deployment.View{}, errNotFound("deployment", id)
	}
	return r, nil
}

// ListDeployments returns a project's deployments.
func (a *Admin) ListDeployments(ctx context.Context, p Principal, projectID uuid.UUID) ([]deployment.View, error) {
	if _, err := a.GetProject(ctx, p, projectID); err != nil {
		return nil, err
	}
	views, err := a.cfg.Reads.DeploymentsOf(ctx, projectID)
	if err != nil {
		return nil, err
	}
	for i, v := range views {
		views[i] = a.deploymentView(v)
	}
	return views, nil
}

// DeleteDeployment deletes a deployment (developers and up) and frees its
// slug, and the project's production place if it held it.
func (a *Admin) DeleteDeployment(ctx context.Context, p Principal, id uuid.UUID) error {
	return a.deleteDeployment(ctx, p, id, "")
}

// ExpireDeployments deletes, as the system, the previews whose expiry has
// passed, the deployments whose project or team was deleted (freeing
// their slugs and subdomains) and the projects whose team was deleted
// (which DeleteTeam missed), and returns how many it deleted. serve runs
// it every minute; replicas may run it at once (a deployment deleted by
// another is skipped).
func (a *Admin) ExpireDeployments(ctx context.Context) (int, error) {
	expired, err := a.cfg.Reads.ExpiredDeployments(ctx, a.cfg.Clock.Now(), 100)
	if err != nil {
		return 0, err
	}
	orphans, err := a.cfg.Reads.OrphanedDeployments(ctx, 100)
	if err != nil {
		return 0, err
	}
	projects, err := a.cfg.Reads.OrphanedProjects(ctx, 100)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, job := range []struct {
		ids    []uuid.UUID
		delete func(uuid.UUID) error
	}{
		{projects, func(id uuid.UUID) error { return a.deleteOrphanProject(ctx, id) }},
		{expired, func(id uuid.UUID) error { return a.deleteDeployment(ctx, System, id, deployment.ReasonExpired) }},
		{orphans, func(id uuid.UUID) error {
			if err := a.deleteOrphan(ctx, id); err != nil {
				return err
			}
			return a.cancelBuildsOf(ctx, id)
		}},
	} {
		for _, id := range job.ids {
			err := job.delete(id)
			switch {
			case err == nil:
				n++
			case domain.KindOf(err) == domain.KindNotFound, domain.KindOf(err) == domain.KindConflict:
				// deleted meanwhile, here or by another replica
			default:
				return n, fmt.Errorf("sweep deployment %s: %w", id, err)
			}
		}
	}
	return n, nil
}

// deleteOrphan deletes, as the system, a deployment whose project or team
// is deleted (no one can reach it any more to delete it).
func (a *Admin) deleteOrphan(ctx context.Context, id uuid.UUID) error {
	_, err := a.execute(ctx, System, func() (write, error) {
		d, version, err := load(ctx, a.cfg.Store, deployment.StreamID(id), deployment.Evolve)
		if err != nil {
			return write{}, err
		}
		pr, _, err := load(ctx, a.cfg.Store, project.StreamID(d.ProjectID), project.Evolve)
		if err != nil {
			return write{}, err
		}
		t, _, err := load(ctx, a.cfg.Store, team.StreamID(d.TeamID), team.Evolve)
		if err != nil {
			return write{}, err
		}
		if pr.Live() && t.Live() {
			return write{}, domain.Errorf(domain.KindConflict, "deployment %s still has its project", id)
		}
		evs, claims, err := a.deletion(d, deployment.ReasonOrphaned, uuid.Nil)
		if err != nil {
			return write{}, err
		}
		return write{claims: claims, appends: []Append{{StreamID: deployment.StreamID(id), Expected: version, Events: a.events(evs...)}}}, nil
	})
	return err
}

func (a *Admin) deleteDeployment(ctx context.Context, p Principal, id uuid.UUID, reason string) error {
	err := a.changeDeployment(ctx, p, id, func(d deployment.Deployment) ([]domain.Event, []Claim, error) {
		return a.deletion(d, reason, p.UserID)
	})
	if err != nil {
		return err
	}
	// Best effort: the deletion is recorded; a build this misses is
	// cancelled by the worker that would start it, or ends on its own.
	_ = a.cancelBuildsOf(ctx, id)
	return nil
}

// deletion is a deployment's deletion and the claims it frees.
func (a *Admin) deletion(d deployment.Deployment, reason string, by uuid.UUID) ([]domain.Event, []Claim, error) {
	evs, err := deployment.Delete{Reason: reason, By: by, At: a.cfg.Clock.Now()}.Decide(d)
	return evs, deploymentClaims(d.ID, d.ProjectID, d.Type, d.Slug, d.Subdomain, time.Time{}, true), err
}

// deploymentClaims are the claims a deployment takes (at) or, with
// release, frees.
func deploymentClaims(id, projectID uuid.UUID, t deployment.Type, slug, subdomain string, at time.Time, release bool) []Claim {
	var out []Claim
	for _, c := range deployment.ClaimsOf(projectID, t, slug, subdomain) {
		out = append(out, Claim{Scope: c.Scope, Value: c.Value, Owner: id, At: at, Release: release})
	}
	return out
}

// changeDeployment loads a deployment, checks that its project is live and
// the caller may change deployments in its team, and records what decide
// returns. Outsiders get not_found.
func (a *Admin) changeDeployment(ctx context.Context, p Principal, id uuid.UUID,
	decide func(deployment.Deployment) ([]domain.Event, []Claim, error)) error {
	return a.changeDeploymentOf(ctx, p, id, false, func(d deployment.Deployment, _ project.Project) ([]domain.Event, []Claim, error) {
		return decide(d)
	})
}

// changeDeploymentOf is changeDeployment with the deployment's project
// (folded from its events) given to decide too; guardProject adds a guard
// on the project's stream, for a decision that depends on its state.
func (a *Admin) changeDeploymentOf(ctx context.Context, p Principal, id uuid.UUID, guardProject bool,
	decide func(deployment.Deployment, project.Project) ([]domain.Event, []Claim, error)) error {
	_, err := a.execute(ctx, p, func() (write, error) {
		sc, err := a.liveDeployment(ctx, p, id, domain.ActionDeploymentWrite)
		if err != nil {
			return write{}, err
		}
		d, version, pr, pversion, guard := sc.d, sc.version, sc.project, sc.projectVersion, sc.guard
		evs, claims, err := decide(d, pr)
		if err != nil || len(evs) == 0 {
			return write{}, err
		}
		guards := []Guard{guard}
		if guardProject {
			guards = append(guards, Guard{StreamID: project.StreamID(pr.ID), Version: pversion})
		}
		return write{claims: claims, guards: guards,
			appends: []Append{{StreamID: deployment.StreamID(id), Expected: version, Events: a.events(evs...)}}}, nil
	})
	return err
}

// deploymentView adds what is derived: the public URL.
func (a *Admin) deploymentView(v deployment.View) deployment.View {
	if u, err := url.Parse(a.cfg.ProxyURL); err == nil && u.Host != "" {
		u.Host = v.Subdomain + "." + u.Host
		v.PublicURL = u.String()
	}
	return v
}

// deploymentScope is a live deployment and its project, loaded for a
// command that acts on the deployment.
type deploymentScope struct {
	d              deployment.Deployment
	version        int64 // the deployment stream's
	project        project.Project
	projectVersion int64
	guard          Guard // the caller's access, checked again at append
}

// liveDeployment loads deployment id and authorizes action on its
// project; a deployment that is deleted, or that the caller may not see,
// is not found.
func (a *Admin) liveDeployment(ctx context.Context, p Principal, id uuid.UUID, action domain.Action) (deploymentScope, error) {
	d, version, err := load(ctx, a.cfg.Store, deployment.StreamID(id), deployment.Evolve)
	if err != nil {
		return deploymentScope{}, err
	}
	if !d.Live() {
		return deploymentScope{}, errNotFound("deployment", id)
	}
	pr, pversion, guard, err := a.projectFor(ctx, p, d.ProjectID, action)
	if errors.Is(err, domain.ErrNotFound) {
		return deploymentScope{}, errNotFound("deployment", id)
	}
	if err != nil {
		return deploymentScope{}, err
	}
	return deploymentScope{d: d, version: version, project: pr, projectVersion: pversion, guard: guard}, nil
}
