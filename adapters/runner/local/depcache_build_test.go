package local_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/runner/local"
	source "github.com/mastra-admin/mastra-admin/adapters/source/local"
	"github.com/mastra-admin/mastra-admin/domain/build"
)

// logBuffer is a build log that can cancel the build when a line shows.
type logBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	stopAt string
	stop   context.CancelFunc
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.buf.Write(p)
	if l.stop != nil && strings.Contains(l.buf.String(), l.stopAt) {
		l.stop()
	}
	return n, err
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

var keyInLog = regexp.MustCompile(`\(key ([0-9a-f]{16})\)`)

// TestDependencyCacheWithRealBuilds builds the mastra-math fixture for
// real twice for one team: cold (the dependencies are installed and
// saved), then warm (restored from the cache, no install), and starts
// the warm build's server. A changed lockfile and another team miss the
// cache (those builds are stopped once their install starts). As root
// the builds run as nobody, as with MASTRA_ADMIN_BUILD_USER. It needs
// Node 22.13+ in MASTRA_ADMIN_NODE and the npm registry.
func TestDependencyCacheWithRealBuilds(t *testing.T) {
	t.Parallel()
	node := os.Getenv("MASTRA_ADMIN_NODE")
	if node == "" {
		t.Skip("MASTRA_ADMIN_NODE is not set (a Node 22.13+ binary): the dependency cache needs real builds; scripts/test.sh sets it")
	}
	base := t.TempDir()
	require.NoError(t, exec.Command("cp", "-r", filepath.Join("..", "..", "..", "testdata", "mastra-math"), base).Run())
	project := filepath.Join(base, "mastra-math")
	sources, err := source.New([]string{base})
	require.NoError(t, err)
	root := t.TempDir()
	var as *local.Account
	if os.Geteuid() == 0 {
		as, err = local.LookupAccount("nobody")
		require.NoError(t, err)
		require.NoError(t, os.Chmod(root, 0o711))
		require.NoError(t, os.Chmod(filepath.Dir(root), 0o711)) // t.TempDir makes them 0700
	}
	cfg := local.Config{Node: node, Dir: filepath.Join(root, "builds"), Sources: sources, User: as}
	b, err := local.New(cfg)
	require.NoError(t, err)
	if err := b.Check(context.Background()); as != nil && err != nil {
		t.Logf("building as the admin's user: %v", err)
		as, cfg.User = nil, nil
		b, err = local.New(cfg)
		require.NoError(t, err)
	}
	team := uuid.Must(uuid.NewV7())
	job := func(team uuid.UUID) build.Job {
		src, _ := json.Marshal(source.Config{Path: project})
		return build.Job{Build: build.View{ID: uuid.Must(uuid.NewV7()), TeamID: team}, SourceType: source.Type, SourceConfig: src}
	}
	ctx := context.Background()

	// Cold: installed, then saved.
	var cold logBuffer
	_, err = b.Build(ctx, job(team), &cold)
	require.NoError(t, err, cold.String())
	assert.Contains(t, cold.String(), "==> install (npm)")
	assert.Contains(t, cold.String(), "==> dependencies saved to cache (key ")
	m := keyInLog.FindStringSubmatch(cold.String())
	require.NotNil(t, m, cold.String())
	key := m[1]
	entries, err := filepath.Glob(filepath.Join(root, "depcache", team.String(), key+"*", "node_modules", "mastra", "package.json"))
	require.NoError(t, err)
	require.Len(t, entries, 1, "the cache holds the team's node_modules under the key")
	cached, err := os.Stat(entries[0])
	require.NoError(t, err)
	assert.Zero(t, cached.Mode().Perm()&0o222, "cached files are read-only")
	assert.Equal(t, uint32(os.Geteuid()), cached.Sys().(*syscall.Stat_t).Uid, "cached files are the admin's")

	// Warm: restored, no install, a bundle that serves.
	var warm logBuffer
	job2 := job(team)
	out, err := b.Build(ctx, job2, &warm)
	require.NoError(t, err, warm.String())
	assert.Contains(t, warm.String(), "==> dependencies restored from cache (key "+key+")")
	assert.NotContains(t, warm.String(), "==> install (")
	assert.FileExists(t, filepath.Join(out, "index.mjs"))
	assert.FileExists(t, filepath.Join(out, "mastra.mjs"))
	restored, err := os.Stat(filepath.Join(root, "builds", job2.Build.ID.String(), "app", "node_modules", "mastra", "package.json"))
	require.NoError(t, err)
	if as != nil {
		assert.True(t, os.SameFile(cached, restored), "restored files are hard links to the cache's")
		nm, err := os.Stat(filepath.Join(root, "builds", job2.Build.ID.String(), "app", "node_modules"))
		require.NoError(t, err)
		assert.Equal(t, as.UID, nm.Sys().(*syscall.Stat_t).Uid, "the restored folders are the build user's")
	}
	serves(t, node, out)

	// A changed lockfile and another team miss.
	lock := filepath.Join(project, "package-lock.json")
	stopped := func(team uuid.UUID) string {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		l := &logBuffer{stopAt: "==> install (", stop: cancel}
		_, err := b.Build(ctx, job(team), l)
		require.Error(t, err, "stopped once the install started")
		assert.Contains(t, l.String(), "==> no cached dependencies (key ")
		assert.NotContains(t, l.String(), "restored from cache")
		return l.String()
	}
	other := stopped(uuid.Must(uuid.NewV7()))
	assert.Contains(t, other, "(key "+key+")", "same key, but another team's cache")
	data, err := os.ReadFile(lock)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(lock, append(data, '\n'), 0o644))
	changed := stopped(team)
	assert.NotContains(t, changed, key)
}

// serves starts the bundle's server and waits for /health.
func serves(t *testing.T, node, out string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	var log bytes.Buffer
	cmd := exec.Command(node, filepath.Join(out, "index.mjs"))
	cmd.Dir = out
	cmd.Env = append(os.Environ(), fmt.Sprintf("PORT=%d", port), "MASTRA_HOST=127.0.0.1", "MASTRA_TELEMETRY_DISABLED=1")
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	require.NoError(t, cmd.Start())
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	url := fmt.Sprintf("http://127.0.0.1:%d/health", port)
	require.Eventually(t, func() bool {
		res, err := http.Get(url)
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, 90*time.Second, 200*time.Millisecond, "the restored build serves /health")
}
