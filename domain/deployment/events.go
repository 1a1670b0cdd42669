package deployment

import (
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Created is recorded when a deployment is created.
type Created struct {
	DeploymentID uuid.UUID  `json:"deploymentId"`
	ProjectID    uuid.UUID  `json:"projectId"`
	TeamID       uuid.UUID  `json:"teamId"`
	Type         Type       `json:"type"`
	Branch       string     `json:"branch"`
	Slug         string     `json:"slug"`
	Subdomain    string     `json:"subdomain"`
	ExpiresAt    *time.Time `json:"expiresAt,omitempty"`
	By           uuid.UUID  `json:"by"`
	At           time.Time  `json:"at"`
}

// Deleted is recorded when a deployment is deleted: by someone, or by the
// expiry sweep (Reason "expired", By the nil UUID).
type Deleted struct {
	DeploymentID uuid.UUID `json:"deploymentId"`
	ProjectID    uuid.UUID `json:"projectId"`
	TeamID       uuid.UUID `json:"teamId"`
	Type         Type      `json:"type"`
	Slug         string    `json:"slug"`
	Subdomain    string    `json:"subdomain"`
	Reason       string    `json:"reason,omitempty"`
	By           uuid.UUID `json:"by"`
	At           time.Time `json:"at"`
}

// Reasons of the deletions the system makes.
const (
	ReasonExpired  = "expired"                 // a preview at its expiry
	ReasonOrphaned = "project or team deleted" // a deployment outliving its project
)

// EnvOverrideSet is recorded when a deployment overrides an env var. Like a
// project's env var it carries only the ciphertext, sealed with the
// project's data key and bound to the deployment.
type EnvOverrideSet struct {
	DeploymentID uuid.UUID `json:"deploymentId"`
	ProjectID    uuid.UUID `json:"projectId"`
	TeamID       uuid.UUID `json:"teamId"`
	Key          string    `json:"key"`
	Secret       bool      `json:"secret"`
	Nonce        []byte    `json:"nonce"`
	Ciphertext   []byte    `json:"ciphertext"`
	By           uuid.UUID `json:"by"`
	At           time.Time `json:"at"`
}

// EnvOverrideRemoved is recorded when a deployment's override is removed.
type EnvOverrideRemoved struct {
	DeploymentID uuid.UUID `json:"deploymentId"`
	ProjectID    uuid.UUID `json:"projectId"`
	TeamID       uuid.UUID `json:"teamId"`
	Key          string    `json:"key"`
	By           uuid.UUID `json:"by"`
	At           time.Time `json:"at"`
}

// Event type names. Never change a released one.
const (
	TypeCreated            = "deployment.DeploymentCreated"
	TypeDeleted            = "deployment.DeploymentDeleted"
	TypeEnvOverrideSet     = "deployment.EnvOverrideSet"
	TypeEnvOverrideRemoved = "deployment.EnvOverrideRemoved"
)

// EventType implements domain.Event.
func (Created) EventType() string { return TypeCreated }

// EventType implements domain.Event.
func (Deleted) EventType() string { return TypeDeleted }

// EventType implements domain.Event.
func (EnvOverrideSet) EventType() string { return TypeEnvOverrideSet }

// EventType implements domain.Event.
func (EnvOverrideRemoved) EventType() string { return TypeEnvOverrideRemoved }

// Events lists a zero value of every event of this package, for registries.
func Events() []domain.Event {
	return []domain.Event{Created{}, Deleted{}, EnvOverrideSet{}, EnvOverrideRemoved{}, RouteSwitched{}, Stopped{}, StartRequested{}, RestartRequested{}, RouteHealthChanged{}, RecoveryRequested{}, CrashLooped{}}
}

// StreamID is the stream of deployment id.
func StreamID(id uuid.UUID) string { return "deployment-" + id.String() }

// SlugScope is the uniqueness scope of deployment slugs within a project.
func SlugScope(project uuid.UUID) string { return "deployment-slug:" + project.String() }

// ProductionScope holds one claim per project that has a production
// deployment (value "production").
func ProductionScope(project uuid.UUID) string { return "deployment-production:" + project.String() }

// ProductionClaim is the value claimed in ProductionScope.
const ProductionClaim = "production"

// SubdomainScope is the uniqueness scope of subdomains, across all teams:
// the edge router tells deployments apart by them alone. Each is built
// from its project's subdomain base (see project.BaseScope), so only the
// base's team's deployments ever take it.
const SubdomainScope = "deployment-subdomain"

// Claim is a unique value a deployment holds while it lives.
type Claim struct{ Scope, Value string }

// ClaimsOf lists what a deployment holds: its slug in its project, its
// project's production place (production only), and its subdomain.
func ClaimsOf(project uuid.UUID, t Type, slug, subdomain string) []Claim {
	out := []Claim{{SlugScope(project), slug}, {SubdomainScope, subdomain}}
	if t == Production {
		out = append(out, Claim{ProductionScope(project), ProductionClaim})
	}
	return out
}
