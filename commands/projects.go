package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/team"
)

// ProjectInput is the body of POST /api/teams/{teamId}/projects.
type ProjectInput struct {
	Name          string          `json:"name"`
	Slug          string          `json:"slug,omitempty"`
	SourceType    string          `json:"sourceType"`
	SourceConfig  json.RawMessage `json:"sourceConfig"`
	DefaultBranch string          `json:"defaultBranch,omitempty"`
}

// UpdateProjectInput is the body of PATCH /api/projects/{projectId}.
type UpdateProjectInput struct {
	Name          *string `json:"name,omitempty"`
	DefaultBranch *string `json:"defaultBranch,omitempty"`
}

func (a *Admin) sources() (Sources, error) {
	if a.cfg.Sources == nil {
		return nil, domain.Errorf(domain.KindUnavailable, "no project source is configured")
	}
	return a.cfg.Sources, nil
}

// ListSources lists the Mastra projects the source provider finds, for
// members who may create projects.
func (a *Admin) ListSources(ctx context.Context, p Principal, teamID uuid.UUID) ([]project.Source, error) {
	if err := a.fresh(ctx, p); err != nil {
		return nil, err
	}
	if _, err := a.teamRole(ctx, p, teamID, domain.ActionProjectWrite); err != nil {
		return nil, err
	}
	src, err := a.sources()
	if err != nil {
		return nil, err
	}
	return src.Scan(ctx)
}

// CreateProject creates a project of a team from a validated source. It
// gets a subdomain base (see chooseBase); a base another team took first
// in a race sends it to its next candidate.
func (a *Admin) CreateProject(ctx context.Context, p Principal, teamID uuid.UUID, in ProjectInput) (project.View, error) {
	for attempt := 0; ; attempt++ {
		view, slug, err := a.createProject(ctx, p, teamID, in)
		if !errors.Is(err, ErrClaimTaken) {
			return view, err
		}
		if _, taken, cerr := a.cfg.Store.ClaimOwner(ctx, project.SlugScope(teamID), slug); cerr == nil && taken {
			return project.View{}, domain.Errorf(domain.KindConflict, "project slug %q is taken in this team", slug)
		}
		if attempt >= a.cfg.Retries {
			return project.View{}, domain.Errorf(domain.KindConflict, "project %q could not get a subdomain base; retry", slug)
		}
	}
}

// createProject is one attempt of CreateProject; it returns the slug it
// tried.
func (a *Admin) createProject(ctx context.Context, p Principal, teamID uuid.UUID, in ProjectInput) (project.View, string, error) {
	src, err := a.sources()
	if err != nil {
		return project.View{}, "", err
	}
	maxProjects := a.cfg.License.Limits.Projects
	limit, err := a.licensed("projects", project.SlugScopePrefix, maxProjects)
	if err != nil {
		return project.View{}, "", err
	}
	var view project.View
	var slug string
	_, err = a.execute(ctx, p, func() (write, error) {
		t, guard, err := a.authorizeTeamGuarded(ctx, p, teamID, domain.ActionProjectWrite)
		if err != nil {
			return write{}, err
		}
		cfg, err := src.Validate(ctx, in.SourceType, in.SourceConfig)
		if err != nil {
			return write{}, err
		}
		id, now := a.cfg.IDs.New(), a.cfg.Clock.Now()
		cmd := project.Create{ProjectID: id, TeamID: teamID, Name: in.Name, Slug: in.Slug, SourceType: in.SourceType,
			SourceConfig: cfg, DefaultBranch: in.DefaultBranch, By: p.UserID, At: now}
		evs, err := cmd.Decide(project.Project{})
		if err != nil {
			return write{}, err
		}
		slug = evs[0].(project.Created).Slug
		base, err := a.chooseBase(ctx, t, slug, id)
		if err != nil {
			return write{}, err
		}
		cmd.SubdomainBase, base.claim.At = base.base, now
		if evs, err = cmd.Decide(project.Project{}); err != nil {
			return write{}, err
		}
		c := evs[0].(project.Created)
		view = project.View{ID: id, TeamID: teamID, Name: c.Name, Slug: c.Slug, SubdomainBase: c.SubdomainBase, SourceType: c.SourceType,
			SourceConfig: cfg, DefaultBranch: c.DefaultBranch, AllowedEnvNames: []string{}, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
		return write{
			claims:  []Claim{{Scope: project.SlugScope(teamID), Value: c.Slug, Owner: id, At: now}, base.claim},
			guards:  []Guard{guard},
			limit:   limit,
			appends: []Append{{StreamID: project.StreamID(id), Expected: NoStream, Events: a.events(evs...)}},
		}, nil
	})
	return view, slug, a.limitError(err, "projects", maxProjects)
}

// ListProjects returns a team's projects.
func (a *Admin) ListProjects(ctx context.Context, p Principal, teamID uuid.UUID) ([]project.View, error) {
	if err := a.fresh(ctx, p); err != nil {
		return nil, err
	}
	if _, err := a.teamRole(ctx, p, teamID, domain.ActionTeamRead); err != nil {
		return nil, err
	}
	return a.cfg.Reads.ProjectsOf(ctx, teamID)
}

// GetProject returns a project the caller can see. The caller's role comes
// with the project in one query; the policy check is then pure.
func (a *Admin) GetProject(ctx context.Context, p Principal, id uuid.UUID) (project.View, error) {
	if err := a.fresh(ctx, p); err != nil {
		return project.View{}, err
	}
	v, role, ok, err := a.cfg.Reads.ProjectForMember(ctx, id, p.UserID)
	if err != nil {
		return project.View{}, fmt.Errorf("read project: %w", err)
	}
	if !ok || !(p.PlatformAdmin || domain.Can(role, domain.ActionTeamRead)) {
		return project.View{}, errNotFound("project", id)
	}
	return v, nil
}

// UpdateProject renames a project or changes its default branch.
func (a *Admin) UpdateProject(ctx context.Context, p Principal, id uuid.UUID, in UpdateProjectInput) (project.View, error) {
	if err := a.changeProject(ctx, p, id, domain.ActionProjectWrite, func(pr project.Project) ([]domain.Event, []Claim, error) {
		evs, err := project.Update{Name: in.Name, DefaultBranch: in.DefaultBranch, By: p.UserID, At: a.cfg.Clock.Now()}.Decide(pr)
		return evs, nil, err
	}); err != nil {
		return project.View{}, err
	}
	return a.GetProject(ctx, p, id)
}

// DeleteProject deletes a project (admins and owners), frees its slug and
// gives its subdomain base back to its team.
func (a *Admin) DeleteProject(ctx context.Context, p Principal, id uuid.UUID) error {
	return a.changeProject(ctx, p, id, domain.ActionProjectDelete, func(pr project.Project) ([]domain.Event, []Claim, error) {
		evs, err := project.Delete{By: p.UserID, At: a.cfg.Clock.Now()}.Decide(pr)
		if err != nil {
			return nil, nil, err
		}
		base, err := a.baseReturn(ctx, pr, false)
		if err != nil {
			return nil, nil, err
		}
		if len(base) > 0 {
			base[0].At = evs[0].(project.Deleted).At
		}
		return evs, append([]Claim{{Scope: project.SlugScope(pr.TeamID), Value: pr.Slug, Owner: pr.ID, Release: true}}, base...), nil
	})
}

// deleteOrphanProject deletes, as the system, a project whose team is
// deleted, freeing its slug and its place under the license's project
// limit.
func (a *Admin) deleteOrphanProject(ctx context.Context, id uuid.UUID) error {
	_, err := a.execute(ctx, System, func() (write, error) {
		pr, version, err := load(ctx, a.cfg.Store, project.StreamID(id), project.Evolve)
		if err != nil {
			return write{}, err
		}
		t, tversion, err := load(ctx, a.cfg.Store, team.StreamID(pr.TeamID), team.Evolve)
		if err != nil {
			return write{}, err
		}
		if t.Live() {
			return write{}, domain.Errorf(domain.KindConflict, "project %s still has its team", id)
		}
		evs, err := project.Delete{Reason: project.ReasonTeamDeleted, At: a.cfg.Clock.Now()}.Decide(pr)
		if err != nil {
			return write{}, err
		}
		base, err := a.baseReturn(ctx, pr, true)
		if err != nil {
			return write{}, err
		}
		return write{claims: append([]Claim{{Scope: project.SlugScope(pr.TeamID), Value: pr.Slug, Owner: pr.ID, Release: true}}, base...),
			guards:  []Guard{{StreamID: team.StreamID(pr.TeamID), Version: tversion}},
			appends: []Append{{StreamID: project.StreamID(id), Expected: version, Events: a.events(evs...)}}}, nil
	})
	return err
}

// changeProject loads a project, checks the caller's role in its team and
// records what decide returns. Outsiders get not_found.
func (a *Admin) changeProject(ctx context.Context, p Principal, id uuid.UUID, action domain.Action,
	decide func(project.Project) ([]domain.Event, []Claim, error)) error {
	_, err := a.execute(ctx, p, func() (write, error) {
		pr, version, err := load(ctx, a.cfg.Store, project.StreamID(id), project.Evolve)
		if err != nil {
			return write{}, err
		}
		if !pr.Live() {
			return write{}, errNotFound("project", id)
		}
		_, guard, err := a.authorizeTeamGuarded(ctx, p, pr.TeamID, action)
		if err != nil {
			if errors.Is(err, domain.ErrNotFound) {
				return write{}, errNotFound("project", id)
			}
			return write{}, err
		}
		evs, claims, err := decide(pr)
		if err != nil || len(evs) == 0 {
			return write{}, err
		}
		return write{claims: claims, guards: []Guard{guard},
			appends: []Append{{StreamID: project.StreamID(id), Expected: version, Events: a.events(evs...)}}}, nil
	})
	return err
}
