package commands_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

func TestOverviewsNestDeploymentsUnderProjectsUnderTeams(t *testing.T) {
	t.Parallel()
	sources, source := localProject(t)
	env := apptest.Start(t, func(c *app.Config) { c.Commands.Sources = sources })
	ctx := context.Background()
	owner := principal(t, env, "owner@example.com", false)
	stranger := principal(t, env, "stranger@example.com", false)
	root := principal(t, env, "root@example.com", true)

	tm, err := env.Admin.CreateTeam(ctx, owner, commands.CreateTeamInput{Name: "Agents"})
	require.NoError(t, err)
	empty, err := env.Admin.CreateTeam(ctx, owner, commands.CreateTeamInput{Name: "Empty"})
	require.NoError(t, err)
	math, err := env.Admin.CreateProject(ctx, owner, tm.ID, commands.ProjectInput{Name: "Math", SourceType: "local", SourceConfig: source})
	require.NoError(t, err)
	_, err = env.Admin.CreateProject(ctx, owner, tm.ID, commands.ProjectInput{Name: "Words", SourceType: "local", SourceConfig: source})
	require.NoError(t, err)
	prod, err := env.Admin.CreateDeployment(ctx, owner, math.ID, commands.DeploymentInput{Type: deployment.Production})
	require.NoError(t, err)

	ov, err := env.Admin.TeamOverview(ctx, owner, tm.ID)
	require.NoError(t, err)
	assert.Equal(t, domain.RoleOwner, ov.Role)
	require.Len(t, ov.Projects, 2)
	assert.Equal(t, "math", ov.Projects[0].Slug)
	require.Len(t, ov.Projects[0].Deployments, 1)
	got := ov.Projects[0].Deployments[0]
	assert.Equal(t, prod.ID, got.ID)
	assert.Equal(t, prod.PublicURL, got.PublicURL, "the same public URL as the deployment's own view")
	assert.Equal(t, deployment.HealthPending, got.Health())
	assert.NotNil(t, ov.Projects[1].Deployments, "an empty list, not null")
	assert.Empty(t, ov.Projects[1].Deployments)

	_, err = env.Admin.TeamOverview(ctx, stranger, tm.ID)
	assert.Equal(t, domain.KindNotFound, domain.KindOf(err), "not a member: not found")
	_, err = env.Admin.PlatformSummary(ctx, owner, 10)
	assert.Equal(t, domain.KindPermissionDenied, domain.KindOf(err))

	all, err := env.Admin.PlatformSummary(ctx, root, 10)
	require.NoError(t, err)
	require.Len(t, all.Teams, 2)
	byID := map[string]commands.TeamSummary{}
	for _, o := range all.Teams {
		byID[o.ID.String()] = o
	}
	assert.Equal(t, 2, byID[tm.ID.String()].Projects)
	assert.Equal(t, 1, byID[tm.ID.String()].Deployments)
	assert.Equal(t, 1, byID[tm.ID.String()].ByHealth[deployment.HealthPending])
	assert.Zero(t, byID[empty.ID.String()].Projects)
	assert.Equal(t, 2, all.Projects)
	assert.Equal(t, 1, all.Deployments)
	assert.Empty(t, all.Attention)
}
