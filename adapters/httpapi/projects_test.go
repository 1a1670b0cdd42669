package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	"github.com/mastra-admin/mastra-admin/adapters/source/local"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
	"github.com/mastra-admin/mastra-admin/projections/projectiontest"
)

// projectsDir makes a base folder with one Mastra project ("math") and a
// symlink that escapes it.
func projectsDir(t *testing.T) (base string) {
	t.Helper()
	root := t.TempDir()
	base = filepath.Join(root, "projects")
	for path, body := range map[string]string{
		"math/package.json":          `{"name":"mastra-math","dependencies":{"@mastra/core":"^1.71.0"}}`,
		"math/package-lock.json":     `{}`,
		"math/src/mastra/index.ts":   `export const mastra = 1`,
		"../secret/package.json":     `{"dependencies":{"@mastra/core":"1"}}`,
		"not-mastra/package.json":    `{"name":"web"}`,
		"math/src/mastra/tools/a.ts": ``,
	} {
		p := filepath.Join(base, path)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	require.NoError(t, os.Symlink(filepath.Join(root, "secret"), filepath.Join(base, "escape")))
	return base
}

func startWithSources(t *testing.T, base string, tune ...func(*app.Config)) *apiEnv {
	t.Helper()
	sources, err := local.New([]string{base})
	require.NoError(t, err)
	env := apptest.Start(t, append([]func(*app.Config){func(c *app.Config) { c.Commands.Sources = sources }}, tune...)...)
	api, err := httpapi.New(httpapi.Config{Admin: env.Admin, Readiness: env.App, Logger: logrus.NewEntry(env.Log)})
	require.NoError(t, err)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &apiEnv{Env: env, srv: srv, api: api}
}

func sourceBody(name, path string) string {
	b, _ := json.Marshal(map[string]any{"name": name, "sourceType": "local", "sourceConfig": map[string]string{"path": path}})
	return string(b)
}

func TestProjectsOverHTTP(t *testing.T) {
	t.Parallel()
	base := projectsDir(t)
	e := startWithSources(t, base)
	alice, mallory := e.token(t, "alice@example.com", false), e.token(t, "mallory@example.com", false)
	res := e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Acme"}`))
	require.Equal(t, http.StatusCreated, res.status)
	team := res.json(t)["id"].(string)
	res = e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Other"}`))
	require.Equal(t, http.StatusCreated, res.status)
	other := res.json(t)["id"].(string)

	res = e.do(t, "GET", "/api/teams/"+team+"/sources", alice, nil)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	sources := res.json(t)["sources"].([]any)
	require.Len(t, sources, 1, "only the Mastra project, not the symlinked one outside nor the plain package")
	src := sources[0].(map[string]any)
	assert.Equal(t, "mastra-math", src["name"])
	assert.Equal(t, "npm", src["packageManager"])
	assert.Equal(t, true, src["hasEntry"])

	res = e.do(t, "POST", "/api/teams/"+team+"/projects", alice, strings.NewReader(sourceBody("Job Agent", src["path"].(string))))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	p := res.json(t)
	assert.Equal(t, "job-agent", p["slug"])
	assert.Equal(t, "main", p["defaultBranch"])
	id := p["id"].(string)
	assert.Equal(t, http.StatusOK, e.do(t, "GET", "/api/projects/"+id, alice, nil).status, "read-your-writes")

	res = e.do(t, "POST", "/api/teams/"+team+"/projects", alice, strings.NewReader(sourceBody("Job Agent", src["path"].(string))))
	assert.Equal(t, http.StatusConflict, res.status, "slug unique within the team")
	res = e.do(t, "POST", "/api/teams/"+other+"/projects", alice, strings.NewReader(sourceBody("Job Agent", src["path"].(string))))
	assert.Equal(t, http.StatusCreated, res.status, "the same slug in another team")

	for name, path := range map[string]string{
		"symlink out": filepath.Join(base, "escape"), "dot-dot": filepath.Join(base, "..", "secret"),
		"missing": filepath.Join(base, "nope"), "relative": "projects/math",
	} {
		res = e.do(t, "POST", "/api/teams/"+team+"/projects", alice, strings.NewReader(sourceBody("X "+name, path)))
		assert.Equal(t, http.StatusBadRequest, res.status, "%s: %s", name, res.body)
	}
	res = e.do(t, "POST", "/api/teams/"+team+"/projects", alice, strings.NewReader(`{"name":"X","sourceType":"github","sourceConfig":{}}`))
	assert.Equal(t, http.StatusBadRequest, res.status)
	res = e.do(t, "PATCH", "/api/projects/"+id, alice, strings.NewReader(`{"defaultBranch":"--force"}`))
	assert.Equal(t, http.StatusBadRequest, res.status)

	res = e.do(t, "PATCH", "/api/projects/"+id, alice, strings.NewReader(`{"name":"Jobs","defaultBranch":"release/1.2"}`))
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	assert.Equal(t, "release/1.2", res.json(t)["defaultBranch"])
	assert.Len(t, e.do(t, "GET", "/api/teams/"+team+"/projects", alice, nil).json(t)["projects"], 1)

	assert.Equal(t, http.StatusNotFound, e.do(t, "GET", "/api/projects/"+id, mallory, nil).status)
	assert.Equal(t, http.StatusNotFound, e.do(t, "DELETE", "/api/projects/"+id, mallory, nil).status)
	require.Equal(t, http.StatusNoContent, e.do(t, "DELETE", "/api/projects/"+id, alice, nil).status)
	assert.Equal(t, http.StatusNotFound, e.do(t, "GET", "/api/projects/"+id, alice, nil).status)
	res = e.do(t, "POST", "/api/teams/"+team+"/projects", alice, strings.NewReader(sourceBody("Job Agent", src["path"].(string))))
	assert.Equal(t, http.StatusCreated, res.status, "a deleted project frees its slug")

	e.CaughtUp(t)
	projectiontest.AssertRebuildIdentical(t, e.Store, e.Projections...)
}
