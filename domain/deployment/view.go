package deployment

import (
	"time"

	"github.com/google/uuid"
)

// View is a deployment as the API shows it.
type View struct {
	ID             uuid.UUID  `json:"id"`
	ProjectID      uuid.UUID  `json:"projectId"`
	TeamID         uuid.UUID  `json:"teamId"`
	Type           Type       `json:"type"`
	Branch         string     `json:"branch"`
	Slug           string     `json:"slug"`
	Subdomain      string     `json:"subdomain"`
	PublicURL      string     `json:"publicUrl"`
	Status         Status     `json:"status"`
	CurrentBuildID *uuid.UUID `json:"currentBuildId"`
	ExpiresAt      *time.Time `json:"expiresAt,omitempty"`
	CreatedBy      uuid.UUID  `json:"createdBy"`
	CreatedAt      time.Time  `json:"createdAt"`
	UpdatedAt      time.Time  `json:"updatedAt"`
}

// EnvView is one variable of a deployment's effective environment: the
// project's value, or the deployment's override of it. A secret's value
// is never shown.
type EnvView struct {
	Key       string    `json:"key"`
	Value     *string   `json:"value"` // nil for secrets
	Secret    bool      `json:"secret"`
	Source    string    `json:"source"` // "project" or "deployment"
	UpdatedBy uuid.UUID `json:"updatedBy"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// RouteView is a deployment's route as the API shows it.
type RouteView struct {
	DeploymentID uuid.UUID  `json:"deploymentId"`
	Subdomain    string     `json:"subdomain"`
	PublicURL    string     `json:"publicUrl"`
	Status       string     `json:"status"` // active or stopped
	ServerID     *uuid.UUID `json:"serverId"`
	Target       string     `json:"-"` // host:port, for the router
	// Healthy is false while routers see the target fail its health
	// checks (the route answers 502); HealthReason says why.
	Healthy      bool      `json:"healthy"`
	HealthReason string    `json:"healthReason,omitempty"`
	UpdatedAt    time.Time `json:"updatedAt"`
}
