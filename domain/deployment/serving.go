package deployment

import (
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// The statuses a deployment reaches through its builds and servers.
const (
	StatusBuilding Status = "building"
	StatusRunning  Status = "running"
	StatusFailed   Status = "failed"
	StatusStopped  Status = "stopped"
)

// Serving is what serves a deployment now.
type Serving struct {
	ServerID      uuid.UUID // nil: nothing serves
	BuildID       uuid.UUID // the current build (kept when stopped)
	ArtifactID    uuid.UUID
	BuildQueuedAt time.Time
	Stopped       bool
	Target        string // host:port of the serving server
	Unhealthy     bool   // a router saw Target fail its health checks
	// Restarts are when this build's servers were recovered (reset by a
	// switch to another build, a start or a deploy); Replacement is the
	// server of the recovery under way.
	Restarts    []time.Time
	Replacement uuid.UUID
	// CrashLooped is set when restarts were used up: nothing serves until
	// a start or a deploy.
	CrashLooped bool
}

// evolveServing applies the serving events.
func evolveServing(d Deployment, e domain.Event) (Deployment, bool) {
	switch e := e.(type) {
	case RouteSwitched:
		var restarts []time.Time
		if e.BuildID == d.Serving.BuildID && !d.Serving.Stopped && !d.Serving.CrashLooped {
			restarts = d.Serving.Restarts
		}
		d.Serving = Serving{ServerID: e.ServerID, BuildID: e.BuildID, ArtifactID: e.ArtifactID, BuildQueuedAt: e.BuildQueuedAt,
			Target: e.Target, Restarts: restarts}
	case RecoveryRequested:
		d.Serving.Restarts = append(d.Serving.Restarts, e.At)
		d.Serving.Replacement = e.Replacement
	case CrashLooped:
		d.Serving.ServerID, d.Serving.Target, d.Serving.Unhealthy, d.Serving.CrashLooped = uuid.Nil, "", false, true
		d.Serving.Replacement = uuid.Nil
	case Stopped:
		d.Serving.ServerID, d.Serving.Stopped, d.Serving.Target, d.Serving.Unhealthy = uuid.Nil, true, "", false
	case RouteHealthChanged:
		if e.Target == d.Serving.Target {
			d.Serving.Unhealthy = !e.Healthy
		}
	case StartRequested, RestartRequested:
	default:
		return d, false
	}
	return d, true
}

// SwitchRoute is the command to send the deployment's traffic to a healthy
// server. Restart and Start tell the saga's purpose.
type SwitchRoute struct {
	ServerID      uuid.UUID
	BuildID       uuid.UUID
	ArtifactID    uuid.UUID
	BuildQueuedAt time.Time
	Target        string
	Restart       bool // a restart does not bring a stopped deployment back
	At            time.Time
}

// ErrSuperseded is the conflict of a server whose build is older than the
// one serving.
var ErrSuperseded = &domain.Error{Kind: domain.KindConflict, Msg: "a newer build serves the deployment already"}

// Decide returns the switch, nothing when that server serves already, or
// an error when the switch must not happen: the deployment is gone
// (not found), stopped (for a restart), or serves a newer build.
func (cmd SwitchRoute) Decide(d Deployment) ([]domain.Event, error) {
	if !d.Live() {
		return nil, domain.Errorf(domain.KindNotFound, "deployment %s not found", d.ID)
	}
	if d.Serving.ServerID == cmd.ServerID {
		return nil, nil
	}
	if cmd.Restart && d.Serving.Stopped {
		return nil, domain.Errorf(domain.KindConflict, "deployment %s was stopped during the restart", d.ID)
	}
	if d.Serving.BuildID != uuid.Nil && d.Serving.BuildID != cmd.BuildID && cmd.BuildQueuedAt.Before(d.Serving.BuildQueuedAt) {
		return nil, ErrSuperseded
	}
	var prev *uuid.UUID
	if d.Serving.ServerID != uuid.Nil {
		p := d.Serving.ServerID
		prev = &p
	}
	return []domain.Event{RouteSwitched{DeploymentID: d.ID, ProjectID: d.ProjectID, TeamID: d.TeamID, Subdomain: d.Subdomain,
		ServerID: cmd.ServerID, BuildID: cmd.BuildID, ArtifactID: cmd.ArtifactID, BuildQueuedAt: cmd.BuildQueuedAt,
		Target: cmd.Target, Previous: prev, At: cmd.At}}, nil
}

// Stop is the command to stop a deployment.
type Stop struct {
	By uuid.UUID
	At time.Time
}

// Decide returns the stop.
func (cmd Stop) Decide(d Deployment) ([]domain.Event, error) {
	if !d.Live() {
		return nil, domain.Errorf(domain.KindNotFound, "deployment %s not found", d.ID)
	}
	if d.Serving.Stopped {
		return nil, domain.Errorf(domain.KindConflict, "deployment %s is stopped already", d.ID)
	}
	if d.Serving.BuildID == uuid.Nil {
		return nil, domain.Errorf(domain.KindConflict, "deployment %s has never run; deploy it first", d.ID)
	}
	var srv *uuid.UUID
	if d.Serving.ServerID != uuid.Nil {
		s := d.Serving.ServerID
		srv = &s
	}
	return []domain.Event{Stopped{DeploymentID: d.ID, ProjectID: d.ProjectID, TeamID: d.TeamID, Subdomain: d.Subdomain,
		ServerID: srv, By: cmd.By, At: cmd.At}}, nil
}

// Start is the command to run a stopped deployment's current build again.
type Start struct {
	By uuid.UUID
	At time.Time
}

// Decide returns the request.
func (cmd Start) Decide(d Deployment) ([]domain.Event, error) {
	if !d.Live() {
		return nil, domain.Errorf(domain.KindNotFound, "deployment %s not found", d.ID)
	}
	if !d.Serving.Stopped && !d.Serving.CrashLooped {
		return nil, domain.Errorf(domain.KindConflict, "deployment %s is not stopped", d.ID)
	}
	return []domain.Event{StartRequested{DeploymentID: d.ID, ProjectID: d.ProjectID, TeamID: d.TeamID,
		BuildID: d.Serving.BuildID, ArtifactID: d.Serving.ArtifactID, By: cmd.By, At: cmd.At}}, nil
}

// Restart is the command to replace a running deployment's server.
type Restart struct {
	By uuid.UUID
	At time.Time
}

// Decide returns the request.
func (cmd Restart) Decide(d Deployment) ([]domain.Event, error) {
	if !d.Live() {
		return nil, domain.Errorf(domain.KindNotFound, "deployment %s not found", d.ID)
	}
	if d.Serving.Stopped || d.Serving.ServerID == uuid.Nil {
		return nil, domain.Errorf(domain.KindConflict, "deployment %s is not running; start or deploy it", d.ID)
	}
	return []domain.Event{RestartRequested{DeploymentID: d.ID, ProjectID: d.ProjectID, TeamID: d.TeamID,
		BuildID: d.Serving.BuildID, ArtifactID: d.Serving.ArtifactID, By: cmd.By, At: cmd.At}}, nil
}
