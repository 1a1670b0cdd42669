package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/server"
)

func TestEnvPageNeverShowsASecret(t *testing.T) {
	t.Parallel()
	const secret = "sk-live-NEVER-IN-HTML-4242"
	e := startProjects(t)
	id := e.project(t, "Job Agent")
	page := "/projects/" + id.String() + "/env"
	env := func() map[string]bool {
		e.CaughtUp(t)
		vs, err := e.Admin.ListEnv(context.Background(), e.owner, id)
		require.NoError(t, err)
		m := map[string]bool{}
		for _, v := range vs {
			m[v.Key] = v.Secret
		}
		return m
	}

	to, p := e.followed(t, domain.RoleDeveloper, page, url.Values{"key": {"OPENAI_API_KEY"}, "value": {secret}, "secret": {"1"}}, page)
	assert.Equal(t, page, to)
	assert.Contains(t, p.body, "Secret OPENAI_API_KEY saved.")
	_, p = e.followed(t, domain.RoleDeveloper, page, url.Values{"key": {"LOG_LEVEL"}, "value": {"debug"}}, page)
	assert.Contains(t, p.body, "Env var LOG_LEVEL saved.")
	assert.Equal(t, map[string]bool{"OPENAI_API_KEY": true, "LOG_LEVEL": false}, env())

	for role, b := range e.browsers {
		p := b.get(page)
		require.Equal(t, http.StatusOK, p.status, role)
		assert.NotContains(t, p.body, "NEVER-IN-HTML", "%s: a secret's value is never rendered", role)
		assert.Contains(t, p.body, "<code>OPENAI_API_KEY</code> <span class=\"badge\">secret</span>", role)
		assert.Contains(t, p.body, `aria-label="secret value hidden"`, role)
		assert.Contains(t, p.body, "<code class=\"env-value\">debug</code>", "%s: a plain value is shown", role)
		assert.Contains(t, p.body, "v1", role)
		assert.Contains(t, p.body, "<time datetime=", "%s: when it was updated", role)
		assert.Contains(t, p.body, `env?key=OPENAI_API_KEY#exposure`, role)
	}
	dev := e.browsers[domain.RoleDeveloper].get(page).body
	assert.Contains(t, dev, "Save env var")
	assert.Contains(t, dev, `data-confirm="Remove env var LOG_LEVEL?`)
	viewer := e.browsers[domain.RoleViewer].get(page).body
	assert.NotContains(t, viewer, "Save env var", "a viewer is offered no change")
	assert.NotContains(t, viewer, "Remove")

	// Bad input and forged posts: a clear message, nothing changed.
	for name, c := range map[string]struct {
		role   domain.Role
		path   string
		fields url.Values
		msg    string
	}{
		"lower-case name": {domain.RoleDeveloper, page, url.Values{"key": {"openai"}, "value": {"x"}}, "use upper-case letters"},
		"no name":         {domain.RoleDeveloper, page, url.Values{"value": {"x"}}, "give the env var a name"},
		"too long":        {domain.RoleDeveloper, page, url.Values{"key": {"BIG"}, "value": {strings.Repeat("x", 32<<10+1)}}, "the limit is"},
		"remove unknown":  {domain.RoleDeveloper, page + "/remove", url.Values{"key": {"NOPE"}}, "NOPE"},
		"viewer sets":     {domain.RoleViewer, page, url.Values{"key": {"LOG_LEVEL"}, "value": {"trace"}}, ""},
		"viewer removes":  {domain.RoleViewer, page + "/remove", url.Values{"key": {"OPENAI_API_KEY"}}, ""},
	} {
		to, back := e.followed(t, c.role, c.path, c.fields, page)
		assert.Equal(t, page, to, name)
		assert.Contains(t, back.body, `role="alert"`, name)
		assert.Contains(t, back.body, c.msg, name)
	}
	p = e.browsers[domain.RoleDeveloper].post(page, url.Values{"key": {"STOLEN"}, "value": {"x"}}, page)
	assert.Equal(t, http.StatusForbidden, p.status, "no CSRF token")
	assert.Equal(t, map[string]bool{"OPENAI_API_KEY": true, "LOG_LEVEL": false}, env(), "nothing changed")
	assert.Contains(t, e.browsers[domain.RoleOwner].get(page).body, "<code class=\"env-value\">debug</code>")

	_, p = e.followed(t, domain.RoleDeveloper, page+"/remove", url.Values{"key": {"LOG_LEVEL"}}, page)
	assert.Contains(t, p.body, "Env var LOG_LEVEL removed.")
	assert.Equal(t, map[string]bool{"OPENAI_API_KEY": true}, env())

	// Exposure, inline: versions, never values.
	p = e.browsers[domain.RoleViewer].get(page + "?key=OPENAI_API_KEY")
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, `Exposure of <code>OPENAI_API_KEY</code>`)
	assert.Contains(t, p.body, "v1 project")
	assert.Contains(t, p.body, "current")
	assert.NotContains(t, p.body, "NEVER-IN-HTML")
	p = e.browsers[domain.RoleViewer].get(page + "?key=NEVER_SET")
	assert.Contains(t, p.body, "NEVER_SET was never set in this project")
	p = e.browsers[domain.RoleViewer].get(page + "?key=bad-key")
	assert.Equal(t, http.StatusOK, p.status, "a bad key fails its section, not the page")
	assert.Contains(t, p.body, "env var name")
	assert.Contains(t, p.body, "<code>OPENAI_API_KEY</code>")
}

func TestEnvPageNamesTheDeploymentsToRestart(t *testing.T) {
	t.Parallel()
	e := startProjects(t)
	id := e.project(t, "Job Agent")
	page := "/projects/" + id.String() + "/env"
	ctx := context.Background()
	_, err := e.Admin.SetEnvVar(ctx, e.owner, id, "API_KEY", commands.EnvInput{Value: "one", Secret: true})
	require.NoError(t, err)
	d, err := e.Admin.CreateDeployment(ctx, e.owner, id, commands.DeploymentInput{Type: deployment.Staging})
	require.NoError(t, err)

	// A server of the deployment started with version 1, as a runner
	// records it; then the key is rotated.
	srv := uuid.New()
	e.record(t, server.StreamID(srv),
		server.Scheduled{ServerID: srv, DeploymentID: d.ID, ProjectID: id, TeamID: e.team, BuildID: uuid.New(), ArtifactID: uuid.New(),
			Port: 4100, Purpose: server.PurposeDeploy, At: recordedAt},
		server.Started{ServerID: srv, DeploymentID: d.ID, Runner: "test", PID: 4242,
			EnvVersions: map[string]domain.EnvVersion{"API_KEY": {Source: domain.EnvFromProject, Version: 1}}, At: recordedAt})
	p := e.browsers[domain.RoleViewer].get(page)
	assert.NotContains(t, p.body, "Restart to apply", "the server runs the current version")

	_, p = e.followed(t, domain.RoleDeveloper, page, url.Values{"key": {"API_KEY"}, "value": {"two"}, "secret": {"1"}}, page)
	assert.Contains(t, p.body, "Restart to apply")
	assert.Contains(t, p.body, `<a href="/deployments/`+d.ID.String()+`">staging</a>`)
	assert.Contains(t, p.body, "<code>API_KEY</code> runs version 1 of 2")
	assert.Contains(t, p.body, "1 stale")
	assert.Contains(t, p.body, "v2")
	assert.Contains(t, p.body, "Restart staging</button>", "a developer may restart it from here")
	assert.NotContains(t, e.browsers[domain.RoleViewer].get(page).body, "Restart staging</button>", "a viewer may not")
	_, back := e.followed(t, domain.RoleViewer, "/deployments/"+d.ID.String()+"/restart", url.Values{}, page)
	assert.Contains(t, back.body, `role="alert"`, "a viewer's forged restart is refused")

	p = e.browsers[domain.RoleViewer].get(page + "?key=API_KEY")
	assert.Contains(t, p.body, "v1 project")
	assert.Contains(t, p.body, "v2 project")
	assert.Contains(t, p.body, `<a href="/deployments/`+d.ID.String()+`">staging</a>, build`, "the server that got v1")
	assert.Contains(t, p.body, "running")
}
