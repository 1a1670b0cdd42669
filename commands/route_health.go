package commands

import (
	"context"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
)

// RecordRouteHealth records that router saw the target of a deployment's
// route fail its health checks (healthy false, with why) or answer again.
// A report about a target the route no longer sends to, or a transition
// another router recorded already, records nothing.
func (a *Admin) RecordRouteHealth(ctx context.Context, deploymentID uuid.UUID, target string, healthy bool, reason, router string) error {
	return onStream(ctx, a, "router:"+router, deployment.StreamID(deploymentID), deployment.Evolve,
		func(d deployment.Deployment) ([]domain.Event, error) {
			return deployment.RecordRouteHealth{Target: target, Healthy: healthy, Reason: reason, Router: router,
				At: a.cfg.Clock.Now()}.Decide(d)
		})
}
