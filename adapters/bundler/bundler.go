package bundler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mastra-admin/mastra-admin/adapters/runner/local"
)

// MinCore is the oldest @mastra/core the injected entry is built for:
// the oldest that @mastra/observability 1.17 accepts as a peer. The probe
// also checks the API itself (checked working with 1.71.0).
const MinCore = "1.16.0"

// stagingDir is where npm installs @mastra/observability, in the bundle,
// before it moves into the bundle's node_modules (npm run in the bundle
// itself would install all of the bundle's package.json again).
const stagingDir = ".mastra-admin-deps"

// Config configures a Bundler.
type Config struct {
	// Observability is the @mastra/observability installed into bundles
	// that resolve none in its range, as a version: the range is ^it
	// (empty: 1.17.0).
	Observability string
	// MaxFileBytes closes a spans or logs file before it grows past it
	// (0: 8 MiB). A server's OBS_MAX_FILE_BYTES overrides it.
	MaxFileBytes int64
	// MaxFileAge closes a file this old, written to or not, so that it
	// ships (0: 2 s). OBS_MAX_FILE_AGE_MS overrides it.
	MaxFileAge time.Duration
	// LogLevel is the least level written to the logs files: debug, info,
	// warn or error (empty: info). OBS_LOG_LEVEL overrides it.
	LogLevel string
}

func (c *Config) setDefaults() {
	if c.Observability == "" {
		c.Observability = "1.17.0"
	}
	if c.MaxFileBytes == 0 {
		c.MaxFileBytes = 8 << 20
	}
	if c.MaxFileAge == 0 {
		// Closed files are what gets shipped: their age bounds how soon a
		// span is queryable (the freshness goal is 5 s at p95).
		c.MaxFileAge = 2 * time.Second
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
}

// Validate reports what is wrong with c.
func (c Config) Validate() error {
	var errs []error
	if _, err := parseVersion(c.Observability); err != nil {
		errs = append(errs, fmt.Errorf("bundler: observability version: %w", err))
	}
	if c.MaxFileBytes < 1024 {
		errs = append(errs, fmt.Errorf("bundler: max file size %d is below 1024 bytes", c.MaxFileBytes))
	}
	if c.MaxFileAge < time.Second {
		errs = append(errs, fmt.Errorf("bundler: max file age %s is below 1s", c.MaxFileAge))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("bundler: log level %q is not debug, info, warn or error", c.LogLevel))
	}
	return errors.Join(errs...)
}

// Bundler injects the MastraAdmin entry into built bundles.
type Bundler struct {
	cfg     Config
	obs     version
	minCore version
}

var _ local.Injector = (*Bundler)(nil)

// New returns a Bundler.
func New(cfg Config) (*Bundler, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	obs, _ := parseVersion(cfg.Observability)
	minCore, err := parseVersion(MinCore)
	if err != nil {
		return nil, err
	}
	return &Bundler{cfg: cfg, obs: obs, minCore: minCore}, nil
}

// Inject implements local.Injector: probe, install @mastra/observability
// if needed, write the entry.
func (b *Bundler) Inject(ctx context.Context, job local.InjectJob) error {
	var out bytes.Buffer
	if err := job.Run(ctx, local.Cmd{Name: job.Node, Args: []string{"--input-type=module", "-"},
		Stdin: strings.NewReader(probeJS), Stdout: &out}); err != nil {
		return fmt.Errorf("probe the bundle's Mastra: %w", err)
	}
	p, err := parseProbe(out.Bytes())
	if err != nil {
		return err
	}
	if err := p.check(b.minCore); err != nil {
		return err
	}
	fmt.Fprintf(job.Log, "==> @mastra/core %s\n", p.Core.Version)
	if v, ok := p.observability(b.obs); ok {
		fmt.Fprintf(job.Log, "==> @mastra/observability %s (the project's)\n", v)
	} else {
		spec := "@mastra/observability@^" + b.obs.String()
		fmt.Fprintf(job.Log, "==> install %s\n", spec)
		if err := job.Run(ctx, local.Cmd{Name: "npm", Args: []string{"install", "--prefix", stagingDir, "--no-save",
			"--no-package-lock", "--legacy-peer-deps", "--ignore-scripts", "--no-audit", "--no-fund", spec}}); err != nil {
			return fmt.Errorf("install %s: %w", spec, err)
		}
	}
	script, err := b.placeScript(p)
	if err != nil {
		return err
	}
	if err := job.Run(ctx, local.Cmd{Name: job.Node, Args: []string{"--input-type=module", "-"},
		Stdin: strings.NewReader(script)}); err != nil {
		return fmt.Errorf("write %s: %w", local.EntryFile, err)
	}
	return nil
}
