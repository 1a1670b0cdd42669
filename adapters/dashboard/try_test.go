package dashboard_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/source/local"
	"github.com/mastra-admin/mastra-admin/adapters/websession"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/internal/app"
)

// mastraFolder makes a base folder holding one (unbuilt) Mastra project.
func mastraFolder(t *testing.T) (base, project string) {
	base = t.TempDir()
	project = filepath.Join(base, "math")
	require.NoError(t, os.MkdirAll(filepath.Join(project, "src", "mastra"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(project, "package.json"), []byte(`{"dependencies":{"@mastra/core":"1"}}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(project, "src", "mastra", "index.ts"), nil, 0o644))
	return base, project
}

func withSources(t *testing.T, base string) func(*app.Config) {
	sources, err := local.New([]string{base})
	require.NoError(t, err)
	return func(c *app.Config) { c.Commands.Sources = sources }
}

func TestTryPageNeedsARunningDeployment(t *testing.T) {
	t.Parallel()
	base, dir := mastraFolder(t)
	e := start(t, withSources(t, base))
	tok := e.token(t, "ada@example.com", false)
	ctx := context.Background()
	p, err := e.Admin.Authenticate(ctx, tok)
	require.NoError(t, err)
	team, err := e.Admin.CreateTeam(ctx, p, commands.CreateTeamInput{Name: "Math"})
	require.NoError(t, err)
	cfg, _ := json.Marshal(map[string]string{"path": dir})
	pr, err := e.Admin.CreateProject(ctx, p, team.ID, commands.ProjectInput{Name: "Math", SourceType: "local", SourceConfig: cfg})
	require.NoError(t, err)
	dep, err := e.Admin.CreateDeployment(ctx, p, pr.ID, commands.DeploymentInput{Type: deployment.Production})
	require.NoError(t, err)
	e.CaughtUp(t)

	b := e.browser(t)
	csrf := b.signIn(tok)
	page := b.get("/deployments/" + dep.ID.String() + "/try")
	assert.Equal(t, http.StatusConflict, page.status)
	assert.Contains(t, page.body, "not running: deploy or start it first")
	assert.NotContains(t, page.body, "Run workflow", "no run form for a deployment that is not serving")

	page = b.post("/deployments/"+dep.ID.String()+"/try", url.Values{"workflow": {"mathWorkflow"}, "input": {`{"value":21}`}}, "")
	assert.Equal(t, http.StatusForbidden, page.status, "a run needs the CSRF token")
	page = b.post("/deployments/"+dep.ID.String()+"/try", url.Values{"workflow": {"mathWorkflow"}, "input": {`{"value":21}`},
		websession.CSRFField: {csrf}}, "")
	assert.Equal(t, http.StatusConflict, page.status)
	page = b.post("/deployments/"+dep.ID.String()+"/try", url.Values{"workflow": {"mathWorkflow"}, "input": {`{value`},
		websession.CSRFField: {csrf}}, "")
	assert.Equal(t, http.StatusConflict, page.status)
	assert.Contains(t, page.body, "not valid JSON")

	assert.Equal(t, http.StatusNotFound, b.get("/deployments/00000000-0000-0000-0000-000000000001/try").status)
	assert.Equal(t, http.StatusNotFound, b.get("/deployments/nope/try").status)
	other := e.browser(t)
	other.signIn(e.token(t, "eve@example.com", false))
	assert.Equal(t, http.StatusNotFound, other.get("/deployments/"+dep.ID.String()+"/try").status, "another team's deployment is not found")
}
