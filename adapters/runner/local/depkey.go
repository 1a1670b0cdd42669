package local

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// lifecycleScripts are the root project's install scripts: an install
// runs them, a restore from the dependency cache would not, so a project
// that has one is not cached (what they make may depend on more than the
// lockfile, e.g. `prisma generate` on the schema).
var lifecycleScripts = []string{"preinstall", "install", "postinstall", "prepare"}

// depFields are the package.json fields that decide what an install puts
// in node_modules besides the lockfile. npm ci refuses a package.json out
// of step with its lockfile: keying on them too keeps a restore from
// hiding that.
var depFields = []string{"dependencies", "devDependencies", "optionalDependencies", "peerDependencies",
	"bundleDependencies", "bundledDependencies", "overrides", "resolutions", "pnpm"}

// depKey returns the dependency cache key of the project in app: a
// sha256 of the lockfile's bytes, the package manager, the Node version,
// the platform and package.json's dependency fields. When the project's
// dependencies cannot be cached it returns no key and the reason.
func depKey(app string, pm manager, nodeVersion string) (key, reason string, err error) {
	if pm.lock == "" {
		return "", "the project has no lockfile", nil
	}
	lock, err := readNoFollow(filepath.Join(app, pm.lock))
	if err != nil {
		return "", "", fmt.Errorf("read the lockfile: %w", err)
	}
	raw, err := readNoFollow(filepath.Join(app, "package.json"))
	if err != nil {
		return "", "", fmt.Errorf("read package.json: %w", err)
	}
	var pkg map[string]json.RawMessage
	if err := json.Unmarshal(raw, &pkg); err != nil {
		return "", "", errors.New("package.json is not a JSON object")
	}
	if s, ok := pkg["scripts"]; ok {
		var scripts map[string]json.RawMessage
		if err := json.Unmarshal(s, &scripts); err != nil {
			return "", "", errors.New(`package.json's "scripts" is not an object`)
		}
		for _, name := range lifecycleScripts {
			if _, ok := scripts[name]; ok {
				return "", fmt.Sprintf("package.json has a %q script, which must run at every install", name), nil
			}
		}
	}
	if _, ok := pkg["workspaces"]; ok {
		return "", "package.json declares workspaces (only the root node_modules would be cached)", nil
	}
	if _, err := os.Lstat(filepath.Join(app, "pnpm-workspace.yaml")); err == nil {
		return "", "the project is a pnpm workspace (only the root node_modules would be cached)", nil
	}
	h := sha256.New()
	fmt.Fprintf(h, "mastra-admin dependency cache 1\nmanager %s\nnode %s\nplatform %s/%s\nlockfile %s %d\n",
		pm.name, nodeVersion, runtime.GOOS, runtime.GOARCH, pm.lock, len(lock))
	h.Write(lock)
	for _, f := range depFields {
		v, ok := pkg[f]
		if !ok {
			continue
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, v); err != nil {
			return "", "", fmt.Errorf("package.json's %q: %w", f, err)
		}
		fmt.Fprintf(h, "\n%s %d\n", f, buf.Len())
		h.Write(buf.Bytes())
	}
	return hex.EncodeToString(h.Sum(nil)), "", nil
}

// readNoFollow reads a regular file of the build's copy of the project
// without following a symlink (the build user owns that copy).
func readNoFollow(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: errors.New("not a regular file")}
	}
	return io.ReadAll(f)
}
