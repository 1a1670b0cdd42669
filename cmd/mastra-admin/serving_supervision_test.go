package main

import (
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeRestartsACrashedServerUntilItsRestartsAreUsedUp kills a
// deployed server: a new server of the same build serves again. Then,
// with an env var that makes every new server exit at once, a second
// crash starts a crash loop: after MASTRA_ADMIN_MAX_RESTARTS the
// deployment is failed with the reason and the end of the server's
// stderr, and its route answers 503; a start brings it back.
func TestServeRestartsACrashedServerUntilItsRestartsAreUsedUp(t *testing.T) {
	t.Parallel()
	env, dir := servingEnv(t)
	env["MASTRA_ADMIN_RESTART_BACKOFF"] = "100ms"
	env["MASTRA_ADMIN_MAX_RESTARTS"] = "3"
	_, _, stderr := serveProcess(t, env)
	api := newAPIClient(t, env)
	projectID, depID := api.tinyDeployment(dir)
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

	api.must(http.StatusOK, "PUT", "/api/projects/"+projectID+"/env/TINY_FAIL", `{"value":"exit","secret":false}`)
	require.NoError(t, syscall.Kill(int(now["pid"].(float64)), syscall.SIGKILL))
	require.Eventually(t, func() bool {
		dep = api.must(http.StatusOK, "GET", "/api/deployments/"+depID, "")
		return dep["status"] == "failed"
	}, time.Minute, 50*time.Millisecond, "a crash loop fails the deployment\n%s", stderr)
	code, body, err := proxyGet(proxy, "", "/tiny/x", "Accept", "application/json")
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, code, body)
	last := api.server(depID)
	assert.Contains(t, []any{"failed", "exited"}, last["status"])
	assert.Contains(t, strings.Join(toStrings(last["stderrTail"]), "\n"), "exiting on purpose", "the end of the server's stderr")
	_, _, events := api.call("GET", "/api/events?after=0", "")
	assert.Contains(t, events, `"deployment.CrashLooped"`)

	api.must(http.StatusNoContent, "DELETE", "/api/projects/"+projectID+"/env/TINY_FAIL", "")
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
