package commands

import (
	"context"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

// EnvPolicyInput is the body of PUT /api/projects/{projectId}/env-policy.
// AllowedNames is required ([] allows none).
type EnvPolicyInput struct {
	AllowedNames *[]string `json:"allowedNames"`
}

// SetEnvPolicy replaces the guarded env var names (project.CheckEnvName)
// that a project's env vars and its deployments' overrides may use.
// Platform admins only: others who can see the project get
// permission_denied, outsiders not_found. Variables already set under a
// name the new list leaves out stay until removed.
func (a *Admin) SetEnvPolicy(ctx context.Context, p Principal, projectID uuid.UUID, in EnvPolicyInput) (project.View, error) {
	if !p.PlatformAdmin {
		if _, err := a.GetProject(ctx, p, projectID); err != nil {
			return project.View{}, err
		}
		return project.View{}, domain.Errorf(domain.KindPermissionDenied,
			"allowing guarded env var names (%s) is for platform admins", project.GuardedEnvNames())
	}
	if in.AllowedNames == nil {
		return project.View{}, domain.Errorf(domain.KindInvalid,
			`allowedNames is required: a list such as ["NODE_OPTIONS"]; [] allows none`)
	}
	err := a.changeProject(ctx, p, projectID, domain.ActionProjectWrite, func(pr project.Project) ([]domain.Event, []Claim, error) {
		evs, err := project.AllowEnvNames{Names: *in.AllowedNames, By: p.UserID, At: a.cfg.Clock.Now()}.Decide(pr)
		return evs, nil, err
	})
	if err != nil {
		return project.View{}, err
	}
	return a.GetProject(ctx, p, projectID)
}
