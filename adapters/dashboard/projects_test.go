package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
)

func TestSourcePickerCreatesAProjectFromAValidSource(t *testing.T) {
	t.Parallel()
	e := startProjects(t)
	owner := e.browsers[domain.RoleOwner]
	newPage := "/teams/" + e.team.String() + "/projects/new"
	create := "/teams/" + e.team.String() + "/projects"
	projects := func() int {
		e.CaughtUp(t)
		ps, err := e.Admin.ListProjects(context.Background(), e.owner, e.team)
		require.NoError(t, err)
		return len(ps)
	}

	p := owner.get(newPage)
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, `aria-label="Local folder"`, "the source type is an icon with a label")
	assert.Contains(t, p.body, "mastra-math")
	assert.Contains(t, p.body, "half-done")
	assert.NotContains(t, p.body, ">web<", "a package without @mastra/core is not a source")
	assert.Regexp(t, `<input type="radio" id="source-\d" name="source" value="local:`+regexp.QuoteMeta(e.math)+`" required>`, p.body,
		"the valid source can be chosen")
	assert.Regexp(t, `<input type="radio" id="source-\d" name="source" value="local:`+regexp.QuoteMeta(e.noEntry)+`" required disabled`, p.body,
		"the invalid one cannot")
	assert.Contains(t, p.body, "no src/mastra/index.ts", "with the reason shown")
	assert.Contains(t, p.body, `Agents</a>`, "the team's crumb")

	// Bad input: a clear message on the picker, nothing created.
	for name, c := range map[string]struct {
		fields url.Values
		msg    string
	}{
		"no source":      {url.Values{"name": {"Jobs"}}, "choose a source"},
		"invalid source": {url.Values{"name": {"Jobs"}, "source": {"local:" + e.noEntry}}, "no src/mastra/index.ts"},
		"unlisted":       {url.Values{"name": {"Jobs"}, "source": {"local:/etc"}}, "not one of the sources found"},
		"bad slug":       {url.Values{"name": {"Jobs"}, "slug": {"Not_A_Slug"}, "source": {"local:" + e.math}}, "slug"},
		"bad branch":     {url.Values{"name": {"Jobs"}, "defaultBranch": {"--force"}, "source": {"local:" + e.math}}, "branch"},
	} {
		to, back := e.followed(t, domain.RoleOwner, create, c.fields, newPage)
		assert.Equal(t, newPage, to, name)
		assert.Contains(t, back.body, `role="alert"`, name)
		assert.Contains(t, back.body, c.msg, name)
	}
	assert.Zero(t, projects(), "nothing was created")

	to, pp := e.followed(t, domain.RoleOwner, create, url.Values{"name": {"Job Agent"}, "source": {"local:" + e.math}}, newPage)
	require.Regexp(t, `^/projects/[0-9a-f-]{36}$`, to)
	assert.Equal(t, http.StatusOK, pp.status)
	assert.Contains(t, pp.body, "<h1>Job Agent</h1>")
	assert.Contains(t, pp.body, "Project Job Agent created.")
	assert.Contains(t, pp.body, e.math, "the project's source")
	assert.Contains(t, pp.body, `aria-current="page">Deployments`)
	assert.Equal(t, 1, projects())

	// A viewer is offered nothing, and a forged post is refused.
	vp := e.browsers[domain.RoleViewer].get(newPage)
	require.Equal(t, http.StatusOK, vp.status)
	assert.Contains(t, vp.body, "may not create projects")
	assert.NotContains(t, vp.body, `name="source"`)
	_, back := e.followed(t, domain.RoleViewer, create, url.Values{"name": {"Forged"}, "source": {"local:" + e.math}}, newPage)
	assert.Contains(t, back.body, `role="alert"`)
	// Without the CSRF token nothing happens either.
	p = owner.post(create, url.Values{"name": {"No Token"}, "source": {"local:" + e.math}}, newPage)
	assert.Equal(t, http.StatusForbidden, p.status)
	assert.Equal(t, 1, projects(), "neither the forged nor the tokenless post created a project")
}

func TestProjectPageDeploymentsAndSettingsByRole(t *testing.T) {
	t.Parallel()
	e := startProjects(t)
	id := e.project(t, "Job Agent")
	page := "/projects/" + id.String()
	deployments := func() int {
		e.CaughtUp(t)
		ds, err := e.Admin.ListDeployments(context.Background(), e.owner, id)
		require.NoError(t, err)
		return len(ds)
	}

	p := e.browsers[domain.RoleDeveloper].get(page)
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, "No deployments yet. Create one below")
	assert.Contains(t, p.body, "New deployment")
	assert.Contains(t, p.body, "Save settings", "developers may rename")
	assert.NotContains(t, p.body, "Delete project", "but not delete")

	// Bad input: a clear message, nothing created.
	for name, c := range map[string]struct {
		fields url.Values
		msg    string
	}{
		"type":                {url.Values{"type": {"canary"}}, "use production, staging or preview"},
		"branch":              {url.Values{"type": {"preview"}, "branch": {"-x"}}, "branch"},
		"expires":             {url.Values{"type": {"preview"}, "branch": {"feature/x"}, "expiresInDays": {"soon"}}, "number of days"},
		"expiring production": {url.Values{"type": {"production"}, "expiresInDays": {"3"}}, "only preview deployments expire"},
	} {
		_, back := e.followed(t, domain.RoleDeveloper, page+"/deployments", c.fields, page)
		assert.Contains(t, back.body, c.msg, name)
	}
	assert.Zero(t, deployments())

	to, dp := e.followed(t, domain.RoleDeveloper, page+"/deployments", url.Values{"type": {"preview"}, "branch": {"feature/login"}, "expiresInDays": {"7"}}, page)
	require.Regexp(t, `^/deployments/[0-9a-f-]{36}$`, to)
	assert.Contains(t, dp.body, "Deployment feature-login created.")
	_, _ = e.followed(t, domain.RoleDeveloper, page+"/deployments", url.Values{"type": {"production"}}, page)
	assert.Equal(t, 2, deployments())

	p = e.browsers[domain.RoleViewer].get(page)
	require.Equal(t, http.StatusOK, p.status)
	for _, want := range []string{"feature-login", "production", "pending", `href="http://job-agent.localhost:3100"`, "none yet"} {
		assert.Contains(t, p.body, want)
	}
	for _, hidden := range []string{"New deployment", "Save settings", "Delete project", "<form method=\"post\" action=\"/projects/"} {
		assert.NotContains(t, p.body, hidden, "a viewer is offered no action")
	}
	for _, forged := range []struct {
		path   string
		fields url.Values
	}{
		{page + "/deployments", url.Values{"type": {"staging"}}},
		{page + "/settings", url.Values{"name": {"Hijacked"}}},
		{page + "/delete", url.Values{}},
	} {
		_, back := e.followed(t, domain.RoleViewer, forged.path, forged.fields, page)
		assert.Contains(t, back.body, `role="alert"`, forged.path)
	}
	_, back := e.followed(t, domain.RoleDeveloper, page+"/delete", url.Values{}, page)
	assert.Contains(t, back.body, `role="alert"`, "developers may not delete projects")
	e.CaughtUp(t)
	pr, err := e.Admin.GetProject(context.Background(), e.owner, id)
	require.NoError(t, err)
	assert.Equal(t, "Job Agent", pr.Name, "the forged rename changed nothing")
	assert.Equal(t, 2, deployments(), "nor the forged deployment")

	_, p = e.followed(t, domain.RoleDeveloper, page+"/settings", url.Values{"name": {"Jobs"}, "defaultBranch": {"release/1"}}, page)
	assert.Contains(t, p.body, "<h1>Jobs</h1>")
	assert.Contains(t, p.body, "release/1")
	_, p = e.followed(t, domain.RoleDeveloper, page+"/settings", url.Values{"name": {""}, "defaultBranch": {"--force"}}, page)
	assert.Contains(t, p.body, `role="alert"`)
	assert.Contains(t, p.body, "release/1", "a bad branch changes nothing")

	owner := e.browsers[domain.RoleOwner].get(page)
	assert.Contains(t, owner.body, `data-confirm="Delete project Jobs`)
	to, p = e.followed(t, domain.RoleOwner, page+"/delete", url.Values{}, page)
	assert.Equal(t, "/teams/"+e.team.String(), to)
	assert.Equal(t, http.StatusNotFound, e.browsers[domain.RoleOwner].get(page).status)
}

func TestProjectPagesOfOthersAreNotFound(t *testing.T) {
	t.Parallel()
	e := startProjects(t)
	id := e.project(t, "Secret Plans")
	stranger := e.browser(t)
	stranger.signIn(e.token(t, "mallory@example.com", false))
	for _, path := range []string{"/projects/" + id.String(), "/projects/" + id.String() + "/env", "/projects/" + uuid.NewString(),
		"/projects/not-an-id", "/deployments/" + uuid.NewString(), "/teams/" + e.team.String() + "/projects/new"} {
		p := stranger.get(path)
		assert.Equal(t, http.StatusNotFound, p.status, path)
		assert.NotContains(t, p.body, "Secret Plans", path)
	}
	assert.True(t, strings.Contains(e.browsers[domain.RoleViewer].get("/projects/"+id.String()).body, "Secret Plans"))

	// A platform admin sees every team's projects and may act on them.
	admin := e.browser(t)
	admin.signIn(e.token(t, "root@example.com", true))
	p := admin.get("/projects/" + id.String())
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "New deployment")
	assert.Contains(t, p.body, "Delete project")
	p = admin.get("/teams/" + e.team.String() + "/projects/new")
	assert.Contains(t, p.body, `name="source"`)
}

func TestSourcePickerFailsAloneWithoutASourceProvider(t *testing.T) {
	t.Parallel()
	e := start(t) // no source provider configured
	tok := e.token(t, "ada@example.com", false)
	p, err := e.Admin.Authenticate(context.Background(), tok)
	require.NoError(t, err)
	tm, err := e.Admin.CreateTeam(context.Background(), p, commands.CreateTeamInput{Name: "Solo"})
	require.NoError(t, err)
	b := e.browser(t)
	b.signIn(tok)
	page := b.get("/teams/" + tm.ID.String() + "/projects/new")
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Contains(t, page.body, "Could not load this part.")
	assert.Contains(t, page.body, "no project source is configured")
	assert.Contains(t, page.body, `<label for="project-name">Name</label>`, "the rest of the page renders")
	assert.Contains(t, page.body, `Solo</a>`)
}
