package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

// syncBuffer is a bytes.Buffer safe to read while a server writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// background is a command line running in-process in a goroutine.
type background struct {
	cancel         context.CancelFunc // what SIGTERM does to serve
	done           chan int           // receives the exit status once
	stdout, stderr *syncBuffer
}

// startCLI runs the command line in a goroutine with only env as the
// environment. The test cancels it (or it is cancelled at cleanup).
func startCLI(t *testing.T, env map[string]string, args ...string) *background {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b := &background{cancel: cancel, done: make(chan int, 1), stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	lookup := func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
	go func() { b.done <- run(ctx, args, b.stdout, b.stderr, lookup) }()
	t.Cleanup(cancel)
	return b
}

// wait returns the exit status, failing the test if it takes over limit.
func (b *background) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case code := <-b.done:
		return code
	case <-time.After(limit):
		t.Fatalf("command still running after %s\nstderr:\n%s", limit, b.stderr)
		return -1
	}
}

// freeAddr returns a loopback address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	return freeAddrs(t, 1)[0]
}

// freeAddrs returns n distinct free loopback addresses: each stays taken
// until all are found, so two cannot be the same port.
func freeAddrs(t *testing.T, n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer ln.Close()
		out[i] = ln.Addr().String()
	}
	return out
}

// serveEnv is the environment of a serve on free loopback ports.
func serveEnv(t *testing.T, databaseURL string) map[string]string {
	addrs := freeAddrs(t, 2)
	return map[string]string{
		"DATABASE_URL":            databaseURL,
		"MASTRA_ADMIN_ADDR":       addrs[0],
		"MASTRA_ADMIN_PROXY_ADDR": addrs[1],
		"MASTRA_ADMIN_DATA_DIR":   t.TempDir(),
		// ClickHouse off unless a test turns it on: tests would otherwise
		// all ingest into the local server's default database.
		"CLICKHOUSE_URL": "",
	}
}

// waitReady polls GET /readyz until it answers 200 or serve exits.
func waitReady(t *testing.T, srv *background, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case code := <-srv.done:
			t.Fatalf("serve exited with %d before it was ready\nstderr:\n%s", code, srv.stderr)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz not 200 after 30s (last error %v)\nstderr:\n%s", err, srv.stderr)
		}
	}
}

// call sends an authenticated JSON request and decodes the JSON answer.
func call(t *testing.T, method, url, token, body string, out any) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
	return resp
}

// TestServe starts serve, creates a team through the API and reads it
// back, then shuts serve down the way SIGTERM does.
func TestServe(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	env := serveEnv(t, db.URL)
	base := "http://" + env["MASTRA_ADMIN_ADDR"]

	srv := startCLI(t, env, "serve")
	waitReady(t, srv, base)

	tok := runCLI(t, env, "token", "create", "--email", "serve@example.com")
	require.Equal(t, exitOK, tok.code, tok.stderr)
	token := strings.TrimSpace(tok.stdout)

	var created struct{ ID, Name string }
	resp := call(t, http.MethodPost, base+"/api/teams", token, `{"name":"Serve Test"}`, &created)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%+v", created)
	require.NotEmpty(t, created.ID)
	assert.Equal(t, "/api/teams/"+created.ID, resp.Header.Get("Location"))

	var got struct{ ID, Name string }
	resp = call(t, http.MethodGet, base+"/api/teams/"+created.ID, token, "", &got)
	require.Equal(t, http.StatusOK, resp.StatusCode, "read your writes: %+v", got)
	assert.Equal(t, created, got)

	// WebSockets take browsers from the default dashboard origins only.
	stream := "ws://" + env["MASTRA_ADMIN_ADDR"] + "/api/builds/" + created.ID + "/logs/stream"
	_, port, _ := strings.Cut(env["MASTRA_ADMIN_ADDR"], ":")
	for origin, want := range map[string]int{"https://evil.example.com": http.StatusForbidden,
		"http://localhost:" + port: http.StatusNotFound, "http://127.0.0.1:" + port: http.StatusNotFound} {
		_, ws, err := websocket.DefaultDialer.Dial(stream, http.Header{"Authorization": {"Bearer " + token}, "Origin": {origin}})
		require.Error(t, err, "no build has the team's id")
		assert.Equal(t, want, ws.StatusCode, origin)
	}

	metrics, err := http.Get(base + "/metrics")
	require.NoError(t, err)
	body, err := io.ReadAll(metrics.Body)
	metrics.Body.Close()
	require.NoError(t, err)
	for _, want := range []string{`mastra_admin_consumer_position{consumer="teams"}`, `mastra_admin_consumer_lag_events{consumer="audit"}`,
		`mastra_admin_consumer_parked{consumer="users"} 0`, `mastra_admin_consumers_scrape_ok 1`} {
		assert.Contains(t, string(body), want, "the consumers are in /metrics")
	}

	srv.cancel()
	code := srv.wait(t, 10*time.Second)
	assert.Equal(t, exitOK, code, "stderr:\n%s", srv.stderr)
	conn, err := net.DialTimeout("tcp", env["MASTRA_ADMIN_ADDR"], time.Second)
	if err == nil {
		_ = conn.Close()
	}
	assert.Error(t, err, "the listener is closed after shutdown")
}

func TestServeFailures(t *testing.T) {
	t.Parallel()

	t.Run("database unreachable", func(t *testing.T) {
		t.Parallel()
		env := serveEnv(t, "postgres://postgres@127.0.0.1:1/x?sslmode=disable&connect_timeout=5")
		srv := startCLI(t, env, "serve")
		code := srv.wait(t, 30*time.Second)
		assert.Equal(t, exitFailure, code)
		assert.Contains(t, srv.stderr.String(), "mastra-admin: connect to postgres: ")
	})

	t.Run("invalid listen address", func(t *testing.T) {
		t.Parallel()
		env := serveEnv(t, "postgres://postgres@127.0.0.1:1/x?sslmode=disable")
		env["MASTRA_ADMIN_ADDR"] = "localhost"
		srv := startCLI(t, env, "serve")
		code := srv.wait(t, 10*time.Second)
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, srv.stderr.String(), `MASTRA_ADMIN_ADDR: "localhost": want HOST:PORT`)
	})

	t.Run("invalid dashboard origin", func(t *testing.T) {
		t.Parallel()
		env := serveEnv(t, "postgres://postgres@127.0.0.1:1/x?sslmode=disable")
		env["MASTRA_ADMIN_DASHBOARD_ORIGIN"] = "admin.example.com"
		srv := startCLI(t, env, "serve")
		code := srv.wait(t, 10*time.Second)
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, srv.stderr.String(), `MASTRA_ADMIN_DASHBOARD_ORIGIN: origin "admin.example.com": want an http:// or https:// origin`)
	})

	t.Run("address in use", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer ln.Close()
		env := serveEnv(t, pgtest.New(t).URL)
		env["MASTRA_ADMIN_ADDR"] = ln.Addr().String()
		srv := startCLI(t, env, "serve")
		code := srv.wait(t, 30*time.Second)
		assert.Equal(t, exitFailure, code)
		assert.Contains(t, srv.stderr.String(), "mastra-admin: listen on "+ln.Addr().String())
	})
}
