package benchmarks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/runner/local"
	source "github.com/mastra-admin/mastra-admin/adapters/source/local"
	"github.com/mastra-admin/mastra-admin/domain/build"
)

// BenchmarkRedeploy builds the mastra-math fixture three times in one
// run, each a whole build (copy, install or restore, mastra build,
// checks), for one team:
//
//   - cold: an empty dependency cache and an empty npm cache (the
//     packages come from the registry);
//   - redeploy: the same project again, its node_modules restored from
//     the dependency cache the cold build filled;
//   - for scale, no dependency cache but the npm cache the cold build
//     warmed (what a redeploy cost before the dependency cache).
//
// Goal: redeploy <= 0.6 x cold. As root the builds run as nobody, as
// with MASTRA_ADMIN_BUILD_USER. It needs Node 22.13+ in
// MASTRA_ADMIN_NODE and the npm registry.
func BenchmarkRedeploy(b *testing.B) {
	node := os.Getenv("MASTRA_ADMIN_NODE")
	if node == "" {
		b.Skip("MASTRA_ADMIN_NODE is not set (a Node 22.13+ binary): this benchmark runs real builds")
	}
	base := b.TempDir()
	require.NoError(b, exec.Command("cp", "-r", filepath.Join("..", "..", "testdata", "mastra-math"), base).Run())
	project := filepath.Join(base, "mastra-math")
	sources, err := source.New([]string{base})
	require.NoError(b, err)
	for n := 0; n < b.N; n++ {
		root := b.TempDir()
		// Without a build user, npm's cache comes from the environment:
		// an empty one for this run (with one, it is in the builds folder).
		b.Setenv("npm_config_cache", filepath.Join(root, "npm-cache"))
		var as *local.Account
		if os.Geteuid() == 0 {
			as, err = local.LookupAccount("nobody")
			require.NoError(b, err)
			require.NoError(b, os.Chmod(root, 0o711))
			require.NoError(b, os.Chmod(filepath.Dir(root), 0o711))
		}
		cfg := local.Config{Node: node, Dir: filepath.Join(root, "builds"), Sources: sources, User: as,
			CacheDir: filepath.Join(root, "depcache")}
		builder, err := local.New(cfg)
		require.NoError(b, err)
		if err := builder.Check(context.Background()); as != nil && err != nil {
			as, cfg.User = nil, nil
			builder, err = local.New(cfg)
			require.NoError(b, err)
		}
		cfg.CacheDir = filepath.Join(root, "depcache-empty")
		uncached, err := local.New(cfg)
		require.NoError(b, err)
		team := uuid.Must(uuid.NewV7())
		timed := func(bl *local.Builder, want string) time.Duration {
			src, _ := json.Marshal(source.Config{Path: project})
			job := build.Job{Build: build.View{ID: uuid.Must(uuid.NewV7()), TeamID: team}, SourceType: source.Type, SourceConfig: src}
			var log bytes.Buffer
			t0 := time.Now()
			_, err := bl.Build(context.Background(), job, &log)
			took := time.Since(t0)
			require.NoError(b, err, log.String())
			require.True(b, strings.Contains(log.String(), want), "%q missing in the log:\n%s", want, log.String())
			return took
		}
		cold := timed(builder, "==> dependencies saved to cache")
		warm := timed(builder, "==> dependencies restored from cache")
		npmWarm := timed(uncached, "==> install (npm)")
		ratio := warm.Seconds() / cold.Seconds()
		verdict := "meets"
		if ratio > 0.6 {
			verdict = "MISSES"
		}
		user := "the admin's user"
		if as != nil {
			user = as.Name
		}
		fmt.Printf("redeploy of mastra-math (builds as %s): cold %.1f s, redeploy %.1f s  ratio %.2f (goal <= 0.60: %s)\n",
			user, cold.Seconds(), warm.Seconds(), ratio, verdict)
		fmt.Printf("  for scale: no dependency cache, warm npm cache %.1f s; redeploy/that %.2f\n",
			npmWarm.Seconds(), warm.Seconds()/npmWarm.Seconds())
		b.ReportMetric(cold.Seconds(), "cold-s")
		b.ReportMetric(warm.Seconds(), "redeploy-s")
		b.ReportMetric(npmWarm.Seconds(), "npm-warm-s")
		b.ReportMetric(ratio, "ratio")
	}
}
