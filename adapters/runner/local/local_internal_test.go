package local

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNodeVersions(t *testing.T) {
	t.Parallel()
	for v, ok := range map[string]bool{"v22.13.0": true, "v22.23.3": true, "v23.0.0": true, "v24.1.2\n": true,
		"v22.12.9": false, "v20.20.2": false, "v8.99.99": false, "22.13.0": false, "": false} {
		assert.Equal(t, ok, atLeast(v, MinNode), v)
	}
}

// fakeNode writes a node that prints version.
func fakeNode(t *testing.T, version string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "node")
	require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\necho "+version+"\n"), 0o755))
	return p
}

func TestFindNodeRefusesAnOldNode(t *testing.T) {
	t.Parallel()
	_, _, err := FindNode(context.Background(), fakeNode(t, "v20.20.2"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "node v20.20.2 at ")
	assert.Contains(t, err.Error(), "is too old: Mastra needs Node.js 22.13 or later; set MASTRA_ADMIN_NODE")

	p, v, err := FindNode(context.Background(), fakeNode(t, "v22.13.0"))
	require.NoError(t, err)
	assert.Equal(t, "v22.13.0", v)
	assert.True(t, filepath.IsAbs(p))

	_, _, err = FindNode(context.Background(), filepath.Join(t.TempDir(), "missing"))
	assert.ErrorContains(t, err, "node not found")
}

func TestCopyTreeLeavesOutInstalledAndBuiltFiles(t *testing.T) {
	t.Parallel()
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "app")
	for _, f := range []string{"package.json", "src/mastra/index.ts", "node_modules/x/index.js", ".mastra/output/index.mjs",
		".git/HEAD", "src/node_modules/y.js"} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(src, f)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(src, f), []byte(f), 0o644))
	}
	require.NoError(t, os.Symlink("src/mastra/index.ts", filepath.Join(src, "entry.ts")))
	require.NoError(t, copyTree(src, dst))
	b, err := os.ReadFile(filepath.Join(dst, "src/mastra/index.ts"))
	require.NoError(t, err)
	assert.Equal(t, "src/mastra/index.ts", string(b))
	for _, gone := range []string{"node_modules", ".mastra", ".git", "src/node_modules"} {
		assert.NoFileExists(t, filepath.Join(dst, gone))
		assert.NoDirExists(t, filepath.Join(dst, gone))
	}
	link, err := os.Readlink(filepath.Join(dst, "entry.ts"))
	require.NoError(t, err)
	assert.Equal(t, "src/mastra/index.ts", link)
}

func TestPackageManagerFromTheLockfile(t *testing.T) {
	t.Parallel()
	for lock, want := range map[string]string{"pnpm-lock.yaml": "pnpm", "yarn.lock": "yarn", "bun.lock": "bun",
		"package-lock.json": "npm", "": "npm"} {
		dir := t.TempDir()
		if lock != "" {
			require.NoError(t, os.WriteFile(filepath.Join(dir, lock), nil, 0o644))
		}
		m := managerOf(dir)
		assert.Equal(t, want, m.name, lock)
		if lock == "package-lock.json" {
			assert.Equal(t, []string{"ci", "--no-audit", "--no-fund"}, m.install)
			assert.NotNil(t, m.fallback, "npm ci falls back to npm install")
		}
	}
}

func TestBuildEnvKeepsTheAdminsSecrets(t *testing.T) { // not parallel: it sets the environment
	t.Setenv("DATABASE_URL", "postgres://secret@db/x")
	t.Setenv("MASTRA_ADMIN_ENCRYPTION_KEY", "c2VjcmV0")
	t.Setenv("npm_config_cache", "/tmp/npm-cache")
	t.Setenv("HOME", "/home/builder")
	env := strings.Join(buildEnv("/opt/node/bin", "EXTRA=1"), "\n")
	assert.NotContains(t, env, "secret")
	assert.NotContains(t, env, "c2VjcmV0")
	assert.Contains(t, env, "PATH=/opt/node/bin:")
	assert.Contains(t, env, "npm_config_cache=/tmp/npm-cache")
	assert.Contains(t, env, "HOME=/home/builder")
	assert.Contains(t, env, "EXTRA=1")
}

// TestCancelKillsTheWholeProcessGroup runs a command that starts a child
// of its own, cancels it, and checks that the child is gone too.
func TestCancelKillsTheWholeProcessGroup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	log, err := os.Create(filepath.Join(dir, "log"))
	require.NoError(t, err)
	defer log.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, dir, buildEnv("/nonexistent"), nil, log, "/bin/sh", "-c", "sleep 60 & echo $! > "+pidFile+"; wait")
	}()
	var pid int
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(pidFile)
		if err != nil || !strings.HasSuffix(string(b), "\n") {
			return false
		}
		pid, err = strconv.Atoi(strings.TrimSpace(string(b)))
		return err == nil
	}, 10*time.Second, 5*time.Millisecond)
	cancel()
	select {
	case err := <-done:
		assert.ErrorContains(t, err, "stopped")
	case <-time.After(3 * killGrace):
		t.Fatal("the cancelled command did not stop")
	}
	requireGone(t, pid)
	logText, _ := os.ReadFile(filepath.Join(dir, "log"))
	assert.Contains(t, string(logText), "$ /bin/sh -c sleep 60")
}

// requireGone waits until process pid has exited.
func requireGone(t *testing.T, pid int) {
	t.Helper()
	require.Eventually(t, func() bool {
		return syscall.Kill(pid, 0) == syscall.ESRCH || zombie(pid)
	}, 2*killGrace, 10*time.Millisecond, "the command's child %d survived it", pid)
}

// zombie reports whether pid has exited but was not reaped yet (its
// parent, the killed shell, is gone; init reaps it eventually).
func zombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	fields := strings.Fields(string(b))
	return len(fields) > 2 && fields[2] == "Z"
}

// TestBackgroundChildrenDieWithTheirCommand: a command that leaves a
// child behind (an install script's daemon) does not leave it running.
func TestBackgroundChildrenDieWithTheirCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	log, err := os.Create(filepath.Join(dir, "log"))
	require.NoError(t, err)
	defer log.Close()
	require.NoError(t, run(context.Background(), dir, buildEnv("/nonexistent"), nil, log, "/bin/sh", "-c", "sleep 60 & echo $! > "+pidFile))
	b, err := os.ReadFile(pidFile)
	require.NoError(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	requireGone(t, pid)
}

// TestCommandsRunAsTheBuildUser: with a build user, commands run under
// its uid and cannot read the admin's private files.
func TestCommandsRunAsTheBuildUser(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("switching users needs root")
	}
	nobody, err := LookupAccount("nobody")
	require.NoError(t, err)
	require.NotNil(t, nobody)
	root := t.TempDir()
	secret := filepath.Join(root, "encryption.key")
	require.NoError(t, os.WriteFile(secret, []byte("k"), 0o600))
	require.NoError(t, os.Chmod(root, 0o711))
	require.NoError(t, os.Chmod(filepath.Dir(root), 0o711)) // t.TempDir makes it 0700
	dir := filepath.Join(root, "builds", "b1")
	require.NoError(t, passable(filepath.Join(root, "builds")))
	require.NoError(t, os.MkdirAll(dir, 0o700))
	require.NoError(t, nobody.own(dir))
	log, err := os.Create(filepath.Join(root, "log"))
	require.NoError(t, err)
	defer log.Close()
	require.NoError(t, run(context.Background(), dir, buildEnv("/nonexistent"), nobody, log, "/bin/sh", "-c", "id -u; touch mine"))
	err = run(context.Background(), dir, buildEnv("/nonexistent"), nobody, log, "/bin/cat", secret)
	require.Error(t, err, "the build user cannot read the admin's key")
	text, _ := os.ReadFile(filepath.Join(root, "log"))
	assert.Contains(t, string(text), "65534\n")
	assert.Contains(t, string(text), "Permission denied")
	assert.FileExists(t, filepath.Join(dir, "mine"))

	_, err = LookupAccount("no-such-user-here")
	assert.ErrorContains(t, err, "no such user")
	self, err := LookupAccount("root")
	require.NoError(t, err)
	assert.Nil(t, self, "the admin's own user switches nothing")
}

func TestPassableNamesTheFolderInTheWay(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	closed := filepath.Join(root, "closed")
	require.NoError(t, os.Mkdir(closed, 0o700))
	err := passable(filepath.Join(closed, "builds"))
	assert.ErrorContains(t, err, closed+" is not passable by other users (chmod o+x "+closed+")")
}

// TestGiveAwayHandsOverOnlyTheBuild: the build user gets its copy of the
// project and its HOME, not what a symlink in the project points to, and
// the build directory itself stays the admin's (passable only).
func TestGiveAwayHandsOverOnlyTheBuild(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("giving files away needs root")
	}
	nobody, err := LookupAccount("nobody")
	require.NoError(t, err)
	root := t.TempDir()
	outside := filepath.Join(root, "encryption.key")
	require.NoError(t, os.WriteFile(outside, []byte("k"), 0o600))
	builds := filepath.Join(root, "builds")
	b := &Builder{cfg: Config{Dir: builds, User: nobody}}
	require.NoError(t, os.MkdirAll(builds, 0o711))
	dir := filepath.Join(builds, "b1")
	app := filepath.Join(dir, "app")
	require.NoError(t, os.Mkdir(dir, 0o700))
	require.NoError(t, os.MkdirAll(filepath.Join(app, "src"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(app, "src", "index.ts"), nil, 0o644))
	require.NoError(t, os.Symlink(outside, filepath.Join(app, "key")))

	require.NoError(t, b.giveAway(dir, app, filepath.Join(dir, "home"), filepath.Join(builds, ".npm-cache")))
	owner := func(p string) uint32 {
		fi, err := os.Lstat(p)
		require.NoError(t, err)
		return fi.Sys().(*syscall.Stat_t).Uid
	}
	for _, p := range []string{app, filepath.Join(app, "src", "index.ts"), filepath.Join(app, "key"), filepath.Join(dir, "home"),
		filepath.Join(builds, ".npm-cache")} {
		assert.Equal(t, nobody.UID, owner(p), p)
	}
	assert.Equal(t, uint32(0), owner(outside), "what a symlink points to stays the admin's")
	assert.Equal(t, uint32(0), owner(dir))
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o711), fi.Mode().Perm())
}
