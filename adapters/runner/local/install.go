package local

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain/build"
)

// install puts the project's dependencies into app/node_modules: from
// the team's dependency cache when an earlier build of the same key
// left them, else with the package manager (pmPath), after which they
// are saved for the next build. dir is the build's directory; env and
// nodeVersion are the build's. A cache that fails only costs the time.
func (b *Builder) install(ctx context.Context, job build.Job, dir, app, nodeVersion string, env []string,
	pm manager, pmPath string, log io.Writer) error {
	key, team := "", job.Build.TeamID
	if b.deps != nil && team != uuid.Nil {
		k, reason, err := depKey(app, pm, nodeVersion)
		switch {
		case err != nil:
			fmt.Fprintf(log, "==> dependency cache not used: %v\n", err)
		case reason != "":
			fmt.Fprintf(log, "==> dependency cache not used: %s\n", reason)
		default:
			key = k
		}
	}
	if key != "" {
		ok, err := b.deps.restore(team, key, filepath.Join(dir, "deps-restore"), app)
		switch {
		case err != nil:
			fmt.Fprintf(log, "==> dependency cache: restore failed (%v); installing instead\n", err)
		case ok:
			fmt.Fprintf(log, "==> dependencies restored from cache (key %s)\n", key[:16])
			return nil
		default:
			fmt.Fprintf(log, "==> no cached dependencies (key %s)\n", key[:16])
		}
	}
	fmt.Fprintf(log, "==> install (%s)\n", pm.name)
	if err := run(ctx, app, env, b.cfg.User, log, pmPath, pm.install...); err != nil {
		if pm.fallback == nil || ctx.Err() != nil {
			return fmt.Errorf("install: %w", err)
		}
		fmt.Fprintf(log, "==> %v; trying %s %v\n", err, pm.name, pm.fallback)
		if err := run(ctx, app, env, b.cfg.User, log, pmPath, pm.fallback...); err != nil {
			return fmt.Errorf("install: %w", err)
		}
	}
	if key == "" {
		return nil
	}
	if err := b.deps.save(ctx, team, key, filepath.Join(dir, "deps-save"), app, env, log); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("save the dependencies: %w", context.Cause(ctx))
		}
		fmt.Fprintf(log, "==> dependencies not cached: %v\n", err)
	} else {
		fmt.Fprintf(log, "==> dependencies saved to cache (key %s)\n", key[:16])
	}
	if err := b.deps.prune(team); err != nil {
		fmt.Fprintf(log, "==> dependency cache: pruning: %v\n", err)
	}
	return nil
}
