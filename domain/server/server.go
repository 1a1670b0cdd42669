package server

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Status is where a server stands.
type Status string

// The statuses. Failed and Stopped are final.
const (
	StatusScheduled Status = "scheduled"
	StatusStarted   Status = "started"
	StatusHealthy   Status = "healthy"
	StatusStopping  Status = "stopping"
	StatusFailed    Status = "failed"
	StatusStopped   Status = "stopped"
)

// Ended reports whether s is final.
func (s Status) Ended() bool { return s == StatusFailed || s == StatusStopped || s == StatusExited }

// Server is the state of one server, folded from its events.
type Server struct {
	ID           uuid.UUID
	DeploymentID uuid.UUID
	ProjectID    uuid.UUID
	TeamID       uuid.UUID
	BuildID      uuid.UUID
	ArtifactID   uuid.UUID
	Port         int
	Purpose      Purpose
	Status       Status
	Runner       string
	PID          int
	StartTime    uint64
	WasHealthy   bool
	// NotBefore delays the start of a server that replaces a crashed one
	// (the restart backoff); Restarts counts the recoveries before it.
	NotBefore time.Time
	Restarts  int
	// Replaces is the failed server a recovery server replaces; it runs
	// with the env versions that one received (EnvVersions).
	Replaces    uuid.UUID
	EnvVersions map[string]domain.EnvVersion
}

// Exists reports whether the server was scheduled.
func (s Server) Exists() bool { return s.Status != "" }

// Evolve returns s with e applied.
func Evolve(s Server, e domain.Event) (Server, error) {
	switch e := e.(type) {
	case Scheduled:
		s = Server{ID: e.ServerID, DeploymentID: e.DeploymentID, ProjectID: e.ProjectID, TeamID: e.TeamID,
			BuildID: e.BuildID, ArtifactID: e.ArtifactID, Port: e.Port, Purpose: e.Purpose, Status: StatusScheduled,
			NotBefore: e.NotBefore, Restarts: e.Restarts, Replaces: e.Replaces}
	case Started:
		s.Status, s.Runner, s.PID, s.StartTime, s.EnvVersions = StatusStarted, e.Runner, e.PID, e.StartTime, e.EnvVersions
	case Healthy:
		s.Status, s.WasHealthy = StatusHealthy, true
	case Failed:
		s.Status = StatusFailed
	case StopRequested:
		s.Status = StatusStopping
	case Stopped:
		s.Status = StatusStopped
	case Exited:
		s.Status = StatusExited
	default:
		return s, fmt.Errorf("server: %w %s", domain.ErrUnknownEvent, e.EventType())
	}
	return s, nil
}

// Schedule is the command to schedule a new server on a claimed port.
type Schedule struct {
	ServerID     uuid.UUID
	DeploymentID uuid.UUID
	ProjectID    uuid.UUID
	TeamID       uuid.UUID
	BuildID      uuid.UUID
	ArtifactID   uuid.UUID
	Port         int
	Purpose      Purpose
	Cause        uuid.UUID
	NotBefore    time.Time
	Restarts     int
	Replaces     uuid.UUID
	At           time.Time
}

// Decide returns the scheduling; a server that exists already (the same
// cause delivered again) records nothing.
func (cmd Schedule) Decide(s Server) ([]domain.Event, error) {
	if s.Exists() {
		return nil, nil
	}
	if cmd.Port <= 0 || cmd.Port > 65535 {
		return nil, domain.Errorf(domain.KindInvalid, "port %d is not a TCP port", cmd.Port)
	}
	if cmd.ArtifactID == uuid.Nil {
		return nil, domain.Errorf(domain.KindInvalid, "server %s has no artifact to run", cmd.ServerID)
	}
	return []domain.Event{Scheduled{ServerID: cmd.ServerID, DeploymentID: cmd.DeploymentID, ProjectID: cmd.ProjectID,
		TeamID: cmd.TeamID, BuildID: cmd.BuildID, ArtifactID: cmd.ArtifactID, Port: cmd.Port, Purpose: cmd.Purpose,
		Cause: cmd.Cause, NotBefore: cmd.NotBefore, Restarts: cmd.Restarts, Replaces: cmd.Replaces, At: cmd.At}}, nil
}

// MarkStarted is the command a runner gives once the process runs.
type MarkStarted struct {
	Runner      string
	PID         int
	StartTime   uint64
	EnvVersions map[string]domain.EnvVersion // the env it was given
	At          time.Time
}

// Decide returns the start; only a scheduled server starts.
func (cmd MarkStarted) Decide(s Server) ([]domain.Event, error) {
	if s.Status != StatusScheduled {
		return nil, domain.Errorf(domain.KindConflict, "server %s is %s, not scheduled", s.ID, s.Status)
	}
	return []domain.Event{Started{ServerID: s.ID, DeploymentID: s.DeploymentID, Runner: cmd.Runner, PID: cmd.PID,
		StartTime: cmd.StartTime, EnvVersions: cmd.EnvVersions, At: cmd.At}}, nil
}

// MarkHealthy is the command a runner gives when the server first answers.
type MarkHealthy struct{ At time.Time }

// Decide returns the health; a server already past it records nothing.
func (cmd MarkHealthy) Decide(s Server) ([]domain.Event, error) {
	if s.Status != StatusStarted {
		return nil, nil
	}
	return []domain.Event{Healthy{ServerID: s.ID, DeploymentID: s.DeploymentID, At: cmd.At}}, nil
}

// Fail is the command to record a server's failure at a step.
type Fail struct {
	Step   string
	Reason string
	At     time.Time
}

// Decide returns the failure; an ended server records nothing.
func (cmd Fail) Decide(s Server) ([]domain.Event, error) {
	if !s.Exists() || s.Status.Ended() {
		return nil, nil
	}
	return []domain.Event{Failed{ServerID: s.ID, DeploymentID: s.DeploymentID, BuildID: s.BuildID, Port: s.Port,
		Purpose: s.Purpose, Step: cmd.Step, Reason: cmd.Reason, At: cmd.At}}, nil
}

// RequestStop is the command to stop a server after a drain period.
type RequestStop struct {
	Reason string
	Drain  time.Duration
	At     time.Time
}

// Decide returns the request; a server stopping or ended records nothing.
func (cmd RequestStop) Decide(s Server) ([]domain.Event, error) {
	if !s.Exists() || s.Status.Ended() || s.Status == StatusStopping {
		return nil, nil
	}
	return []domain.Event{StopRequested{ServerID: s.ID, DeploymentID: s.DeploymentID, Reason: cmd.Reason,
		Drain: cmd.Drain, At: cmd.At}}, nil
}

// MarkStopped is the command a runner gives once the process is gone.
type MarkStopped struct {
	Reason string
	At     time.Time
}

// Decide returns the stop; an ended server records nothing.
func (cmd MarkStopped) Decide(s Server) ([]domain.Event, error) {
	if !s.Exists() || s.Status.Ended() {
		return nil, nil
	}
	return []domain.Event{Stopped{ServerID: s.ID, DeploymentID: s.DeploymentID, Port: s.Port, Reason: cmd.Reason,
		At: cmd.At}}, nil
}

// PortClaimValue is the claim value of port p in PortScope.
func PortClaimValue(p int) string { return fmt.Sprint(p) }
