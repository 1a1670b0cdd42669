package local

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

// Type is the source type this provider serves.
const Type = "local"

// Provider scans and validates local folders.
type Provider struct {
	bases []string // absolute, symlinks resolved; missing ones dropped
	named []string // the same bases as configured (absolute, cleaned), and bases
}

// New returns a Provider over the base directories (relative ones are
// taken from the working directory). Bases that do not exist are ignored.
func New(bases []string) (*Provider, error) {
	p := &Provider{}
	for _, b := range bases {
		abs, err := filepath.Abs(b)
		if err != nil {
			return nil, fmt.Errorf("base %s: %w", b, err)
		}
		real, err := filepath.EvalSymlinks(abs)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("base %s: %w", b, err)
		}
		p.bases = append(p.bases, real)
		p.named = append(p.named, filepath.Clean(abs), real)
	}
	return p, nil
}

type packageJSON struct {
	Name            string            `json:"name"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
}

// Scan lists the Mastra projects in each base and its direct subfolders.
func (p *Provider) Scan(ctx context.Context) ([]project.Source, error) {
	var out []project.Source
	seen := map[string]bool{}
	for _, base := range p.bases {
		dirs := []string{base}
		entries, err := os.ReadDir(base)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", base, err)
		}
		for _, e := range entries {
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") && e.Name() != "node_modules" {
				dirs = append(dirs, filepath.Join(base, e.Name()))
			}
		}
		for _, dir := range dirs {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if s, ok := inspect(dir); ok && !seen[s.Path] {
				seen[s.Path] = true
				out = append(out, s)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// inspect reports whether dir holds a Mastra project, and what it is.
func inspect(dir string) (project.Source, bool) {
	raw, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return project.Source{}, false
	}
	var pkg packageJSON
	if json.Unmarshal(raw, &pkg) != nil {
		return project.Source{}, false
	}
	if _, ok := pkg.Dependencies["@mastra/core"]; !ok {
		if _, ok := pkg.DevDependencies["@mastra/core"]; !ok {
			return project.Source{}, false
		}
	}
	name := pkg.Name
	if name == "" {
		name = filepath.Base(dir)
	}
	_, entryErr := os.Stat(filepath.Join(dir, "src", "mastra", "index.ts"))
	return project.Source{Type: Type, Name: name, Path: dir, PackageManager: PackageManager(dir), HasEntry: entryErr == nil}, true
}

// PackageManager tells the package manager from the lockfile.
func PackageManager(dir string) string {
	for _, lf := range []struct{ file, pm string }{
		{"pnpm-lock.yaml", "pnpm"}, {"package-lock.json", "npm"}, {"yarn.lock", "yarn"}, {"bun.lock", "bun"}, {"bun.lockb", "bun"},
	} {
		if _, err := os.Stat(filepath.Join(dir, lf.file)); err == nil {
			return lf.pm
		}
	}
	return "npm"
}

// Config is a local source's configuration.
type Config struct {
	Path string `json:"path"`
}

// Validate checks a project's source and returns its normalized config
// (the path with symlinks resolved).
func (p *Provider) Validate(_ context.Context, sourceType string, raw json.RawMessage) (json.RawMessage, error) {
	if sourceType != Type {
		return nil, domain.Errorf(domain.KindInvalid, "source type %q is not supported; use %q", sourceType, Type)
	}
	var cfg Config
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil || cfg.Path == "" {
		return nil, domain.Errorf(domain.KindInvalid, `sourceConfig must be {"path": "<folder>"}`)
	}
	if !filepath.IsAbs(cfg.Path) {
		return nil, domain.Errorf(domain.KindInvalid, "source path %q must be absolute", cfg.Path)
	}
	// A path not named under a base is refused before the file system is
	// touched, so that the errors below tell nothing about the rest of the
	// machine; the real path is checked again once symlinks are resolved.
	clean := filepath.Clean(cfg.Path)
	if !within(p.named, clean) {
		return nil, domain.Errorf(domain.KindInvalid, "source path %q is outside the configured project directories", cfg.Path)
	}
	real, err := openDir(clean)
	if err != nil {
		return nil, domain.Errorf(domain.KindInvalid, "source path %q %s", cfg.Path, err)
	}
	if !within(p.bases, real) {
		return nil, domain.Errorf(domain.KindInvalid, "source path %q is outside the configured project directories", cfg.Path)
	}
	return json.Marshal(Config{Path: real})
}

// within reports whether path is one of bases or below one.
func within(bases []string, path string) bool {
	for _, base := range bases {
		rel, err := filepath.Rel(base, path)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
			return true
		}
	}
	return false
}
