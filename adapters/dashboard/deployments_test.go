package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/pgstore"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/server"
)

func TestDeploymentPageActionsByRole(t *testing.T) {
	t.Parallel()
	e := startProjects(t)
	ctx := context.Background()
	id := e.project(t, "Job Agent")
	d, err := e.Admin.CreateDeployment(ctx, e.owner, id, commands.DeploymentInput{Type: deployment.Production})
	require.NoError(t, err)
	e.CaughtUp(t)
	page := "/deployments/" + d.ID.String()
	builds := func() []build.View {
		e.CaughtUp(t)
		bs, err := e.Admin.ListBuilds(ctx, e.owner, d.ID)
		require.NoError(t, err)
		return bs
	}

	p := e.browsers[domain.RoleViewer].get(page)
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, "<h1>Deployment production</h1>")
	assert.Contains(t, p.body, `<a href="http://job-agent.localhost:3100" rel="noopener">`, "the URL is a link")
	assert.Contains(t, p.body, "No server has run yet")
	assert.Contains(t, p.body, "No builds yet")
	assert.Contains(t, p.body, `Job Agent</a>`, "the project's crumb")
	for _, hidden := range []string{"Deploy</button>", "Delete deployment", "Roll back", "Save override", `action="/deployments/`} {
		assert.NotContains(t, p.body, hidden, "a viewer is offered no action")
	}
	dev := e.browsers[domain.RoleDeveloper].get(page).body
	assert.Contains(t, dev, "Deploy</button>")
	assert.Contains(t, dev, "Delete deployment")
	assert.Contains(t, dev, "no earlier succeeded build to roll back to yet")
	assert.NotContains(t, dev, "Restart</button>", "nothing runs to restart")

	// Forged posts of a viewer are refused, and change nothing.
	for _, action := range []string{"/deploy", "/stop", "/start", "/restart", "/delete", "/rollback", "/env"} {
		_, back := e.followed(t, domain.RoleViewer, page+action, url.Values{"key": {"K"}, "value": {"v"}, "buildId": {uuid.NewString()}}, page)
		assert.Contains(t, back.body, `role="alert"`, action)
	}
	assert.Empty(t, builds(), "no build was queued")
	_, err = e.Admin.GetDeployment(ctx, e.owner, d.ID)
	require.NoError(t, err, "nor the deployment deleted")

	// Deploy queues a build and goes to its page (the live log).
	to, _ := e.followed(t, domain.RoleDeveloper, page+"/deploy", url.Values{}, page)
	require.Regexp(t, `^/builds/[0-9a-f-]{36}$`, to)
	bs := builds()
	require.Len(t, bs, 1)
	assert.Equal(t, build.StatusQueued, bs[0].Status)
	assert.Equal(t, "/builds/"+bs[0].ID.String(), to)

	// The build succeeds and a server runs it, as a worker and a runner
	// record it (neither runs in this test).
	b := bs[0]
	e.record(t, build.StreamID(b.ID),
		build.Started{BuildID: b.ID, DeploymentID: d.ID, ProjectID: id, TeamID: e.team, Worker: "test", At: recordedAt},
		build.ArtifactReady{BuildID: b.ID, DeploymentID: d.ID, ProjectID: id, TeamID: e.team, ArtifactID: uuid.New(), At: recordedAt.Add(90 * time.Second)},
		build.Succeeded{BuildID: b.ID, DeploymentID: d.ID, ProjectID: id, TeamID: e.team, At: recordedAt.Add(2 * time.Minute)})
	srv := uuid.New()
	e.record(t, server.StreamID(srv),
		server.Scheduled{ServerID: srv, DeploymentID: d.ID, ProjectID: id, TeamID: e.team, BuildID: b.ID, ArtifactID: uuid.New(),
			Port: 4123, Purpose: server.PurposeDeploy, At: recordedAt},
		server.Started{ServerID: srv, DeploymentID: d.ID, Runner: "test", PID: 4242, At: recordedAt},
		server.Healthy{ServerID: srv, DeploymentID: d.ID, At: recordedAt})
	require.NoError(t, pgstore.ServerUsage{DB: e.DB.Pool}.Record(ctx, srv, 50<<20, 12.5, recordedAt))

	p = e.browsers[domain.RoleViewer].get(page)
	require.Equal(t, http.StatusOK, p.status)
	for _, want := range []string{"50.0 MiB", "12.5 %", "pid 4242, port 4123", `<span class="badge ok">healthy</span>`,
		"<dt>Restarts</dt><dd>0</dd>", `<a href="/builds/` + b.ID.String() + `" class="mono">`, "succeeded", "deploy", "2m0s"} {
		assert.Contains(t, p.body, want)
	}
	assert.NotContains(t, p.body, "Roll back", "still no action for a viewer")

	// Rollback is offered to an earlier succeeded build; in this process
	// (it runs no servers) the command refuses it with its reason.
	dev = e.browsers[domain.RoleDeveloper].get(page).body
	id8 := b.ID.String()[len(b.ID.String())-8:]
	assert.Regexp(t, `<option value="`+b.ID.String()+`">build `+id8+` · main · succeeded `, dev)
	_, back := e.followed(t, domain.RoleDeveloper, page+"/rollback", url.Values{"buildId": {b.ID.String()}}, page)
	assert.Contains(t, back.body, `role="alert"`)
	assert.Contains(t, back.body, "cannot check that the build&#39;s artifact is still kept")
	_, back = e.followed(t, domain.RoleDeveloper, page+"/rollback", url.Values{"buildId": {"latest"}}, page)
	assert.Contains(t, back.body, "choose the earlier build to roll back to")
	// Stopping needs a serving route, which only the deploy saga switches.
	_, back = e.followed(t, domain.RoleDeveloper, page+"/stop", url.Values{}, page)
	assert.Contains(t, back.body, "has never run; deploy it first")
	assert.Len(t, builds(), 1, "nothing else was queued")

	// Deleting it goes back to its project.
	to, pp := e.followed(t, domain.RoleDeveloper, page+"/delete", url.Values{}, page)
	assert.Equal(t, "/projects/"+id.String(), to)
	assert.Contains(t, pp.body, "Deployment production deleted.")
	assert.Equal(t, http.StatusNotFound, e.browsers[domain.RoleDeveloper].get(page).status)
}

func TestDeploymentOverridesMaskSecrets(t *testing.T) {
	t.Parallel()
	const secret = "sk-override-NEVER-IN-HTML-77"
	e := startProjects(t)
	ctx := context.Background()
	id := e.project(t, "Job Agent")
	_, err := e.Admin.SetEnvVar(ctx, e.owner, id, "LOG_LEVEL", commands.EnvInput{Value: "info"})
	require.NoError(t, err)
	d, err := e.Admin.CreateDeployment(ctx, e.owner, id, commands.DeploymentInput{Type: deployment.Preview, Branch: "feature/x"})
	require.NoError(t, err)
	e.CaughtUp(t)
	page := "/deployments/" + d.ID.String()
	overrides := func() map[string]string {
		e.CaughtUp(t)
		vs, err := e.Admin.DeploymentEnv(ctx, e.owner, d.ID)
		require.NoError(t, err)
		m := map[string]string{}
		for _, v := range vs {
			m[v.Key] = v.Source
		}
		return m
	}

	_, p := e.followed(t, domain.RoleDeveloper, page+"/env", url.Values{"key": {"OPENAI_API_KEY"}, "value": {secret}, "secret": {"1"}}, page)
	assert.Contains(t, p.body, "Override OPENAI_API_KEY saved.")
	_, p = e.followed(t, domain.RoleDeveloper, page+"/env", url.Values{"key": {"LOG_LEVEL"}, "value": {"debug"}}, page)
	assert.Contains(t, p.body, "Override LOG_LEVEL saved.")
	assert.Equal(t, map[string]string{"OPENAI_API_KEY": "deployment", "LOG_LEVEL": "deployment"}, overrides())

	for role, b := range e.browsers {
		p := b.get(page)
		require.Equal(t, http.StatusOK, p.status, role)
		assert.NotContains(t, p.body, "NEVER-IN-HTML", "%s: a secret override's value is never rendered", role)
		assert.Contains(t, p.body, `aria-label="secret value hidden"`, role)
		assert.Contains(t, p.body, `<code class="env-value">debug</code>`, role)
	}
	assert.NotContains(t, e.browsers[domain.RoleViewer].get(page).body, "Remove override")

	// Bad input and a viewer's forged removal: a clear message, nothing changed.
	for name, c := range map[string]struct {
		role   domain.Role
		path   string
		fields url.Values
		msg    string
	}{
		"bad name":       {domain.RoleDeveloper, page + "/env", url.Values{"key": {"1KEY"}, "value": {"x"}}, "use upper-case letters"},
		"viewer removes": {domain.RoleViewer, page + "/env/remove", url.Values{"key": {"OPENAI_API_KEY"}}, ""},
	} {
		_, back := e.followed(t, c.role, c.path, c.fields, page)
		assert.Contains(t, back.body, `role="alert"`, name)
		assert.Contains(t, back.body, c.msg, name)
	}
	assert.Equal(t, map[string]string{"OPENAI_API_KEY": "deployment", "LOG_LEVEL": "deployment"}, overrides())

	_, p = e.followed(t, domain.RoleDeveloper, page+"/env/remove", url.Values{"key": {"LOG_LEVEL"}}, page)
	assert.Contains(t, p.body, "Override LOG_LEVEL removed")
	assert.Contains(t, p.body, `<code class="env-value">info</code>`, "the project's value applies again")
	assert.Equal(t, map[string]string{"OPENAI_API_KEY": "deployment", "LOG_LEVEL": "project"}, overrides())
}
