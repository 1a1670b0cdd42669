package commands

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/team"
)

// CreateTeamInput is the body of POST /api/teams.
type CreateTeamInput struct {
	Name string `json:"name"`
	Slug string `json:"slug,omitempty"`
}

// CreateTeam creates a team whose owner is the caller.
func (a *Admin) CreateTeam(ctx context.Context, p Principal, in CreateTeamInput) (team.View, error) {
	if p.UserID == uuid.Nil {
		return team.View{}, domain.Errorf(domain.KindInvalid, "a team needs a user as its owner")
	}
	cmd, err := team.Create{Name: in.Name, Slug: in.Slug, CreatedBy: p.UserID}.Normalize()
	if err != nil {
		return team.View{}, err
	}
	maxTeams := a.cfg.License.Limits.Teams
	limit, err := a.licensed("teams", team.SlugScope, maxTeams)
	if err != nil {
		return team.View{}, err
	}
	var view team.View
	_, err = a.execute(ctx, p, func() (write, error) {
		cmd.TeamID, cmd.At = a.cfg.IDs.New(), a.cfg.Clock.Now()
		created, err := cmd.Decide(team.Team{})
		if err != nil {
			return write{}, err
		}
		view = team.View{ID: cmd.TeamID, Name: cmd.Name, Slug: cmd.Slug, CreatedBy: p.UserID,
			CreatedAt: cmd.At, UpdatedAt: cmd.At, Role: domain.RoleOwner}
		return write{
			claims:  []Claim{{Scope: team.SlugScope, Value: cmd.Slug, Owner: cmd.TeamID, At: cmd.At}},
			limit:   limit,
			appends: []Append{{StreamID: team.StreamID(cmd.TeamID), Expected: NoStream, Events: a.events(created...)}},
		}, nil
	})
	if errors.Is(err, ErrClaimTaken) {
		return team.View{}, domain.Errorf(domain.KindConflict, "team slug %q is taken", cmd.Slug)
	}
	return view, a.limitError(err, "teams", maxTeams)
}

// UpdateTeamInput is the body of PATCH /api/teams/{id}; absent fields stay.
type UpdateTeamInput struct {
	Name *string `json:"name,omitempty"`
	Slug *string `json:"slug,omitempty"`
}

// UpdateTeam renames a team or changes its slug (admins and owners).
func (a *Admin) UpdateTeam(ctx context.Context, p Principal, id uuid.UUID, in UpdateTeamInput) (team.View, error) {
	var slug string
	_, err := a.execute(ctx, p, func() (write, error) {
		t, version, err := a.authorizeTeam(ctx, p, id, domain.ActionTeamUpdate)
		if err != nil {
			return write{}, err
		}
		now := a.cfg.Clock.Now()
		evs, err := team.Update{Name: in.Name, Slug: in.Slug, By: p.UserID, At: now}.Decide(t)
		if err != nil || len(evs) == 0 {
			return write{}, err
		}
		w := write{appends: []Append{{StreamID: team.StreamID(id), Expected: version, Events: a.events(evs...)}}}
		for _, e := range evs {
			if sc, ok := e.(team.SlugChanged); ok {
				slug = sc.Slug
				w.claims = []Claim{
					{Scope: team.SlugScope, Value: sc.Slug, Owner: id, At: now},
					{Scope: team.SlugScope, Value: sc.OldSlug, Owner: id, Release: true},
				}
			}
		}
		return w, nil
	})
	if errors.Is(err, ErrClaimTaken) {
		return team.View{}, domain.Errorf(domain.KindConflict, "team slug %q is taken", slug)
	}
	if err != nil {
		return team.View{}, err
	}
	return a.GetTeam(ctx, p, id)
}

// DeleteTeam deletes a team (owners) and its projects, and frees their
// slugs.
func (a *Admin) DeleteTeam(ctx context.Context, p Principal, id uuid.UUID) error {
	_, err := a.execute(ctx, p, func() (write, error) {
		t, version, err := a.authorizeTeam(ctx, p, id, domain.ActionTeamDelete)
		if err != nil {
			return write{}, err
		}
		evs, err := team.Delete{By: p.UserID, At: a.cfg.Clock.Now()}.Decide(t)
		if err != nil {
			return write{}, err
		}
		return write{
			// Its reserved subdomain bases are freed; those its projects
			// use, with them.
			claims: []Claim{{Scope: team.SlugScope, Value: t.Slug, Owner: id, Release: true},
				{Scope: project.BaseScope, Owner: id, Release: true, AllValues: true}},
			appends: []Append{{StreamID: team.StreamID(id), Expected: version, Events: a.events(evs...)}},
		}, nil
	})
	if err != nil {
		return err
	}
	// Its projects go with it, freeing their places under the license's
	// project limit; best effort: serve's sweep deletes any this misses
	// (and, after them, their deployments).
	if projects, err := a.cfg.Reads.ProjectsOf(ctx, id); err == nil {
		for _, pr := range projects {
			_ = a.deleteOrphanProject(ctx, pr.ID)
		}
	}
	return nil
}

// GetTeam returns a team the caller can see.
func (a *Admin) GetTeam(ctx context.Context, p Principal, id uuid.UUID) (team.View, error) {
	if err := a.fresh(ctx, p); err != nil {
		return team.View{}, err
	}
	role, err := a.teamRole(ctx, p, id, domain.ActionTeamRead)
	if err != nil {
		return team.View{}, err
	}
	v, ok, err := a.cfg.Reads.Team(ctx, id)
	if err != nil {
		return team.View{}, fmt.Errorf("read team: %w", err)
	}
	if !ok {
		return team.View{}, errNotFound("team", id)
	}
	v.Role = role
	return v, nil
}

// ListTeams returns the caller's teams, or every team for platform admins.
func (a *Admin) ListTeams(ctx context.Context, p Principal) ([]team.View, error) {
	if err := a.fresh(ctx, p); err != nil {
		return nil, err
	}
	var (
		teams []team.View
		err   error
	)
	if p.PlatformAdmin {
		teams, err = a.cfg.Reads.AllTeams(ctx)
	} else {
		teams, err = a.cfg.Reads.TeamsOf(ctx, p.UserID)
	}
	if err != nil {
		return nil, fmt.Errorf("list teams: %w", err)
	}
	sort.SliceStable(teams, func(i, j int) bool { return teams[i].Slug < teams[j].Slug })
	return teams, nil
}

// ListMembers returns a team's members.
func (a *Admin) ListMembers(ctx context.Context, p Principal, id uuid.UUID) ([]team.MemberView, error) {
	if err := a.fresh(ctx, p); err != nil {
		return nil, err
	}
	if _, err := a.teamRole(ctx, p, id, domain.ActionMembersRead); err != nil {
		return nil, err
	}
	return a.cfg.Reads.Members(ctx, id)
}

// authorizeTeam loads a team for a command and checks the caller may do
// action. Callers who are not members get not_found.
func (a *Admin) authorizeTeam(ctx context.Context, p Principal, id uuid.UUID, action domain.Action) (team.Team, int64, error) {
	t, version, err := load(ctx, a.cfg.Store, team.StreamID(id), team.Evolve)
	if err != nil {
		return t, 0, err
	}
	if err := allowTeam(t, p, id, action); err != nil {
		return t, 0, err
	}
	return t, version, nil
}

// authorizeTeamGuarded is authorizeTeam for a command that writes other
// streams than the team's (a project of the team): the team may come from
// the state cache, and the returned Guard, appended with the command's
// events, makes the decision hold at commit. Only an allowing decision is
// taken from the cache; a refusal is checked against the store, so a stale
// entry never refuses a member who was just added elsewhere.
func (a *Admin) authorizeTeamGuarded(ctx context.Context, p Principal, id uuid.UUID, action domain.Action) (team.Team, Guard, error) {
	stream := team.StreamID(id)
	if t, version, ok := a.teams.get(stream); ok && allowTeam(t, p, id, action) == nil {
		return t, Guard{StreamID: stream, Version: version}, nil
	}
	t, version, err := load(ctx, a.cfg.Store, stream, team.Evolve)
	if err != nil {
		return t, Guard{}, err
	}
	a.teams.put(stream, t, version)
	if err := allowTeam(t, p, id, action); err != nil {
		return t, Guard{}, err
	}
	return t, Guard{StreamID: stream, Version: version}, nil
}

// allowTeam decides whether p may take action on team t.
func allowTeam(t team.Team, p Principal, id uuid.UUID, action domain.Action) error {
	if !t.Live() {
		return errNotFound("team", id)
	}
	if p.PlatformAdmin {
		return nil
	}
	role, member := t.Members[p.UserID]
	if !member {
		return errNotFound("team", id)
	}
	if !domain.Can(role, action) {
		return domain.Errorf(domain.KindPermissionDenied, "a team %s may not %s", role, action)
	}
	return nil
}

// teamRole checks a query against the read model's membership, once the
// read models show the caller's own writes (so no query can forget to).
func (a *Admin) teamRole(ctx context.Context, p Principal, id uuid.UUID, action domain.Action) (domain.Role, error) {
	if err := a.fresh(ctx, p); err != nil {
		return "", err
	}
	role, member, err := a.cfg.Reads.MemberRole(ctx, id, p.UserID)
	if err != nil {
		return "", fmt.Errorf("read membership: %w", err)
	}
	if !member {
		if p.PlatformAdmin {
			return "", nil
		}
		return "", errNotFound("team", id)
	}
	if !domain.Can(role, action) && !p.PlatformAdmin {
		return role, domain.Errorf(domain.KindPermissionDenied, "a team %s may not %s", role, action)
	}
	return role, nil
}
