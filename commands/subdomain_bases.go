package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/team"
)

// Subdomain bases (see project.BaseScope): a new project gets the first of
// its candidates that is free or that its team reserves; its deployments
// hold their project's base while they are created, so they are only ever
// given to the base's team.

// baseChoice is the base a new project gets and the claim that gives it.
type baseChoice struct {
	base  string
	claim Claim
}

// chooseBase picks the base of a new project id of team t with slug.
// Another team's base is never taken; neither is one under which
// deployments still hold subdomains (recorded before bases).
func (a *Admin) chooseBase(ctx context.Context, t team.Team, slug string, id uuid.UUID) (baseChoice, error) {
	now := a.cfg.Clock.Now()
	for _, c := range project.BaseCandidates(slug, t.Slug, id) {
		owner, held, err := a.cfg.Store.ClaimOwner(ctx, project.BaseScope, c)
		if err != nil {
			return baseChoice{}, err
		}
		if held && owner == t.ID {
			return baseChoice{c, Claim{Scope: project.BaseScope, Value: c, Owner: id, Move: true, From: t.ID, At: now}}, nil
		}
		if held {
			continue
		}
		n, err := a.cfg.Store.CountClaims(ctx, deployment.SubdomainScope, c, "--"+c)
		if err != nil {
			return baseChoice{}, err
		}
		if n == 0 {
			return baseChoice{c, Claim{Scope: project.BaseScope, Value: c, Owner: id, At: now}}, nil
		}
	}
	return baseChoice{}, domain.Errorf(domain.KindConflict, "no subdomain base is free for project slug %q; pass another slug", slug)
}

// baseReturn is the claim change of deleting project pr: its base goes
// back to its team, or, when the team is gone, is freed. A project that
// holds no base (one recorded before bases, whose slug another project
// already used) changes nothing.
func (a *Admin) baseReturn(ctx context.Context, pr project.Project, teamGone bool) ([]Claim, error) {
	owner, held, err := a.cfg.Store.ClaimOwner(ctx, project.BaseScope, pr.SubdomainBase)
	switch {
	case err != nil:
		return nil, err
	case !held || owner != pr.ID:
		return nil, nil
	case teamGone:
		return []Claim{{Scope: project.BaseScope, Value: pr.SubdomainBase, Owner: pr.ID, Release: true}}, nil
	}
	return []Claim{{Scope: project.BaseScope, Value: pr.SubdomainBase, Owner: pr.TeamID, Move: true, From: pr.ID,
		At: a.cfg.Clock.Now()}}, nil
}

// TransferInput is the body of POST /api/subdomain-bases/{base}/transfer.
type TransferInput struct {
	TeamID uuid.UUID `json:"teamId"`
}

// TransferSubdomainBase gives a subdomain base to another team (platform
// admins only): it must be free of projects and live deployments; the
// team that reserved it keeps its other bases.
func (a *Admin) TransferSubdomainBase(ctx context.Context, p Principal, base string, in TransferInput) error {
	if !p.PlatformAdmin {
		return domain.Errorf(domain.KindPermissionDenied, "transferring a subdomain base is for platform admins")
	}
	if in.TeamID == uuid.Nil {
		return domain.Errorf(domain.KindInvalid, "teamId is required")
	}
	_, err := a.execute(ctx, p, func() (write, error) {
		to, toVersion, err := load(ctx, a.cfg.Store, team.StreamID(in.TeamID), team.Evolve)
		if err != nil {
			return write{}, err
		}
		_, version, err := a.cfg.Store.Load(ctx, project.BaseStreamID(base))
		if err != nil {
			return write{}, fmt.Errorf("load base %s: %w", base, err)
		}
		h, err := a.baseHolding(ctx, base)
		if err != nil {
			return write{}, err
		}
		evs, err := project.TransferBase{Base: base, To: in.TeamID, ToLive: to.Live(), By: p.UserID, At: a.cfg.Clock.Now()}.Decide(h)
		if err != nil {
			return write{}, err
		}
		tr := evs[0].(project.SubdomainBaseTransferred)
		claim := Claim{Scope: project.BaseScope, Value: base, Owner: tr.ToTeam, At: tr.At}
		if tr.FromTeam != uuid.Nil {
			claim.Move, claim.From = true, tr.FromTeam
		}
		return write{claims: []Claim{claim}, guards: []Guard{{StreamID: team.StreamID(in.TeamID), Version: toVersion}},
			appends: []Append{{StreamID: project.BaseStreamID(base), Expected: version, Events: a.events(evs...)}}}, nil
	})
	if errors.Is(err, ErrClaimTaken) {
		return domain.Errorf(domain.KindConflict, "subdomain base %q changed hands meanwhile; retry", base)
	}
	return err
}

// baseHolding reads who holds base: a team, or a project (a live one: a
// deleted project gives its base back to its team), and how many
// deployment subdomains live under it.
func (a *Admin) baseHolding(ctx context.Context, base string) (project.BaseHolding, error) {
	var h project.BaseHolding
	if err := domain.ValidateSlug("subdomain base", base); err != nil {
		return h, err
	}
	owner, held, err := a.cfg.Store.ClaimOwner(ctx, project.BaseScope, base)
	if err != nil {
		return h, err
	}
	if held {
		t, _, err := load(ctx, a.cfg.Store, team.StreamID(owner), team.Evolve)
		if err != nil {
			return h, err
		}
		if t.Exists {
			h.Team = owner
		} else {
			h.Project = owner
		}
	}
	h.LiveDeployments, err = a.cfg.Store.CountClaims(ctx, deployment.SubdomainScope, base, "--"+base)
	return h, err
}
