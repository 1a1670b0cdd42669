package projections

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Builds projects the builds of deployments.
type Builds struct{}

// Name implements Projection.
func (Builds) Name() string { return "builds" }

// Tables implements Projection.
func (Builds) Tables() []string { return []string{"builds"} }

// Handles implements Projection.
func (Builds) Handles() []string {
	return []string{build.TypeQueued, build.TypeStarted, build.TypeReady, build.TypeSucceeded, build.TypeFailed, build.TypeCancelled}
}

// Apply implements Projection.
func (p Builds) Apply(ctx context.Context, tx eventstore.Tx, events []eventstore.Event) error {
	b := &pgx.Batch{}
	for _, e := range events {
		if err := p.Queue(b, e); err != nil {
			return err
		}
	}
	return sendBatch(ctx, tx, b)
}

// Queue implements Queuer.
func (Builds) Queue(b *pgx.Batch, e eventstore.Event) error {
	const end = `UPDATE builds SET status = $2, error = $3, artifact = $4, finished_at = $5 WHERE id = $1`
	switch e.Type {
	case build.TypeQueued:
		v, err := decode[build.Queued](e)
		if err != nil {
			return err
		}
		cfg := v.SourceConfig
		if len(cfg) == 0 {
			cfg = []byte("null")
		}
		trigger := v.Trigger
		if trigger == "" { // queued before builds recorded their trigger
			trigger = build.TriggerDeploy
		}
		b.Queue(`INSERT INTO builds (id, deployment_id, project_id, team_id, status, trigger, rollback_of, branch, source_type, source_config, queued_by, queued_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, v.BuildID, v.DeploymentID, v.ProjectID, v.TeamID,
			string(build.StatusQueued), string(trigger), v.RollbackOf, v.Branch, v.SourceType, string(cfg), v.By, v.At)
	case build.TypeStarted:
		v, err := decode[build.Started](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE builds SET status = $2, worker = $3, started_at = $4 WHERE id = $1`,
			v.BuildID, string(build.StatusBuilding), v.Worker, v.At)
	case build.TypeReady:
		v, err := decode[build.ArtifactReady](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE builds SET status = $2, artifact = $3, ready_at = $4 WHERE id = $1`, v.BuildID, string(build.StatusDeploying), v.ArtifactID.String(), v.At)
	case build.TypeSucceeded:
		v, err := decode[build.Succeeded](e)
		if err != nil {
			return err
		}
		b.Queue(end, v.BuildID, string(build.StatusSucceeded), "", v.Artifact, v.At)
	case build.TypeFailed:
		v, err := decode[build.Failed](e)
		if err != nil {
			return err
		}
		b.Queue(end, v.BuildID, string(build.StatusFailed), v.Reason, "", v.At)
	case build.TypeCancelled:
		v, err := decode[build.Cancelled](e)
		if err != nil {
			return err
		}
		b.Queue(end, v.BuildID, string(build.StatusCancelled), v.Reason, "", v.At)
	default:
		return fmt.Errorf("builds projection: unexpected %s", e.Type)
	}
	return nil
}
