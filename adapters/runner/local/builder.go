package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/mastra-admin/mastra-admin/domain/build"
)

// Sources validates a project's source configuration again at build time
// (the folder may have changed since the project was created).
type Sources interface {
	Validate(ctx context.Context, sourceType string, config json.RawMessage) (json.RawMessage, error)
}

// Config configures a Builder.
type Config struct {
	// Node is the node binary (MASTRA_ADMIN_NODE; empty: node from PATH).
	Node string
	// Dir holds one build directory per build.
	Dir     string
	Sources Sources
	// Timeout bounds a whole build (0: 20 minutes).
	Timeout time.Duration
}

// Builder builds Mastra projects from local folders.
type Builder struct{ cfg Config }

// New returns a Builder.
func New(cfg Config) (*Builder, error) {
	if cfg.Dir == "" || cfg.Sources == nil {
		return nil, errors.New("local runner: a build directory and sources are needed")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Minute
	}
	return &Builder{cfg: cfg}, nil
}

// Build implements commands.Builder: it returns the bundle's folder.
func (b *Builder) Build(ctx context.Context, job build.Job, log io.Writer) (string, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, b.cfg.Timeout, fmt.Errorf("the build took longer than %s", b.cfg.Timeout))
	defer cancel()
	src, err := b.source(ctx, job)
	if err != nil {
		return "", err
	}
	node, version, err := FindNode(ctx, b.cfg.Node)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(log, "==> node %s (%s)\n", version, node)

	dir := filepath.Join(b.cfg.Dir, job.Build.ID.String())
	app := filepath.Join(dir, "app")
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("clear build directory: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create build directory: %w", err)
	}
	fmt.Fprintf(log, "==> copy %s to %s\n", src, app)
	if err := copyTree(src, app); err != nil {
		return "", fmt.Errorf("copy the project: %w", err)
	}

	env := buildEnv(filepath.Dir(node), "MASTRA_TELEMETRY_DISABLED=1", "MASTRA_BUILD_SKIP_INSTALL=1", "CI=1")
	pm := managerOf(app)
	pmPath, err := lookPath(pm.name, env)
	if err != nil {
		return "", fmt.Errorf("the lockfile asks for %s, which is not installed on the build machine: %w", pm.name, err)
	}
	fmt.Fprintf(log, "==> install (%s)\n", pm.name)
	if err := run(ctx, app, env, log, pmPath, pm.install...); err != nil {
		if pm.fallback == nil || ctx.Err() != nil {
			return "", fmt.Errorf("install: %w", err)
		}
		fmt.Fprintf(log, "==> %v; trying %s %v\n", err, pm.name, pm.fallback)
		if err := run(ctx, app, env, log, pmPath, pm.fallback...); err != nil {
			return "", fmt.Errorf("install: %w", err)
		}
	}
	mastra := filepath.Join(app, "node_modules", ".bin", "mastra")
	if _, err := os.Stat(mastra); err != nil {
		return "", errors.New("the project does not depend on the mastra CLI (node_modules/.bin/mastra is missing); add it to devDependencies")
	}
	fmt.Fprintln(log, "==> mastra build")
	if err := run(ctx, app, env, log, node, mastra, "build"); err != nil {
		return "", fmt.Errorf("mastra build: %w", err)
	}
	out := filepath.Join(app, ".mastra", "output")
	for _, f := range []string{"index.mjs", "mastra.mjs"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			return "", fmt.Errorf("mastra build produced no .mastra/output/%s: is this a Mastra 1.x project?", f)
		}
	}
	fmt.Fprintf(log, "==> bundle ready in %s\n", out)
	return out, nil
}

// source returns the project folder a build copies.
func (b *Builder) source(ctx context.Context, job build.Job) (string, error) {
	cfg, err := b.cfg.Sources.Validate(ctx, job.SourceType, job.SourceConfig)
	if err != nil {
		return "", fmt.Errorf("the project's source: %w", err)
	}
	var c struct {
		Path string `json:"path"`
	}
	if err := json.Unmarshal(cfg, &c); err != nil || c.Path == "" {
		return "", fmt.Errorf("the project's source configuration has no path")
	}
	return c.Path, nil
}

// lookPath finds a program on the PATH of env.
func lookPath(name string, env []string) (string, error) {
	for _, kv := range env {
		if len(kv) > 5 && kv[:5] == "PATH=" {
			for _, dir := range filepath.SplitList(kv[5:]) {
				p := filepath.Join(dir, name)
				if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
					return p, nil
				}
			}
		}
	}
	return exec.LookPath(name)
}
