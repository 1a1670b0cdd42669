package commands

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/team"
	"github.com/mastra-admin/mastra-admin/domain/user"
)

// InviteInput is the body of POST /api/teams/{teamId}/invites.
type InviteInput struct {
	Email string `json:"email"`
	Role  string `json:"role"`
	// ExpiresAt is when the invite stops working (default: in 7 days; at
	// most 30 days ahead).
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
}

// InvitePrefix starts every invite token.
const InvitePrefix = "inv_"

// InviteMember records an invitation and emails its one-time link.
func (a *Admin) InviteMember(ctx context.Context, p Principal, teamID uuid.UUID, in InviteInput) (team.InviteView, error) {
	email, err := user.NormalizeEmail(in.Email)
	if err != nil {
		return team.InviteView{}, err
	}
	role, err := domain.ParseRole(in.Role)
	if err != nil {
		return team.InviteView{}, err
	}
	prefix, secret, err := a.cfg.Secrets.Token()
	if err != nil {
		return team.InviteView{}, err
	}
	token := InvitePrefix + prefix + secret
	var view team.View
	var inv team.InviteView
	_, err = a.execute(ctx, p, func() (write, error) {
		t, version, err := a.authorizeTeam(ctx, p, teamID, domain.ActionMembersManage)
		if err != nil {
			return write{}, err
		}
		existing, _, err := a.cfg.Store.ClaimOwner(ctx, user.EmailScope, email)
		if err != nil {
			return write{}, err
		}
		now := a.cfg.Clock.Now()
		expires := now.Add(team.InviteTTL)
		if in.ExpiresAt != nil {
			expires = in.ExpiresAt.UTC()
		}
		cmd := team.InviteMember{InviteID: a.cfg.IDs.New(), Email: email, ExistingUser: existing, Role: role,
			TokenHash: user.HashSecret(token), ExpiresAt: expires, By: p.UserID, ByRole: a.roleIn(t, p), At: now}
		evs, err := cmd.Decide(t)
		if err != nil {
			return write{}, err
		}
		view = team.View{ID: t.ID, Name: t.Name, Slug: t.Slug}
		inv = team.InviteView{ID: cmd.InviteID, TeamID: t.ID, Email: email, Role: role, Status: "pending",
			InvitedBy: p.UserID, ExpiresAt: cmd.ExpiresAt, CreatedAt: now}
		return write{appends: []Append{{StreamID: team.StreamID(teamID), Expected: version, Events: a.events(evs...)}}}, nil
	})
	if err != nil {
		return team.InviteView{}, err
	}
	inv.Delivery = a.sendInvite(ctx, p, view, inv, token)
	return inv, nil
}

// sendInvite emails the link; the invite stands whether or not it went out.
func (a *Admin) sendInvite(ctx context.Context, p Principal, t team.View, inv team.InviteView, token string) string {
	if a.cfg.Mailer == nil {
		return "not sent: no mailer configured"
	}
	err := a.cfg.Mailer.SendInvite(ctx, InviteMail{To: inv.Email, TeamName: t.Name, Role: inv.Role, InvitedBy: p.Email,
		AcceptURL: strings.TrimRight(a.cfg.PublicURL, "/") + "/invites/" + token, ExpiresAt: inv.ExpiresAt})
	if err != nil {
		return "failed: " + err.Error()
	}
	return "sent"
}

// roleIn is the caller's role in t; platform admins act as owners.
func (a *Admin) roleIn(t team.Team, p Principal) domain.Role {
	if p.PlatformAdmin {
		return domain.RoleOwner
	}
	return t.Members[p.UserID]
}

// AcceptInvite makes the caller a member with the invite's role.
func (a *Admin) AcceptInvite(ctx context.Context, p Principal, token string) (team.View, error) {
	inv, err := a.inviteByToken(ctx, p, token)
	if err != nil {
		return team.View{}, err
	}
	_, err = a.execute(ctx, p, func() (write, error) {
		t, version, err := load(ctx, a.cfg.Store, team.StreamID(inv.TeamID), team.Evolve)
		if err != nil {
			return write{}, err
		}
		evs, err := team.AcceptInvite{InviteID: inv.ID, UserID: p.UserID, UserEmail: p.Email, At: a.cfg.Clock.Now()}.Decide(t)
		if err != nil {
			return write{}, err
		}
		return write{appends: []Append{{StreamID: team.StreamID(inv.TeamID), Expected: version, Events: a.events(evs...)}}}, nil
	})
	if err != nil {
		return team.View{}, err
	}
	return a.GetTeam(ctx, p, inv.TeamID)
}

// RevokeInvite withdraws a pending invite.
func (a *Admin) RevokeInvite(ctx context.Context, p Principal, teamID, inviteID uuid.UUID) error {
	_, err := a.execute(ctx, p, func() (write, error) {
		t, version, err := a.authorizeTeam(ctx, p, teamID, domain.ActionMembersManage)
		if err != nil {
			return write{}, err
		}
		evs, err := team.RevokeInvite{InviteID: inviteID, By: p.UserID, ByRole: a.roleIn(t, p), At: a.cfg.Clock.Now()}.Decide(t)
		if err != nil {
			return write{}, err
		}
		return write{appends: []Append{{StreamID: team.StreamID(teamID), Expected: version, Events: a.events(evs...)}}}, nil
	})
	return err
}

// ListInvites returns a team's invites, newest first (admins and owners).
func (a *Admin) ListInvites(ctx context.Context, p Principal, teamID uuid.UUID) ([]team.InviteView, error) {
	if err := a.fresh(ctx, p); err != nil {
		return nil, err
	}
	if _, err := a.teamRole(ctx, p, teamID, domain.ActionMembersManage); err != nil {
		return nil, err
	}
	invites, err := a.cfg.Reads.Invites(ctx, teamID)
	if err != nil {
		return nil, err
	}
	now := a.cfg.Clock.Now()
	for i := range invites {
		if invites[i].Status == "pending" && !now.Before(invites[i].ExpiresAt) {
			invites[i].Status = "expired"
		}
	}
	return invites, nil
}

// ChangeMemberRole gives a member another role.
func (a *Admin) ChangeMemberRole(ctx context.Context, p Principal, teamID, userID uuid.UUID, roleName string) (team.MemberView, error) {
	role, err := domain.ParseRole(roleName)
	if err != nil {
		return team.MemberView{}, err
	}
	if err := a.changeMembers(ctx, p, teamID, func(t team.Team, byRole domain.Role) ([]domain.Event, error) {
		return team.ChangeRole{UserID: userID, Role: role, By: p.UserID, ByRole: byRole, At: a.cfg.Clock.Now()}.Decide(t)
	}); err != nil {
		return team.MemberView{}, err
	}
	members, err := a.ListMembers(ctx, p, teamID)
	if err != nil {
		return team.MemberView{}, err
	}
	for _, m := range members {
		if m.UserID == userID {
			return m, nil
		}
	}
	return team.MemberView{}, domain.Errorf(domain.KindNotFound, "member %s not found", userID)
}

// RemoveMember removes a member, or lets the caller leave.
func (a *Admin) RemoveMember(ctx context.Context, p Principal, teamID, userID uuid.UUID) error {
	return a.changeMembers(ctx, p, teamID, func(t team.Team, byRole domain.Role) ([]domain.Event, error) {
		return team.RemoveMember{UserID: userID, By: p.UserID, ByRole: byRole, At: a.cfg.Clock.Now()}.Decide(t)
	})
}

// changeMembers runs a membership decision for a member of the team (or a
// platform admin); the team's membership rules decide what each role may do.
func (a *Admin) changeMembers(ctx context.Context, p Principal, teamID uuid.UUID, decide func(team.Team, domain.Role) ([]domain.Event, error)) error {
	_, err := a.execute(ctx, p, func() (write, error) {
		t, version, err := a.authorizeTeam(ctx, p, teamID, domain.ActionTeamRead)
		if err != nil {
			return write{}, err
		}
		evs, err := decide(t, a.roleIn(t, p))
		if err != nil || len(evs) == 0 {
			return write{}, err
		}
		return write{appends: []Append{{StreamID: team.StreamID(teamID), Expected: version, Events: a.events(evs...)}}}, nil
	})
	return err
}
