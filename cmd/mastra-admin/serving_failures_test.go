package main

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeKeepsThePreviousServerWhenADeployFails deploys the tiny
// fixture, then fails a deploy at every step before the route switch — the
// build fails, the server never becomes healthy, it exits right after
// start, no port is free, the build is cancelled midway — and checks after
// each that the build records why, and the first server still serves,
// untouched. A last deploy succeeds: the failures left no port claimed.
func TestServeKeepsThePreviousServerWhenADeployFails(t *testing.T) {
	t.Parallel()
	env, dir := servingEnv(t)
	env["MASTRA_ADMIN_HEALTH_TIMEOUT"] = "3s"
	first, _ := strconv.Atoi(strings.Split(env["MASTRA_ADMIN_PORT_RANGE"], "-")[0])
	env["MASTRA_ADMIN_PORT_RANGE"] = strconv.Itoa(first) + "-" + strconv.Itoa(first+1) // two ports: the server's and one more
	_, _, stderr := serveProcess(t, env)
	api := newAPIClient(t, env)
	projectID, depID := api.tinyDeployment(dir)
	ok := api.deploy(depID)
	require.Equal(t, "succeeded", ok["status"], "%v\n%s", ok, stderr)
	serving := api.server(depID)
	proxy := env["MASTRA_ADMIN_PROXY_ADDR"]

	stillServing := func(step string) {
		t.Helper()
		code, body, err := proxyGet(proxy, "", "/tiny/still")
		require.NoError(t, err, step)
		assert.Equal(t, http.StatusOK, code, "%s: the previous server serves: %s", step, body)
		assert.Equal(t, serving["id"], api.server(depID)["id"], "%s: the previous server is the deployment's", step)
		dep := api.must(http.StatusOK, "GET", "/api/deployments/"+depID, "")
		assert.Equal(t, ok["id"], dep["currentBuildId"], step)
		assert.Equal(t, "running", dep["status"], step)
	}
	buildMjs := filepath.Join(dir, "build.mjs")
	original, err := os.ReadFile(buildMjs)
	require.NoError(t, err)
	setBuild := func(prefix string) {
		require.NoError(t, os.WriteFile(buildMjs, append([]byte(prefix), original...), 0o644))
	}

	setBuild("process.exit(2);\n")
	b := api.deploy(depID)
	assert.Equal(t, "failed", b["status"])
	assert.Contains(t, b["error"], "mastra build")
	stillServing("build fails")
	setBuild("")

	api.must(http.StatusOK, "PUT", "/api/projects/"+projectID+"/env/TINY_FAIL", `{"value":"unhealthy","secret":false}`)
	b = api.deploy(depID)
	assert.Equal(t, "failed", b["status"])
	assert.Contains(t, b["error"], "healthy")
	stillServing("never healthy")

	api.must(http.StatusOK, "PUT", "/api/projects/"+projectID+"/env/TINY_FAIL", `{"value":"exit","secret":false}`)
	b = api.deploy(depID)
	assert.Equal(t, "failed", b["status"])
	assert.Contains(t, b["error"], "exiting on purpose", "the reason holds the end of the server's stderr")
	stillServing("exits at start")
	api.must(http.StatusNoContent, "DELETE", "/api/projects/"+projectID+"/env/TINY_FAIL", "")

	other := first
	if int(serving["port"].(float64)) == first {
		other = first + 1
	}
	taken, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(other))
	require.NoError(t, err)
	b = api.deploy(depID)
	assert.Equal(t, "failed", b["status"])
	assert.Contains(t, b["error"], "port")
	stillServing("port taken")
	require.NoError(t, taken.Close())

	setBuild("await new Promise((r) => setTimeout(r, 120000));\n")
	queued := api.must(http.StatusAccepted, "POST", "/api/deployments/"+depID+"/deploy", "")
	id := queued["id"].(string)
	require.Eventually(t, func() bool {
		_, _, log := api.call("GET", "/api/builds/"+id+"/logs", "")
		return strings.Contains(log, "mastra build")
	}, time.Minute, 50*time.Millisecond, "the build never reached mastra build")
	api.must(http.StatusOK, "POST", "/api/builds/"+id+"/cancel", "")
	b = api.waitBuild(id)
	assert.Equal(t, "cancelled", b["status"])
	stillServing("cancelled mid-build")
	setBuild("")

	b = api.deploy(depID)
	require.Equal(t, "succeeded", b["status"], "%v\n%s", b, stderr)
	assert.NotEqual(t, serving["id"], api.server(depID)["id"])
	code, _, err := proxyGet(proxy, "", "/tiny/after")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code)
}
