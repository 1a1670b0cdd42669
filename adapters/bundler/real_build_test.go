package bundler_test

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
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/bundler"
	"github.com/mastra-admin/mastra-admin/adapters/runner/local"
	source "github.com/mastra-admin/mastra-admin/adapters/source/local"
	"github.com/mastra-admin/mastra-admin/domain/build"
)

// syncBuffer is a build log safe for concurrent writes.
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

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestRealMastraProjectServesThroughTheInjectedEntry builds the
// mastra-math fixture for real with the bundler — its server config set
// to a port of its own, which the entry must override — saves the
// artifact, starts it with local.Servers on the assigned port, runs the
// workflow, stops the server (SIGTERM) and reads OBS_DIR: closed span
// files holding the run and its steps under one trace ID, and log files
// holding the step's log line with that trace ID. As root the build and
// the server run as nobody. It needs Node 22.13+ in MASTRA_ADMIN_NODE
// and the npm registry (or a warm npm cache).
func TestRealMastraProjectServesThroughTheInjectedEntry(t *testing.T) {
	t.Parallel()
	node := os.Getenv("MASTRA_ADMIN_NODE")
	if node == "" {
		t.Skip("MASTRA_ADMIN_NODE is not set (a Node 22.13+ binary): this test builds a real Mastra project; scripts/test.sh sets it")
	}
	ctx := context.Background()
	base := t.TempDir()
	require.NoError(t, exec.Command("cp", "-r", filepath.Join("..", "..", "testdata", "mastra-math"), base).Run())
	project := filepath.Join(base, "mastra-math")
	userPort := freePort(t)
	index := filepath.Join(project, "src", "mastra", "index.ts")
	src, err := os.ReadFile(index)
	require.NoError(t, err)
	withServer := strings.Replace(string(src), "tools: { addTool },", fmt.Sprintf("tools: { addTool },\n  server: { port: %d, host: 'localhost' },", userPort), 1)
	require.NotEqual(t, string(src), withServer, "the fixture's config changed: update this test")
	require.NoError(t, os.WriteFile(index, []byte(withServer), 0o644))

	root := t.TempDir()
	var as *local.Account
	if os.Geteuid() == 0 {
		as, err = local.LookupAccount("nobody")
		require.NoError(t, err)
		require.NoError(t, os.Chmod(root, 0o711))
		require.NoError(t, os.Chmod(filepath.Dir(root), 0o711)) // t.TempDir makes them 0700
	}
	sources, err := source.New([]string{base})
	require.NoError(t, err)
	inj, err := bundler.New(bundler.Config{})
	require.NoError(t, err)
	cfg := local.Config{Node: node, Dir: filepath.Join(root, "builds"), Sources: sources, User: as, Injector: inj, CacheKeep: -1}
	b, err := local.New(cfg)
	require.NoError(t, err)
	if err := b.Check(ctx); as != nil && err != nil {
		t.Logf("building and serving as the admin's user: %v", err)
		as, cfg.User = nil, nil
		b, err = local.New(cfg)
		require.NoError(t, err)
	}
	require.Equal(t, local.EntryFile, b.Entry())

	srcCfg, _ := json.Marshal(source.Config{Path: project})
	var log syncBuffer
	out, err := b.Build(ctx, build.Job{Build: build.View{ID: uuid.Must(uuid.NewV7())}, SourceType: source.Type, SourceConfig: srcCfg}, &log)
	require.NoError(t, err, log.String())
	for _, want := range []string{"==> inject the MastraAdmin entry", "==> @mastra/core 1.", "==> install @mastra/observability@^1.17.0",
		"--input-type=module -"} {
		assert.Contains(t, log.String(), want)
	}
	if as != nil {
		assert.Contains(t, log.String(), "==> running as nobody")
	}

	artifacts, err := local.NewArtifacts(local.ArtifactsConfig{Dir: filepath.Join(root, "artifacts")})
	require.NoError(t, err)
	dep := uuid.New()
	bundle, err := artifacts.Save(ctx, dep, uuid.New(), out)
	require.NoError(t, err)
	servers, err := local.NewServers(local.ServersConfig{Node: node, Dir: filepath.Join(root, "servers"), User: as})
	require.NoError(t, err)
	port := freePort(t)
	p, err := servers.Start(ctx, local.ServerSpec{ServerID: uuid.New(), DeploymentID: dep, ArtifactDir: bundle, Entry: b.Entry(),
		Port: port, Env: map[string]string{"MASTRA_TELEMETRY_DISABLED": "1"}})
	require.NoError(t, err)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = servers.Stop(context.Background(), p, 5*time.Second)
		}
	})
	stderr := func() string { s, _ := servers.StderrTail(dep, p.ServerID, 40); return s }
	// WaitHealthy only counts a socket of the server's own session: the
	// assigned port won over the project's.
	require.NoError(t, servers.WaitHealthy(ctx, p, port, 90*time.Second), stderr())
	if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", userPort), time.Second); err == nil {
		c.Close()
		t.Errorf("something listens on the project's own port %d", userPort)
	}

	res, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/api/workflows/mathWorkflow/start-async", port), "application/json",
		strings.NewReader(`{"inputData":{"value":21}}`))
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, string(body))
	assert.Contains(t, string(body), "result is 42")
	var run struct {
		RunID   string `json:"runId"`
		TraceID string `json:"traceId"`
	}
	require.NoError(t, json.Unmarshal(body, &run))
	require.NotEmpty(t, run.TraceID, string(body))

	require.NoError(t, servers.Stop(ctx, p, 15*time.Second))
	stopped = true
	assert.False(t, servers.Alive(p))

	spans := readJSONL(t, filepath.Join(p.ObsDir, "spans"))
	ended := map[string]string{} // name → type, for the run's ended spans
	var root0 string
	for _, s := range spans {
		if s["traceId"] != run.TraceID || s["event"] != "span_ended" {
			continue
		}
		ended[s["name"].(string)] = s["type"].(string)
		if s["isRootSpan"] == true {
			root0 = s["spanId"].(string)
			assert.Equal(t, map[string]any{"message": "result is 42"}, s["output"])
			assert.Equal(t, "mastra-fixture", s["service"])
		} else {
			assert.NotEmpty(t, s["parentSpanId"])
		}
	}
	assert.Equal(t, map[string]string{"workflow run: 'math-workflow'": "workflow_run", "workflow step: 'double'": "workflow_step",
		"workflow step: 'describe'": "workflow_step"}, ended, "the run and its steps, one trace ID")
	assert.NotEmpty(t, root0)

	logs := readJSONL(t, filepath.Join(p.ObsDir, "logs"))
	var step map[string]any
	for _, l := range logs {
		if l["msg"] == "double step running" {
			step = l
		}
	}
	require.NotNil(t, step, "the step's log line: %v", logs)
	assert.Equal(t, run.TraceID, step["traceId"])
	assert.NotEmpty(t, step["spanId"])
	assert.Equal(t, map[string]any{"value": float64(21)}, step["data"])
	assert.Equal(t, "info", step["level"])
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
