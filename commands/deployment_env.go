package commands

import (
	"context"
	"sort"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

// overrideName is the name a deployment's override is sealed under with
// its project's data key: bound to the deployment, so that a ciphertext
// copied to another deployment or to the project does not open.
func overrideName(deploymentID uuid.UUID, key string) string {
	return "deployment/" + deploymentID.String() + "/" + key
}

// SetDeploymentEnv encrypts and records a deployment's override of an env
// var (developers and up). A guarded name (project.CheckEnvName) needs the
// project's allowance. The value reaches only the cipher.
func (a *Admin) SetDeploymentEnv(ctx context.Context, p Principal, id uuid.UUID, key string, in EnvInput) (deployment.EnvView, error) {
	c, err := a.cipher()
	if err != nil {
		return deployment.EnvView{}, err
	}
	if err := project.ValidateEnv(key, []byte(in.Value)); err != nil {
		return deployment.EnvView{}, err
	}
	var view deployment.EnvView
	// A guarded name is decided against the project's allowance as its
	// events stand, guarded, so that a concurrent change of the policy
	// makes this decide again.
	guarded := project.IsGuardedEnvName(key)
	err = a.changeDeploymentOf(ctx, p, id, guarded, func(d deployment.Deployment, pr project.Project) ([]domain.Event, []Claim, error) {
		if err := project.CheckEnvName(key, pr.AllowedEnvNames); err != nil {
			return nil, nil, err
		}
		nonce, ct, shown, err := sealEnv(ctx, c, d.ProjectID, overrideName(d.ID, key), key, in)
		if err != nil {
			return nil, nil, err
		}
		now := a.cfg.Clock.Now()
		evs, err := deployment.SetEnv{Key: key, Secret: in.Secret, Nonce: nonce, Ciphertext: ct, By: p.UserID, At: now}.Decide(d)
		view = deployment.EnvView{Key: key, Value: shown, Secret: in.Secret, Source: "deployment", UpdatedBy: p.UserID, UpdatedAt: now}
		return evs, nil, err
	})
	return view, err
}

// RemoveDeploymentEnv removes a deployment's override (developers and up):
// the project's value, if any, applies again.
func (a *Admin) RemoveDeploymentEnv(ctx context.Context, p Principal, id uuid.UUID, key string) error {
	return a.changeDeployment(ctx, p, id, func(d deployment.Deployment) ([]domain.Event, []Claim, error) {
		evs, err := deployment.RemoveEnv{Key: key, By: p.UserID, At: a.cfg.Clock.Now()}.Decide(d)
		return evs, nil, err
	})
}

// DeploymentEnv returns a deployment's effective environment: the
// project's env vars with the deployment's overrides in their place, each
// saying where it comes from. Secret values are never shown.
func (a *Admin) DeploymentEnv(ctx context.Context, p Principal, id uuid.UUID) ([]deployment.EnvView, error) {
	r, err := a.deploymentOf(ctx, p, id)
	if err != nil {
		return nil, err
	}
	c, err := a.cipher()
	if err != nil {
		return nil, err
	}
	projectEnv, err := a.cfg.Reads.ProjectEnv(ctx, r.ProjectID)
	if err != nil {
		return nil, err
	}
	overrides, err := a.cfg.Reads.DeploymentEnv(ctx, id)
	if err != nil {
		return nil, err
	}
	byKey := map[string]deployment.EnvView{}
	for _, layer := range []struct {
		source string
		vars   []project.SealedEnv
		name   func(key string) string
	}{
		{"project", projectEnv, func(key string) string { return key }},
		{"deployment", overrides, func(key string) string { return overrideName(id, key) }},
	} {
		for _, s := range layer.vars {
			shown, err := openEnv(ctx, c, r.ProjectID, layer.name(s.Key), s)
			if err != nil {
				return nil, err
			}
			byKey[s.Key] = deployment.EnvView{Key: s.Key, Value: shown, Secret: s.Secret, Source: layer.source,
				UpdatedBy: s.UpdatedBy, UpdatedAt: s.UpdatedAt}
		}
	}
	out := make([]deployment.EnvView, 0, len(byKey))
	for _, v := range byKey {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}
