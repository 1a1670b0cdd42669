package dashboard_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/license"
	"github.com/mastra-admin/mastra-admin/internal/app"
)

func TestLicensePageShowsTierLimitsFeaturesAndTheGraceWarning(t *testing.T) {
	t.Parallel()
	expired := time.Now().UTC().Add(-48 * time.Hour) // two days into the 14-day grace period
	lic := license.License{ID: "lic-42", Tier: license.Team, Organization: "Acme", Features: []string{license.FeatureS3},
		Limits: license.Limits{Teams: 5, Projects: 0, ConcurrentBuilds: 2}, IssuedAt: expired.Add(-365 * 24 * time.Hour), ExpiresAt: &expired}
	e := startTeams(t, func(c *app.Config) { c.Commands.License = lic })
	tok, _ := e.user(t, "dev@example.com", false)
	b := e.browser(t)
	b.signIn(tok)

	p := b.get("/license")
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, `class="license-warning" role="alert"`)
	assert.Contains(t, p.body, "The license is in its grace period:")
	assert.Contains(t, p.body, "the license expired on "+expired.Format(time.DateOnly))
	assert.Contains(t, p.body, "new resources are refused after "+expired.Add(license.Grace).Format(time.DateOnly))
	assert.Contains(t, p.body, `<span class="badge">team</span>`)
	assert.Contains(t, p.body, `<span class="badge warn">grace</span>`)
	assert.Contains(t, p.body, "Acme")
	assert.Contains(t, p.body, "lic-42")
	assert.Contains(t, p.body, "<tr><td>Teams</td><td>5</td></tr>")
	assert.Contains(t, p.body, "<tr><td>Projects</td><td>unlimited</td></tr>")
	assert.Contains(t, p.body, "<tr><td>Concurrent builds</td><td>2</td></tr>")
	assert.Contains(t, p.body, `<tr><td>s3</td><td><span class="badge ok">yes</span></td></tr>`)
	assert.Contains(t, p.body, `<tr><td>oidc</td><td><span class="badge">no</span></td></tr>`)
	assert.Contains(t, p.body, `<time datetime="`+expired.Format(time.RFC3339)+`">`)
}

func TestLicensePageOfAnActiveAndALapsedLicense(t *testing.T) {
	t.Parallel()
	e := startTeams(t, func(c *app.Config) { c.Commands.License = license.CommunityLicense() })
	tok, _ := e.user(t, "dev@example.com", false)
	b := e.browser(t)
	b.signIn(tok)
	p := b.get("/license")
	require.Equal(t, http.StatusOK, p.status)
	assert.NotContains(t, p.body, "license-warning")
	assert.Contains(t, p.body, `<span class="badge ok">active</span>`)
	assert.Contains(t, p.body, "<dt>Expires</dt><dd>never</dd>")
	assert.Contains(t, p.body, "<tr><td>Teams</td><td>3</td></tr>")

	lapsed := time.Now().UTC().Add(-license.Grace - time.Hour)
	e = startTeams(t, func(c *app.Config) {
		c.Commands.License = license.License{Tier: license.Enterprise, Features: []string{}, ExpiresAt: &lapsed}
	})
	tok, _ = e.user(t, "dev@example.com", false)
	b = e.browser(t)
	b.signIn(tok)
	p = b.get("/license")
	assert.Contains(t, p.body, `class="license-warning lapsed" role="alert"`)
	assert.Contains(t, p.body, "its grace period is over")
	assert.Contains(t, p.body, `<span class="badge error">expired</span>`)
}

func TestPlatformOverviewIsForPlatformAdminsOnly(t *testing.T) {
	t.Parallel()
	e := startTeams(t)
	ctx := context.Background()
	rootTok, _ := e.user(t, "root@example.com", true)
	ownerTok, owner := e.user(t, "owner@example.com", false)
	agents, err := e.Admin.CreateTeam(ctx, owner, commands.CreateTeamInput{Name: "Job Agents"})
	require.NoError(t, err)
	_, err = e.Admin.CreateTeam(ctx, owner, commands.CreateTeamInput{Name: "Lonely"})
	require.NoError(t, err)
	pr, err := e.Admin.CreateProject(ctx, owner, agents.ID, commands.ProjectInput{Name: "Math Agent", SourceType: "local", SourceConfig: e.source})
	require.NoError(t, err)
	_, err = e.Admin.CreateProject(ctx, owner, agents.ID, commands.ProjectInput{Name: "Idle Agent", SourceType: "local", SourceConfig: e.source})
	require.NoError(t, err)
	prod, err := e.Admin.CreateDeployment(ctx, owner, pr.ID, commands.DeploymentInput{Type: deployment.Production})
	require.NoError(t, err)
	staging, err := e.Admin.CreateDeployment(ctx, owner, pr.ID, commands.DeploymentInput{Type: deployment.Staging})
	require.NoError(t, err)
	e.switchRoute(t, staging, uuid.New(), "GET /health: status 500")

	// Not a platform admin: 403, and no link to it.
	ob := e.browser(t)
	ob.signIn(ownerTok)
	p := ob.get("/admin")
	assert.Equal(t, http.StatusForbidden, p.status)
	assert.Contains(t, p.body, "the platform overview is for platform admins")
	assert.NotContains(t, ob.get("/").body, `href="/admin"`)

	rb := e.browser(t)
	rb.signIn(rootTok)
	assert.Contains(t, rb.get("/").body, `href="/admin"`)
	p = rb.get("/admin")
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, "<strong>2</strong> teams")
	assert.Contains(t, p.body, "<strong>2</strong> projects")
	assert.Contains(t, p.body, "<strong>2</strong> deployments")
	assert.Contains(t, p.body, `<span class="badge error">1 unhealthy</span>`)
	assert.Contains(t, p.body, `<span class="badge warn">1 not deployed</span>`)
	attention := p.body[strings.Index(p.body, "Needs attention"):strings.Index(p.body, `id="teams-heading"`)]
	assert.Contains(t, attention, `href="/deployments/`+staging.ID.String()+`"`)
	assert.Contains(t, attention, "GET /health: status 500")
	assert.NotContains(t, attention, prod.ID.String())
	assert.Contains(t, attention, `href="/teams/`+agents.ID.String()+`">Job Agents</a>`)
	assert.Contains(t, attention, ">Math Agent</a>")
	teams := p.body[strings.Index(p.body, `id="teams-heading"`):]
	assert.Contains(t, teams, `href="/teams/`+agents.ID.String()+`">Job Agents</a> <span class="muted">job-agents</span></td><td>2</td><td>2</td>`)
	assert.Contains(t, teams, `<span class="badge error">1 unhealthy</span>`)
	assert.Contains(t, teams, "Lonely")

	// A platform admin who is not a member sees a team's home as such.
	p = rb.get("/teams/" + agents.ID.String())
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, `<span class="badge">platform admin</span>`)
}

// brokenOverview is a read model that fails.
type brokenOverview struct{}

func (brokenOverview) HealthGroups(context.Context) ([]deployment.HealthGroup, error) {
	return nil, errors.New("read model down")
}

func (brokenOverview) ProjectCounts(context.Context) (map[uuid.UUID]int, error) {
	return nil, errors.New("read model down")
}

func (brokenOverview) MaybeUnhealthy(context.Context, int) ([]deployment.HealthView, error) {
	return nil, errors.New("read model down")
}

func (brokenOverview) DeploymentsHealth(context.Context, *uuid.UUID) ([]deployment.HealthView, error) {
	return nil, errors.New("read model down")
}

func TestAFailingProjectsSectionLeavesTheRestOfTheTeamHome(t *testing.T) {
	t.Parallel()
	e := startTeams(t, func(c *app.Config) { c.Commands.Overview = brokenOverview{} })
	ctx := context.Background()
	tok, owner := e.user(t, "owner@example.com", false)
	tm, err := e.Admin.CreateTeam(ctx, owner, commands.CreateTeamInput{Name: "Job Agents"})
	require.NoError(t, err)
	b := e.browser(t)
	b.signIn(tok)
	p := b.get("/teams/" + tm.ID.String())
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "Could not load this part.")
	assert.NotContains(t, p.body, "read model down", "the detail goes to the log, not the page")
	assert.Contains(t, p.body, "<h1>Job Agents</h1>")
	assert.Contains(t, p.body, `action="/teams/`+tm.ID.String()+`/rename"`, "the rest of the page is there")
}
