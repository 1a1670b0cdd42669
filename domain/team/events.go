package team

import (
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Created is recorded when a team is created. Its creator is its first
// owner: the event says so itself, no MemberAdded follows.
type Created struct {
	TeamID    uuid.UUID `json:"teamId"`
	Name      string    `json:"name"`
	Slug      string    `json:"slug"`
	CreatedBy uuid.UUID `json:"createdBy"`
	At        time.Time `json:"at"`
}

// Renamed is recorded when a team's display name changes.
type Renamed struct {
	TeamID uuid.UUID `json:"teamId"`
	Name   string    `json:"name"`
	By     uuid.UUID `json:"by"`
	At     time.Time `json:"at"`
}

// SlugChanged is recorded when a team's slug changes.
type SlugChanged struct {
	TeamID  uuid.UUID `json:"teamId"`
	OldSlug string    `json:"oldSlug"`
	Slug    string    `json:"slug"`
	By      uuid.UUID `json:"by"`
	At      time.Time `json:"at"`
}

// Deleted is recorded when a team is deleted.
type Deleted struct {
	TeamID uuid.UUID `json:"teamId"`
	Slug   string    `json:"slug"`
	By     uuid.UUID `json:"by"`
	At     time.Time `json:"at"`
}

// MemberAdded is recorded when a user joins a team with a role.
type MemberAdded struct {
	TeamID uuid.UUID   `json:"teamId"`
	UserID uuid.UUID   `json:"userId"`
	Role   domain.Role `json:"role"`
	By     uuid.UUID   `json:"by"`
	At     time.Time   `json:"at"`
}

// Event type names. Never change a released one.
const (
	TypeCreated     = "team.TeamCreated"
	TypeRenamed     = "team.TeamRenamed"
	TypeSlugChanged = "team.TeamSlugChanged"
	TypeDeleted     = "team.TeamDeleted"
	TypeMemberAdded = "team.MemberAdded"
)

// EventType implements domain.Event.
func (Created) EventType() string { return TypeCreated }

// EventType implements domain.Event.
func (Renamed) EventType() string { return TypeRenamed }

// EventType implements domain.Event.
func (SlugChanged) EventType() string { return TypeSlugChanged }

// EventType implements domain.Event.
func (Deleted) EventType() string { return TypeDeleted }

// EventType implements domain.Event.
func (MemberAdded) EventType() string { return TypeMemberAdded }

// Events lists a zero value of every event of this package, for registries.
func Events() []domain.Event {
	return []domain.Event{Created{}, Renamed{}, SlugChanged{}, Deleted{}, MemberAdded{},
		InviteCreated{}, InviteAccepted{}, InviteRevoked{}, MemberRoleChanged{}, MemberRemoved{}}
}

// StreamID is the stream of team id.
func StreamID(id uuid.UUID) string { return "team-" + id.String() }

// SlugScope is the uniqueness scope of team slugs: a team takes its slug
// when created or renamed and frees it when renamed again or deleted.
const SlugScope = "team-slug"
