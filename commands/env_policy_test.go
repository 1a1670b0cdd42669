package commands_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
	"github.com/mastra-admin/mastra-admin/projections/projectiontest"
)

// Guarded env var names are refused for project env vars and deployment
// overrides until a platform admin allows them for that one project.
func TestEnvPolicy(t *testing.T) {
	t.Parallel()
	sources, source := localProject(t)
	env := apptest.Start(t, func(c *app.Config) { c.Commands.Sources = sources })
	ctx := context.Background()
	alice := principal(t, env, "alice@example.com", false)
	mallory := principal(t, env, "mallory@example.com", false)
	admin := principal(t, env, "root@example.com", true)
	tm, err := env.Admin.CreateTeam(ctx, alice, commands.CreateTeamInput{Name: "Acme"})
	require.NoError(t, err)
	shop, err := env.Admin.CreateProject(ctx, alice, tm.ID, commands.ProjectInput{Name: "Shop", SourceType: "local", SourceConfig: source})
	require.NoError(t, err)
	assert.Equal(t, []string{}, shop.AllowedEnvNames)
	blog, err := env.Admin.CreateProject(ctx, alice, tm.ID, commands.ProjectInput{Name: "Blog", SourceType: "local", SourceConfig: source})
	require.NoError(t, err)
	shopStaging, err := env.Admin.CreateDeployment(ctx, alice, shop.ID, commands.DeploymentInput{Type: deployment.Staging})
	require.NoError(t, err)
	blogStaging, err := env.Admin.CreateDeployment(ctx, alice, blog.ID, commands.DeploymentInput{Type: deployment.Staging})
	require.NoError(t, err)

	refused := func(t *testing.T, err error, name string, why ...string) {
		t.Helper()
		require.Error(t, err, "%s %v", name, why)
		assert.Equal(t, domain.KindInvalid, domain.KindOf(err), "%s: %v", name, err)
		var r *project.EnvNameRefusedError
		require.True(t, errors.As(err, &r), "%s: %v", name, err)
		assert.Equal(t, name, r.Name)
		assert.Contains(t, err.Error(), "env var "+name+" changes how Node or the system loader starts the server")
		assert.Contains(t, err.Error(), "a platform admin can allow it for this project with PUT /api/projects/{id}/env-policy")
	}
	setProject := func(p commands.Principal, id project.View, name string) error {
		_, err := env.Admin.SetEnvVar(ctx, p, id.ID, name, commands.EnvInput{Value: "--require /tmp/x.js"})
		return err
	}
	setOverride := func(p commands.Principal, d deployment.View, name string) error {
		_, err := env.Admin.SetDeploymentEnv(ctx, p, d.ID, name, commands.EnvInput{Value: "/tmp/x.so"})
		return err
	}
	for _, name := range []string{"NODE_OPTIONS", "LD_PRELOAD", "PATH", "LD_LIBRARY_PATH", "NODE_TLS_REJECT_UNAUTHORIZED"} {
		refused(t, setProject(alice, shop, name), name)
		refused(t, setOverride(alice, shopStaging, name), name)
		refused(t, setProject(admin, shop, name), name, "a platform admin too, until allowed")
	}
	require.NoError(t, setProject(alice, shop, "NODE_ENV"), "other names are not guarded")
	require.NoError(t, setOverride(alice, shopStaging, "NODE_ENV"))

	// Only platform admins set the policy; outsiders learn nothing.
	names := func(n ...string) commands.EnvPolicyInput { return commands.EnvPolicyInput{AllowedNames: &n} }
	_, err = env.Admin.SetEnvPolicy(ctx, alice, shop.ID, names("NODE_OPTIONS"))
	assert.True(t, errors.Is(err, domain.ErrPermissionDenied), "the team's owner: %v", err)
	_, err = env.Admin.SetEnvPolicy(ctx, mallory, shop.ID, names("NODE_OPTIONS"))
	assert.True(t, errors.Is(err, domain.ErrNotFound), "an outsider: %v", err)

	// Bad input is invalid_argument and changes nothing.
	for _, in := range []commands.EnvPolicyInput{{}, names("NODE_OPTIONS", "DATABASE_URL"), names("node_options"), names("")} {
		_, err = env.Admin.SetEnvPolicy(ctx, admin, shop.ID, in)
		assert.True(t, errors.Is(err, domain.ErrInvalid), "%v", err)
	}
	refused(t, setProject(alice, shop, "NODE_OPTIONS"), "NODE_OPTIONS")

	v, err := env.Admin.SetEnvPolicy(ctx, admin, shop.ID, names("NODE_OPTIONS"))
	require.NoError(t, err)
	assert.Equal(t, []string{"NODE_OPTIONS"}, v.AllowedEnvNames)
	got, err := env.Admin.GetProject(ctx, alice, shop.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"NODE_OPTIONS"}, got.AllowedEnvNames, "the project's view shows the policy")

	require.NoError(t, setProject(alice, shop, "NODE_OPTIONS"), "allowed for shop")
	require.NoError(t, setOverride(alice, shopStaging, "NODE_OPTIONS"), "allowed for shop's deployments")
	refused(t, setProject(alice, shop, "LD_PRELOAD"), "LD_PRELOAD")
	refused(t, setOverride(alice, shopStaging, "PATH"), "PATH")
	refused(t, setProject(alice, blog, "NODE_OPTIONS"), "NODE_OPTIONS")
	refused(t, setOverride(alice, blogStaging, "NODE_OPTIONS"), "NODE_OPTIONS")

	// Replacing the list takes the allowance back.
	v, err = env.Admin.SetEnvPolicy(ctx, admin, shop.ID, names())
	require.NoError(t, err)
	assert.Equal(t, []string{}, v.AllowedEnvNames)
	refused(t, setProject(alice, shop, "NODE_OPTIONS"), "NODE_OPTIONS")
	refused(t, setOverride(alice, shopStaging, "NODE_OPTIONS"), "NODE_OPTIONS")
	require.NoError(t, env.Admin.RemoveEnvVar(ctx, alice, shop.ID, "NODE_OPTIONS"), "removing stays possible")

	env.CaughtUp(t)
	projectiontest.AssertRebuildIdentical(t, env.Store, env.Projections...)
}
