package deployment

import (
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// TypeRouteHealthChanged names RouteHealthChanged. Never change it.
const TypeRouteHealthChanged = "deployment.RouteHealthChanged"

// RouteHealthChanged is recorded when an edge router sees the server of an
// active route stop answering its health checks (the route answers 502)
// or answer again. Only transitions are recorded, not probes.
type RouteHealthChanged struct {
	DeploymentID uuid.UUID `json:"deploymentId"`
	ProjectID    uuid.UUID `json:"projectId"`
	TeamID       uuid.UUID `json:"teamId"`
	Subdomain    string    `json:"subdomain"`
	ServerID     uuid.UUID `json:"serverId"`
	Target       string    `json:"target"`
	Healthy      bool      `json:"healthy"`
	Reason       string    `json:"reason,omitempty"`
	Router       string    `json:"router"`
	At           time.Time `json:"at"`
}

// EventType implements domain.Event.
func (RouteHealthChanged) EventType() string { return TypeRouteHealthChanged }

// RecordRouteHealth is the command to record what a router saw of the
// route's target.
type RecordRouteHealth struct {
	Target  string
	Healthy bool
	Reason  string
	Router  string
	At      time.Time
}

// Decide returns the change, or nothing when the route no longer sends to
// Target (it was switched or stopped meanwhile) or its health is already
// what the router saw (another router recorded it first).
func (cmd RecordRouteHealth) Decide(d Deployment) ([]domain.Event, error) {
	s := d.Serving
	if !d.Live() || s.ServerID == uuid.Nil || s.Target != cmd.Target || s.Unhealthy == !cmd.Healthy {
		return nil, nil
	}
	reason := cmd.Reason
	if cmd.Healthy {
		reason = ""
	}
	return []domain.Event{RouteHealthChanged{DeploymentID: d.ID, ProjectID: d.ProjectID, TeamID: d.TeamID, Subdomain: d.Subdomain,
		ServerID: s.ServerID, Target: cmd.Target, Healthy: cmd.Healthy, Reason: reason, Router: cmd.Router, At: cmd.At}}, nil
}
