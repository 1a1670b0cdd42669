package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/commands"
)

// tinyEnvVar returns the value of key in the environment of the server
// that answers GET /tiny/env through the router ("" when it does not
// answer, or has no such var).
func tinyEnvVar(proxy, key string) string {
	code, body, err := proxyGet(proxy, "", "/tiny/env")
	if err != nil || code != http.StatusOK {
		return ""
	}
	var m struct {
		Env map[string]string `json:"env"`
	}
	if json.Unmarshal([]byte(body), &m) != nil {
		return ""
	}
	return m.Env[key]
}

// TestServeRollbackRestoresTheEnvOfTheEarlierBuild deploys with
// GREETING=one, then with GREETING=two, and rolls back to the first
// build: the server behind the router sees GREETING=one again, and the
// rollback's log shows that no install and no build ran. Bad rollbacks
// (malformed body, unknown build, another deployment's build, a pruned
// artifact) are refused with clear errors and change nothing.
func TestServeRollbackRestoresTheEnvOfTheEarlierBuild(t *testing.T) {
	t.Parallel()
	env, dir := servingEnv(t)
	_, _, stderr := serveProcess(t, env)
	api := newAPIClient(t, env)
	projectID, depID := api.tinyDeployment(dir)
	proxy := env["MASTRA_ADMIN_PROXY_ADDR"]
	greeting := func(want string) {
		t.Helper()
		require.Eventually(t, func() bool { return tinyEnvVar(proxy, "GREETING") == want }, 30*time.Second, 50*time.Millisecond,
			"the server never showed GREETING=%s (now %q)\n%s", want, tinyEnvVar(proxy, "GREETING"), stderr)
	}

	api.must(http.StatusOK, "PUT", "/api/projects/"+projectID+"/env/GREETING", `{"value":"one","secret":true}`)
	first := api.deploy(depID)
	require.Equal(t, "succeeded", first["status"], "%v\n%s", first, stderr)
	assert.Equal(t, "deploy", first["trigger"])
	greeting("one")
	api.must(http.StatusOK, "PUT", "/api/projects/"+projectID+"/env/GREETING", `{"value":"two","secret":true}`)
	second := api.deploy(depID)
	require.Equal(t, "succeeded", second["status"], "%v\n%s", second, stderr)
	greeting("two")
	_, _, firstLog := api.call("GET", "/api/builds/"+first["id"].(string)+"/logs", "")
	require.Contains(t, firstLog, "==> mastra build", "a deploy builds")

	// Another deployment's build, for the refusals below.
	staging := api.must(http.StatusCreated, "POST", "/api/projects/"+projectID+"/deployments", `{"type":"staging"}`)
	stagingBuild := api.deploy(staging["id"].(string))
	require.Equal(t, "succeeded", stagingBuild["status"], "%v\n%s", stagingBuild, stderr)

	rollback := "/api/deployments/" + depID + "/rollback"
	refusals := []struct {
		body string
		code int
		kind string
		says string
	}{
		{`{"buildId":"nope"}`, http.StatusBadRequest, "invalid_argument", "request body"},
		{`{}`, http.StatusBadRequest, "invalid_argument", "buildId is required"},
		{`{"buildId":"` + first["id"].(string) + `","extra":1}`, http.StatusBadRequest, "invalid_argument", "extra"},
		{`{"buildId":"` + uuid.NewString() + `"}`, http.StatusNotFound, "not_found", "not found"},
		{`{"buildId":"` + stagingBuild["id"].(string) + `"}`, http.StatusConflict, "conflict", "roll back to a build of this deployment"},
	}
	for _, r := range refusals {
		code, m, raw := api.call("POST", rollback, r.body)
		require.Equal(t, r.code, code, "%s: %s", r.body, raw)
		e := m["error"].(map[string]any)
		assert.Equal(t, r.kind, e["code"], r.body)
		assert.Contains(t, e["message"], r.says, r.body)
	}
	builds := api.must(http.StatusOK, "GET", "/api/deployments/"+depID+"/builds", "")["builds"].([]any)
	assert.Len(t, builds, 2, "a refused rollback queues nothing")
	assert.Equal(t, second["id"], api.must(http.StatusOK, "GET", "/api/deployments/"+depID, "")["currentBuildId"])
	assert.Equal(t, "two", tinyEnvVar(proxy, "GREETING"), "a refused rollback changes nothing")

	queued := api.must(http.StatusAccepted, "POST", rollback, `{"buildId":"`+first["id"].(string)+`"}`)
	assert.Equal(t, "rollback", queued["trigger"])
	assert.Equal(t, first["id"], queued["rollbackOf"])
	done := api.waitBuild(queued["id"].(string))
	require.Equal(t, "succeeded", done["status"], "%v\n%s", done, stderr)
	greeting("one")
	dep := api.must(http.StatusOK, "GET", "/api/deployments/"+depID, "")
	assert.Equal(t, queued["id"], dep["currentBuildId"])
	srv := api.server(depID)
	assert.Equal(t, queued["id"], srv["buildId"])
	assert.Equal(t, commands.ArtifactID(uuid.MustParse(first["id"].(string))).String(), srv["artifactId"], "the first build's artifact")
	_, _, log := api.call("GET", "/api/builds/"+queued["id"].(string)+"/logs", "")
	assert.Contains(t, log, "no install and no build")
	assert.Contains(t, log, "GREETING (project version 1)")
	assert.NotContains(t, log, "==> ", "no step of the build pipeline ran")
	assert.NotContains(t, log, "one", "the log names versions, never values")
	assert.Nil(t, done["startedAt"], "no worker took the rollback")

	// The second build's artifact pruned: rolling back to it is refused.
	art := filepath.Join(env["MASTRA_ADMIN_DATA_DIR"], "artifacts", commands.ArtifactID(uuid.MustParse(second["id"].(string))).String())
	require.DirExists(t, art)
	require.NoError(t, os.RemoveAll(art))
	code, m, raw := api.call("POST", rollback, `{"buildId":"`+second["id"].(string)+`"}`)
	require.Equal(t, http.StatusConflict, code, raw)
	assert.Contains(t, m["error"].(map[string]any)["message"], "was pruned")
	builds = api.must(http.StatusOK, "GET", "/api/deployments/"+depID+"/builds", "")["builds"].([]any)
	assert.Len(t, builds, 3, "the refused rollback queued nothing")
	assert.Equal(t, "one", tinyEnvVar(proxy, "GREETING"))
}
