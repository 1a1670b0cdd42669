package local

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testNode is MASTRA_ADMIN_NODE, else node from PATH (Debian's is enough
// for the tiny server).
func testNode(t *testing.T) string {
	t.Helper()
	if n := os.Getenv("MASTRA_ADMIN_NODE"); n != "" {
		return n
	}
	p, err := exec.LookPath("node")
	require.NoError(t, err, "the server tests need node (set MASTRA_ADMIN_NODE)")
	return p
}

// tinyBundle builds testdata/tiny-server in a folder of its own and
// returns its .mastra/output.
func tinyBundle(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	src := filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", "tiny-server")
	app := filepath.Join(t.TempDir(), "app")
	require.NoError(t, copyTree(src, app))
	out, err := exec.Command(testNode(t), filepath.Join(app, "build.mjs")).CombinedOutput()
	require.NoError(t, err, string(out))
	return filepath.Join(app, ".mastra", "output")
}

// newTestServers returns Servers in a temporary folder, with the servers
// it starts stopped at the end of the test.
func newTestServers(t *testing.T, dir string, as *Account) *Servers {
	t.Helper()
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "servers")
	}
	s, err := NewServers(ServersConfig{Node: testNode(t), Dir: dir, User: as})
	require.NoError(t, err)
	return s
}

// freePort returns a port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startTiny starts the tiny server on a free port with env and stops it
// at the end of the test.
func startTiny(t *testing.T, s *Servers, bundle string, env map[string]string) Process {
	t.Helper()
	p, err := s.Start(context.Background(), ServerSpec{ServerID: uuid.New(), DeploymentID: uuid.New(), ArtifactDir: bundle,
		Entry: "index.mjs", Port: freePort(t), Env: env})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Stop(context.Background(), p, time.Second) })
	return p
}

// getJSON GETs a path of the server p into v.
func getJSON(t *testing.T, p Process, path string, v any) {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d%s", p.Port, path))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
}

// requireStopped waits until neither pid nor any process of its session
// is running.
func requireStopped(t *testing.T, pid int) {
	t.Helper()
	require.Eventually(t, func() bool {
		info, err := readProc(pid)
		return (err != nil || !info.running()) && len(sessionMembers(pid)) == 0
	}, 10*time.Second, 10*time.Millisecond, "process %d or its session is still running", pid)
}

// TestServerStartsServesAndStops: start → healthy → a request is answered
// → stop, and a child the server spawned goes with it.
func TestServerStartsServesAndStops(t *testing.T) {
	t.Parallel()
	s := newTestServers(t, "", nil)
	p := startTiny(t, s, tinyBundle(t), nil)
	require.NoError(t, s.WaitHealthy(context.Background(), p, p.Port, 0))
	assert.True(t, s.Alive(p))

	resp, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/echo?x=1", p.Port), "text/plain", strings.NewReader("hello"))
	require.NoError(t, err)
	var echo struct{ Method, Path, Query, Body string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&echo))
	resp.Body.Close()
	assert.Equal(t, "POST", echo.Method)
	assert.Equal(t, "/echo", echo.Path)
	assert.Equal(t, "hello", echo.Body)

	info, err := readProc(p.PID)
	require.NoError(t, err)
	assert.Equal(t, p.PID, info.sid, "the server leads a session of its own")
	assert.Equal(t, p.PID, info.pgrp)

	var spawned struct{ PID int }
	getJSON(t, p, "/spawn", &spawned)
	require.NotZero(t, spawned.PID)
	require.Contains(t, sessionMembers(p.PID), spawned.PID)

	require.NoError(t, s.Stop(context.Background(), p, 0))
	requireStopped(t, p.PID)
	assert.False(t, s.Alive(p))
	require.NoError(t, s.Stop(context.Background(), p, 0), "stopping a stopped server is fine")

	stdout, _ := s.LogPaths(p.DeploymentID, p.ServerID)
	out, err := os.ReadFile(stdout)
	require.NoError(t, err)
	assert.Contains(t, string(out), fmt.Sprintf("tiny-server listening on 127.0.0.1:%d", p.Port))
	assert.Equal(t, filepath.Join(s.cfg.Dir, p.DeploymentID.String(), p.ServerID.String()+".stdout.log"), stdout)
}

// TestServerEnvHoldsTheSpecNotTheAdminsSecrets: the server sees its spec's
// env, PORT, MASTRA_HOST and OBS_DIR (which a spec cannot override), and
// none of the admin's secrets.
func TestServerEnvHoldsTheSpecNotTheAdminsSecrets(t *testing.T) { // not parallel: it sets the environment
	t.Setenv("MASTRA_ADMIN_ENCRYPTION_KEY", "admin-secret-key")
	t.Setenv("DATABASE_URL", "postgres://admin-secret@db/x")
	t.Setenv("LANG", "C.UTF-8")
	s := newTestServers(t, "", nil)
	p := startTiny(t, s, tinyBundle(t), map[string]string{"OPENAI_API_KEY": "sk-project", "GREETING": "a b=c", "PORT": "1"})
	require.NoError(t, s.WaitHealthy(context.Background(), p, p.Port, 0))
	var got struct {
		Env map[string]string
		Cwd string
	}
	getJSON(t, p, "/env", &got)
	assert.Equal(t, "sk-project", got.Env["OPENAI_API_KEY"])
	assert.Equal(t, "a b=c", got.Env["GREETING"])
	assert.Equal(t, strconv.Itoa(p.Port), got.Env["PORT"])
	assert.Equal(t, "127.0.0.1", got.Env["MASTRA_HOST"])
	assert.Equal(t, p.ObsDir, got.Env["OBS_DIR"])
	assert.Equal(t, "C.UTF-8", got.Env["LANG"])
	assert.True(t, strings.HasPrefix(got.Env["PATH"], filepath.Dir(s.node)+":"), got.Env["PATH"])
	assert.NotContains(t, got.Env, "MASTRA_ADMIN_ENCRYPTION_KEY")
	assert.NotContains(t, got.Env, "DATABASE_URL")
	all, _ := json.Marshal(got.Env)
	assert.NotContains(t, string(all), "admin-secret")
	assert.Equal(t, filepath.Join(s.cfg.Dir, p.DeploymentID.String(), "work"), got.Cwd)
	line, err := os.ReadFile(filepath.Join(p.ObsDir, "logs", "tiny.jsonl"))
	require.NoError(t, err)
	assert.Contains(t, string(line), `"msg":"tiny-server starting"`)
}

// TestServerExitingAtStartFailsWithItsStderr: WaitHealthy reports the
// exit, its status and stderr's last lines, not a timeout.
func TestServerExitingAtStartFailsWithItsStderr(t *testing.T) {
	t.Parallel()
	s := newTestServers(t, "", nil)
	p := startTiny(t, s, tinyBundle(t), map[string]string{"TINY_FAIL": "exit"})
	err := s.WaitHealthy(context.Background(), p, p.Port, time.Minute)
	require.ErrorIs(t, err, ErrServerExited)
	assert.ErrorContains(t, err, "exit status 3")
	assert.ErrorContains(t, err, "tiny-server: exiting on purpose (TINY_FAIL=exit)")
	tail, err := s.StderrTail(p.DeploymentID, p.ServerID, 5)
	require.NoError(t, err)
	assert.Equal(t, "tiny-server: exiting on purpose (TINY_FAIL=exit)", tail)
	require.NoError(t, s.Stop(context.Background(), p, 0))
}

// TestServerNeverHealthyTimesOut: a server that answers 503 is not
// healthy, and the error says what it last answered.
func TestServerNeverHealthyTimesOut(t *testing.T) {
	t.Parallel()
	s := newTestServers(t, "", nil)
	p := startTiny(t, s, tinyBundle(t), map[string]string{"TINY_FAIL": "unhealthy"})
	err := s.WaitHealthy(context.Background(), p, p.Port, 10*time.Second)
	require.ErrorIs(t, err, ErrNotHealthy)
	assert.ErrorContains(t, err, fmt.Sprintf("GET http://127.0.0.1:%d/health did not answer 200 within 10s (last: 503 Service Unavailable)", p.Port))
	assert.True(t, s.Alive(p), "a server that is not healthy yet is not stopped by WaitHealthy")
	require.NoError(t, s.Stop(context.Background(), p, 0))
	requireStopped(t, p.PID)
}

// TestServerSlowToStartBecomesHealthy: connection refused for a while is
// not a failure.
func TestServerSlowToStartBecomesHealthy(t *testing.T) {
	t.Parallel()
	s := newTestServers(t, "", nil)
	p := startTiny(t, s, tinyBundle(t), map[string]string{"TINY_START_DELAY_MS": "1500"})
	require.NoError(t, s.WaitHealthy(context.Background(), p, p.Port, time.Minute))
	var h struct{ Success bool }
	getJSON(t, p, "/health", &h)
	assert.True(t, h.Success)
}

// TestServerOnATakenPort: PortFree sees the listener; a server started on
// the port anyway fails with EADDRINUSE, even though the other listener
// answers /health with 200.
func TestServerOnATakenPort(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	other := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })}
	go func() { _ = other.Serve(l) }()
	defer other.Close()
	assert.False(t, PortFree("127.0.0.1", port))
	assert.False(t, PortFree("", port))

	s := newTestServers(t, "", nil)
	p, err := s.Start(context.Background(), ServerSpec{ServerID: uuid.New(), DeploymentID: uuid.New(), ArtifactDir: tinyBundle(t),
		Entry: "index.mjs", Port: port})
	require.NoError(t, err)
	defer s.Stop(context.Background(), p, time.Second)
	err = s.WaitHealthy(context.Background(), p, port, time.Minute)
	require.ErrorIs(t, err, ErrServerExited)
	assert.ErrorContains(t, err, "EADDRINUSE")
	assert.ErrorContains(t, err, "exit status 1")

	other.Close()
	assert.True(t, PortFree("127.0.0.1", port))
}

// TestPortFreeSeesAWildcardListener: a listener on every address takes
// the port on 127.0.0.1 too.
func TestPortFreeSeesAWildcardListener(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", ":0")
	require.NoError(t, err)
	defer l.Close()
	assert.False(t, PortFree("127.0.0.1", l.Addr().(*net.TCPAddr).Port))
	assert.True(t, PortFree("127.0.0.1", freePort(t)))
}

// TestServerIgnoringSIGTERMIsKilled: after the grace period, SIGKILL.
func TestServerIgnoringSIGTERMIsKilled(t *testing.T) {
	t.Parallel()
	s := newTestServers(t, "", nil)
	p := startTiny(t, s, tinyBundle(t), map[string]string{"TINY_IGNORE_TERM": "1"})
	require.NoError(t, s.WaitHealthy(context.Background(), p, p.Port, 0))
	require.NoError(t, s.Stop(context.Background(), p, 300*time.Millisecond))
	requireStopped(t, p.PID)
	stdout, _ := s.LogPaths(p.DeploymentID, p.ServerID)
	out, _ := os.ReadFile(stdout)
	assert.Contains(t, string(out), "tiny-server: ignoring SIGTERM")
}

func TestServerSpecErrors(t *testing.T) {
	t.Parallel()
	s := newTestServers(t, "", nil)
	bundle := tinyBundle(t)
	good := ServerSpec{ServerID: uuid.New(), DeploymentID: uuid.New(), ArtifactDir: bundle, Entry: "index.mjs", Port: 4100}
	for name, c := range map[string]struct {
		change func(*ServerSpec)
		want   string
	}{
		"no ids":         {func(s *ServerSpec) { s.ServerID = uuid.Nil }, "a server ID and a deployment ID are needed"},
		"port 0":         {func(s *ServerSpec) { s.Port = 0 }, "port 0 is not between 1 and 65535"},
		"port too big":   {func(s *ServerSpec) { s.Port = 70000 }, "port 70000 is not between 1 and 65535"},
		"entry outside":  {func(s *ServerSpec) { s.Entry = "../../build.mjs" }, `entry "../../build.mjs" must be a file inside the artifact folder`},
		"entry absolute": {func(s *ServerSpec) { s.Entry = "/etc/passwd" }, "must be a file inside the artifact folder"},
		"entry missing":  {func(s *ServerSpec) { s.Entry = "nope.mjs" }, "entry nope.mjs is not a file in the artifact"},
		"relative dir":   {func(s *ServerSpec) { s.ArtifactDir = "bundle" }, `artifact folder "bundle" must be absolute`},
		"bad env name":   {func(s *ServerSpec) { s.Env = map[string]string{"A=B": "x"} }, `env var "A=B"`},
		"relative obs":   {func(s *ServerSpec) { s.ObsDir = "obs" }, `observability folder "obs" must be absolute`},
	} {
		spec := good
		c.change(&spec)
		_, err := s.Start(context.Background(), spec)
		assert.ErrorContains(t, err, c.want, name)
	}
	_, err := s.Start(context.Background(), ServerSpec{})
	require.Error(t, err)
	assert.ErrorContains(t, err, "a server ID and a deployment ID are needed")
	assert.ErrorContains(t, err, "port 0 is not between 1 and 65535", "every problem is named at once")

	_, err = NewServers(ServersConfig{Dir: "relative"})
	assert.ErrorContains(t, err, `servers: folder "relative" must be absolute`)
	_, err = NewServers(ServersConfig{Dir: t.TempDir(), Node: filepath.Join(t.TempDir(), "no-node")})
	assert.ErrorContains(t, err, "servers: node not found")
}

// TestServerRunsAsTheBuildUser: with a build user, the server runs as it
// and can write its observability folder and working folder.
func TestServerRunsAsTheBuildUser(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("switching users needs root")
	}
	nobody, err := LookupAccount("nobody")
	require.NoError(t, err)
	root := t.TempDir()
	require.NoError(t, os.Chmod(root, 0o711))
	require.NoError(t, os.Chmod(filepath.Dir(root), 0o711)) // t.TempDir makes it 0700
	bundle := tinyBundle(t)
	for d := bundle; d != filepath.Dir(filepath.Dir(root)); d = filepath.Dir(d) {
		if strings.HasPrefix(d, filepath.Dir(root)) {
			require.NoError(t, os.Chmod(d, 0o755))
		}
	}
	s := newTestServers(t, filepath.Join(root, "servers"), nobody)
	p := startTiny(t, s, bundle, nil)
	require.NoError(t, s.WaitHealthy(context.Background(), p, p.Port, 0))
	var got struct {
		UID int
		Env map[string]string
	}
	getJSON(t, p, "/env", &got)
	assert.Equal(t, int(nobody.UID), got.UID)
	assert.Equal(t, filepath.Join(s.cfg.Dir, p.DeploymentID.String(), "work"), got.Env["HOME"])
	fi, err := os.Stat(filepath.Join(p.ObsDir, "logs", "tiny.jsonl"))
	require.NoError(t, err)
	assert.Equal(t, nobody.UID, fi.Sys().(*syscall.Stat_t).Uid, "the server wrote its observability folder")
	stderr := filepath.Join(s.cfg.Dir, p.DeploymentID.String(), p.ServerID.String()+".stderr.log")
	fi, err = os.Stat(stderr)
	require.NoError(t, err)
	assert.Equal(t, uint32(0), fi.Sys().(*syscall.Stat_t).Uid, "its logs stay the admin's")
	require.NoError(t, s.Stop(context.Background(), p, 0))
	requireStopped(t, p.PID)
}

// TestHealthProbesAreFastWhileAServerStarts: a starting server is probed
// every 10 ms for its first 2 s, then ever less often, up to every 250 ms.
func TestHealthProbesAreFastWhileAServerStarts(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		elapsed, prev, want time.Duration
	}{
		{0, 0, 10 * time.Millisecond},
		{1999 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond},
		{2 * time.Second, 10 * time.Millisecond, 20 * time.Millisecond},
		{3 * time.Second, 80 * time.Millisecond, 160 * time.Millisecond},
		{5 * time.Second, 160 * time.Millisecond, 250 * time.Millisecond},
		{50 * time.Second, 250 * time.Millisecond, 250 * time.Millisecond},
	} {
		assert.Equal(t, c.want, nextProbeWait(c.elapsed, c.prev), "after %v, last wait %v", c.elapsed, c.prev)
	}
}
