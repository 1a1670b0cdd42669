package main

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeRecoversAfterKill9 kills serve with SIGKILL in each state a
// deployment can be caught in, and starts it again on the same database
// and data directory: a running server is reattached (same process, no
// restart) and serves through the new router; one that died meanwhile is
// recorded lost and replaced; a deploy caught between "server started" and
// "route switched" completes; a build caught midway ends failed with the
// reason. After each, exactly one server process runs per deployment.
func TestServeRecoversAfterKill9(t *testing.T) {
	t.Parallel()
	env, dir := servingEnv(t)
	env["MASTRA_ADMIN_RESTART_BACKOFF"] = "100ms"
	proxy := env["MASTRA_ADMIN_PROXY_ADDR"]
	cmd, _, stderr := serveProcess(t, env)
	api := newAPIClient(t, env)
	projectID, depID := api.tinyDeployment(dir)
	b := api.deploy(depID)
	require.Equal(t, "succeeded", b["status"], "%v\n%s", b, stderr)
	first := api.server(depID)
	serves := func(what string) {
		t.Helper()
		require.Eventually(t, func() bool {
			code, _, err := proxyGet(proxy, "", "/tiny/x")
			return err == nil && code == http.StatusOK
		}, time.Minute, 20*time.Millisecond, "%s: the deployment serves through the router\n%s", what, stderr)
	}
	restart := func() {
		t.Helper()
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		_, _ = cmd.Process.Wait()
		cmd, _, stderr = serveProcess(t, env)
	}
	servers := func() int { return countProcesses(filepath.Join(env["MASTRA_ADMIN_DATA_DIR"], "artifacts")) }

	// Running: reattached.
	restart()
	serves("running")
	again := api.server(depID)
	assert.Equal(t, first["id"], again["id"], "the same server serves")
	assert.Equal(t, first["pid"], again["pid"], "the same process: it was not restarted")
	assert.Equal(t, 1, servers())

	// Its process died while the admin was down: lost, replaced.
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_, _ = cmd.Process.Wait()
	require.NoError(t, syscall.Kill(int(first["pid"].(float64)), syscall.SIGKILL))
	cmd, _, stderr = serveProcess(t, env)
	serves("lost")
	var replaced map[string]any
	require.Eventually(t, func() bool {
		replaced = api.server(depID)
		return replaced["id"] != first["id"]
	}, 30*time.Second, 20*time.Millisecond, "a new server replaces the lost one")
	assert.Equal(t, "recover", replaced["purpose"])
	_, _, events := api.call("GET", "/api/events?after=0", "")
	assert.Contains(t, events, `"lost":true`, "the lost server is recorded as such")
	assert.Equal(t, 1, servers())

	// Between "server started" and "route switched": the deploy completes.
	api.must(http.StatusOK, "PUT", "/api/projects/"+projectID+"/env/TINY_START_DELAY_MS", `{"value":"3000","secret":false}`)
	queued := api.must(http.StatusAccepted, "POST", "/api/deployments/"+depID+"/deploy", "")
	require.Eventually(t, func() bool { return serverStatusOf(t, env, queued["id"].(string)) == "started" },
		time.Minute, 20*time.Millisecond, "the new server started")
	restart()
	b = api.waitBuild(queued["id"].(string))
	assert.Equal(t, "succeeded", b["status"], "%v\n%s", b, stderr)
	serves("deploy resumed")
	assert.Equal(t, queued["id"], api.server(depID)["buildId"])
	require.Eventually(t, func() bool { return servers() == 1 }, 30*time.Second, 50*time.Millisecond,
		"the replaced server is stopped after the drain: one process left, not %d", servers())
	api.must(http.StatusNoContent, "DELETE", "/api/projects/"+projectID+"/env/TINY_START_DELAY_MS", "")

	// A build caught midway ends failed with the reason; the next one runs.
	buildMjs := filepath.Join(dir, "build.mjs")
	src, err := os.ReadFile(buildMjs)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(buildMjs, append([]byte("await new Promise((r) => setTimeout(r, 120000));\n"), src...), 0o644))
	hung := api.must(http.StatusAccepted, "POST", "/api/deployments/"+depID+"/deploy", "")
	require.Eventually(t, func() bool {
		_, _, log := api.call("GET", "/api/builds/"+hung["id"].(string)+"/logs", "")
		return strings.Contains(log, "mastra build")
	}, time.Minute, 50*time.Millisecond)
	restart()
	b = api.waitBuild(hung["id"].(string))
	assert.Equal(t, "failed", b["status"])
	assert.NotEmpty(t, b["error"])
	require.NoError(t, os.WriteFile(buildMjs, src, 0o644))
	b = api.deploy(depID)
	assert.Equal(t, "succeeded", b["status"], "%v\n%s", b, stderr)
	serves("after the interrupted build")
	require.Eventually(t, func() bool { return servers() == 1 }, 30*time.Second, 50*time.Millisecond)
}

// serverStatusOf returns the status of the newest server of build, from
// the servers read model ("" when there is none yet).
func serverStatusOf(t *testing.T, env map[string]string, build string) string {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), env["DATABASE_URL"])
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var status string
	err = conn.QueryRow(context.Background(), `SELECT status FROM servers WHERE build_id = $1 ORDER BY scheduled_at DESC LIMIT 1`, build).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return ""
	}
	require.NoError(t, err)
	return status
}

// countProcesses counts the processes whose command line contains s.
func countProcesses(s string) int {
	out, err := exec.Command("pgrep", "-f", s).Output()
	if err != nil {
		return 0
	}
	return len(strings.Fields(string(out)))
}
