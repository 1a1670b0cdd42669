package commands

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

// ExposureReads answers which servers received which versions of env
// vars (the env_exposure read model).
type ExposureReads interface {
	// EnvVersionsNow returns the current version of each of a project's own env vars, by key.
	EnvVersionsNow(ctx context.Context, projectID uuid.UUID) (map[string]int, error)
	// StaleServers lists the running servers that received an older version of an env var than the current one.
	StaleServers(ctx context.Context, projectID uuid.UUID) ([]project.StaleServer, error)
	// EnvExposure returns every version of a project's env var key with the servers that received each.
	EnvExposure(ctx context.Context, projectID uuid.UUID, key string) ([]project.VersionExposure, error)
}

// withExposure adds to a project's env list each var's version and the
// running servers that received an older version of it (restart needed).
func (a *Admin) withExposure(ctx context.Context, projectID uuid.UUID, env []project.EnvView) error {
	if a.cfg.Exposure == nil {
		return nil
	}
	versions, err := a.cfg.Exposure.EnvVersionsNow(ctx, projectID)
	if err != nil {
		return fmt.Errorf("read env versions: %w", err)
	}
	stale, err := a.cfg.Exposure.StaleServers(ctx, projectID)
	if err != nil {
		return fmt.Errorf("read stale servers: %w", err)
	}
	byKey := map[string][]project.StaleServer{}
	for _, s := range stale {
		byKey[s.Key] = append(byKey[s.Key], s)
	}
	for i := range env {
		env[i].Version = versions[env[i].Key]
		env[i].StaleDeployments = byKey[env[i].Key]
	}
	return nil
}

// EnvExposure returns every version of a project's env var key, its own
// and each deployment's override, with every server that received it:
// its deployment, build, start and stop (team viewers and up). Values are
// never shown.
func (a *Admin) EnvExposure(ctx context.Context, p Principal, projectID uuid.UUID, key string) (project.EnvExposure, error) {
	if err := project.ValidateEnv(key, nil); err != nil {
		return project.EnvExposure{}, err
	}
	if _, err := a.GetProject(ctx, p, projectID); err != nil {
		return project.EnvExposure{}, err
	}
	if a.cfg.Exposure == nil {
		return project.EnvExposure{}, domain.Errorf(domain.KindUnavailable, "env exposure is not known to this process")
	}
	versions, err := a.cfg.Exposure.EnvExposure(ctx, projectID, key)
	if err != nil {
		return project.EnvExposure{}, err
	}
	if len(versions) == 0 {
		return project.EnvExposure{}, domain.Errorf(domain.KindNotFound, "env var %s was never set in project %s or its deployments", key, projectID)
	}
	return project.EnvExposure{ProjectID: projectID, Key: key, Versions: versions}, nil
}
