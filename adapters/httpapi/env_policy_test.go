package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Guarded env var names over HTTP: refused (400 invalid_argument, saying
// how to get them allowed) until a platform admin allows them for the one
// project with PUT /api/projects/{id}/env-policy.
func TestEnvPolicyOverHTTP(t *testing.T) {
	t.Parallel()
	base := projectsDir(t)
	e := startWithSources(t, base)
	alice, root := e.token(t, "alice@example.com", false), e.token(t, "root@example.com", true)
	res := e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Acme"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	team := res.json(t)["id"].(string)
	project := func(name string) (id, deploymentID string) {
		res := e.do(t, "POST", "/api/teams/"+team+"/projects", alice, strings.NewReader(sourceBody(name, base+"/math")))
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
		assert.Equal(t, []any{}, res.json(t)["allowedEnvNames"])
		id = res.json(t)["id"].(string)
		res = e.do(t, "POST", "/api/projects/"+id+"/deployments", alice, strings.NewReader(`{"type":"staging"}`))
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
		return id, res.json(t)["id"].(string)
	}
	shop, shopStaging := project("Shop")
	blog, blogStaging := project("Blog")
	set := func(path string) response {
		return e.do(t, "PUT", path, alice, strings.NewReader(`{"value":"--require /tmp/evil.js"}`))
	}
	refused := func(res response, name string) {
		t.Helper()
		require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", name, res.body)
		assert.Equal(t, "invalid_argument", res.errorCode(t))
		msg := res.errorMessage(t)
		assert.Contains(t, msg, "env var "+name+" changes how Node or the system loader starts the server")
		assert.Contains(t, msg, "a platform admin can allow it for this project with PUT /api/projects/{id}/env-policy")
	}
	for _, name := range []string{"NODE_OPTIONS", "LD_PRELOAD", "PATH"} {
		refused(set("/api/projects/"+shop+"/env/"+name), name)
		refused(set("/api/deployments/"+shopStaging+"/env/"+name), name)
	}
	policy := func(token, project, body string) response {
		return e.do(t, "PUT", "/api/projects/"+project+"/env-policy", token, strings.NewReader(body))
	}
	res = policy(alice, shop, `{"allowedNames":["NODE_OPTIONS"]}`)
	assert.Equal(t, http.StatusForbidden, res.status, "the team's owner is no platform admin: %s", res.body)
	assert.Equal(t, "permission_denied", res.errorCode(t))
	for _, body := range []string{`{"allowedNames":["NODE_OPTIONS","DATABASE_URL"]}`, `{"allowedNames":"NODE_OPTIONS"}`,
		`{"allowedNames":[1]}`, `{}`, `null`, `{"allowedNames":null}`, `{"allowedNames":["NODE_OPTIONS"],"allowedNames":[]}`,
		`{"AllowedNames":["NODE_OPTIONS"]}`} {
		res = policy(root, shop, body)
		assert.Equal(t, http.StatusBadRequest, res.status, "%s: %s", body, res.body)
		assert.Equal(t, "invalid_argument", res.errorCode(t), body)
	}
	res = e.do(t, "GET", "/api/projects/"+shop, alice, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, []any{}, res.json(t)["allowedEnvNames"], "refused input changed nothing")
	refused(set("/api/projects/"+shop+"/env/NODE_OPTIONS"), "NODE_OPTIONS")

	res = policy(root, shop, `{"allowedNames":["NODE_OPTIONS"]}`)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	assert.Equal(t, []any{"NODE_OPTIONS"}, res.json(t)["allowedEnvNames"])
	res = e.do(t, "GET", "/api/projects/"+shop, alice, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, []any{"NODE_OPTIONS"}, res.json(t)["allowedEnvNames"], "the project's view shows the policy to its team")

	res = set("/api/projects/" + shop + "/env/NODE_OPTIONS")
	assert.Equal(t, http.StatusOK, res.status, string(res.body))
	res = set("/api/deployments/" + shopStaging + "/env/NODE_OPTIONS")
	assert.Equal(t, http.StatusOK, res.status, string(res.body))
	refused(set("/api/projects/"+shop+"/env/LD_PRELOAD"), "LD_PRELOAD")
	refused(set("/api/projects/"+blog+"/env/NODE_OPTIONS"), "NODE_OPTIONS")
	refused(set("/api/deployments/"+blogStaging+"/env/NODE_OPTIONS"), "NODE_OPTIONS")
}
