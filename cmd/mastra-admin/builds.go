package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/adapters/bundler"
	"github.com/mastra-admin/mastra-admin/adapters/config"
	"github.com/mastra-admin/mastra-admin/adapters/runner/local"
	"github.com/mastra-admin/mastra-admin/commands"
)

// buildWorker configures this process's build worker: the local runner,
// building in the data directory, under a name kept in the data
// directory so that a restart finds the builds it left. It returns the
// account builds (and servers) run as, nil for the admin's own.
func buildWorker(cfg config.Config, sources local.Sources) (commands.WorkerConfig, *local.Account, error) {
	id, err := workerID(cfg.DataDir)
	if err != nil {
		return commands.WorkerConfig{}, nil, err
	}
	if !lockWorker(cfg.DataDir) {
		// Another process runs under this data directory's name: this one
		// must not take its builds for its own at a restart.
		id += "-" + uuid.NewString()[:8]
	}
	var as *local.Account
	if cfg.BuildUser != "" {
		if as, err = local.LookupAccount(cfg.BuildUser); err != nil {
			return commands.WorkerConfig{}, nil, err
		}
	}
	if as != nil {
		// The build user passes through the data directory to its build
		// directories; the admin's files in it stay 0600.
		if err := os.Chmod(cfg.DataDir, 0o711); err != nil {
			return commands.WorkerConfig{}, nil, fmt.Errorf("data dir: %w", err)
		}
	}
	lc := local.Config{Node: cfg.Node, Dir: filepath.Join(cfg.DataDir, "builds"), Sources: sources, User: as}
	if cfg.InjectEntry {
		if lc.Injector, err = bundler.New(bundler.Config{}); err != nil {
			return commands.WorkerConfig{}, nil, err
		}
	}
	b, err := local.New(lc)
	if err != nil {
		return commands.WorkerConfig{}, nil, err
	}
	return commands.WorkerConfig{ID: id, Capacity: cfg.BuildConcurrency, Builder: b}, as, nil
}

// workerID reads the worker's name from the data directory, creating it
// (host name and a random suffix) on first run.
func workerID(dataDir string) (string, error) {
	path := filepath.Join(dataDir, "worker-id")
	b, err := os.ReadFile(path)
	if err == nil && strings.TrimSpace(string(b)) != "" {
		return strings.TrimSpace(string(b)), nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read worker id: %w", err)
	}
	host, _ := os.Hostname()
	if host == "" {
		host = "worker"
	}
	id := host + "-" + uuid.NewString()[:8]
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", fmt.Errorf("create data dir: %w", err)
	}
	if err := os.WriteFile(path, []byte(id+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write worker id: %w", err)
	}
	return id, nil
}

// lockWorker takes an exclusive lock on the data directory's worker name
// for the life of the process; false when another process holds it.
func lockWorker(dataDir string) bool {
	f, err := os.OpenFile(filepath.Join(dataDir, "worker.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return false
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return false
	}
	heldLocks = append(heldLocks, f) // kept open (and from the GC): the lock goes with the process
	return true
}

// heldLocks are the lock files this process holds.
var heldLocks []*os.File
