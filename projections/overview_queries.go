package projections

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/server"
)

// healthColumns follow deploymentColumns: the route's state and health
// and the status of the server serving the deployment.
const healthColumns = `, r.state, r.healthy, r.health_reason, s.status`

const healthFrom = ` FROM deployments d
	JOIN projects p ON p.id = d.project_id AND p.deleted_at IS NULL
	JOIN teams t ON t.id = p.team_id AND t.deleted_at IS NULL
	LEFT JOIN routes r ON r.deployment_id = d.id
	LEFT JOIN servers s ON s.id = d.current_server_id
	WHERE d.deleted_at IS NULL`

// DeploymentsHealth returns the live deployments of live projects with
// their routes' health and their servers' status, by project and slug,
// in one query: a team's (teamID set) or every live team's (nil).
func (q *Queries) DeploymentsHealth(ctx context.Context, teamID *uuid.UUID) ([]deployment.HealthView, error) {
	sql, args := `SELECT `+deploymentColumns+healthColumns+healthFrom+` ORDER BY d.project_id, d.slug`, []any(nil)
	if teamID != nil {
		// Through the projects of the team (indexed by team), not a
		// scan of every deployment.
		sql, args = `SELECT `+deploymentColumns+healthColumns+healthFrom+` AND p.team_id = $1 ORDER BY d.project_id, d.slug`, []any{*teamID}
	}
	return q.deploymentsHealth(ctx, sql, args...)
}

// deploymentsHealth runs a query of deploymentColumns+healthColumns.
func (q *Queries) deploymentsHealth(ctx context.Context, sql string, args ...any) ([]deployment.HealthView, error) {
	rows, err := q.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("list deployments' health: %w", err)
	}
	defer rows.Close()
	// Scanned by hand, IDs as raw bytes: a team's home may read many
	// rows, and uuid.UUID's sql.Scanner parses text (several times
	// slower).
	var (
		out                   = make([]deployment.HealthView, 0, 256)
		typ, status           string
		current               pgtype.UUID
		state, reason, srv    *string
		healthy               *bool
		id, pid, tid, creator [16]byte
	)
	for rows.Next() {
		out = append(out, deployment.HealthView{})
		h := &out[len(out)-1] // scanned in place: no copy of each row
		v := &h.View
		if err := rows.Scan(&id, &pid, &tid, &typ, &v.Branch, &v.Slug, &v.Subdomain, &status, &current, &v.ExpiresAt,
			&creator, &v.CreatedAt, &v.UpdatedAt, &state, &healthy, &reason, &srv); err != nil {
			return nil, fmt.Errorf("read deployments' health: %w", err)
		}
		v.ID, v.ProjectID, v.TeamID, v.CreatedBy = id, pid, tid, creator
		v.Type, v.Status = deployment.Type(typ), deployment.Status(status)
		if current.Valid {
			b := uuid.UUID(current.Bytes)
			v.CurrentBuildID = &b
		}
		h.RouteHealthy = true
		if state != nil {
			h.RouteState, h.RouteHealthy, h.HealthReason = *state, *healthy, *reason
		}
		if srv != nil {
			h.ServerStatus = server.Status(*srv)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read deployments' health: %w", err)
	}
	return out, nil
}
