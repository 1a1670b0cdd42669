package projections

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Projects projects the teams' projects.
type Projects struct{}

// Name implements Projection.
func (Projects) Name() string { return "projects" }

// Tables implements Projection.
func (Projects) Tables() []string { return []string{"projects", "project_env"} }

// Handles implements Projection.
func (Projects) Handles() []string {
	return []string{project.TypeCreated, project.TypeRenamed, project.TypeDefaultBranchChanged, project.TypeDeleted,
		project.TypeEnvVarSet, project.TypeEnvVarRemoved, project.TypeEnvNamesAllowed}
}

// Apply implements Projection.
func (pr Projects) Apply(ctx context.Context, tx eventstore.Tx, events []eventstore.Event) error {
	b := &pgx.Batch{}
	for _, e := range events {
		if err := pr.Queue(b, e); err != nil {
			return err
		}
	}
	return sendBatch(ctx, tx, b)
}

// Queue implements Queuer.
func (Projects) Queue(b *pgx.Batch, e eventstore.Event) error {
	switch e.Type {
	case project.TypeCreated:
		v, err := decode[project.Created](e)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO projects (id, team_id, name, slug, subdomain_base, source_type, source_config, default_branch,
			created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`, v.ProjectID, v.TeamID,
			v.Name, v.Slug, v.Base(), v.SourceType, []byte(v.SourceConfig), v.DefaultBranch, v.By, v.At)
	case project.TypeRenamed:
		v, err := decode[project.Renamed](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE projects SET name = $2, updated_at = $3 WHERE id = $1`, v.ProjectID, v.Name, v.At)
	case project.TypeDefaultBranchChanged:
		v, err := decode[project.DefaultBranchChanged](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE projects SET default_branch = $2, updated_at = $3 WHERE id = $1`, v.ProjectID, v.DefaultBranch, v.At)
	case project.TypeDeleted:
		v, err := decode[project.Deleted](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE projects SET deleted_at = $2, updated_at = $2 WHERE id = $1`, v.ProjectID, v.At)
		b.Queue(`DELETE FROM project_env WHERE project_id = $1`, v.ProjectID)
	case project.TypeEnvVarSet:
		v, err := decode[project.EnvVarSet](e)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO project_env (project_id, key, secret, nonce, ciphertext, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (project_id, key) DO UPDATE SET secret = excluded.secret,
			nonce = excluded.nonce, ciphertext = excluded.ciphertext, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			v.ProjectID, v.Key, v.Secret, v.Nonce, v.Ciphertext, v.By, v.At)
	case project.TypeEnvVarRemoved:
		v, err := decode[project.EnvVarRemoved](e)
		if err != nil {
			return err
		}
		b.Queue(`DELETE FROM project_env WHERE project_id = $1 AND key = $2`, v.ProjectID, v.Key)
	case project.TypeEnvNamesAllowed:
		v, err := decode[project.EnvNamesAllowed](e)
		if err != nil {
			return err
		}
		names := v.Names
		if names == nil {
			names = []string{}
		}
		b.Queue(`UPDATE projects SET allowed_env_names = $2, updated_at = $3 WHERE id = $1`, v.ProjectID, names, v.At)
	default:
		return fmt.Errorf("projects projection: unexpected %s", e.Type)
	}
	return nil
}
