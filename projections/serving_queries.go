package projections

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/server"
	"github.com/mastra-admin/mastra-admin/eventstore"
)

// ServersOf lists a deployment's servers: the one serving first, then the others newest first.
func (q *Queries) ServersOf(ctx context.Context, deploymentID uuid.UUID, limit int) ([]server.View, error) {
	rows, err := q.db.Query(ctx, `SELECT id, deployment_id, build_id, artifact_id, status, purpose, port, pid, runner, error, restarts,
		scheduled_at, started_at, ended_at, healthy_at IS NOT NULL, u.rss_bytes, u.cpu_percent, u.sampled_at
		FROM servers LEFT JOIN server_usage u ON u.server_id = servers.id WHERE deployment_id = $1
		ORDER BY id IS NOT DISTINCT FROM (SELECT current_server_id FROM deployments WHERE id = $1) DESC, scheduled_at DESC, id
		LIMIT $2`, deploymentID, limit)
	if err != nil {
		return nil, fmt.Errorf("query servers: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (server.View, error) {
		var v server.View
		var status, purpose string
		var wasHealthy bool
		err := row.Scan(&v.ID, &v.DeploymentID, &v.BuildID, &v.ArtifactID, &status, &purpose, &v.Port, &v.PID, &v.Runner, &v.Error, &v.Restarts,
			&v.ScheduledAt, &v.StartedAt, &v.EndedAt, &wasHealthy, &v.RSSBytes, &v.CPUPercent, &v.SampledAt)
		v.Status, v.Purpose = server.Status(status), server.Purpose(purpose)
		switch {
		case v.Status == server.StatusHealthy || (v.Status == server.StatusStopping && wasHealthy):
			v.Health = "healthy"
		case v.Status == server.StatusFailed || v.Status == server.StatusExited:
			v.Health = "unhealthy"
		default:
			v.Health = "unknown"
		}
		return v, err
	})
}

// RoutesOf lists a project's routes by subdomain.
func (q *Queries) RoutesOf(ctx context.Context, projectID uuid.UUID) ([]deployment.RouteView, error) {
	return q.routes(ctx, `WHERE project_id = $1`, projectID)
}

// AllRoutes lists every route: the edge router's table.
func (q *Queries) AllRoutes(ctx context.Context) ([]deployment.RouteView, error) {
	return q.routes(ctx, ``)
}

// LoadRoutes lists every route through q (a snapshot's transaction).
func LoadRoutes(ctx context.Context, q eventstore.DBTX) ([]deployment.RouteView, error) {
	return routesVia(ctx, q, ``)
}

func (q *Queries) routes(ctx context.Context, where string, args ...any) ([]deployment.RouteView, error) {
	return routesVia(ctx, q.db, where, args...)
}

func routesVia(ctx context.Context, db eventstore.DBTX, where string, args ...any) ([]deployment.RouteView, error) {
	rows, err := db.Query(ctx, `SELECT deployment_id, subdomain, state, server_id, target, healthy, health_reason, updated_at FROM routes `+where+
		` ORDER BY subdomain`, args...)
	if err != nil {
		return nil, fmt.Errorf("query routes: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (deployment.RouteView, error) {
		var v deployment.RouteView
		err := row.Scan(&v.DeploymentID, &v.Subdomain, &v.Status, &v.ServerID, &v.Target, &v.Healthy, &v.HealthReason, &v.UpdatedAt)
		return v, err
	})
}

// ServersToRecover lists the servers that have not ended and either ran
// on runner or were never started (a runner's recovery at start).
func (q *Queries) ServersToRecover(ctx context.Context, runner string) ([]uuid.UUID, error) {
	rows, err := q.db.Query(ctx, `SELECT id FROM servers WHERE status NOT IN ('failed', 'stopped', 'exited')
		AND (runner = $1 OR status = 'scheduled') ORDER BY scheduled_at`, runner)
	if err != nil {
		return nil, fmt.Errorf("query servers to recover: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// ServerPlace returns a server's project, deployment and build and
// whether it has ended; false when no server has the ID.
func (q *Queries) ServerPlace(ctx context.Context, serverID uuid.UUID) (server.Place, bool, error) {
	p := server.Place{ServerID: serverID}
	var status string
	err := q.db.QueryRow(ctx, `SELECT project_id, deployment_id, build_id, status FROM servers WHERE id = $1`, serverID).
		Scan(&p.ProjectID, &p.DeploymentID, &p.BuildID, &status)
	if errors.Is(err, pgx.ErrNoRows) {
		return server.Place{}, false, nil
	}
	if err != nil {
		return server.Place{}, false, fmt.Errorf("query server %s: %w", serverID, err)
	}
	p.Ended = server.Status(status).Ended()
	return p, true, nil
}
