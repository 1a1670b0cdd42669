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
	// User is who build commands run as (nil: the admin's own user). Its
	// builds cannot read the admin's files (the encryption key): they get
	// their own HOME and a shared npm cache, in Dir.
	User *Account
	// CacheDir holds the dependency cache: the node_modules of earlier
	// builds, per team, by lockfile, package manager and Node version
	// ("": depcache next to Dir). It must be on Dir's file system: builds
	// are moved in and hard-linked out.
	CacheDir string
	// CacheKeep is how many keys the cache keeps per team, the most
	// recently used (0: 3; negative: no dependency cache).
	CacheKeep int
	// Injector adds the wrapper entry (EntryFile) to every bundle after
	// `mastra build`, as the build user (nil: none; servers then run
	// PlainEntryFile).
	Injector Injector
}

// Builder builds Mastra projects from local folders.
type Builder struct {
	cfg  Config
	deps *depCache // nil: no dependency cache
}

// New returns a Builder.
func New(cfg Config) (*Builder, error) {
	if cfg.Dir == "" || cfg.Sources == nil {
		return nil, errors.New("local runner: a build directory and sources are needed")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Minute
	}
	if cfg.User != nil {
		if err := passable(cfg.Dir); err != nil {
			return nil, fmt.Errorf("build user %s: %w", cfg.User.Name, err)
		}
	}
	b := &Builder{cfg: cfg}
	if cfg.CacheKeep == 0 {
		cfg.CacheKeep = 3
	}
	if cfg.CacheKeep > 0 {
		if cfg.CacheDir == "" {
			cfg.CacheDir = filepath.Join(filepath.Dir(filepath.Clean(cfg.Dir)), "depcache")
		}
		b.deps = newDepCache(cfg.CacheDir, cfg.CacheKeep, cfg.User)
	}
	b.cfg = cfg
	return b, nil
}

// Build implements commands.Builder: it returns the bundle's folder.
func (b *Builder) Build(ctx context.Context, job build.Job, log io.Writer) (string, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, b.cfg.Timeout, fmt.Errorf("the build took longer than %s", b.cfg.Timeout))
	defer cancel()
	src, err := b.source(ctx, job)
	if err != nil {
		return "", err
	}
	node, version, err := b.node(ctx)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(log, "==> node %s (%s)\n", version, node)

	dir := filepath.Join(b.cfg.Dir, job.Build.ID.String())
	app := filepath.Join(dir, "app")
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("clear build directory: %w", err)
	}
	if err := os.MkdirAll(b.cfg.Dir, 0o711); err != nil {
		return "", fmt.Errorf("create builds folder: %w", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil { // only the admin's until it is ready
		return "", fmt.Errorf("create build directory: %w", err)
	}
	fmt.Fprintf(log, "==> copy %s to %s\n", src, app)
	if err := copyTree(src, app); err != nil {
		return "", fmt.Errorf("copy the project: %w", err)
	}

	env := buildEnv(filepath.Dir(node), "MASTRA_TELEMETRY_DISABLED=1", "MASTRA_BUILD_SKIP_INSTALL=1", "CI=1")
	if b.cfg.User != nil {
		home, cache := filepath.Join(dir, "home"), filepath.Join(b.cfg.Dir, ".npm-cache")
		if err := b.giveAway(dir, app, home, cache); err != nil {
			return "", err
		}
		env = append(env, "HOME="+home, "npm_config_cache="+cache)
		fmt.Fprintf(log, "==> running as %s\n", b.cfg.User.Name)
	} else if err := os.Chmod(dir, 0o755); err != nil {
		return "", fmt.Errorf("build directory: %w", err)
	}
	pm := managerOf(app)
	pmPath, err := lookPath(pm.name, env)
	if err != nil {
		return "", fmt.Errorf("the lockfile asks for %s, which is not installed on the build machine: %w", pm.name, err)
	}
	if err := b.install(ctx, job, dir, app, version, env, pm, pmPath, log); err != nil {
		return "", err
	}
	mastra := filepath.Join(app, "node_modules", ".bin", "mastra")
	if _, err := os.Stat(mastra); err != nil {
		return "", errors.New("the project does not depend on the mastra CLI (node_modules/.bin/mastra is missing); add it to devDependencies")
	}
	fmt.Fprintln(log, "==> mastra build")
	if err := run(ctx, app, env, b.cfg.User, log, node, mastra, "build"); err != nil {
		return "", fmt.Errorf("mastra build: %w", err)
	}
	out := filepath.Join(app, ".mastra", "output")
	for _, f := range []string{"index.mjs", "mastra.mjs"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			return "", fmt.Errorf("mastra build produced no .mastra/output/%s: is this a Mastra 1.x project?", f)
		}
	}
	if b.cfg.Injector != nil {
		if err := b.inject(ctx, out, node, env, log); err != nil {
			return "", err
		}
	}
	fmt.Fprintf(log, "==> bundle ready in %s\n", out)
	return out, nil
}

// Check reports what would make every build fail: no node, one too old,
// or one the build user cannot run. serve runs it at start to warn early.
func (b *Builder) Check(ctx context.Context) error {
	_, _, err := b.node(ctx)
	return err
}

// node finds node and checks that the build user can run it.
func (b *Builder) node(ctx context.Context) (path, version string, err error) {
	if path, version, err = FindNode(ctx, b.cfg.Node); err != nil || b.cfg.User == nil {
		return path, version, err
	}
	if err := run(ctx, "/", buildEnv(filepath.Dir(path)), b.cfg.User, io.Discard, path, "--version"); err != nil {
		return "", "", fmt.Errorf("the build user %s cannot run %s (make it and the folders above it readable and passable by other users): %w",
			b.cfg.User.Name, path, err)
	}
	return path, version, nil
}

// passable creates dir (0711) and checks that every folder above it lets
// other users pass, so that the build user reaches its build directories.
func passable(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(abs, 0o711); err != nil {
		return fmt.Errorf("create %s: %w", abs, err)
	}
	if err := os.Chmod(abs, 0o711); err != nil {
		return err
	}
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("it cannot reach %s: %s is not passable by other users (chmod o+x %s)", abs, d, d)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// giveAway gives a build's copy of the project (app), a HOME and the
// shared npm cache to the build user. The build directory above them
// stays the admin's, and only the admin's (0700) until everything in it
// was handed over, so that no process of the build user can swap a
// folder for a symlink during the walk and get something else handed
// over; then it becomes passable (0711). The builds folder is the
// admin's too (0711): a build cannot list the others, nor plant entries
// (the cache) in it.
func (b *Builder) giveAway(dir, app, home, cache string) error {
	if err := os.Mkdir(home, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", home, err)
	}
	if err := os.MkdirAll(cache, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", cache, err)
	}
	for _, d := range []string{app, home} {
		if err := b.cfg.User.own(d); err != nil {
			return fmt.Errorf("give %s to %s: %w", d, b.cfg.User.Name, err)
		}
	}
	if err := os.Lchown(cache, int(b.cfg.User.UID), int(b.cfg.User.GID)); err != nil {
		return fmt.Errorf("give the npm cache to %s: %w", b.cfg.User.Name, err)
	}
	return os.Chmod(dir, 0o711)
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
