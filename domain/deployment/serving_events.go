package deployment

import (
	"time"

	"github.com/google/uuid"
)

// RouteSwitched is recorded when the edge router is to send a deployment's
// traffic to a new, healthy server. Previous is the server it replaces
// (nil when none served), which is stopped after a drain period.
type RouteSwitched struct {
	DeploymentID  uuid.UUID  `json:"deploymentId"`
	ProjectID     uuid.UUID  `json:"projectId"`
	TeamID        uuid.UUID  `json:"teamId"`
	Subdomain     string     `json:"subdomain"`
	ServerID      uuid.UUID  `json:"serverId"`
	BuildID       uuid.UUID  `json:"buildId"`
	ArtifactID    uuid.UUID  `json:"artifactId"`
	BuildQueuedAt time.Time  `json:"buildQueuedAt"`
	Target        string     `json:"target"` // host:port
	Previous      *uuid.UUID `json:"previous,omitempty"`
	At            time.Time  `json:"at"`
}

// Stopped is recorded when someone stops a deployment: its route answers
// 503 and its server is stopped. Its current build stays, to start again.
type Stopped struct {
	DeploymentID uuid.UUID  `json:"deploymentId"`
	ProjectID    uuid.UUID  `json:"projectId"`
	TeamID       uuid.UUID  `json:"teamId"`
	Subdomain    string     `json:"subdomain"`
	ServerID     *uuid.UUID `json:"serverId,omitempty"`
	By           uuid.UUID  `json:"by"`
	At           time.Time  `json:"at"`
}

// StartRequested is recorded when someone starts a stopped deployment: its
// current build's artifact runs again, without a rebuild.
type StartRequested struct {
	DeploymentID uuid.UUID `json:"deploymentId"`
	ProjectID    uuid.UUID `json:"projectId"`
	TeamID       uuid.UUID `json:"teamId"`
	BuildID      uuid.UUID `json:"buildId"`
	ArtifactID   uuid.UUID `json:"artifactId"`
	By           uuid.UUID `json:"by"`
	At           time.Time `json:"at"`
}

// RestartRequested is recorded when someone restarts a running
// deployment: a new server of the current build, with the env as it is
// now, replaces the running one without downtime.
type RestartRequested struct {
	DeploymentID uuid.UUID `json:"deploymentId"`
	ProjectID    uuid.UUID `json:"projectId"`
	TeamID       uuid.UUID `json:"teamId"`
	BuildID      uuid.UUID `json:"buildId"`
	ArtifactID   uuid.UUID `json:"artifactId"`
	By           uuid.UUID `json:"by"`
	At           time.Time `json:"at"`
}

// Event type names of serving. Never change a released one.
const (
	TypeRouteSwitched    = "deployment.RouteSwitched"
	TypeStopped          = "deployment.DeploymentStopped"
	TypeStartRequested   = "deployment.DeploymentStartRequested"
	TypeRestartRequested = "deployment.DeploymentRestartRequested"
)

// EventType implements domain.Event.
func (RouteSwitched) EventType() string { return TypeRouteSwitched }

// EventType implements domain.Event.
func (Stopped) EventType() string { return TypeStopped }

// EventType implements domain.Event.
func (StartRequested) EventType() string { return TypeStartRequested }

// EventType implements domain.Event.
func (RestartRequested) EventType() string { return TypeRestartRequested }
