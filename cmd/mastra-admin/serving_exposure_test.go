package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeEnvListNamesTheDeploymentsThatNeedARestart rotates a secret
// under a running deployment: the env list names the deployment's server
// as running the old version until a restart, after which it names none
// and the server has the new value; the exposure route lists both servers
// under their versions.
func TestServeEnvListNamesTheDeploymentsThatNeedARestart(t *testing.T) {
	t.Parallel()
	env, dir := servingEnv(t)
	_, _, stderr := serveProcess(t, env)
	api := newAPIClient(t, env)
	projectID, depID := api.tinyDeployment(dir)
	proxy := env["MASTRA_ADMIN_PROXY_ADDR"]
	envVar := func(key string) map[string]any {
		t.Helper()
		for _, v := range api.must(http.StatusOK, "GET", "/api/projects/"+projectID+"/env", "")["env"].([]any) {
			if m := v.(map[string]any); m["key"] == key {
				return m
			}
		}
		t.Fatalf("env var %s not listed", key)
		return nil
	}

	api.must(http.StatusOK, "PUT", "/api/projects/"+projectID+"/env/API_KEY", `{"value":"leaked","secret":true}`)
	b := api.deploy(depID)
	require.Equal(t, "succeeded", b["status"], "%v\n%s", b, stderr)
	first := api.server(depID)
	require.Eventually(t, func() bool { return tinyEnvVar(proxy, "API_KEY") == "leaked" }, 30*time.Second, 50*time.Millisecond)
	v := envVar("API_KEY")
	assert.EqualValues(t, 1, v["version"])
	assert.Nil(t, v["staleDeployments"], "the server runs the current version")

	api.must(http.StatusOK, "PUT", "/api/projects/"+projectID+"/env/API_KEY", `{"value":"rotated","secret":true}`) // rotate
	require.Eventually(t, func() bool {
		v = envVar("API_KEY")
		return v["version"] == float64(2) && v["staleDeployments"] != nil
	}, 10*time.Second, 50*time.Millisecond, "the rotation never showed a restart needed: %v", v)
	stale := v["staleDeployments"].([]any)
	require.Len(t, stale, 1)
	s := stale[0].(map[string]any)
	assert.Equal(t, depID, s["deploymentId"])
	assert.Equal(t, first["id"], s["serverId"])
	assert.EqualValues(t, 1, s["version"])
	assert.EqualValues(t, 2, s["currentVersion"])
	assert.Equal(t, "project", s["source"])
	assert.Equal(t, "leaked", tinyEnvVar(proxy, "API_KEY"), "a running server keeps its env")

	api.must(http.StatusOK, "POST", "/api/deployments/"+depID+"/restart", "")
	require.Eventually(t, func() bool {
		s := api.server(depID)
		return s["id"] != first["id"] && s["status"] == "healthy" && tinyEnvVar(proxy, "API_KEY") == "rotated"
	}, time.Minute, 50*time.Millisecond, "the restart never served the rotated value\n%s", stderr)
	second := api.server(depID)
	require.Eventually(t, func() bool { return envVar("API_KEY")["staleDeployments"] == nil }, 10*time.Second, 50*time.Millisecond,
		"after the restart no deployment needs one: %v", envVar("API_KEY"))

	// Both servers, by version; the first one stops after the drain.
	var x map[string]any
	require.Eventually(t, func() bool {
		x = api.must(http.StatusOK, "GET", "/api/projects/"+projectID+"/env/API_KEY/exposure", "")
		vs := x["versions"].([]any)
		if len(vs) != 2 {
			return false
		}
		old := vs[0].(map[string]any)["servers"].([]any)
		return len(old) == 1 && old[0].(map[string]any)["stoppedAt"] != nil
	}, 30*time.Second, 100*time.Millisecond, "the exposure never showed the old server stopped: %v", x)
	assert.Equal(t, "API_KEY", x["key"])
	vs := x["versions"].([]any)
	v1, v2 := vs[0].(map[string]any), vs[1].(map[string]any)
	assert.EqualValues(t, 1, v1["version"])
	assert.Equal(t, false, v1["current"])
	assert.NotNil(t, v1["endedAt"], "version 1 ended when it was rotated")
	old := v1["servers"].([]any)[0].(map[string]any)
	assert.Equal(t, first["id"], old["serverId"])
	assert.Equal(t, depID, old["deploymentId"])
	assert.Equal(t, b["id"], old["buildId"])
	assert.Equal(t, false, old["running"])
	assert.NotNil(t, old["stopRequestedAt"])
	assert.EqualValues(t, 2, v2["version"])
	assert.Equal(t, true, v2["current"])
	require.Len(t, v2["servers"], 1)
	now := v2["servers"].([]any)[0].(map[string]any)
	assert.Equal(t, second["id"], now["serverId"])
	assert.Equal(t, b["id"], now["buildId"], "a restart runs the same build")
	assert.Equal(t, true, now["running"])
	assert.Nil(t, now["stoppedAt"])
	assert.NotContains(t, mustRaw(t, api, "/api/projects/"+projectID+"/env/API_KEY/exposure"), "rotated", "versions, never values")

	code, m, raw := api.call("GET", "/api/projects/"+projectID+"/env/lower-case/exposure", "")
	assert.Equal(t, http.StatusBadRequest, code, raw)
	assert.Contains(t, m["error"].(map[string]any)["message"], "env var name")
	code, m, raw = api.call("GET", "/api/projects/"+projectID+"/env/NEVER_SET/exposure", "")
	assert.Equal(t, http.StatusNotFound, code, raw)
	assert.Contains(t, m["error"].(map[string]any)["message"], "NEVER_SET was never set")
}

// mustRaw returns the raw body of a GET that must answer 200.
func mustRaw(t *testing.T, api *apiClient, path string) string {
	t.Helper()
	code, _, raw := api.call("GET", path, "")
	require.Equal(t, http.StatusOK, code, raw)
	return raw
}
