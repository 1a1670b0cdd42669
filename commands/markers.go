package commands

import (
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

// Marker kinds.
const (
	MarkerDeploy   = "deploy"   // a new build serves a deployment
	MarkerRollback = "rollback" // a rollback build serves a deployment
	MarkerRestart  = "restart"  // the same build serves again: restarted, started again, or recovered
	MarkerStop     = "stop"     // a deployment was stopped
	MarkerEnv      = "env"      // an env var of the project, or a deployment's override, changed
)

// Marker is a control-plane change of what runs, for metrics charts: when,
// which kind, by whom (nil when the system did it), on which deployment
// (nil for a project-wide env change) and from which build.
type Marker struct {
	Kind         string     `json:"kind"`
	At           time.Time  `json:"at"`
	By           *uuid.UUID `json:"by,omitempty"`
	DeploymentID *uuid.UUID `json:"deploymentId,omitempty"`
	BuildID      *uuid.UUID `json:"buildId,omitempty"`
	RollbackOf   *uuid.UUID `json:"rollbackOf,omitempty"`
	Key          string     `json:"key,omitempty"` // the env var of an env marker
}

func ref(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

func deref(id *uuid.UUID) uuid.UUID {
	if id == nil {
		return uuid.Nil
	}
	return *id
}

// markerOfEvent is the marker an event makes on its own, without its
// stream: env changes and stops. ok is false for the other events.
func markerOfEvent(e domain.Event) (projectID uuid.UUID, m Marker, ok bool) {
	switch e := e.(type) {
	case project.EnvVarSet:
		return e.ProjectID, Marker{Kind: MarkerEnv, At: e.At, By: ref(e.By), Key: e.Key}, true
	case project.EnvVarRemoved:
		return e.ProjectID, Marker{Kind: MarkerEnv, At: e.At, By: ref(e.By), Key: e.Key}, true
	case deployment.EnvOverrideSet:
		return e.ProjectID, Marker{Kind: MarkerEnv, At: e.At, By: ref(e.By), DeploymentID: ref(e.DeploymentID), Key: e.Key}, true
	case deployment.EnvOverrideRemoved:
		return e.ProjectID, Marker{Kind: MarkerEnv, At: e.At, By: ref(e.By), DeploymentID: ref(e.DeploymentID), Key: e.Key}, true
	case deployment.Stopped:
		return e.ProjectID, Marker{Kind: MarkerStop, At: e.At, By: ref(e.By), DeploymentID: ref(e.DeploymentID)}, true
	}
	return uuid.Nil, Marker{}, false
}

// switchMarker is the marker of the last event of a deployment's stream
// when it is a route switch: a restart when the build that served before
// serves again (by whom asked for the restart or start since, if anyone),
// else a deploy of the new build. The caller tells deploys from rollbacks
// by the build's trigger (withTrigger).
func switchMarker(events []domain.Event) (Marker, bool) {
	serving := uuid.Nil // the build the route sends to
	var asked *Marker   // a restart or start asked for, waiting for its switch
	var m Marker
	var ok bool
	for _, e := range events {
		ok = false
		switch e := e.(type) {
		case deployment.RouteSwitched:
			dep := ref(e.DeploymentID)
			switch {
			case asked != nil:
				m = *asked
				m.At, m.BuildID = e.At, ref(e.BuildID)
			case e.BuildID == serving:
				m = Marker{Kind: MarkerRestart, At: e.At, DeploymentID: dep, BuildID: ref(e.BuildID)}
			default:
				m = Marker{Kind: MarkerDeploy, At: e.At, DeploymentID: dep, BuildID: ref(e.BuildID)}
			}
			ok = true
			serving, asked = e.BuildID, nil
		case deployment.RestartRequested:
			asked = &Marker{Kind: MarkerRestart, By: ref(e.By), DeploymentID: ref(e.DeploymentID)}
		case deployment.StartRequested:
			asked = &Marker{Kind: MarkerRestart, By: ref(e.By), DeploymentID: ref(e.DeploymentID)}
		case deployment.Stopped:
			asked = nil
		}
	}
	return m, ok
}

// withTrigger completes a deploy marker with its build's queuing: who
// queued it, and whether it is a rollback (of which build).
func withTrigger(m Marker, q build.Queued) Marker {
	if m.Kind != MarkerDeploy {
		return m
	}
	m.By = ref(q.By)
	if q.Trigger == build.TriggerRollback {
		m.Kind, m.RollbackOf = MarkerRollback, q.RollbackOf
	}
	return m
}

// markerRow is m as stored, identified by the event that made it.
func markerRow(eventID, projectID uuid.UUID, m Marker) MarkerRow {
	r := MarkerRow{ProjectID: projectID, DeploymentID: deref(m.DeploymentID), BuildID: deref(m.BuildID), RollbackOf: deref(m.RollbackOf),
		EventID: eventID, Kind: m.Kind, Key: m.Key, AtUS: uint64(m.At.UnixMicro())}
	if m.By != nil {
		r.By = m.By.String()
	}
	return r
}

// marker is r as answered.
func (r MarkerRow) marker() Marker {
	m := Marker{Kind: r.Kind, At: time.UnixMicro(int64(r.AtUS)).UTC(), DeploymentID: ref(r.DeploymentID), BuildID: ref(r.BuildID),
		RollbackOf: ref(r.RollbackOf), Key: r.Key}
	if by, err := uuid.Parse(r.By); err == nil {
		m.By = ref(by)
	}
	return m
}
