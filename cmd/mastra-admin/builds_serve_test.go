package main

import (
	"encoding/json"
	"fmt"
	"io"
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

	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

// TestServeRecordsABuildInterruptedBySIGTERM runs serve as a process with
// the community license (one build at a time), starts a build whose
// install hangs, and stops serve with SIGTERM: the build's commands die
// with it and the build is recorded as interrupted, so that after a
// restart the next deploy runs instead of waiting behind it forever.
func TestServeRecordsABuildInterruptedBySIGTERM(t *testing.T) {
	t.Parallel()
	if os.Getenv("MASTRA_ADMIN_NODE") == "" {
		t.Skip("MASTRA_ADMIN_NODE is not set; scripts/test.sh sets it to a Node 22 it fetches")
	}
	projects := t.TempDir()
	marker := fmt.Sprintf("sleep %d", 3_000_000+time.Now().UnixNano()%1_000_000) // this test's hanging command
	t.Cleanup(func() { _ = exec.Command("pkill", "-f", marker).Run() })
	pkg := `{"name":"hangs","version":"1.0.0","scripts":{"preinstall":"echo install-started && ` + marker + `"},"dependencies":{}}`
	require.NoError(t, os.MkdirAll(filepath.Join(projects, "hangs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(projects, "hangs", "package.json"), []byte(pkg), 0o644))

	db := pgtest.New(t)
	env := serveEnv(t, db.URL)
	env["PROJECTS_DIR"] = projects
	base := "http://" + env["MASTRA_ADMIN_ADDR"]
	tok := runCLI(t, env, "token", "create", "--email", "builds@example.com")
	require.Equal(t, exitOK, tok.code, tok.stderr)
	token := strings.TrimSpace(tok.stdout)
	call := func(method, path, body string) (int, map[string]any, string) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return res.StatusCode, m, string(b)
	}

	cmd, exited, stderr := serveProcess(t, env)
	code, team, body := call("POST", "/api/teams", `{"name":"Builders"}`)
	require.Equal(t, http.StatusCreated, code, body)
	code, project, body := call("POST", "/api/teams/"+team["id"].(string)+"/projects",
		fmt.Sprintf(`{"name":"Hangs","sourceType":"local","sourceConfig":{"path":%q}}`, filepath.Join(projects, "hangs")))
	require.Equal(t, http.StatusCreated, code, body)
	code, dep, body := call("POST", "/api/projects/"+project["id"].(string)+"/deployments", `{"type":"production"}`)
	require.Equal(t, http.StatusCreated, code, body)
	deploy := "/api/deployments/" + dep["id"].(string) + "/deploy"
	code, first, body := call("POST", deploy, "")
	require.Equal(t, http.StatusAccepted, code, body)
	firstID := first["id"].(string)
	code, second, body := call("POST", deploy, "")
	require.Equal(t, http.StatusAccepted, code, body)
	secondID := second["id"].(string)

	var log string
	if !assert.Eventually(t, func() bool {
		_, _, log = call("GET", "/api/builds/"+firstID+"/logs", "")
		return strings.Contains(log, "install-started")
	}, time.Minute, 100*time.Millisecond, "the install never started") {
		_, b, _ := call("GET", "/api/builds/"+firstID, "")
		t.Fatalf("build %v\nlog:\n%s", b, log)
	}
	// The shell echoes, then starts the sleep: the log line may come first.
	require.Eventually(t, func() bool { return running(marker) }, 10*time.Second, 20*time.Millisecond, "the install hangs in %q", marker)
	_, b, _ := call("GET", "/api/builds/"+secondID, "")
	assert.Equal(t, "queued", b["status"], "the community license runs one build at a time")

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-exited:
		require.NoError(t, err, "serve exits 0 on SIGTERM\n%s", stderr)
	case <-time.After(30 * time.Second):
		t.Fatalf("serve still running 30 s after SIGTERM\n%s", stderr)
	}
	assert.False(t, running(marker), "the build's commands died with serve")

	_, _, stderr = serveProcess(t, env)
	require.Eventually(t, func() bool { // once the read models caught up
		_, b, _ = call("GET", "/api/builds/"+firstID, "")
		return b["status"] == "failed"
	}, 30*time.Second, 50*time.Millisecond, "%v", b)
	assert.Contains(t, b["error"], "stopped before the build ended")
	// The slot is free: the next build runs (and hangs in turn).
	require.Eventually(t, func() bool {
		_, b, _ := call("GET", "/api/builds/"+secondID, "")
		return b["status"] == "building"
	}, time.Minute, 100*time.Millisecond, "the queued build never started after the restart\n%s", stderr)
	code, _, body = call("POST", "/api/builds/"+secondID+"/cancel", "")
	require.Equal(t, http.StatusOK, code, body)
	require.Eventually(t, func() bool { return !running(marker) }, 20*time.Second, 100*time.Millisecond,
		"the cancelled build's commands were stopped")
}

// running reports whether a process whose command line contains s runs.
func running(s string) bool {
	return exec.Command("pgrep", "-f", s).Run() == nil
}
