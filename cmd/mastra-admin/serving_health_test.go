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

// TestServeRecordsRouteHealthTransitions freezes a deployed server
// (SIGSTOP): the router's health checks fail, the route answers 502 in the
// API's error shape (a small page for browsers), and the transition is
// recorded once; thawed (SIGCONT), the route serves again and that is
// recorded too. Probes in between record nothing.
func TestServeRecordsRouteHealthTransitions(t *testing.T) {
	t.Parallel()
	env, dir := servingEnv(t)
	env["MASTRA_ADMIN_ROUTE_CHECK_INTERVAL"] = "100ms"
	env["MASTRA_ADMIN_ROUTE_CHECK_THRESHOLD"] = "2"
	_, _, stderr := serveProcess(t, env)
	api := newAPIClient(t, env)
	projectID, depID := api.tinyDeployment(dir)
	b := api.deploy(depID)
	require.Equal(t, "succeeded", b["status"], "%v\n%s", b, stderr)
	pid := int(api.server(depID)["pid"].(float64))
	proxy := env["MASTRA_ADMIN_PROXY_ADDR"]

	require.NoError(t, syscall.Kill(pid, syscall.SIGSTOP))
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGCONT) })
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

	require.NoError(t, syscall.Kill(pid, syscall.SIGCONT))
	require.Eventually(t, func() bool {
		code, _, err := proxyGet(proxy, "", "/tiny/x")
		return err == nil && code == http.StatusOK
	}, 30*time.Second, 50*time.Millisecond, "the route serves again once its server answers")
	require.Eventually(t, func() bool {
		r := api.must(http.StatusOK, "GET", "/api/projects/"+projectID+"/routes", "")["routes"].([]any)[0].(map[string]any)
		return r["healthy"] == true
	}, 10*time.Second, 50*time.Millisecond)

	_, _, events := api.call("GET", "/api/events?after=0&type=deployment.RouteHealthChanged", "")
	assert.Equal(t, 2, strings.Count(events, `"deployment.RouteHealthChanged"`), "one event per transition, not per probe: %s", events)
}
