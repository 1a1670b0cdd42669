package commands

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

type sealed struct{ nonce, ciphertext []byte }

// serverEnv decrypts the env a server of the deployment gets: the
// project's env vars with the deployment's overrides on top, as the event
// store has them now (not a read model, which may lag).
func (a *Admin) serverEnv(ctx context.Context, projectID, deploymentID uuid.UUID) (map[string]string, error) {
	c, err := a.cipher()
	if err != nil {
		return nil, err
	}
	layers := []struct {
		stream string
		name   func(string) string
	}{
		{project.StreamID(projectID), func(k string) string { return k }},
		{deployment.StreamID(deploymentID), func(k string) string { return overrideName(deploymentID, k) }},
	}
	env := map[string]string{}
	for _, l := range layers {
		events, _, err := a.cfg.Store.Load(ctx, l.stream)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", l.stream, err)
		}
		vars := map[string]sealed{}
		for _, e := range events {
			switch e := e.(type) {
			case project.EnvVarSet:
				vars[e.Key] = sealed{e.Nonce, e.Ciphertext}
			case project.EnvVarRemoved:
				delete(vars, e.Key)
			case deployment.EnvOverrideSet:
				vars[e.Key] = sealed{e.Nonce, e.Ciphertext}
			case deployment.EnvOverrideRemoved:
				delete(vars, e.Key)
			}
		}
		for k, s := range vars {
			v, err := c.Open(ctx, projectID, l.name(k), s.nonce, s.ciphertext)
			if err != nil {
				return nil, fmt.Errorf("open env var %s: %w", k, err)
			}
			env[k] = string(v)
		}
	}
	return env, nil
}
