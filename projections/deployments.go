package projections

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Deployments projects the projects' deployments and their env overrides.
type Deployments struct{}

// Name implements Projection.
func (Deployments) Name() string { return "deployments" }

// Tables implements Projection.
func (Deployments) Tables() []string { return []string{"deployments", "deployment_env"} }

// Handles implements Projection.
func (Deployments) Handles() []string {
	return append([]string{deployment.TypeCreated, deployment.TypeDeleted, deployment.TypeEnvOverrideSet,
		deployment.TypeEnvOverrideRemoved}, servingEvents...)
}

// Apply implements Projection.
func (d Deployments) Apply(ctx context.Context, tx eventstore.Tx, events []eventstore.Event) error {
	b := &pgx.Batch{}
	for _, e := range events {
		if err := d.Queue(b, e); err != nil {
			return err
		}
	}
	return sendBatch(ctx, tx, b)
}

// Queue implements Queuer.
func (Deployments) Queue(b *pgx.Batch, e eventstore.Event) error {
	switch e.Type {
	case deployment.TypeCreated:
		v, err := decode[deployment.Created](e)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO deployments (id, project_id, team_id, type, branch, slug, subdomain, expires_at, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`, v.DeploymentID, v.ProjectID, v.TeamID, string(v.Type), v.Branch,
			v.Slug, v.Subdomain, v.ExpiresAt, v.By, v.At)
	case deployment.TypeDeleted:
		v, err := decode[deployment.Deleted](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE deployments SET deleted_at = $2, updated_at = $2 WHERE id = $1`, v.DeploymentID, v.At)
		b.Queue(`DELETE FROM deployment_env WHERE deployment_id = $1`, v.DeploymentID)
	case deployment.TypeEnvOverrideSet:
		v, err := decode[deployment.EnvOverrideSet](e)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO deployment_env (deployment_id, key, secret, nonce, ciphertext, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (deployment_id, key) DO UPDATE SET secret = excluded.secret,
			nonce = excluded.nonce, ciphertext = excluded.ciphertext, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			v.DeploymentID, v.Key, v.Secret, v.Nonce, v.Ciphertext, v.By, v.At)
	case deployment.TypeEnvOverrideRemoved:
		v, err := decode[deployment.EnvOverrideRemoved](e)
		if err != nil {
			return err
		}
		b.Queue(`DELETE FROM deployment_env WHERE deployment_id = $1 AND key = $2`, v.DeploymentID, v.Key)
	default:
		if ok, err := queueServing(b, e); ok {
			return err
		}
		return fmt.Errorf("deployments projection: unexpected %s", e.Type)
	}
	return nil
}
