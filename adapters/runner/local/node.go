package local

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// MinNode is the oldest Node.js that Mastra 1.x runs on.
var MinNode = [3]int{22, 13, 0}

var nodeVersion = regexp.MustCompile(`^v(\d+)\.(\d+)\.(\d+)`)

// FindNode resolves the node binary (configured, else from PATH) and
// checks its version; it returns the absolute path and the version.
func FindNode(ctx context.Context, configured string) (string, string, error) {
	name := configured
	if name == "" {
		name = "node"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", "", fmt.Errorf("node not found (%s): install Node.js %d.%d or later, or set MASTRA_ADMIN_NODE: %w",
			name, MinNode[0], MinNode[1], err)
	}
	if path, err = filepath.Abs(path); err != nil {
		return "", "", fmt.Errorf("node %s: %w", name, err)
	}
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return "", "", fmt.Errorf("run %s --version: %w", path, err)
	}
	v := strings.TrimSpace(string(out))
	if !atLeast(v, MinNode) {
		return "", "", fmt.Errorf("node %s at %s is too old: Mastra needs Node.js %d.%d or later; set MASTRA_ADMIN_NODE to a newer node",
			v, path, MinNode[0], MinNode[1])
	}
	return path, v, nil
}

// atLeast reports whether version ("v22.13.1") is min or later.
func atLeast(version string, min [3]int) bool {
	m := nodeVersion.FindStringSubmatch(version)
	if m == nil {
		return false
	}
	for i := range 3 {
		n, _ := strconv.Atoi(m[i+1])
		if n != min[i] {
			return n > min[i]
		}
	}
	return true
}
