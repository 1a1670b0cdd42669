package project

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Created is recorded when a project is created.
type Created struct {
	ProjectID     uuid.UUID       `json:"projectId"`
	TeamID        uuid.UUID       `json:"teamId"`
	Name          string          `json:"name"`
	Slug          string          `json:"slug"`
	SourceType    string          `json:"sourceType"`
	SourceConfig  json.RawMessage `json:"sourceConfig"`
	DefaultBranch string          `json:"defaultBranch"`
	SubdomainBase string          `json:"subdomainBase,omitempty"` // empty in events before bases: the slug
	By            uuid.UUID       `json:"by"`
	At            time.Time       `json:"at"`
}

// Base is the project's subdomain base.
func (e Created) Base() string { return BaseOf(e.SubdomainBase, e.Slug) }

// Renamed is recorded when a project's display name changes.
type Renamed struct {
	ProjectID uuid.UUID `json:"projectId"`
	TeamID    uuid.UUID `json:"teamId"`
	Name      string    `json:"name"`
	By        uuid.UUID `json:"by"`
	At        time.Time `json:"at"`
}

// DefaultBranchChanged is recorded when the branch deployed by default changes.
type DefaultBranchChanged struct {
	ProjectID     uuid.UUID `json:"projectId"`
	TeamID        uuid.UUID `json:"teamId"`
	DefaultBranch string    `json:"defaultBranch"`
	By            uuid.UUID `json:"by"`
	At            time.Time `json:"at"`
}

// Deleted is recorded when a project is deleted.
type Deleted struct {
	ProjectID uuid.UUID `json:"projectId"`
	TeamID    uuid.UUID `json:"teamId"`
	Slug      string    `json:"slug"`
	// SubdomainBase is the base the project used; empty in events before
	// bases: the slug.
	SubdomainBase string    `json:"subdomainBase,omitempty"`
	Reason        string    `json:"reason,omitempty"` // ReasonTeamDeleted when the system deletes it
	By            uuid.UUID `json:"by"`
	At            time.Time `json:"at"`
}

// Base is the subdomain base the project used.
func (e Deleted) Base() string { return BaseOf(e.SubdomainBase, e.Slug) }

// ReasonTeamDeleted is why the system deletes the projects of a deleted
// team (By is then the nil UUID).
const ReasonTeamDeleted = "team deleted"

// Event type names. Never change a released one.
const (
	TypeCreated              = "project.ProjectCreated"
	TypeRenamed              = "project.ProjectRenamed"
	TypeDefaultBranchChanged = "project.DefaultBranchChanged"
	TypeDeleted              = "project.ProjectDeleted"
)

// EventType implements domain.Event.
func (Created) EventType() string { return TypeCreated }

// EventType implements domain.Event.
func (Renamed) EventType() string { return TypeRenamed }

// EventType implements domain.Event.
func (DefaultBranchChanged) EventType() string { return TypeDefaultBranchChanged }

// EventType implements domain.Event.
func (Deleted) EventType() string { return TypeDeleted }

// Events lists a zero value of every event of this package, for registries.
func Events() []domain.Event {
	return []domain.Event{Created{}, Renamed{}, DefaultBranchChanged{}, Deleted{}, EnvVarSet{}, EnvVarRemoved{},
		SubdomainBaseTransferred{}, EnvNamesAllowed{}}
}

// StreamID is the stream of project id.
func StreamID(id uuid.UUID) string { return "project-" + id.String() }

// SlugScopePrefix starts the slug scope of every team: one claim in these
// scopes per live project.
const SlugScopePrefix = "project-slug:"

// SlugScope is the uniqueness scope of project slugs within one team.
func SlugScope(team uuid.UUID) string { return SlugScopePrefix + team.String() }
