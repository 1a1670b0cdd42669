package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/objectstoretest"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

// asMain makes the test binary run the command line (main) instead of the
// tests, so that a test can start serve as a process of its own.
const asMain = "MASTRA_ADMIN_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMain) == "1" {
		main()
		return
	}
	os.Exit(objectstoretest.Main(m)) // S3 and GCS servers for the cloud file storage tests
}

// TestServeStopsGracefullyOnSIGTERM starts serve as a process, begins a
// request, sends SIGTERM while the request is still being sent, and checks
// that the request is answered, serve exits 0 and its listener is closed.
func TestServeStopsGracefullyOnSIGTERM(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	env := serveEnv(t, db.URL)
	tok := runCLI(t, env, "token", "create", "--email", "sigterm@example.com")
	require.Equal(t, exitOK, tok.code, tok.stderr)
	token := strings.TrimSpace(tok.stdout)

	cmd, exited, stderr := serveProcess(t, env)

	// A request whose body is still on its way when SIGTERM arrives.
	conn, err := net.Dial("tcp", env["MASTRA_ADMIN_ADDR"])
	require.NoError(t, err)
	defer conn.Close()
	body := `{"name":"Sent During Shutdown"}`
	_, err = fmt.Fprintf(conn, "POST /api/teams HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n"+
		"Content-Length: %d\r\nConnection: close\r\n\r\n%s", token, len(body), body[:5])
	require.NoError(t, err)
	time.Sleep(100 * time.Millisecond) // the server is reading the request
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	time.Sleep(200 * time.Millisecond) // shutdown has begun: new connections are refused
	_, err = io.WriteString(conn, body[5:])
	require.NoError(t, err)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "the request in flight is answered")
	_ = res.Body.Close()
	assert.Equal(t, http.StatusCreated, res.StatusCode)

	select {
	case err := <-exited:
		assert.NoError(t, err, "serve exits 0 on SIGTERM\n%s", stderr)
	case <-time.After(20 * time.Second):
		t.Fatalf("serve still running 20 s after SIGTERM\n%s", stderr)
	}
	_, err = net.DialTimeout("tcp", env["MASTRA_ADMIN_ADDR"], time.Second)
	assert.Error(t, err, "the listener is closed")
	assert.Contains(t, stderr.String(), "shutting down")
}

// serveProcess starts serve as a process of its own with env (and
// MASTRA_ADMIN_NODE, when set) and waits until it is ready; exited
// receives how it ended. It is killed at cleanup if still running.
func serveProcess(t *testing.T, env map[string]string) (*exec.Cmd, <-chan error, *syncBuffer) {
	t.Helper()
	cmd, exited, stderr := roleProcess(t, env, "serve")
	base := "http://" + env["MASTRA_ADMIN_ADDR"]
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		require.True(t, time.Now().Before(deadline), "serve not ready: %s", stderr)
		time.Sleep(50 * time.Millisecond)
	}
	return cmd, exited, stderr
}

// roleProcess starts `mastra-admin <role>` as a process of its own with
// env (and MASTRA_ADMIN_NODE, when set), without waiting; it is killed
// at cleanup if still running.
func roleProcess(t *testing.T, env map[string]string, role string) (*exec.Cmd, <-chan error, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], role)
	cmd.Env = []string{asMain + "=1", "LOG_FORMAT=json", "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	// Node and the machine's TLS trust and proxy settings, which npm in a
	// real build needs to reach the registry.
	for _, k := range []string{"MASTRA_ADMIN_NODE", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR",
		"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"} {
		if v, ok := os.LookupEnv(k); ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd, exited, stderr
}
