package projections

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

// deploymentColumns are read from deployments d joined with its live
// project p.
const deploymentColumns = `d.id, d.project_id, d.team_id, d.type, d.branch, d.slug, d.subdomain, d.status,
	d.current_build_id, d.expires_at, d.created_by, d.created_at, d.updated_at`

func scanDeployment(row pgx.Row, extra ...any) (deployment.View, error) {
	var r deployment.View
	var typ, status string
	dest := append([]any{&r.ID, &r.ProjectID, &r.TeamID, &typ, &r.Branch, &r.Slug, &r.Subdomain, &status,
		&r.CurrentBuildID, &r.ExpiresAt, &r.CreatedBy, &r.CreatedAt, &r.UpdatedAt}, extra...)
	err := row.Scan(dest...)
	r.Type, r.Status = deployment.Type(typ), deployment.Status(status)
	return r, err
}

// DeploymentForMember returns a live deployment of a live project with the
// role userID holds in its team ("" when none), in one query.
func (q *Queries) DeploymentForMember(ctx context.Context, id, userID uuid.UUID) (deployment.View, domain.Role, bool, error) {
	var role *string
	r, err := scanDeployment(q.db.QueryRow(ctx, `SELECT `+deploymentColumns+`, m.role
		FROM deployments d JOIN projects p ON p.id = d.project_id AND p.deleted_at IS NULL
		JOIN teams t ON t.id = d.team_id AND t.deleted_at IS NULL
		LEFT JOIN team_members m ON m.team_id = d.team_id AND m.user_id = $2
		WHERE d.id = $1 AND d.deleted_at IS NULL`, id, userID), &role)
	var rl domain.Role
	if role != nil {
		rl = domain.Role(*role)
	}
	return r, rl, found(err), ignoreNoRows(err)
}

// DeploymentsOf returns a live project's live deployments by slug.
func (q *Queries) DeploymentsOf(ctx context.Context, projectID uuid.UUID) ([]deployment.View, error) {
	rows, err := q.db.Query(ctx, `SELECT `+deploymentColumns+`
		FROM deployments d JOIN projects p ON p.id = d.project_id AND p.deleted_at IS NULL
		WHERE d.project_id = $1 AND d.deleted_at IS NULL ORDER BY d.slug`, projectID)
	if err != nil {
		return nil, fmt.Errorf("list deployments of %s: %w", projectID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (deployment.View, error) { return scanDeployment(r) })
}

// DeploymentEnv returns a deployment's env overrides, sealed, by name.
func (q *Queries) DeploymentEnv(ctx context.Context, deploymentID uuid.UUID) ([]project.SealedEnv, error) {
	return q.sealedEnv(ctx, `SELECT key, secret, nonce, ciphertext, updated_by, updated_at FROM deployment_env
		WHERE deployment_id = $1 ORDER BY key`, deploymentID)
}

// ExpiredDeployments returns up to limit live deployments of live projects
// whose expiry is at or before now, soonest first. (A deleted project's
// deployments are gone with it: they are not swept.)
func (q *Queries) ExpiredDeployments(ctx context.Context, now time.Time, limit int) ([]uuid.UUID, error) {
	rows, err := q.db.Query(ctx, `SELECT d.id FROM deployments d
		JOIN projects p ON p.id = d.project_id AND p.deleted_at IS NULL
		JOIN teams t ON t.id = d.team_id AND t.deleted_at IS NULL
		WHERE d.deleted_at IS NULL AND d.expires_at <= $1 ORDER BY d.expires_at LIMIT $2`, now, limit)
	if err != nil {
		return nil, fmt.Errorf("list expired deployments: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// OrphanedProjects returns up to limit live projects whose team is
// deleted.
func (q *Queries) OrphanedProjects(ctx context.Context, limit int) ([]uuid.UUID, error) {
	rows, err := q.db.Query(ctx, `SELECT p.id FROM projects p LEFT JOIN teams t ON t.id = p.team_id
		WHERE p.deleted_at IS NULL AND (t.id IS NULL OR t.deleted_at IS NOT NULL) ORDER BY p.id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list orphaned projects: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// OrphanedDeployments returns up to limit live deployments whose project
// or team is deleted.
func (q *Queries) OrphanedDeployments(ctx context.Context, limit int) ([]uuid.UUID, error) {
	rows, err := q.db.Query(ctx, `SELECT d.id FROM deployments d
		LEFT JOIN projects p ON p.id = d.project_id LEFT JOIN teams t ON t.id = d.team_id
		WHERE d.deleted_at IS NULL AND (p.id IS NULL OR p.deleted_at IS NOT NULL OR t.id IS NULL OR t.deleted_at IS NOT NULL)
		ORDER BY d.id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list orphaned deployments: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}
