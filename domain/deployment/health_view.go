package deployment

import (
	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain/server"
)

// HealthView is a deployment as an overview of many shows it: the
// deployment, its route's state and health as the edge routers see it,
// and the status of the server serving it.
type HealthView struct {
	View
	RouteState   string        `json:"routeState,omitempty"` // active or stopped; "" when it never served
	RouteHealthy bool          `json:"routeHealthy"`
	HealthReason string        `json:"healthReason,omitempty"`
	ServerStatus server.Status `json:"serverStatus,omitempty"` // "" when no server serves it
}

// The health an overview shows of a deployment.
const (
	HealthHealthy   = "healthy"   // served by a healthy server through a healthy route
	HealthUnhealthy = "unhealthy" // its route fails health checks, its server failed, or nothing serves it after a failure
	HealthStopped   = "stopped"   // stopped on purpose
	HealthPending   = "pending"   // never served yet (not deployed, or its first build is on its way)
	HealthStarting  = "starting"  // a server serves it but is not (yet) seen healthy
)

// Health sums up h in one word (the Health* constants).
func (h HealthView) Health() string {
	switch {
	case h.Status == StatusStopped:
		return HealthStopped
	case h.Status == StatusFailed:
		return HealthUnhealthy
	case h.Status != StatusRunning:
		return HealthPending
	case h.RouteState == "active" && !h.RouteHealthy,
		h.ServerStatus == server.StatusFailed, h.ServerStatus == server.StatusExited:
		return HealthUnhealthy
	case h.ServerStatus == server.StatusHealthy && h.RouteState == "active":
		return HealthHealthy
	}
	return HealthStarting
}

// HealthGroup counts a team's deployments that share the facts their
// health is decided from (Health decides it on the group's HealthView).
type HealthGroup struct {
	TeamID uuid.UUID
	HealthView
	Count int
}
