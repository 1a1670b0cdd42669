package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/redistest"
)

// slowTicks makes the tiny fixture's build print tick 0…19, one every
// 150 ms, before it builds.
const slowTicks = "for (let i = 0; i < 20; i++) { console.log(`tick ${i}`); await new Promise((r) => setTimeout(r, 150)); }\n"

// TestBuildLogsFromAnyReplica runs two serve processes on one database
// with Redis. A log stream opened on the replica that does not run the
// build shows every line while the build runs, and a stream reopened
// from line N after a disconnect goes on from line N to the end. After
// both processes stop, a new one answers GET logs with the whole log,
// from file storage.
func TestBuildLogsFromAnyReplica(t *testing.T) {
	t.Parallel()
	envA, dir := servingEnv(t)
	_, prefix := redistest.New(t)
	envA["REDIS_URL"], envA["MASTRA_ADMIN_REDIS_PREFIX"] = redistest.URL(), prefix
	envA["FILE_STORAGE_URL"] = "file://" + filepath.Join(t.TempDir(), "shared-storage")
	envA["MASTRA_ADMIN_BUILD_CONCURRENCY"] = "1"
	envB := map[string]string{}
	for k, v := range envA {
		envB[k] = v
	}
	envB["MASTRA_ADMIN_ADDR"], envB["MASTRA_ADMIN_PROXY_ADDR"] = freeAddr(t), freeAddr(t)
	procA, exitedA, stderrA := serveProcess(t, envA)
	procB, exitedB, stderrB := serveProcess(t, envB)
	a := newAPIClient(t, envA)
	b := &apiClient{t: t, base: "http://" + envB["MASTRA_ADMIN_ADDR"], token: a.token}
	buildMjs := filepath.Join(dir, "build.mjs")
	src, err := os.ReadFile(buildMjs)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(buildMjs, append([]byte(slowTicks), src...), 0o644))
	_, depID := a.tinyDeployment(dir)

	queued := a.must(http.StatusAccepted, "POST", "/api/deployments/"+depID+"/deploy", "")
	id := queued["id"].(string)
	var running map[string]any
	require.Eventually(t, func() bool {
		_, running, _ = a.call("GET", "/api/builds/"+id, "")
		return running["status"] == "building"
	}, time.Minute, 10*time.Millisecond)
	nameA, err := os.ReadFile(filepath.Join(envA["MASTRA_ADMIN_DATA_DIR"], "worker-id"))
	require.NoError(t, err)
	other, otherEnv := b, envB // the replica that does not run the build
	if running["worker"] != strings.TrimSpace(string(nameA)) {
		other, otherEnv = a, envA
	}
	t.Logf("build %s runs on worker %v; following it on %s", id, running["worker"], other.base)

	dial := func(from string) *websocket.Conn {
		url := "ws://" + otherEnv["MASTRA_ADMIN_ADDR"] + "/api/builds/" + id + "/logs/stream?from=" + from
		conn, resp, err := websocket.DefaultDialer.Dial(url, http.Header{"Authorization": {"Bearer " + a.token}})
		require.NoError(t, err, "%v", resp)
		return conn
	}
	next := func(conn *websocket.Conn) (string, error) {
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(30*time.Second)))
		_, msg, err := conn.ReadMessage()
		return string(msg), err
	}

	// Live: lines up to tick 8 arrive while the build still runs.
	conn := dial("0")
	var first []string
	for !strings.HasPrefix(lastOf(first), "tick 8") {
		line, err := next(conn)
		require.NoError(t, err, "lines so far: %q\nA:\n%s\nB:\n%s", first, stderrA, stderrB)
		first = append(first, line)
	}
	_, now, _ := other.call("GET", "/api/builds/"+id, "")
	assert.Equal(t, "building", now["status"], "tick 8 arrived while the build ran")
	require.NoError(t, conn.Close())

	// Resumed from line N after the disconnect: the rest, then a normal close.
	conn = dial(itoa(len(first)))
	defer conn.Close()
	var rest []string
	for {
		line, err := next(conn)
		if err != nil {
			assert.True(t, websocket.IsCloseError(err, websocket.CloseNormalClosure), "closed normally once the build ended: %v", err)
			break
		}
		rest = append(rest, line)
	}
	done := other.waitBuild(id)
	require.Equal(t, "succeeded", done["status"], "%v\nA:\n%s\nB:\n%s", done, stderrA, stderrB)
	followed := append(append([]string(nil), first...), rest...)
	var ticks []string
	for _, l := range followed {
		if strings.HasPrefix(l, "tick ") {
			ticks = append(ticks, l)
		}
	}
	want := make([]string, 20)
	for i := range want {
		want[i] = "tick " + itoa(i)
	}
	assert.Equal(t, want, ticks, "every line, in order, none twice")
	whole := strings.Split(strings.TrimSuffix(other.text("/api/builds/"+id+"/logs"), "\n"), "\n")
	assert.Equal(t, whole, followed, "the two streams together are the whole log")

	// Both replicas stop; a new process answers from file storage.
	for _, p := range []struct {
		proc   interface{ Signal(os.Signal) error }
		exited <-chan error
	}{{procA.Process, exitedA}, {procB.Process, exitedB}} {
		require.NoError(t, p.proc.Signal(syscall.SIGTERM))
		select {
		case <-p.exited:
		case <-time.After(60 * time.Second):
			t.Fatal("serve did not stop")
		}
	}
	envC := map[string]string{}
	for k, v := range envB {
		envC[k] = v
	}
	envC["MASTRA_ADMIN_DATA_DIR"] = t.TempDir() // nothing local: only the shared storage
	envC["MASTRA_ADMIN_ENCRYPTION_KEY"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	envC["REDIS_URL"] = "" // nothing live either
	serveProcess(t, envC)
	c := &apiClient{t: t, base: "http://" + envC["MASTRA_ADMIN_ADDR"], token: a.token}
	assert.Equal(t, strings.Join(whole, "\n")+"\n", c.text("/api/builds/"+id+"/logs"), "after the restart, the whole log")
}

func lastOf(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return lines[len(lines)-1]
}

// text GETs path and requires 200; it returns the body.
func (c *apiClient) text(path string) string {
	c.t.Helper()
	code, _, raw := c.call("GET", path, "")
	require.Equal(c.t, http.StatusOK, code, "GET %s: %s", path, raw)
	return raw
}

func itoa(i int) string { return strconv.Itoa(i) }
