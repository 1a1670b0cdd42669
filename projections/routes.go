package projections

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Routes projects the edge router's table: one route per deployment that
// served, active or stopped; a deleted deployment's route is gone.
type Routes struct{}

// Route states.
const (
	RouteActive  = "active"
	RouteStopped = "stopped"
	RouteFailed  = "failed" // restarts used up: 503 until a start or a deploy
)

// Name implements Projection.
func (Routes) Name() string { return "routes" }

// Tables implements Projection.
func (Routes) Tables() []string { return []string{"routes"} }

// Handles implements Projection.
func (Routes) Handles() []string {
	return []string{deployment.TypeRouteSwitched, deployment.TypeStopped, deployment.TypeDeleted, deployment.TypeRouteHealthChanged,
		deployment.TypeCrashLooped}
}

// Apply implements Projection.
func (p Routes) Apply(ctx context.Context, tx eventstore.Tx, events []eventstore.Event) error {
	b := &pgx.Batch{}
	for _, e := range events {
		if err := p.Queue(b, e); err != nil {
			return err
		}
	}
	return sendBatch(ctx, tx, b)
}

// Queue implements Queuer.
func (Routes) Queue(b *pgx.Batch, e eventstore.Event) error {
	switch e.Type {
	case deployment.TypeRouteSwitched:
		v, err := decode[deployment.RouteSwitched](e)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO routes (deployment_id, project_id, team_id, subdomain, server_id, target, state, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (deployment_id) DO UPDATE SET server_id = excluded.server_id,
			target = excluded.target, state = excluded.state, healthy = true, health_reason = '', updated_at = excluded.updated_at`,
			v.DeploymentID, v.ProjectID, v.TeamID, v.Subdomain, v.ServerID, v.Target, RouteActive, v.At)
	case deployment.TypeStopped:
		v, err := decode[deployment.Stopped](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE routes SET state = $2, server_id = NULL, target = '', healthy = true, health_reason = '', updated_at = $3
			WHERE deployment_id = $1`, v.DeploymentID, RouteStopped, v.At)
	case deployment.TypeRouteHealthChanged:
		v, err := decode[deployment.RouteHealthChanged](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE routes SET healthy = $3, health_reason = $4, updated_at = $5 WHERE deployment_id = $1 AND target = $2`,
			v.DeploymentID, v.Target, v.Healthy, v.Reason, v.At)
	case deployment.TypeCrashLooped:
		v, err := decode[deployment.CrashLooped](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE routes SET state = $2, server_id = NULL, target = '', healthy = true, health_reason = $3, updated_at = $4
			WHERE deployment_id = $1`, v.DeploymentID, RouteFailed, v.Reason, v.At)
	case deployment.TypeDeleted:
		v, err := decode[deployment.Deleted](e)
		if err != nil {
			return err
		}
		b.Queue(`DELETE FROM routes WHERE deployment_id = $1`, v.DeploymentID)
	default:
		return fmt.Errorf("routes projection: unexpected %s", e.Type)
	}
	return nil
}
