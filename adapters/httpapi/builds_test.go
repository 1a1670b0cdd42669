package httpapi_test

import (
	"context"
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

	"github.com/mastra-admin/mastra-admin/adapters/bundler"
	"github.com/mastra-admin/mastra-admin/adapters/runner/local"
	source "github.com/mastra-admin/mastra-admin/adapters/source/local"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/license"
	"github.com/mastra-admin/mastra-admin/internal/app"
)

// TestDeployBuildsARealMastraProject deploys the mastra-math fixture over
// HTTP and lets the local runner build it for real: npm, mastra build,
// the bundle checked, the MastraAdmin entry injected. It needs Node 22.13+ in MASTRA_ADMIN_NODE, which
// scripts/test.sh provides, and the npm registry (or a warm npm cache).
func TestDeployBuildsARealMastraProject(t *testing.T) {
	t.Parallel()
	node := os.Getenv("MASTRA_ADMIN_NODE")
	if node == "" {
		t.Skip("MASTRA_ADMIN_NODE is not set; scripts/test.sh sets it to a Node 22 it fetches")
	}
	base := t.TempDir()
	require.NoError(t, exec.Command("cp", "-r", filepath.Join("..", "..", "testdata", "mastra-math"), base).Run())
	sources, err := source.New([]string{base})
	require.NoError(t, err)
	buildDir := filepath.Join(t.TempDir(), "builds")
	// As root (CI), the build runs as nobody, as MASTRA_ADMIN_BUILD_USER
	// would have it, which must not change anything else.
	var as *local.Account
	if os.Geteuid() == 0 {
		as, err = local.LookupAccount("nobody")
		require.NoError(t, err)
		for _, d := range []string{filepath.Dir(buildDir), filepath.Dir(filepath.Dir(buildDir))} {
			require.NoError(t, os.Chmod(d, 0o711)) // t.TempDir makes them 0700
		}
	}
	inj, err := bundler.New(bundler.Config{})
	require.NoError(t, err)
	builder, err := local.New(local.Config{Node: node, Dir: buildDir, Sources: sources, User: as, Injector: inj})
	require.NoError(t, err)
	if err := builder.Check(context.Background()); as != nil && err != nil {
		// This checkout's node lies in a folder closed to other users.
		t.Logf("building as the admin's user: %v", err)
		as = nil
		builder, err = local.New(local.Config{Node: node, Dir: buildDir, Sources: sources, Injector: inj})
		require.NoError(t, err)
	}
	require.NoError(t, builder.Check(context.Background()))
	e := startWithSources(t, base, func(c *app.Config) {
		c.Commands.Sources, c.Commands.License = sources, license.CommunityLicense()
		c.Worker = commands.WorkerConfig{ID: "e2e", Capacity: 2, Builder: builder}
	})
	alice := e.token(t, "alice@example.com", false)
	res := e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Math team"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	team := res.json(t)["id"].(string)
	res = e.do(t, "POST", "/api/teams/"+team+"/projects", alice, strings.NewReader(sourceBody("Math", filepath.Join(base, "mastra-math"))))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	project := res.json(t)["id"].(string)
	res = e.do(t, "POST", "/api/projects/"+project+"/deployments", alice, strings.NewReader(`{"type":"production"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	dep := res.json(t)["id"].(string)

	res = e.do(t, "POST", "/api/deployments/"+dep+"/deploy", alice, nil)
	require.Equal(t, http.StatusAccepted, res.status, string(res.body))
	b := res.json(t)
	id := b["id"].(string)
	assert.Equal(t, "queued", b["status"])
	assert.Equal(t, "/api/builds/"+id, res.header.Get("Location"))

	var status string
	deadline := time.Now().Add(8 * time.Minute)
	for time.Now().Before(deadline) {
		res = e.do(t, "GET", "/api/builds/"+id, alice, nil)
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		if status = res.json(t)["status"].(string); status == "deploying" || status == "succeeded" || status == "failed" || status == "cancelled" {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	logs := e.do(t, "GET", "/api/builds/"+id+"/logs", alice, nil)
	require.Equal(t, http.StatusOK, logs.status)
	require.Equal(t, "deploying", status, "the artifact is ready (no server runs in this test); build log:\n%s", logs.body)
	assert.Equal(t, "text/plain; charset=utf-8", logs.header.Get("Content-Type"))
	if as != nil {
		assert.Contains(t, string(logs.body), "==> running as nobody")
		fi, err := os.Stat(filepath.Join(buildDir, id, "app", ".mastra", "output", "index.mjs"))
		require.NoError(t, err)
		assert.Equal(t, as.UID, fi.Sys().(*syscall.Stat_t).Uid, "built by the build user")
	}
	for _, want := range []string{"==> node v22.", "==> install (npm)", "$ ", "==> mastra build", "==> inject the MastraAdmin entry",
		"==> @mastra/core 1.", "==> bundle ready in ", " ready; deploying"} {
		assert.Contains(t, string(logs.body), want)
	}
	out := filepath.Join(buildDir, id, "app", ".mastra", "output")
	assert.FileExists(t, filepath.Join(out, "index.mjs"))
	assert.FileExists(t, filepath.Join(out, "mastra.mjs"))
	assert.FileExists(t, filepath.Join(out, local.EntryFile))
	assert.FileExists(t, filepath.Join(out, "node_modules", "@mastra", "observability", "package.json"))
	assert.NoDirExists(t, filepath.Join(base, "mastra-math", "node_modules"), "the build ran in its own directory")
	res = e.do(t, "GET", "/api/deployments/"+dep+"/builds", alice, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Len(t, res.json(t)["builds"].([]any), 1)
}
