package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/runner/local"
	source "github.com/mastra-admin/mastra-admin/adapters/source/local"
	"github.com/mastra-admin/mastra-admin/internal/chtest"
)

// TestServeDeploysARealMastraProject is the one test that deploys the
// real mastra-math fixture (the dependency cache's test builds it too) (npm install, mastra build, the MastraAdmin
// entry injected; as nobody when run as root, as MASTRA_ADMIN_BUILD_USER
// would have it) and serves it through serve's router: the workflow
// answers "result is 42" by path and by host, the assigned port wins over
// the project's own, and once the deployment stops the server's OBS_DIR
// holds closed JSONL files with the run's spans (the workflow run and its
// steps under one trace ID) and the step's log line, which serve ships to
// file storage.
func TestServeDeploysARealMastraProject(t *testing.T) {
	t.Parallel()
	env, _ := servingEnv(t)
	delete(env, "MASTRA_ADMIN_INJECT_ENTRY")
	env["MASTRA_ADMIN_HEALTH_TIMEOUT"] = "2m"
	base := t.TempDir()
	require.NoError(t, exec.Command("cp", "-r", filepath.Join("..", "..", "testdata", "mastra-math"), base).Run())
	project := filepath.Join(base, "mastra-math")
	env["PROJECTS_DIR"] = base
	userPort := freePort(t)
	index := filepath.Join(project, "src", "mastra", "index.ts")
	src, err := os.ReadFile(index)
	require.NoError(t, err)
	withServer := strings.Replace(string(src), "tools: { addTool },", fmt.Sprintf("tools: { addTool },\n  server: { port: %d, host: 'localhost' },", userPort), 1)
	require.NotEqual(t, string(src), withServer, "the fixture's config changed: update this test")
	require.NoError(t, os.WriteFile(index, []byte(withServer), 0o644))
	asNobody := buildAsNobody(t, env)
	store := chtest.New(t, "") // a fresh ClickHouse database; skips without ClickHouse
	env["CLICKHOUSE_URL"] = "clickhouse://" + chtest.Config(t).Addr + "/" + store.Database()

	_, _, stderr := serveProcess(t, env)
	api := newAPIClient(t, env)
	team := api.must(http.StatusCreated, "POST", "/api/teams", `{"name":"Math team"}`)
	proj := api.must(http.StatusCreated, "POST", "/api/teams/"+team["id"].(string)+"/projects",
		fmt.Sprintf(`{"name":"Mastra Math","sourceType":"local","sourceConfig":{"path":%q}}`, project))
	dep := api.must(http.StatusCreated, "POST", "/api/projects/"+proj["id"].(string)+"/deployments", `{"type":"production"}`)
	depID := dep["id"].(string)
	queued := api.must(http.StatusAccepted, "POST", "/api/deployments/"+depID+"/deploy", "")
	b := api.waitBuildFor(queued["id"].(string), 10*time.Minute)
	_, _, log := api.call("GET", "/api/builds/"+queued["id"].(string)+"/logs", "")
	require.Equal(t, "succeeded", b["status"], "%v\nbuild log:\n%s\nserve:\n%s", b, log, stderr)
	for _, want := range []string{"==> node v22.", "==> install (npm)", "==> mastra build", "==> inject the MastraAdmin entry",
		"==> @mastra/core 1.", "==> install @mastra/observability@^1.17.0", "==> bundle ready in "} {
		assert.Contains(t, log, want)
	}
	if asNobody {
		assert.Contains(t, log, "==> running as nobody")
	}
	assert.NoDirExists(t, filepath.Join(project, "node_modules"), "the build ran in its own directory")
	dep = api.must(http.StatusOK, "GET", "/api/deployments/"+depID, "")
	require.Equal(t, "running", dep["status"])
	assert.Equal(t, b["id"], dep["currentBuildId"])
	srv := api.server(depID)
	if asNobody {
		st, err := os.Stat(fmt.Sprintf("/proc/%d", int(srv["pid"].(float64))))
		require.NoError(t, err)
		assert.Equal(t, uint32(65534), st.Sys().(*syscall.Stat_t).Uid, "the server runs as the build user")
	}
	if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", userPort), time.Second); err == nil {
		c.Close()
		t.Errorf("something listens on the project's own port %d: the assigned port must win", userPort)
	}

	proxy := env["MASTRA_ADMIN_PROXY_ADDR"]
	run := func(host, path string) (traceID string) {
		t.Helper()
		req, err := http.NewRequest("POST", "http://"+proxy+path, strings.NewReader(`{"inputData":{"value":21}}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if host != "" {
			req.Host = host
		}
		res, err := proxyClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode, string(body))
		assert.Contains(t, string(body), "result is 42")
		var r struct {
			TraceID string `json:"traceId"`
		}
		require.NoError(t, json.Unmarshal(body, &r))
		require.NotEmpty(t, r.TraceID, string(body))
		return r.TraceID
	}
	trace := run("", "/mastra-math/api/workflows/mathWorkflow/start-async")
	run("mastra-math.localhost", "/api/workflows/mathWorkflow/start-async")
	for range 18 {
		run("", "/mastra-math/api/workflows/mathWorkflow/start-async")
	}
	bad := 0
	for range 3 { // input the workflow's schema refuses
		req, err := http.NewRequest("POST", "http://"+proxy+"/mastra-math/api/workflows/mathWorkflow/start-async",
			strings.NewReader(`{"inputData":{"value":"not a number"}}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		res, err := proxyClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		assert.NotContains(t, string(body), "result is 42")
		bad++
	}

	// Within seconds, the API shows the 20 runs as traces, with their
	// steps as children, the runs with bad input as errors, the step's log
	// lines linked to their trace, and the deploy marker.
	projectID := proj["id"].(string)
	var traces []any
	require.Eventually(t, func() bool {
		code, page, _ := api.call("GET", "/api/projects/"+projectID+"/traces?limit=100", "")
		if code != http.StatusOK {
			return false
		}
		traces, _ = page["traces"].([]any)
		ok := 0
		for _, tr := range traces {
			if tr.(map[string]any)["status"] == "ok" {
				ok++
			}
		}
		return ok >= 20
	}, 30*time.Second, 250*time.Millisecond, "20 good runs are traces in the API\n%s", stderr)
	errorTraces := 0
	for _, tr := range traces {
		tm := tr.(map[string]any)
		assert.Equal(t, depID, tm["deploymentId"])
		assert.Equal(t, b["id"], tm["buildId"], "traces name the build")
		if tm["status"] == "error" {
			errorTraces++
		}
	}
	assert.Equal(t, bad, errorTraces, "the runs with bad input are traces with errors")
	tree := api.must(http.StatusOK, "GET", "/api/traces/"+trace, "")
	roots := tree["roots"].([]any)
	require.Len(t, roots, 1)
	root := roots[0].(map[string]any)
	assert.Equal(t, "workflow run: 'math-workflow'", root["name"])
	var children []string
	for _, c := range root["children"].([]any) {
		children = append(children, c.(map[string]any)["name"].(string))
	}
	assert.Subset(t, children, []string{"workflow step: 'double'", "workflow step: 'describe'"}, "the steps are the run's children")
	assert.Eventually(t, func() bool { // log files close, ship and load on their own
		logs := api.must(http.StatusOK, "GET", "/api/projects/"+projectID+"/logs?traceId="+trace, "")
		l, _ := logs["logs"].([]any)
		return len(l) > 0
	}, 30*time.Second, 250*time.Millisecond, "the step's log lines are linked to its trace")
	assert.Eventually(t, func() bool { // projected into ClickHouse by serve's observability-markers consumer
		metrics := api.must(http.StatusOK, "GET", "/api/projects/"+projectID+"/metrics?bucket=1m", "")
		for _, m := range metrics["markers"].([]any) {
			m := m.(map[string]any)
			if m["kind"] == "deploy" && m["buildId"] == b["id"] && m["deploymentId"] == depID && m["by"] != nil {
				return true
			}
		}
		return false
	}, 30*time.Second, 250*time.Millisecond, "the deploy marker: its build, deployment and who deployed")

	api.must(http.StatusOK, "POST", "/api/deployments/"+depID+"/stop", "")
	require.Eventually(t, func() bool { return api.server(depID)["status"] == "stopped" }, time.Minute, 100*time.Millisecond)
	// serve ships the server's closed files to file storage and deletes
	// them from its OBS_DIR; the ingester moves them to processed/ once
	// their rows are in ClickHouse.
	obs := filepath.Join(env["MASTRA_ADMIN_DATA_DIR"], "servers", depID, "obs", srv["id"].(string))
	require.Eventually(t, func() bool {
		return len(jsonlIn(t, filepath.Join(obs, "spans")))+len(jsonlIn(t, filepath.Join(obs, "logs"))) == 0
	},
		time.Minute, 100*time.Millisecond, "the files are shipped")
	shipped := func(kind string) string {
		dir := filepath.Join(env["MASTRA_ADMIN_DATA_DIR"], "storage", "observability", kind, proj["id"].(string), depID)
		processed := filepath.Join(env["MASTRA_ADMIN_DATA_DIR"], "storage", "processed", "observability", kind, proj["id"].(string), depID)
		require.Eventually(t, func() bool {
			entries, err := os.ReadDir(dir)
			return (err == nil || os.IsNotExist(err)) && len(entries) == 0
		}, 30*time.Second, 100*time.Millisecond, "the files are ingested and moved to processed/")
		return processed
	}
	spans := readJSONL(t, shipped("spans"))
	ended := map[string]string{} // name → type, for the run's ended spans
	for _, s := range spans {
		if s["traceId"] != trace || s["event"] != "span_ended" {
			continue
		}
		ended[s["name"].(string)] = s["type"].(string)
		assert.Equal(t, b["id"], s["buildId"], "spans name the build their server runs")
		if s["isRootSpan"] == true {
			assert.Equal(t, map[string]any{"message": "result is 42"}, s["output"])
			assert.Equal(t, "mastra-fixture", s["service"])
		} else {
			assert.NotEmpty(t, s["parentSpanId"])
		}
	}
	assert.Equal(t, map[string]string{"workflow run: 'math-workflow'": "workflow_run", "workflow step: 'double'": "workflow_step",
		"workflow step: 'describe'": "workflow_step"}, ended, "the run and its steps, one trace ID")
	var step map[string]any
	for _, l := range readJSONL(t, shipped("logs")) {
		if l["msg"] == "double step running" && l["traceId"] == trace {
			step = l
		}
	}
	require.NotNil(t, step, "the step's log line of the first run")
	assert.Equal(t, map[string]any{"value": float64(21)}, step["data"])
}

// waitBuildFor is waitBuild with a deadline of its own.
func (c *apiClient) waitBuildFor(id string, d time.Duration) map[string]any {
	c.t.Helper()
	deadline := time.Now().Add(d)
	for {
		_, b, _ := c.call("GET", "/api/builds/"+id, "")
		switch b["status"] {
		case "succeeded", "failed", "cancelled":
			return b
		}
		require.True(c.t, time.Now().Before(deadline), "build %s did not end: %v", id, b)
		time.Sleep(250 * time.Millisecond)
	}
}

// buildAsNobody sets MASTRA_ADMIN_BUILD_USER=nobody when the test runs
// as root and nobody can run this checkout's node, opening the data
// directory's parents to it; it reports whether it did.
func buildAsNobody(t *testing.T, env map[string]string) bool {
	t.Helper()
	if os.Geteuid() != 0 {
		return false
	}
	as, err := local.LookupAccount("nobody")
	require.NoError(t, err)
	data := env["MASTRA_ADMIN_DATA_DIR"]
	for _, d := range []string{data, filepath.Dir(data), filepath.Dir(filepath.Dir(data))} {
		require.NoError(t, os.Chmod(d, 0o711)) // t.TempDir makes them 0700
	}
	sources, err := source.New([]string{t.TempDir()})
	require.NoError(t, err)
	b, err := local.New(local.Config{Node: os.Getenv("MASTRA_ADMIN_NODE"), Dir: filepath.Join(data, "node-check"), Sources: sources, User: as})
	require.NoError(t, err)
	if err := b.Check(context.Background()); err != nil {
		t.Logf("building and serving as the admin's user: %v", err)
		return false
	}
	env["MASTRA_ADMIN_BUILD_USER"] = "nobody"
	return true
}

// freePort returns a TCP port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// jsonlIn lists the *.jsonl and *.jsonl.open files in dir.
func jsonlIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".jsonl") || strings.HasSuffix(e.Name(), ".jsonl.open") {
			out = append(out, e.Name())
		}
	}
	return out
}

// readJSONL reads every line of the files in dir, which must all be
// closed (*.jsonl) and hold whole JSON lines.
func readJSONL(t *testing.T, dir string) []map[string]any {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.NotEmpty(t, entries, dir)
	var lines []map[string]any
	for _, e := range entries {
		require.True(t, strings.HasSuffix(e.Name(), ".jsonl"), "closed files only after the server stopped: %s", e.Name())
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		require.True(t, bytes.HasSuffix(data, []byte("\n")), e.Name())
		for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			var m map[string]any
			require.NoError(t, json.Unmarshal([]byte(l), &m), "%s: %q", e.Name(), l)
			lines = append(lines, m)
		}
	}
	return lines
}
