package projections

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
)

const buildColumns = `b.id, b.deployment_id, b.project_id, b.team_id, b.status, b.trigger, b.rollback_of, b.branch, b.error, b.worker,
	b.queued_by, b.queued_at, b.started_at, b.ready_at, b.finished_at`

func scanBuild(row pgx.Row, extra ...any) (build.View, error) {
	var v build.View
	var status, trigger string
	err := row.Scan(append([]any{&v.ID, &v.DeploymentID, &v.ProjectID, &v.TeamID, &status, &trigger, &v.RollbackOf, &v.Branch, &v.Error, &v.Worker,
		&v.QueuedBy, &v.QueuedAt, &v.StartedAt, &v.ReadyAt, &v.FinishedAt}, extra...)...)
	v.Status, v.Trigger = build.Status(status), build.Trigger(trigger)
	return v, err
}

func collectBuilds(rows pgx.Rows, err error) ([]build.View, error) {
	if err != nil {
		return nil, fmt.Errorf("list builds: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (build.View, error) { return scanBuild(r) })
}

// BuildForMember returns a build of a live deployment of a live project
// with the role userID holds in its team ("" when none).
func (q *Queries) BuildForMember(ctx context.Context, id, userID uuid.UUID) (build.View, domain.Role, bool, error) {
	var role *string
	v, err := scanBuild(q.db.QueryRow(ctx, `SELECT `+buildColumns+`, m.role FROM builds b
		JOIN deployments d ON d.id = b.deployment_id AND d.deleted_at IS NULL
		JOIN projects p ON p.id = b.project_id AND p.deleted_at IS NULL
		JOIN teams t ON t.id = b.team_id AND t.deleted_at IS NULL
		LEFT JOIN team_members m ON m.team_id = b.team_id AND m.user_id = $2
		WHERE b.id = $1`, id, userID), &role)
	var rl domain.Role
	if role != nil {
		rl = domain.Role(*role)
	}
	return v, rl, found(err), ignoreNoRows(err)
}

// BuildsOf returns a deployment's builds, newest first.
func (q *Queries) BuildsOf(ctx context.Context, deploymentID uuid.UUID, limit int) ([]build.View, error) {
	return collectBuilds(q.db.Query(ctx, `SELECT `+buildColumns+` FROM builds b
		WHERE b.deployment_id = $1 ORDER BY b.queued_at DESC, b.id DESC LIMIT $2`, deploymentID, limit))
}

// QueuedBuilds returns the oldest queued builds, up to limit.
func (q *Queries) QueuedBuilds(ctx context.Context, limit int) ([]build.View, error) {
	return collectBuilds(q.db.Query(ctx, `SELECT `+buildColumns+` FROM builds b
		WHERE b.status = 'queued' ORDER BY b.queued_at, b.id LIMIT $1`, limit))
}

// BuildsRunningOn returns the builds a worker is running.
func (q *Queries) BuildsRunningOn(ctx context.Context, worker string) ([]build.View, error) {
	return collectBuilds(q.db.Query(ctx, `SELECT `+buildColumns+` FROM builds b
		WHERE b.status = 'building' AND b.worker = $1 ORDER BY b.started_at`, worker))
}

// BuildStatus returns a build's status ("" when there is no such build).
func (q *Queries) BuildStatus(ctx context.Context, id uuid.UUID) (build.Status, error) {
	var s string
	err := q.db.QueryRow(ctx, `SELECT status FROM builds WHERE id = $1`, id).Scan(&s)
	return build.Status(s), ignoreNoRows(err)
}

// BuildQueue is how many builds wait and run, and the oldest waiting one's
// queue time (zero when none waits).
type BuildQueue struct {
	Queued, Building int
	OldestQueued     time.Time
}

// BuildQueueState reads the build queue's state.
func (q *Queries) BuildQueueState(ctx context.Context) (BuildQueue, error) {
	var s BuildQueue
	var oldest *time.Time
	err := q.db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE status = 'building'),
		min(queued_at) FILTER (WHERE status = 'queued') FROM builds WHERE status IN ('queued', 'building')`).
		Scan(&s.Queued, &s.Building, &oldest)
	if oldest != nil {
		s.OldestQueued = *oldest
	}
	if err != nil {
		return s, fmt.Errorf("read the build queue: %w", err)
	}
	return s, nil
}
