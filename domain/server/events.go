package server

import (
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Purpose is why a server was scheduled.
type Purpose string

// The purposes.
const (
	PurposeDeploy  Purpose = "deploy"  // a build's artifact is ready
	PurposeStart   Purpose = "start"   // a stopped deployment starts again
	PurposeRestart Purpose = "restart" // a zero-downtime restart with the env as it is now
)

// Scheduled is recorded when a server is given a port and is to be started
// on it. Cause is the event that asked for it, from which its ID derives.
type Scheduled struct {
	ServerID     uuid.UUID `json:"serverId"`
	DeploymentID uuid.UUID `json:"deploymentId"`
	ProjectID    uuid.UUID `json:"projectId"`
	TeamID       uuid.UUID `json:"teamId"`
	BuildID      uuid.UUID `json:"buildId"`
	ArtifactID   uuid.UUID `json:"artifactId"`
	Port         int       `json:"port"`
	Purpose      Purpose   `json:"purpose"`
	Cause        uuid.UUID `json:"cause"`
	// NotBefore, when set, is the earliest start (a restart's backoff);
	// Restarts counts the recoveries of the deployment before this one.
	NotBefore time.Time `json:"notBefore,omitzero"`
	Restarts  int       `json:"restarts,omitempty"`
	// Replaces is the failed server a recovery server replaces.
	Replaces uuid.UUID `json:"replaces,omitzero"`
	At       time.Time `json:"at"`
}

// Started is recorded when the runner started the server's process.
// EnvVersions names the version of each env var the process received, by
// key (nil in servers started before servers recorded it).
type Started struct {
	ServerID     uuid.UUID                    `json:"serverId"`
	DeploymentID uuid.UUID                    `json:"deploymentId"`
	Runner       string                       `json:"runner"`
	PID          int                          `json:"pid"`
	StartTime    uint64                       `json:"startTime"` // the process's start time, against PID reuse
	EnvVersions  map[string]domain.EnvVersion `json:"envVersions,omitempty"`
	At           time.Time                    `json:"at"`
}

// Healthy is recorded when the server first answered its health check.
type Healthy struct {
	ServerID     uuid.UUID `json:"serverId"`
	DeploymentID uuid.UUID `json:"deploymentId"`
	At           time.Time `json:"at"`
}

// Failed is recorded when a server could not be started, never became
// healthy, or exited on its own. Step names where it failed. It frees the
// port.
type Failed struct {
	ServerID     uuid.UUID `json:"serverId"`
	DeploymentID uuid.UUID `json:"deploymentId"`
	BuildID      uuid.UUID `json:"buildId"`
	Port         int       `json:"port"`
	Purpose      Purpose   `json:"purpose"`
	Step         string    `json:"step"`
	Reason       string    `json:"reason"`
	At           time.Time `json:"at"`
}

// StopRequested is recorded when a server is to stop: after Drain, so that
// requests in flight finish.
type StopRequested struct {
	ServerID     uuid.UUID     `json:"serverId"`
	DeploymentID uuid.UUID     `json:"deploymentId"`
	Reason       string        `json:"reason"`
	Drain        time.Duration `json:"drain"`
	At           time.Time     `json:"at"`
}

// Stopped is recorded when a server's process is gone. It frees the port.
type Stopped struct {
	ServerID     uuid.UUID `json:"serverId"`
	DeploymentID uuid.UUID `json:"deploymentId"`
	Port         int       `json:"port"`
	Reason       string    `json:"reason"`
	At           time.Time `json:"at"`
}

// Event type names. Never change a released one.
const (
	TypeScheduled     = "server.ServerScheduled"
	TypeStarted       = "server.ServerStarted"
	TypeHealthy       = "server.ServerHealthy"
	TypeFailed        = "server.ServerFailed"
	TypeStopRequested = "server.ServerStopRequested"
	TypeStopped       = "server.ServerStopped"
)

// EventType implements domain.Event.
func (Scheduled) EventType() string { return TypeScheduled }

// EventType implements domain.Event.
func (Started) EventType() string { return TypeStarted }

// EventType implements domain.Event.
func (Healthy) EventType() string { return TypeHealthy }

// EventType implements domain.Event.
func (Failed) EventType() string { return TypeFailed }

// EventType implements domain.Event.
func (StopRequested) EventType() string { return TypeStopRequested }

// EventType implements domain.Event.
func (Stopped) EventType() string { return TypeStopped }

// Events lists a zero value of every event of this package, for registries.
func Events() []domain.Event {
	return []domain.Event{Scheduled{}, Started{}, Healthy{}, Failed{}, StopRequested{}, Stopped{}, Exited{}}
}

// StreamID is the stream of server id.
func StreamID(id uuid.UUID) string { return "server-" + id.String() }

// PortScope holds one claim per port a server holds, owned by the server.
const PortScope = "server-port"
