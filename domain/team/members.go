package team

import (
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// InviteCreated is recorded when a member invites someone by email. It
// holds the SHA-256 of the one-time invite token, never the token.
type InviteCreated struct {
	InviteID  uuid.UUID   `json:"inviteId"`
	TeamID    uuid.UUID   `json:"teamId"`
	Email     string      `json:"email"`
	Role      domain.Role `json:"role"`
	TokenHash string      `json:"tokenHash"`
	ExpiresAt time.Time   `json:"expiresAt"`
	By        uuid.UUID   `json:"by"`
	At        time.Time   `json:"at"`
}

// InviteAccepted is recorded when the invited user joins the team; a
// MemberAdded follows in the same append.
type InviteAccepted struct {
	InviteID uuid.UUID `json:"inviteId"`
	TeamID   uuid.UUID `json:"teamId"`
	UserID   uuid.UUID `json:"userId"`
	At       time.Time `json:"at"`
}

// InviteRevoked is recorded when a pending invite is withdrawn.
type InviteRevoked struct {
	InviteID uuid.UUID `json:"inviteId"`
	TeamID   uuid.UUID `json:"teamId"`
	By       uuid.UUID `json:"by"`
	At       time.Time `json:"at"`
}

// MemberRoleChanged is recorded when a member's role changes.
type MemberRoleChanged struct {
	TeamID  uuid.UUID   `json:"teamId"`
	UserID  uuid.UUID   `json:"userId"`
	OldRole domain.Role `json:"oldRole"`
	Role    domain.Role `json:"role"`
	By      uuid.UUID   `json:"by"`
	At      time.Time   `json:"at"`
}

// MemberRemoved is recorded when a member leaves or is removed.
type MemberRemoved struct {
	TeamID uuid.UUID `json:"teamId"`
	UserID uuid.UUID `json:"userId"`
	By     uuid.UUID `json:"by"`
	At     time.Time `json:"at"`
}

// Event type names. Never change a released one.
const (
	TypeInviteCreated     = "team.InviteCreated"
	TypeInviteAccepted    = "team.InviteAccepted"
	TypeInviteRevoked     = "team.InviteRevoked"
	TypeMemberRoleChanged = "team.MemberRoleChanged"
	TypeMemberRemoved     = "team.MemberRemoved"
)

// EventType implements domain.Event.
func (InviteCreated) EventType() string { return TypeInviteCreated }

// EventType implements domain.Event.
func (InviteAccepted) EventType() string { return TypeInviteAccepted }

// EventType implements domain.Event.
func (InviteRevoked) EventType() string { return TypeInviteRevoked }

// EventType implements domain.Event.
func (MemberRoleChanged) EventType() string { return TypeMemberRoleChanged }

// EventType implements domain.Event.
func (MemberRemoved) EventType() string { return TypeMemberRemoved }

// InviteTTL is how long an invite stays valid unless a command says otherwise.
const InviteTTL = 7 * 24 * time.Hour

// MaxInviteTTL bounds how far ahead an invite's expiry may be set.
const MaxInviteTTL = 30 * 24 * time.Hour

// Invite is a pending, accepted or revoked invitation.
type Invite struct {
	ID        uuid.UUID
	Email     string
	Role      domain.Role
	TokenHash string
	ExpiresAt time.Time
	Accepted  bool
	Revoked   bool
}

// Pending reports whether the invite can still be accepted at now.
func (i Invite) Pending(now time.Time) bool {
	return !i.Accepted && !i.Revoked && now.Before(i.ExpiresAt)
}
