package projections

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/server"
)

// HealthGroups counts the live deployments of live teams by team and by
// the facts of their health, in one query however many there are.
func (q *Queries) HealthGroups(ctx context.Context) ([]deployment.HealthGroup, error) {
	rows, err := q.db.Query(ctx, `SELECT p.team_id, d.status, coalesce(r.state, ''), coalesce(r.healthy, true), coalesce(s.status, ''), count(*)`+
		healthFrom+` GROUP BY 1, 2, 3, 4, 5`)
	if err != nil {
		return nil, fmt.Errorf("count deployments' health: %w", err)
	}
	defer rows.Close()
	var out []deployment.HealthGroup
	for rows.Next() {
		var g deployment.HealthGroup
		var status, srv string
		if err := rows.Scan(&g.TeamID, &status, &g.RouteState, &g.RouteHealthy, &srv, &g.Count); err != nil {
			return nil, fmt.Errorf("read deployments' health counts: %w", err)
		}
		g.Status, g.ServerStatus = deployment.Status(status), server.Status(srv)
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read deployments' health counts: %w", err)
	}
	return out, nil
}

// ProjectCounts returns how many live projects each live team has.
func (q *Queries) ProjectCounts(ctx context.Context) (map[uuid.UUID]int, error) {
	rows, err := q.db.Query(ctx, `SELECT p.team_id, count(*) FROM projects p
		JOIN teams t ON t.id = p.team_id AND t.deleted_at IS NULL
		WHERE p.deleted_at IS NULL GROUP BY p.team_id`)
	if err != nil {
		return nil, fmt.Errorf("count projects: %w", err)
	}
	defer rows.Close()
	out := map[uuid.UUID]int{}
	for rows.Next() {
		var id uuid.UUID
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("read project counts: %w", err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read project counts: %w", err)
	}
	return out, nil
}

// MaybeUnhealthy returns up to limit live deployments whose facts can
// make them unhealthy (failed; or running with a failing active route or
// a failed or exited server), with their health facts, newest change
// first. The caller keeps those deployment.HealthView.Health calls
// unhealthy.
func (q *Queries) MaybeUnhealthy(ctx context.Context, limit int) ([]deployment.HealthView, error) {
	return q.deploymentsHealth(ctx, `SELECT `+deploymentColumns+healthColumns+healthFrom+`
		AND (d.status = 'failed' OR (d.status = 'running' AND ((r.state = 'active' AND NOT r.healthy) OR s.status IN ('failed', 'exited'))))
		ORDER BY d.updated_at DESC LIMIT $1`, limit)
}
