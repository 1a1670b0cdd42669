package projections

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

// EnvVersionsNow returns the current version of each of a project's own
// env vars that is set, by key.
func (q *Queries) EnvVersionsNow(ctx context.Context, projectID uuid.UUID) (map[string]int, error) {
	rows, err := q.db.Query(ctx, `SELECT key, version FROM env_versions
		WHERE project_id = $1 AND deployment_id = $2 AND ended_at IS NULL`, projectID, projectLayer)
	if err != nil {
		return nil, fmt.Errorf("query env versions: %w", err)
	}
	out := map[string]int{}
	var key string
	var version int
	_, err = pgx.ForEachRow(rows, []any{&key, &version}, func() error {
		out[key] = version
		return nil
	})
	return out, err
}

// StaleServers lists the running servers of a project's deployments (not
// asked to stop) that received an older version of an env var than the
// current one of the same layer (the project's, or their deployment's
// override), by key, deployment and server.
func (q *Queries) StaleServers(ctx context.Context, projectID uuid.UUID) ([]project.StaleServer, error) {
	rows, err := q.db.Query(ctx, `SELECT x.deployment_id, x.server_id, x.key, x.source, x.version, cur.version
		FROM env_exposure x
		JOIN env_exposure_servers s ON s.server_id = x.server_id
		JOIN LATERAL (SELECT max(v.version) AS version FROM env_versions v
			WHERE v.project_id = x.project_id AND v.key = x.key
			AND v.deployment_id = CASE WHEN x.source = $2 THEN $3 ELSE x.deployment_id END) cur ON true
		WHERE x.project_id = $1 AND s.ended_at IS NULL AND s.stop_requested_at IS NULL AND x.version < cur.version
		ORDER BY x.key, x.deployment_id, x.server_id`, projectID, string(domain.EnvFromProject), projectLayer)
	if err != nil {
		return nil, fmt.Errorf("query stale servers: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (project.StaleServer, error) {
		var s project.StaleServer
		var source string
		err := r.Scan(&s.DeploymentID, &s.ServerID, &s.Key, &source, &s.Version, &s.CurrentVersion)
		s.Source = domain.EnvSource(source)
		return s, err
	})
}

// EnvExposure returns every version of a project's env var key (the
// project's own, then each deployment's override), oldest first, with the
// servers that received each, in the order they started.
func (q *Queries) EnvExposure(ctx context.Context, projectID uuid.UUID, key string) ([]project.VersionExposure, error) {
	rows, err := q.db.Query(ctx, `SELECT deployment_id, version, secret, set_by, set_at, ended_at, removed FROM env_versions
		WHERE project_id = $1 AND key = $2 ORDER BY deployment_id <> $3, deployment_id, version`, projectID, key, projectLayer)
	if err != nil {
		return nil, fmt.Errorf("query env versions: %w", err)
	}
	versions, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (project.VersionExposure, error) {
		var v project.VersionExposure
		var layer uuid.UUID
		err := r.Scan(&layer, &v.Version, &v.Secret, &v.SetBy, &v.SetAt, &v.EndedAt, &v.Removed)
		v.Source, v.Current, v.Servers = domain.EnvFromProject, v.EndedAt == nil, []project.ServerExposure{}
		if layer != projectLayer {
			v.Source, v.DeploymentID = domain.EnvFromDeployment, &layer
		}
		return v, err
	})
	if err != nil {
		return nil, err
	}
	type at struct {
		source  domain.EnvSource
		layer   uuid.UUID
		version int
	}
	index := make(map[at]int, len(versions))
	for i, v := range versions {
		layer := projectLayer
		if v.DeploymentID != nil {
			layer = *v.DeploymentID
		}
		index[at{v.Source, layer, v.Version}] = i
	}
	rows, err = q.db.Query(ctx, `SELECT x.source, x.version, s.server_id, s.deployment_id, s.build_id, s.started_at, s.stop_requested_at, s.ended_at
		FROM env_exposure x JOIN env_exposure_servers s ON s.server_id = x.server_id
		WHERE x.project_id = $1 AND x.key = $2 ORDER BY s.started_at, s.server_id`, projectID, key)
	if err != nil {
		return nil, fmt.Errorf("query env exposure: %w", err)
	}
	var source string
	var version int
	var s project.ServerExposure
	var started *time.Time
	_, err = pgx.ForEachRow(rows, []any{&source, &version, &s.ServerID, &s.DeploymentID, &s.BuildID, &started, &s.StopRequestedAt, &s.StoppedAt},
		func() error {
			layer := projectLayer
			if domain.EnvSource(source) == domain.EnvFromDeployment {
				layer = s.DeploymentID
			}
			i, ok := index[at{domain.EnvSource(source), layer, version}]
			if !ok {
				return nil // a version this read model has no record of (set before it existed)
			}
			e := s
			e.StopRequestedAt, e.StoppedAt = copyTime(s.StopRequestedAt), copyTime(s.StoppedAt)
			if started != nil {
				e.StartedAt = *started
			}
			e.Running = e.StoppedAt == nil
			versions[i].Servers = append(versions[i].Servers, e)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read env exposure: %w", err)
	}
	return versions, nil
}

// copyTime returns a copy of t, so that a row's scan does not change it.
func copyTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}
