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

// TestServeReplacesAServerThatFailsItsHealthChecks freezes a deployed
// server (SIGSTOP): the router's health checks fail, the route answers 502
// in the API's error shape (a small page for browsers), the transition is
// recorded once (not per probe), and the supervisor replaces the server
// after its backoff: the route serves again from a new server of the same
// build, counted as a restart.
func TestServeReplacesAServerThatFailsItsHealthChecks(t *testing.T) {
	t.Parallel()
	env, dir := servingEnv(t)
	env["MASTRA_ADMIN_ROUTE_CHECK_INTERVAL"] = "100ms"
	env["MASTRA_ADMIN_ROUTE_CHECK_THRESHOLD"] = "2"
	env["MASTRA_ADMIN_RESTART_BACKOFF"] = "3s"
	_, _, stderr := serveProcess(t, env)
	api := newAPIClient(t, env)
	projectID, depID := api.tinyDeployment(dir)
	b := api.deploy(depID)
	require.Equal(t, "succeeded", b["status"], "%v\n%s", b, stderr)
	frozen := api.server(depID)
	pid := int(frozen["pid"].(float64))
	proxy := env["MASTRA_ADMIN_PROXY_ADDR"]

	require.NoError(t, syscall.Kill(pid, syscall.SIGSTOP))
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	// No request through the router yet: it would wait for the frozen
	// server as long as an agent may think.
	require.Eventually(t, func() bool {
		r := api.must(http.StatusOK, "GET", "/api/projects/"+projectID+"/routes", "")["routes"].([]any)[0].(map[string]any)
		return r["healthy"] == false && r["healthReason"] != ""
	}, 30*time.Second, 50*time.Millisecond, "the routes read model shows the route unhealthy")
	code, body, err := proxyGet(proxy, "", "/tiny/x", "Accept", "application/json")
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadGateway, code, "a frozen server's route answers 502")
	assert.Contains(t, body, `"error":{"code":`)
	code, page, err := proxyGet(proxy, "", "/tiny/x", "Accept", "text/html")
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadGateway, code)
	assert.Contains(t, page, "<html")

	require.Eventually(t, func() bool {
		code, _, err := proxyGet(proxy, "", "/tiny/x")
		return err == nil && code == http.StatusOK
	}, time.Minute, 50*time.Millisecond, "a replacement serves the route\n%s", stderr)
	now := api.server(depID)
	assert.NotEqual(t, frozen["id"], now["id"])
	assert.Equal(t, "recover", now["purpose"])
	assert.Equal(t, b["id"], now["buildId"], "the replacement runs the same build")
	assert.EqualValues(t, 1, now["restarts"])
	r := api.must(http.StatusOK, "GET", "/api/projects/"+projectID+"/routes", "")["routes"].([]any)[0].(map[string]any)
	assert.Equal(t, true, r["healthy"])

	_, _, events := api.call("GET", "/api/events?after=0", "")
	assert.Equal(t, 1, strings.Count(events, `"deployment.RouteHealthChanged"`), "one event per transition, not per probe")
	assert.Equal(t, 1, strings.Count(events, `"deployment.RecoveryRequested"`))
}
