package commands

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

// EnvInput is the body of PUT /api/projects/{projectId}/env/{key}.
type EnvInput struct {
	Value  string `json:"value"`
	Secret bool   `json:"secret"`
}

func (a *Admin) cipher() (Cipher, error) {
	if a.cfg.Cipher == nil {
		return nil, domain.Errorf(domain.KindUnavailable, "env vars need an encryption key, and none is configured")
	}
	return a.cfg.Cipher, nil
}

// SetEnvVar encrypts and records a project env var (developers and up).
// A guarded name (project.CheckEnvName) needs the project's allowance,
// read from its events in the same decision. The value reaches only the
// cipher: no event, error or log holds it.
func (a *Admin) SetEnvVar(ctx context.Context, p Principal, projectID uuid.UUID, key string, in EnvInput) (project.EnvView, error) {
	c, err := a.cipher()
	if err != nil {
		return project.EnvView{}, err
	}
	if err := project.ValidateEnv(key, []byte(in.Value)); err != nil {
		return project.EnvView{}, err
	}
	var view project.EnvView
	err = a.changeProject(ctx, p, projectID, domain.ActionProjectWrite, func(pr project.Project) ([]domain.Event, []Claim, error) {
		if err := project.CheckEnvName(key, pr.AllowedEnvNames); err != nil {
			return nil, nil, err
		}
		nonce, ct, shown, err := sealEnv(ctx, c, pr.ID, key, key, in)
		if err != nil {
			return nil, nil, err
		}
		now := a.cfg.Clock.Now()
		evs, err := project.SetEnv{Key: key, Secret: in.Secret, Nonce: nonce, Ciphertext: ct, By: p.UserID, At: now}.Decide(pr)
		view = project.EnvView{Key: key, Value: shown, Secret: in.Secret, UpdatedBy: p.UserID, UpdatedAt: now}
		return evs, nil, err
	})
	return view, err
}

// RemoveEnvVar removes a project env var (developers and up).
func (a *Admin) RemoveEnvVar(ctx context.Context, p Principal, projectID uuid.UUID, key string) error {
	return a.changeProject(ctx, p, projectID, domain.ActionProjectWrite, func(pr project.Project) ([]domain.Event, []Claim, error) {
		evs, err := project.RemoveEnv{Key: key, By: p.UserID, At: a.cfg.Clock.Now()}.Decide(pr)
		return evs, nil, err
	})
}

// ListEnv returns a project's env vars: values of the others, never of
// secrets.
func (a *Admin) ListEnv(ctx context.Context, p Principal, projectID uuid.UUID) ([]project.EnvView, error) {
	if _, err := a.GetProject(ctx, p, projectID); err != nil {
		return nil, err
	}
	c, err := a.cipher()
	if err != nil {
		return nil, err
	}
	sealed, err := a.cfg.Reads.ProjectEnv(ctx, projectID)
	if err != nil {
		return nil, err
	}
	out := make([]project.EnvView, 0, len(sealed))
	for _, s := range sealed {
		shown, err := openEnv(ctx, c, projectID, s.Key, s)
		if err != nil {
			return nil, err
		}
		out = append(out, project.EnvView{Key: s.Key, Value: shown, Secret: s.Secret, UpdatedBy: s.UpdatedBy, UpdatedAt: s.UpdatedAt})
	}
	if err := a.withExposure(ctx, projectID, out); err != nil {
		return nil, err
	}
	return out, nil
}

// sealEnv encrypts a variable's value under name with its project's data
// key, and returns what a response may show of it: the value, unless it is
// a secret.
func sealEnv(ctx context.Context, c Cipher, projectID uuid.UUID, name, key string, in EnvInput) (nonce, ct []byte, shown *string, err error) {
	nonce, ct, err = c.Seal(ctx, projectID, name, []byte(in.Value))
	if err != nil {
		return nil, nil, nil, fmt.Errorf("encrypt env var %s: %w", key, err)
	}
	if !in.Secret {
		v := in.Value
		shown = &v
	}
	return nonce, ct, shown, nil
}

// openEnv returns what a response may show of a sealed variable: its
// value, decrypted under name, unless it is a secret (which is not even
// decrypted).
func openEnv(ctx context.Context, c Cipher, projectID uuid.UUID, name string, s project.SealedEnv) (*string, error) {
	if s.Secret {
		return nil, nil
	}
	plain, err := c.Open(ctx, projectID, name, s.Nonce, s.Ciphertext)
	if err != nil {
		return nil, fmt.Errorf("decrypt env var %s: %w", s.Key, err)
	}
	text := string(plain)
	return &text, nil
}
