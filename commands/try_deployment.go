package commands

import (
	"context"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
)

// DeploymentToTry returns a deployment the caller may run its workflows
// of from the dashboard: they must be allowed to change it
// (deployment.write: running a workflow spends the team's resources, e.g.
// model tokens), and it must be serving (status running).
func (a *Admin) DeploymentToTry(ctx context.Context, p Principal, id uuid.UUID) (deployment.View, error) {
	v, err := a.deploymentOf(ctx, p, id)
	if err != nil {
		return deployment.View{}, err
	}
	if _, err := a.liveDeployment(ctx, p, id, domain.ActionDeploymentWrite); err != nil {
		return deployment.View{}, err
	}
	if v.Status != deployment.StatusRunning {
		return deployment.View{}, domain.Errorf(domain.KindConflict, "the deployment is %s, not running: deploy or start it first", v.Status)
	}
	return a.deploymentView(v), nil
}
