package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeDeploysTheTinyFixtureBehindTheRouter runs serve as a process,
// deploys the tiny fixture through the real build worker, and checks that
// the route serves it by path and by host, with the forwarding headers
// set by the router (a client's forged X-Forwarded-For is not passed on),
// and that serve ships the server's log file to file storage.
func TestServeDeploysTheTinyFixtureBehindTheRouter(t *testing.T) {
	t.Parallel()
	env, dir := servingEnv(t)
	_, _, stderr := serveProcess(t, env)
	api := newAPIClient(t, env)
	projectID, depID := api.tinyDeployment(dir)

	b := api.deploy(depID)
	require.Equal(t, "succeeded", b["status"], "%v\n%s", b, stderr)
	dep := api.must(http.StatusOK, "GET", "/api/deployments/"+depID, "")
	assert.Equal(t, "running", dep["status"])
	assert.Equal(t, b["id"], dep["currentBuildId"])
	srv := api.server(depID)
	assert.Equal(t, "healthy", srv["status"])
	assert.NotZero(t, srv["pid"])
	assert.EqualValues(t, 0, srv["restarts"])
	assert.Eventually(t, func() bool {
		rss, _ := api.server(depID)["rssBytes"].(float64)
		return rss > 1<<20 // node takes tens of MiB
	}, 15*time.Second, 100*time.Millisecond, "the server's RSS is sampled from /proc")
	shipped := filepath.Join(env["MASTRA_ADMIN_DATA_DIR"], "storage", "observability", "logs", projectID, depID)
	assert.Eventually(t, func() bool {
		files, _ := filepath.Glob(filepath.Join(shipped, "*.jsonl"))
		for _, f := range files {
			if b, _ := os.ReadFile(f); strings.Contains(string(b), "tiny-server starting") {
				return true
			}
		}
		return false
	}, 15*time.Second, 100*time.Millisecond, "the server's closed log file (tiny.jsonl) is shipped to file storage")

	proxy := env["MASTRA_ADMIN_PROXY_ADDR"]
	routes := api.must(http.StatusOK, "GET", "/api/projects/"+projectID+"/routes", "")["routes"].([]any)
	require.Len(t, routes, 1)
	route := routes[0].(map[string]any)
	assert.Equal(t, "active", route["status"])
	assert.Equal(t, dep["publicUrl"], route["publicUrl"])
	assert.Equal(t, "http://tiny.localhost:"+strings.Split(proxy, ":")[1], dep["publicUrl"])

	echo := func(host, path string, header ...string) map[string]any {
		t.Helper()
		code, body, err := proxyGet(proxy, host, path, header...)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, code, body)
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(body), &m), body)
		return m
	}
	byPath := echo("", "/tiny/hello?x=1", "X-Forwarded-For", "6.6.6.6")
	assert.Equal(t, "/hello", byPath["path"], "the prefix is stripped")
	assert.Equal(t, "?x=1", byPath["query"])
	h := byPath["headers"].(map[string]any)
	assert.Equal(t, "/tiny", h["x-forwarded-prefix"])
	assert.Equal(t, "127.0.0.1", h["x-forwarded-for"], "a forged X-Forwarded-For is not trusted")
	assert.Equal(t, "http", h["x-forwarded-proto"])

	byHost := echo("tiny.localhost", "/hello")
	assert.Equal(t, "/hello", byHost["path"])
	assert.Nil(t, byHost["headers"].(map[string]any)["x-forwarded-prefix"])

	code, body, err := proxyGet(proxy, "", "/nothing-here/", "Accept", "application/json")
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, body, `"code":"not_found"`)
}

// TestServeSwapsServersWithoutAFailedRequest loops requests through the
// router while the deployment is redeployed and restarted (zero failed
// requests), then stopped (503) and started again without a rebuild; the
// replaced servers' processes are gone after the drain.
func TestServeSwapsServersWithoutAFailedRequest(t *testing.T) {
	t.Parallel()
	env, dir := servingEnv(t)
	_, _, stderr := serveProcess(t, env)
	api := newAPIClient(t, env)
	_, depID := api.tinyDeployment(dir)
	first := api.deploy(depID)
	require.Equal(t, "succeeded", first["status"], "%v\n%s", first, stderr)
	proxy := env["MASTRA_ADMIN_PROXY_ADDR"]

	var ok, failed atomic.Int64
	var lastFailure atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				code, body, err := proxyGet(proxy, "", "/tiny/loop")
				if err != nil || code != http.StatusOK {
					failed.Add(1)
					lastFailure.Store([]any{code, body, err})
					continue
				}
				ok.Add(1)
			}
		}()
	}
	servers := []map[string]any{api.server(depID)}

	second := api.deploy(depID)
	require.Equal(t, "succeeded", second["status"], "%v\n%s", second, stderr)
	servers = append(servers, api.server(depID))
	assert.NotEqual(t, servers[0]["id"], servers[1]["id"], "the redeploy started a new server")

	dep := api.must(http.StatusOK, "POST", "/api/deployments/"+depID+"/restart", "")
	assert.Equal(t, second["id"], dep["currentBuildId"])
	require.Eventually(t, func() bool {
		s := api.server(depID)
		if s["id"] != servers[1]["id"] && s["status"] == "healthy" {
			dep = api.must(http.StatusOK, "GET", "/api/deployments/"+depID, "")
			return dep["status"] == "running"
		}
		return false
	}, time.Minute, 50*time.Millisecond, "the restart never switched to a new server\n%s", stderr)
	servers = append(servers, api.server(depID))
	assert.Equal(t, second["id"], servers[2]["buildId"], "a restart runs the same build")
	time.Sleep(300 * time.Millisecond) // requests on the new server too
	close(stop)
	wg.Wait()
	assert.Zero(t, failed.Load(), "failed requests during the redeploy and the restart (last: %v)", lastFailure.Load())
	assert.Greater(t, ok.Load(), int64(50))

	for _, s := range servers[:2] {
		pid := int(s["pid"].(float64))
		assert.Eventually(t, func() bool { return processGone(pid) }, 20*time.Second, 50*time.Millisecond,
			"replaced server %v still runs after the drain", s["id"])
	}

	dep = api.must(http.StatusOK, "POST", "/api/deployments/"+depID+"/stop", "")
	require.Eventually(t, func() bool {
		code, _, err := proxyGet(proxy, "", "/tiny/x", "Accept", "application/json")
		return err == nil && code == http.StatusServiceUnavailable
	}, 10*time.Second, 20*time.Millisecond, "a stopped deployment's route answers 503")
	require.Eventually(t, func() bool {
		d := api.must(http.StatusOK, "GET", "/api/deployments/"+depID, "")
		return d["status"] == "stopped" && api.server(depID)["status"] == "stopped"
	}, 20*time.Second, 50*time.Millisecond)
	pid := int(servers[2]["pid"].(float64))
	assert.Eventually(t, func() bool { return processGone(pid) }, 20*time.Second, 50*time.Millisecond)

	api.must(http.StatusOK, "POST", "/api/deployments/"+depID+"/start", "")
	require.Eventually(t, func() bool {
		code, _, err := proxyGet(proxy, "", "/tiny/x")
		return err == nil && code == http.StatusOK
	}, time.Minute, 50*time.Millisecond, "a started deployment serves again\n%s", stderr)
	started := api.server(depID)
	assert.Equal(t, second["id"], started["buildId"], "start runs the current build without a rebuild")
	builds := api.must(http.StatusOK, "GET", "/api/deployments/"+depID+"/builds", "")
	assert.Len(t, builds["builds"], 2, "no build was queued by restart, stop or start")

	api.must(http.StatusNoContent, "DELETE", "/api/deployments/"+depID, "")
	require.Eventually(t, func() bool {
		code, _, err := proxyGet(proxy, "", "/tiny/x")
		return err == nil && code == http.StatusNotFound
	}, 10*time.Second, 20*time.Millisecond, "a deleted deployment's route is gone")
	pid = int(started["pid"].(float64))
	assert.Eventually(t, func() bool { return processGone(pid) }, 20*time.Second, 50*time.Millisecond,
		"a deleted deployment's server is stopped")
}
