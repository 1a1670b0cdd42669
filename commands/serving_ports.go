package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Recorded is an event as a process manager receives it: its ID, the
// stream it belongs to and its version there (1 for a stream's first
// event), so that a process manager can read the stream up to it.
type Recorded struct {
	ID            uuid.UUID
	StreamID      string
	StreamVersion int64
	Event         domain.Event
}

// ProcessManager reacts to recorded events with commands whose IDs derive
// from the event, so that an event delivered again changes nothing. It
// runs as a checkpointed consumer of its own.
type ProcessManager interface {
	// Name is the consumer name; it never changes once released.
	Name() string
	// Handles lists the event types Handle is given.
	Handles() []string
	// Handle reacts to one event; an error has it delivered again, a few
	// times at once and then, unless the error is passing trouble
	// (ErrStoreUnavailable, the database's, or the delivery's deadline
	// passing: tried again later, for as long as it lasts), never: its
	// consumer parks on the event.
	Handle(ctx context.Context, r Recorded) error
}

// ServerSpec is what a runner needs to start one server.
type ServerSpec struct {
	ServerID     uuid.UUID
	DeploymentID uuid.UUID
	BuildID      uuid.UUID
	ArtifactDir  string
	Port         int
	Env          map[string]string // the deployment's env, decrypted
}

// ServerProcess is a started server's process.
type ServerProcess struct {
	ServerID     uuid.UUID
	DeploymentID uuid.UUID
	PID          int
	StartTime    uint64 // against PID reuse
}

// Servers runs servers' processes (a runner adapter).
type Servers interface {
	// Start starts the server and returns once its process runs.
	Start(ctx context.Context, spec ServerSpec) (ServerProcess, error)
	// WaitHealthy returns once the server answers its health check, or an
	// error (with what it printed) when it exits or timeout passes.
	WaitHealthy(ctx context.Context, p ServerProcess, port int, timeout time.Duration) error
	// Stop stops the process and what it started, killing it after grace.
	Stop(ctx context.Context, p ServerProcess, grace time.Duration) error
	// PortFree reports whether nothing listens on port on this host.
	PortFree(port int) bool
	// Wait returns how p ended ("exit status 1", "signal: killed") once it
	// has, or ctx's error first.
	Wait(ctx context.Context, p ServerProcess) (string, error)
	// Reattach checks that p still runs the server of artifact: its PID
	// is alive, with p's start time and a command line naming the
	// artifact; an error says why not.
	Reattach(ctx context.Context, p ServerProcess, artifact uuid.UUID) error
	// Find returns the process of a server that was started but not
	// recorded started (the admin stopped in between), if it runs.
	Find(serverID, deploymentID uuid.UUID) (ServerProcess, bool)
	// StderrTail returns the last lines the server wrote to stderr.
	StderrTail(deploymentID, serverID uuid.UUID, lines int) []string
}
