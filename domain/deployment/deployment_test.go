package deployment_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

func TestCreateDerivesSlugsAndChecksInput(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	later, earlier := now.Add(time.Hour), now.Add(-time.Hour)
	live := project.Project{ID: uuid.New(), TeamID: uuid.New(), Slug: "job-agent", DefaultBranch: "develop", Exists: true}
	for _, c := range []struct {
		name         string
		cmd          deployment.Create
		slug, branch string
		kind         domain.Kind
	}{
		{name: "production", cmd: deployment.Create{Type: deployment.Production}, slug: "production", branch: "develop"},
		{name: "staging on a branch", cmd: deployment.Create{Type: deployment.Staging, Branch: "release/1.2"}, slug: "staging", branch: "release/1.2"},
		{name: "preview from its branch", cmd: deployment.Create{Type: deployment.Preview, Branch: "Feature/Login_Page"}, slug: "feature-login-page", branch: "Feature/Login_Page"},
		{name: "preview that expires", cmd: deployment.Create{Type: deployment.Preview, Branch: "pr-1", ExpiresAt: &later}, slug: "pr-1", branch: "pr-1"},
		{name: "given slug", cmd: deployment.Create{Type: deployment.Staging, Slug: "qa"}, slug: "qa", branch: "develop"},
		{name: "unknown type", cmd: deployment.Create{Type: "canary"}, kind: domain.KindInvalid},
		{name: "bad slug", cmd: deployment.Create{Type: deployment.Staging, Slug: "qa--2"}, kind: domain.KindInvalid},
		{name: "branch with no slug", cmd: deployment.Create{Type: deployment.Preview, Branch: "___"}, kind: domain.KindInvalid},
		{name: "bad branch", cmd: deployment.Create{Type: deployment.Preview, Branch: "a b"}, kind: domain.KindInvalid},
		{name: "expired already", cmd: deployment.Create{Type: deployment.Preview, Branch: "x", ExpiresAt: &earlier}, kind: domain.KindInvalid},
		{name: "production that expires", cmd: deployment.Create{Type: deployment.Production, ExpiresAt: &later}, kind: domain.KindInvalid},
		{name: "deleted project", cmd: deployment.Create{Type: deployment.Staging, Project: project.Project{Exists: true, Deleted: true}}, kind: domain.KindNotFound},
	} {
		cmd := c.cmd
		if cmd.Project.ID == uuid.Nil && !cmd.Project.Deleted {
			cmd.Project = live
		}
		cmd.DeploymentID, cmd.At = uuid.New(), now
		evs, err := cmd.Decide(deployment.Deployment{})
		if c.kind != "" {
			assert.Equal(t, c.kind, domain.KindOf(err), "%s: %v", c.name, err)
			continue
		}
		require.NoError(t, err, c.name)
		created := evs[0].(deployment.Created)
		assert.Equal(t, c.slug, created.Slug, c.name)
		assert.Equal(t, c.branch, created.Branch, c.name)
		assert.Equal(t, live.TeamID, created.TeamID, c.name)
	}
}

func TestSubdomains(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "job-agent", deployment.Subdomain(deployment.Production, "production", "job-agent"))
	assert.Equal(t, "pr-456--job-agent", deployment.Subdomain(deployment.Preview, "pr-456", "job-agent"))
	long := "abcdefghijklmnopqrstuvwxyz0123"
	assert.LessOrEqual(t, len(deployment.Subdomain(deployment.Preview, long, long)), 63, "within a DNS label")
}

func TestOverridesFoldAndRemoveOnlyWhatExists(t *testing.T) {
	t.Parallel()
	id := uuid.New()
	d, err := deployment.Evolve(deployment.Deployment{}, deployment.Created{DeploymentID: id, Type: deployment.Staging, Slug: "staging"})
	require.NoError(t, err)
	_, err = deployment.RemoveEnv{Key: "X"}.Decide(d)
	assert.Equal(t, domain.KindNotFound, domain.KindOf(err))
	evs, err := deployment.SetEnv{Key: "X"}.Decide(d)
	require.NoError(t, err)
	d, err = deployment.Evolve(d, evs[0])
	require.NoError(t, err)
	_, err = deployment.RemoveEnv{Key: "X"}.Decide(d)
	assert.NoError(t, err)
	d, err = deployment.Evolve(d, deployment.Deleted{DeploymentID: id})
	require.NoError(t, err)
	_, err = deployment.SetEnv{Key: "Y"}.Decide(d)
	assert.Equal(t, domain.KindNotFound, domain.KindOf(err), "a deleted deployment takes no overrides")
}
