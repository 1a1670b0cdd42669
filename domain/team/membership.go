package team

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// canGrant reports whether a member with role by may give role: owners
// any role, admins any role but owner.
func canGrant(by, role domain.Role) bool {
	return by == domain.RoleOwner || (by.AtLeast(domain.RoleAdmin) && !role.AtLeast(domain.RoleOwner))
}

func (t Team) owners() int {
	n := 0
	for _, r := range t.Members {
		if r == domain.RoleOwner {
			n++
		}
	}
	return n
}

// InviteMember is the command to invite an email with a role.
type InviteMember struct {
	InviteID     uuid.UUID
	Email        string // normalized
	ExistingUser uuid.UUID
	Role         domain.Role
	TokenHash    string
	ExpiresAt    time.Time
	By           uuid.UUID
	ByRole       domain.Role // the inviter's role; owner for platform admins
	At           time.Time
}

// Decide returns the invite.
func (cmd InviteMember) Decide(t Team) ([]domain.Event, error) {
	if !t.Live() {
		return nil, domain.Errorf(domain.KindNotFound, "team %s not found", t.ID)
	}
	if !canGrant(cmd.ByRole, cmd.Role) {
		return nil, domain.Errorf(domain.KindPermissionDenied, "a team %s may not invite an %s", cmd.ByRole, cmd.Role)
	}
	if _, member := t.Members[cmd.ExistingUser]; member && cmd.ExistingUser != uuid.Nil {
		return nil, domain.Errorf(domain.KindConflict, "%s is already a member", cmd.Email)
	}
	for _, i := range t.Invites {
		if i.Pending(cmd.At) && strings.EqualFold(i.Email, cmd.Email) {
			return nil, domain.Errorf(domain.KindConflict, "%s already has a pending invite; revoke it first", cmd.Email)
		}
	}
	if !cmd.ExpiresAt.After(cmd.At) {
		return nil, domain.Errorf(domain.KindInvalid, "invite expiry must be in the future")
	}
	if cmd.ExpiresAt.After(cmd.At.Add(MaxInviteTTL)) {
		return nil, domain.Errorf(domain.KindInvalid, "invite expiry may be at most 30 days ahead")
	}
	return []domain.Event{InviteCreated{InviteID: cmd.InviteID, TeamID: t.ID, Email: cmd.Email, Role: cmd.Role,
		TokenHash: cmd.TokenHash, ExpiresAt: cmd.ExpiresAt, By: cmd.By, At: cmd.At}}, nil
}

// AcceptInvite is the command of the invited user joining.
type AcceptInvite struct {
	InviteID  uuid.UUID
	UserID    uuid.UUID
	UserEmail string // normalized
	At        time.Time
}

// Decide returns the acceptance and the new membership.
func (cmd AcceptInvite) Decide(t Team) ([]domain.Event, error) {
	i, ok := t.Invites[cmd.InviteID]
	if !t.Live() || !ok {
		return nil, domain.Errorf(domain.KindNotFound, "invite not found")
	}
	switch {
	case i.Accepted:
		return nil, domain.Errorf(domain.KindConflict, "this invite was already used")
	case i.Revoked:
		return nil, domain.Errorf(domain.KindConflict, "this invite was revoked")
	case !cmd.At.Before(i.ExpiresAt):
		return nil, domain.Errorf(domain.KindConflict, "this invite expired at %s; ask for a new one", i.ExpiresAt.Format(time.RFC3339))
	case !strings.EqualFold(i.Email, cmd.UserEmail):
		return nil, domain.Errorf(domain.KindPermissionDenied, "this invite is for another email address")
	}
	if _, member := t.Members[cmd.UserID]; member {
		return nil, domain.Errorf(domain.KindConflict, "you are already a member of this team")
	}
	return []domain.Event{
		InviteAccepted{InviteID: i.ID, TeamID: t.ID, UserID: cmd.UserID, At: cmd.At},
		MemberAdded{TeamID: t.ID, UserID: cmd.UserID, Role: i.Role, By: cmd.UserID, At: cmd.At},
	}, nil
}

// RevokeInvite is the command to withdraw a pending invite; only someone
// who may give the invite's role may withdraw it (an admin cannot revoke
// an invite to become owner).
type RevokeInvite struct {
	InviteID uuid.UUID
	By       uuid.UUID
	ByRole   domain.Role
	At       time.Time
}

// Decide returns the revocation.
func (cmd RevokeInvite) Decide(t Team) ([]domain.Event, error) {
	i, ok := t.Invites[cmd.InviteID]
	if !t.Live() || !ok {
		return nil, domain.Errorf(domain.KindNotFound, "invite %s not found", cmd.InviteID)
	}
	if !canGrant(cmd.ByRole, i.Role) {
		return nil, domain.Errorf(domain.KindPermissionDenied, "a team %s may not revoke an invite to become %s", cmd.ByRole, i.Role)
	}
	if !i.Pending(cmd.At) {
		return nil, domain.Errorf(domain.KindConflict, "invite %s is no longer pending", cmd.InviteID)
	}
	return []domain.Event{InviteRevoked{InviteID: i.ID, TeamID: t.ID, By: cmd.By, At: cmd.At}}, nil
}

// ChangeRole is the command to give a member another role.
type ChangeRole struct {
	UserID uuid.UUID
	Role   domain.Role
	By     uuid.UUID
	ByRole domain.Role
	At     time.Time
}

// Decide returns the role change; none when the role is the same.
func (cmd ChangeRole) Decide(t Team) ([]domain.Event, error) {
	old, member := t.Members[cmd.UserID]
	if !t.Live() || !member {
		return nil, domain.Errorf(domain.KindNotFound, "member %s not found", cmd.UserID)
	}
	if old == cmd.Role {
		return nil, nil
	}
	if !canGrant(cmd.ByRole, cmd.Role) || (old == domain.RoleOwner && cmd.ByRole != domain.RoleOwner) {
		return nil, domain.Errorf(domain.KindPermissionDenied, "a team %s may not change a %s to %s", cmd.ByRole, old, cmd.Role)
	}
	if old == domain.RoleOwner && t.owners() == 1 {
		return nil, domain.Errorf(domain.KindConflict, "the last owner cannot be demoted; make another member owner first")
	}
	return []domain.Event{MemberRoleChanged{TeamID: t.ID, UserID: cmd.UserID, OldRole: old, Role: cmd.Role, By: cmd.By, At: cmd.At}}, nil
}

// RemoveMember is the command to remove a member, or to leave when By is
// the member.
type RemoveMember struct {
	UserID uuid.UUID
	By     uuid.UUID
	ByRole domain.Role
	At     time.Time
}

// Decide returns the removal.
func (cmd RemoveMember) Decide(t Team) ([]domain.Event, error) {
	role, member := t.Members[cmd.UserID]
	if !t.Live() || !member {
		return nil, domain.Errorf(domain.KindNotFound, "member %s not found", cmd.UserID)
	}
	leaving := cmd.By == cmd.UserID
	if !leaving && (!cmd.ByRole.AtLeast(domain.RoleAdmin) || (role == domain.RoleOwner && cmd.ByRole != domain.RoleOwner)) {
		return nil, domain.Errorf(domain.KindPermissionDenied, "a team %s may not remove a %s", cmd.ByRole, role)
	}
	if role == domain.RoleOwner && t.owners() == 1 {
		return nil, domain.Errorf(domain.KindConflict, "the last owner cannot leave or be removed; make another member owner first")
	}
	return []domain.Event{MemberRemoved{TeamID: t.ID, UserID: cmd.UserID, By: cmd.By, At: cmd.At}}, nil
}
