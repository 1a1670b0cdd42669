package commands

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/server"
)

// serverEnv decrypts the env server s is started with, and returns the
// version of each var it gets. A server of a deploy or a rollback gets the
// env its build recorded when it was queued; a recovery server the
// versions the server it replaces received; a start or a restart (and a
// build queued before builds recorded their env) gets the env as the
// event store has it now (not a read model, which may lag).
func (a *Admin) serverEnv(ctx context.Context, s server.Server) (map[string]string, map[string]domain.EnvVersion, error) {
	c, err := a.cipher()
	if err != nil {
		return nil, nil, err
	}
	var vars []domain.SealedVar
	if s.Purpose == server.PurposeDeploy {
		b, _, err := load(ctx, a.cfg.Store, build.StreamID(s.BuildID), build.Evolve)
		if err != nil {
			return nil, nil, err
		}
		vars = b.Env
	}
	if s.Purpose == server.PurposeRecover && s.Replaces != uuid.Nil {
		if vars, err = a.replacedEnv(ctx, s); err != nil {
			return nil, nil, err
		}
	}
	if vars == nil {
		if vars, err = a.runEnv(ctx, s.ProjectID, s.DeploymentID); err != nil {
			return nil, nil, err
		}
	}
	env := make(map[string]string, len(vars))
	versions := make(map[string]domain.EnvVersion, len(vars))
	for _, v := range vars {
		name := v.Key
		if v.Source == domain.EnvFromDeployment {
			name = overrideName(s.DeploymentID, v.Key)
		}
		plain, err := c.Open(ctx, s.ProjectID, name, v.Nonce, v.Ciphertext)
		if err != nil {
			return nil, nil, fmt.Errorf("open env var %s (%s version %d): %w", v.Key, v.Source, v.Version, err)
		}
		env[v.Key] = string(plain)
		versions[v.Key] = v.EnvVersion()
	}
	return env, versions, nil
}

// runEnv returns the env, sealed, a server of the deployment gets now:
// the project's env vars with the deployment's overrides on top, each
// with its version (deployment.RunEnv), as the event store has them.
func (a *Admin) runEnv(ctx context.Context, projectID, deploymentID uuid.UUID) ([]domain.SealedVar, error) {
	pe, _, err := a.cfg.Store.Load(ctx, project.StreamID(projectID))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", project.StreamID(projectID), err)
	}
	de, _, err := a.cfg.Store.Load(ctx, deployment.StreamID(deploymentID))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", deployment.StreamID(deploymentID), err)
	}
	return deployment.RunEnv(pe, de), nil
}

// replacedEnv returns, sealed, the env versions the server that s
// replaces received (nil when it recorded none: then s gets the env as it
// is now). A version that cannot be found is a domain error.
func (a *Admin) replacedEnv(ctx context.Context, s server.Server) ([]domain.SealedVar, error) {
	old, _, err := load(ctx, a.cfg.Store, server.StreamID(s.Replaces), server.Evolve)
	if err != nil || old.EnvVersions == nil {
		return nil, err
	}
	pe, _, err := a.cfg.Store.Load(ctx, project.StreamID(s.ProjectID))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", project.StreamID(s.ProjectID), err)
	}
	de, _, err := a.cfg.Store.Load(ctx, deployment.StreamID(s.DeploymentID))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", deployment.StreamID(s.DeploymentID), err)
	}
	vars, missing := deployment.EnvAt(pe, de, old.EnvVersions)
	if len(missing) > 0 {
		return nil, domain.Errorf(domain.KindConflict, "the env the failed server ran with cannot be found: %v", missing)
	}
	if vars == nil {
		vars = []domain.SealedVar{}
	}
	return vars, nil
}
