package projections

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/domain/server"
	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Servers projects each run of a deployment's artifact.
type Servers struct{}

// Name implements Projection.
func (Servers) Name() string { return "servers" }

// Tables implements Projection.
func (Servers) Tables() []string { return []string{"servers"} }

// Handles implements Projection.
func (Servers) Handles() []string {
	return []string{server.TypeScheduled, server.TypeStarted, server.TypeHealthy, server.TypeFailed,
		server.TypeStopRequested, server.TypeStopped, server.TypeExited}
}

// Apply implements Projection.
func (p Servers) Apply(ctx context.Context, tx eventstore.Tx, events []eventstore.Event) error {
	b := &pgx.Batch{}
	for _, e := range events {
		if err := p.Queue(b, e); err != nil {
			return err
		}
	}
	return sendBatch(ctx, tx, b)
}

// Queue implements Queuer.
func (Servers) Queue(b *pgx.Batch, e eventstore.Event) error {
	switch e.Type {
	case server.TypeScheduled:
		v, err := decode[server.Scheduled](e)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO servers (id, deployment_id, project_id, team_id, build_id, artifact_id, port, purpose, status, restarts, scheduled_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, v.ServerID, v.DeploymentID, v.ProjectID, v.TeamID, v.BuildID,
			v.ArtifactID, v.Port, string(v.Purpose), string(server.StatusScheduled), v.Restarts, v.At)
	case server.TypeStarted:
		v, err := decode[server.Started](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE servers SET status = $2, runner = $3, pid = $4, start_time = $5, started_at = $6 WHERE id = $1`,
			v.ServerID, string(server.StatusStarted), v.Runner, v.PID, int64(v.StartTime), v.At)
	case server.TypeHealthy:
		v, err := decode[server.Healthy](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE servers SET status = $2, healthy_at = $3 WHERE id = $1`, v.ServerID, string(server.StatusHealthy), v.At)
	case server.TypeFailed:
		v, err := decode[server.Failed](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE servers SET status = $2, step = $3, error = $4, ended_at = $5 WHERE id = $1`,
			v.ServerID, string(server.StatusFailed), v.Step, v.Reason, v.At)
	case server.TypeStopRequested:
		v, err := decode[server.StopRequested](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE servers SET status = $2 WHERE id = $1`, v.ServerID, string(server.StatusStopping))
	case server.TypeStopped:
		v, err := decode[server.Stopped](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE servers SET status = $2, error = CASE WHEN error = '' THEN $3 ELSE error END, ended_at = $4 WHERE id = $1`,
			v.ServerID, string(server.StatusStopped), v.Reason, v.At)
	case server.TypeExited:
		v, err := decode[server.Exited](e)
		if err != nil {
			return err
		}
		reason := "exited: " + v.ExitStatus
		if v.Lost {
			reason = "lost: " + v.ExitStatus
		}
		b.Queue(`UPDATE servers SET status = $2, step = 'run', error = $3, ended_at = $4 WHERE id = $1`,
			v.ServerID, string(server.StatusExited), reason, v.At)
	default:
		return fmt.Errorf("servers projection: unexpected %s", e.Type)
	}
	return nil
}
