package projections

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/server"
	"github.com/mastra-admin/mastra-admin/eventstore"
)

// EnvExposure projects every version of each env var and override (its
// number, who set it and when, when it was replaced; never a value) and
// the version of each key every server received when it started, with
// the server's deployment, build, start and stop (stopped, failed, or
// exited on its own or lost). Version numbers count
// the sets of a key in its stream, as deployment.RunEnv does.
type EnvExposure struct{}

// Name implements Projection.
func (EnvExposure) Name() string { return "env_exposure" }

// Tables implements Projection.
func (EnvExposure) Tables() []string {
	return []string{"env_versions", "env_exposure_servers", "env_exposure"}
}

// Handles implements Projection.
func (EnvExposure) Handles() []string {
	return []string{project.TypeEnvVarSet, project.TypeEnvVarRemoved, deployment.TypeEnvOverrideSet, deployment.TypeEnvOverrideRemoved,
		server.TypeScheduled, server.TypeStarted, server.TypeStopRequested, server.TypeStopped, server.TypeFailed, server.TypeExited}
}

// Apply implements Projection.
func (p EnvExposure) Apply(ctx context.Context, tx eventstore.Tx, events []eventstore.Event) error {
	b := &pgx.Batch{}
	for _, e := range events {
		if err := p.Queue(b, e); err != nil {
			return err
		}
	}
	return sendBatch(ctx, tx, b)
}

// projectLayer is the deployment_id of a project's own env vars.
var projectLayer = uuid.Nil

const (
	endVersion = `UPDATE env_versions SET ended_at = $4, removed = $5
		WHERE project_id = $1 AND deployment_id = $2 AND key = $3 AND ended_at IS NULL`
	newVersion = `INSERT INTO env_versions (project_id, deployment_id, key, version, secret, set_by, set_at)
		SELECT $1, $2, $3, COALESCE(max(version), 0) + 1, $4, $5, $6 FROM env_versions
		WHERE project_id = $1 AND deployment_id = $2 AND key = $3`
)

// Queue implements Queuer.
func (EnvExposure) Queue(b *pgx.Batch, e eventstore.Event) error {
	switch e.Type {
	case project.TypeEnvVarSet:
		v, err := decode[project.EnvVarSet](e)
		if err != nil {
			return err
		}
		b.Queue(endVersion, v.ProjectID, projectLayer, v.Key, v.At, false)
		b.Queue(newVersion, v.ProjectID, projectLayer, v.Key, v.Secret, v.By, v.At)
	case project.TypeEnvVarRemoved:
		v, err := decode[project.EnvVarRemoved](e)
		if err != nil {
			return err
		}
		b.Queue(endVersion, v.ProjectID, projectLayer, v.Key, v.At, true)
	case deployment.TypeEnvOverrideSet:
		v, err := decode[deployment.EnvOverrideSet](e)
		if err != nil {
			return err
		}
		b.Queue(endVersion, v.ProjectID, v.DeploymentID, v.Key, v.At, false)
		b.Queue(newVersion, v.ProjectID, v.DeploymentID, v.Key, v.Secret, v.By, v.At)
	case deployment.TypeEnvOverrideRemoved:
		v, err := decode[deployment.EnvOverrideRemoved](e)
		if err != nil {
			return err
		}
		b.Queue(endVersion, v.ProjectID, v.DeploymentID, v.Key, v.At, true)
	case server.TypeScheduled:
		v, err := decode[server.Scheduled](e)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO env_exposure_servers (server_id, project_id, deployment_id, build_id) VALUES ($1, $2, $3, $4)`,
			v.ServerID, v.ProjectID, v.DeploymentID, v.BuildID)
	case server.TypeStarted:
		v, err := decode[server.Started](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE env_exposure_servers SET started_at = $2 WHERE server_id = $1`, v.ServerID, v.At)
		keys := make([]string, 0, len(v.EnvVersions))
		for k := range v.EnvVersions {
			keys = append(keys, k)
		}
		slices.Sort(keys) // the same rows in the same order on every replay
		for _, k := range keys {
			ver := v.EnvVersions[k]
			b.Queue(`INSERT INTO env_exposure (server_id, key, project_id, deployment_id, source, version)
				SELECT server_id, $2, project_id, deployment_id, $3, $4 FROM env_exposure_servers WHERE server_id = $1`,
				v.ServerID, k, string(ver.Source), ver.Version)
		}
	case server.TypeStopRequested:
		v, err := decode[server.StopRequested](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE env_exposure_servers SET stop_requested_at = $2 WHERE server_id = $1 AND stop_requested_at IS NULL`, v.ServerID, v.At)
	case server.TypeStopped:
		v, err := decode[server.Stopped](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE env_exposure_servers SET ended_at = $2 WHERE server_id = $1 AND ended_at IS NULL`, v.ServerID, v.At)
	case server.TypeFailed:
		v, err := decode[server.Failed](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE env_exposure_servers SET ended_at = $2 WHERE server_id = $1 AND ended_at IS NULL`, v.ServerID, v.At)
	case server.TypeExited: // ended on its own, or lost
		v, err := decode[server.Exited](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE env_exposure_servers SET ended_at = $2 WHERE server_id = $1 AND ended_at IS NULL`, v.ServerID, v.At)
	default:
		return fmt.Errorf("env_exposure projection: unexpected %s", e.Type)
	}
	return nil
}
