package server

import (
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// TypeExited names Exited. Never change it.
const TypeExited = "server.ServerExited"

// PurposeRecover is a server that replaces a deployment's server that
// crashed, was lost or failed its health checks.
const PurposeRecover Purpose = "recover"

// StatusExited is the final status of a server whose process ended on its
// own (or was found gone after a restart of the admin).
const StatusExited Status = "exited"

// Exited is recorded when a started server's process ends without being
// asked to stop, or is found gone (Lost) when its runner comes back. It
// frees the port.
type Exited struct {
	ServerID     uuid.UUID `json:"serverId"`
	DeploymentID uuid.UUID `json:"deploymentId"`
	BuildID      uuid.UUID `json:"buildId"`
	Port         int       `json:"port"`
	// ExitStatus says how it ended ("exit status 1", "signal: killed") or,
	// for a lost server, why it is taken as gone.
	ExitStatus string    `json:"exitStatus"`
	Lost       bool      `json:"lost,omitempty"`
	StderrTail []string  `json:"stderrTail,omitempty"`
	At         time.Time `json:"at"`
}

// EventType implements domain.Event.
func (Exited) EventType() string { return TypeExited }

// MarkExited is the command a runner gives when a server's process ended
// on its own.
type MarkExited struct {
	ExitStatus string
	Lost       bool
	StderrTail []string
	At         time.Time
}

// Decide returns the exit of a started or healthy server; a server asked
// to stop, or already ended, records nothing (its stop or end says it).
func (cmd MarkExited) Decide(s Server) ([]domain.Event, error) {
	if s.Status != StatusStarted && s.Status != StatusHealthy {
		return nil, nil
	}
	return []domain.Event{Exited{ServerID: s.ID, DeploymentID: s.DeploymentID, BuildID: s.BuildID, Port: s.Port,
		ExitStatus: cmd.ExitStatus, Lost: cmd.Lost, StderrTail: cmd.StderrTail, At: cmd.At}}, nil
}
