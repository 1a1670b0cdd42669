package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeRestartsACrashedServerUntilItsRestartsAreUsedUp kills a
// deployed server: a new server of the same build serves again, with the
// env the crashed one had (not a change made since). Then a restart with
// an env var that makes every server crash soon after it starts begins a
// crash loop: after MASTRA_ADMIN_MAX_RESTARTS the deployment is failed
// with the reason and the end of the server's stderr, and its route
// answers 503; a start (with the env fixed) brings it back.
func TestServeRestartsACrashedServerUntilItsRestartsAreUsedUp(t *testing.T) {
	t.Parallel()
	env, dir := servingEnv(t)
	env["MASTRA_ADMIN_RESTART_BACKOFF"] = "100ms"
	env["MASTRA_ADMIN_MAX_RESTARTS"] = "3"
	_, _, stderr := serveProcess(t, env)
	api := newAPIClient(t, env)
	projectID, depID := api.tinyDeployment(dir)
	api.must(http.StatusOK, "PUT", "/api/projects/"+projectID+"/env/GREETING", `{"value":"one","secret":false}`)
	b := api.deploy(depID)
	require.Equal(t, "succeeded", b["status"], "%v\n%s", b, stderr)
	first := api.server(depID)
	proxy := env["MASTRA_ADMIN_PROXY_ADDR"]

	require.NoError(t, syscall.Kill(int(first["pid"].(float64)), syscall.SIGKILL))
	var now map[string]any
	require.Eventually(t, func() bool {
		now = api.server(depID)
		return now["id"] != first["id"] && now["status"] == "healthy"
	}, time.Minute, 50*time.Millisecond, "a crashed server is replaced\n%s", stderr)
	assert.Equal(t, b["id"], now["buildId"])
	assert.EqualValues(t, 1, now["restarts"])
	require.Eventually(t, func() bool {
		code, _, err := proxyGet(proxy, "", "/tiny/x")
		return err == nil && code == http.StatusOK
	}, 30*time.Second, 50*time.Millisecond)
	dep := api.must(http.StatusOK, "GET", "/api/deployments/"+depID, "")
	assert.Equal(t, "running", dep["status"])

	// A replacement runs with the env its crashed server had, not the
	// env as it is now.
	env0 := proxyEnv(t, proxy)
	api.must(http.StatusOK, "PUT", "/api/projects/"+projectID+"/env/GREETING", `{"value":"changed","secret":false}`)
	require.NoError(t, syscall.Kill(int(now["pid"].(float64)), syscall.SIGKILL))
	require.Eventually(t, func() bool {
		s := api.server(depID)
		return s["id"] != now["id"] && s["status"] == "healthy"
	}, time.Minute, 50*time.Millisecond, "the second crash is replaced\n%s", stderr)
	require.Eventually(t, func() bool {
		code, _, err := proxyGet(proxy, "", "/tiny/x")
		return err == nil && code == http.StatusOK
	}, 30*time.Second, 50*time.Millisecond)
	require.Equal(t, "one", env0["GREETING"])
	assert.Equal(t, "one", proxyEnv(t, proxy)["GREETING"], "the env of the crashed server")

	// A restart takes the env as it is now: one that crashes its servers.
	api.must(http.StatusOK, "PUT", "/api/projects/"+projectID+"/env/TINY_CRASH_AFTER_MS", `{"value":"3000","secret":false}`) // after the switch, even on a loaded machine
	api.must(http.StatusOK, "POST", "/api/deployments/"+depID+"/restart", "")
	require.Eventually(t, func() bool {
		dep = api.must(http.StatusOK, "GET", "/api/deployments/"+depID, "")
		return dep["status"] == "failed"
	}, time.Minute, 50*time.Millisecond, "a crash loop fails the deployment\n%s", stderr)
	code, body, err := proxyGet(proxy, "", "/tiny/x", "Accept", "application/json")
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, code, body)
	last := api.server(depID)
	assert.Contains(t, []any{"failed", "exited"}, last["status"])
	assert.Contains(t, strings.Join(toStrings(last["stderrTail"]), "\n"), "crashing on purpose", "the end of the server's stderr")
	_, _, events := api.call("GET", "/api/events?after=0", "")
	assert.Contains(t, events, `"deployment.CrashLooped"`)

	api.must(http.StatusNoContent, "DELETE", "/api/projects/"+projectID+"/env/TINY_CRASH_AFTER_MS", "")
	api.must(http.StatusOK, "POST", "/api/deployments/"+depID+"/start", "")
	require.Eventually(t, func() bool {
		code, _, err := proxyGet(proxy, "", "/tiny/x")
		return err == nil && code == http.StatusOK
	}, time.Minute, 50*time.Millisecond, "a start brings a failed deployment back\n%s", stderr)
}

func toStrings(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, s := range l {
			out = append(out, s.(string))
		}
	}
	return out
}

// proxyEnv returns the environment the deployment's server reports
// through the router (tiny-server's GET /env).
func proxyEnv(t *testing.T, proxy string) map[string]any {
	t.Helper()
	code, body, err := proxyGet(proxy, "", "/tiny/env")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, code, body)
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &m))
	env, _ := m["env"].(map[string]any)
	return env
}
