package local

import (
	"os"
	"path/filepath"
)

// manager is a package manager and how it installs from a lockfile.
type manager struct {
	name     string
	lock     string // the lockfile it installs from ("": none)
	install  []string
	fallback []string // tried when install fails (nil: none)
}

// managerOf picks the package manager from the lockfile in dir; npm when
// there is none.
func managerOf(dir string) manager {
	exists := func(name string) bool {
		_, err := os.Stat(filepath.Join(dir, name))
		return err == nil
	}
	switch {
	case exists("pnpm-lock.yaml"):
		return manager{name: "pnpm", lock: "pnpm-lock.yaml", install: []string{"install", "--frozen-lockfile"}}
	case exists("yarn.lock"):
		return manager{name: "yarn", lock: "yarn.lock", install: []string{"install", "--frozen-lockfile"}}
	case exists("bun.lock"):
		return manager{name: "bun", lock: "bun.lock", install: []string{"install", "--frozen-lockfile"}}
	case exists("bun.lockb"):
		return manager{name: "bun", lock: "bun.lockb", install: []string{"install", "--frozen-lockfile"}}
	case exists("package-lock.json"):
		// npm ci can fail on lockfiles written on another platform
		// (EUSAGE Missing: @rollup/rollup-…); npm install then works.
		return manager{name: "npm", lock: "package-lock.json", install: []string{"ci", "--no-audit", "--no-fund"},
			fallback: []string{"install", "--no-audit", "--no-fund"}}
	}
	return manager{name: "npm", install: []string{"install", "--no-audit", "--no-fund"}}
}
