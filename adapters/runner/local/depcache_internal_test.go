package local

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeFiles writes name → content under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
}

const pkgJSON = `{"name":"app","scripts":{"build":"mastra build"},"dependencies":{"zod":"^4.1.0"}}`

func TestDepKeyFollowsLockfileManagerNodeAndDependencies(t *testing.T) {
	t.Parallel()
	npm := manager{name: "npm", lock: "package-lock.json"}
	key := func(files map[string]string, pm manager, node string) string {
		dir := t.TempDir()
		writeFiles(t, dir, files)
		k, reason, err := depKey(dir, pm, node)
		require.NoError(t, err)
		require.Empty(t, reason)
		require.Len(t, k, 64)
		return k
	}
	project := map[string]string{"package.json": pkgJSON, "package-lock.json": `{"lockfileVersion":3}`}
	base := key(project, npm, "v22.23.3")
	assert.Equal(t, base, key(project, npm, "v22.23.3"), "the same inputs give the same key")
	assert.NotEqual(t, base, key(project, npm, "v22.13.0"), "another Node version")
	assert.NotEqual(t, base, key(project, manager{name: "yarn", lock: "package-lock.json"}, "v22.23.3"), "another package manager")
	assert.NotEqual(t, base, key(map[string]string{"package.json": pkgJSON, "package-lock.json": `{"lockfileVersion":3} `}, npm, "v22.23.3"),
		"any change of the lockfile's bytes")
	assert.NotEqual(t, base, key(map[string]string{"package.json": `{"name":"app","dependencies":{"zod":"^4.2.0"}}`,
		"package-lock.json": `{"lockfileVersion":3}`}, npm, "v22.23.3"), "a dependency changed in package.json")
	assert.Equal(t, base, key(map[string]string{"package.json": `{"name":"renamed","version":"2.0.0","scripts":{"dev":"mastra dev"},` +
		`"dependencies": { "zod": "^4.1.0" }}`, "package-lock.json": `{"lockfileVersion":3}`}, npm, "v22.23.3"),
		"other fields and spacing do not matter")
}

func TestDepKeyRefusesWhatACacheWouldGetWrong(t *testing.T) {
	t.Parallel()
	npm := manager{name: "npm", lock: "package-lock.json"}
	for name, c := range map[string]struct {
		files        map[string]string
		pm           manager
		reason, fail string
	}{
		"no lockfile":   {map[string]string{"package.json": pkgJSON}, manager{name: "npm"}, "the project has no lockfile", ""},
		"postinstall":   {map[string]string{"package.json": `{"scripts":{"postinstall":"prisma generate"}}`, "package-lock.json": "{}"}, npm, `has a "postinstall" script`, ""},
		"prepare":       {map[string]string{"package.json": `{"scripts":{"prepare":"husky"}}`, "package-lock.json": "{}"}, npm, `has a "prepare" script`, ""},
		"workspaces":    {map[string]string{"package.json": `{"workspaces":["packages/*"]}`, "package-lock.json": "{}"}, npm, "declares workspaces", ""},
		"pnpm monorepo": {map[string]string{"package.json": pkgJSON, "pnpm-lock.yaml": "x", "pnpm-workspace.yaml": "packages: []"}, manager{name: "pnpm", lock: "pnpm-lock.yaml"}, "pnpm workspace", ""},
		"bad json":      {map[string]string{"package.json": `[1,2]`, "package-lock.json": "{}"}, npm, "", "package.json is not a JSON object"},
		"bad scripts":   {map[string]string{"package.json": `{"scripts":"x"}`, "package-lock.json": "{}"}, npm, "", `"scripts" is not an object`},
		"missing lock":  {map[string]string{"package.json": pkgJSON}, npm, "", "read the lockfile"},
	} {
		dir := t.TempDir()
		writeFiles(t, dir, c.files)
		k, reason, err := depKey(dir, c.pm, "v22.23.3")
		assert.Empty(t, k, name)
		if c.fail != "" {
			assert.ErrorContains(t, err, c.fail, name)
		} else {
			require.NoError(t, err, name)
			assert.Contains(t, reason, c.reason, name)
		}
	}
	// A lockfile that is a symlink (the build user could point it at the
	// admin's files) is not followed.
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"package.json": pkgJSON, "secret": "k"})
	require.NoError(t, os.Symlink(filepath.Join(dir, "secret"), filepath.Join(dir, "package-lock.json")))
	_, _, err := depKey(dir, npm, "v22.23.3")
	assert.ErrorContains(t, err, "read the lockfile")
}

// installed writes a node_modules like an install leaves: files, an
// executable, a nested folder and a relative symlink in .bin.
func installed(t *testing.T, app string) {
	t.Helper()
	writeFiles(t, filepath.Join(app, "node_modules"), map[string]string{
		"zod/package.json":         `{"name":"zod"}`,
		"zod/lib/index.js":         "export const z = 1",
		"mastra/dist/cli.js":       "#!/usr/bin/env node",
		".package-lock.json":       "{}",
		"@scope/pkg/nested/x.json": "[]",
	})
	require.NoError(t, os.Chmod(filepath.Join(app, "node_modules", "mastra", "dist", "cli.js"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(app, "node_modules", ".bin"), 0o755))
	require.NoError(t, os.Symlink("../mastra/dist/cli.js", filepath.Join(app, "node_modules", ".bin", "mastra")))
}

// cacheFor returns a cache in a new folder and a build directory with an
// app folder in it; as is the build user (nil: the admin's own).
func cacheFor(t *testing.T, as *Account, link bool) (c *depCache, newBuild func() (dir, app string)) {
	t.Helper()
	root := t.TempDir()
	c = &depCache{dir: filepath.Join(root, "depcache"), keep: 3, as: as, link: link}
	if as != nil {
		require.NoError(t, os.Chmod(root, 0o711))
		require.NoError(t, os.Chmod(filepath.Dir(root), 0o711))
	}
	return c, func() (string, string) {
		dir := filepath.Join(root, "builds", uuid.NewString())
		require.NoError(t, os.MkdirAll(dir, 0o711))
		app := filepath.Join(dir, "app")
		require.NoError(t, os.Mkdir(app, 0o755))
		require.NoError(t, as.own(app))
		return dir, app
	}
}

func TestDepCacheSavesAndRestores(t *testing.T) {
	t.Parallel()
	for _, link := range []bool{false, true} {
		c, newBuild := cacheFor(t, nil, link)
		team, key := uuid.New(), "k1"
		env := buildEnv("/nonexistent")
		dir, app := newBuild()
		installed(t, app)
		ok, err := c.restore(team, key, filepath.Join(dir, "r"), app)
		require.NoError(t, err)
		require.False(t, ok, "nothing cached yet")

		require.NoError(t, c.save(context.Background(), team, key, filepath.Join(dir, "s"), app, env, io.Discard))
		assert.NoDirExists(t, filepath.Join(dir, "s"), "the stage is gone")
		cached := filepath.Join(c.dir, team.String(), key, "node_modules")
		fi, err := os.Stat(filepath.Join(cached, "zod", "lib", "index.js"))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o444), fi.Mode().Perm())
		fi, err = os.Stat(filepath.Join(cached, "mastra", "dist", "cli.js"))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o555), fi.Mode().Perm())
		fi, err = os.Stat(c.dir)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), "only the admin reaches the cache")
		_, err = os.Stat(filepath.Join(app, "node_modules", "zod", "lib", "index.js"))
		require.NoError(t, err, "the build keeps its own node_modules")

		dir2, app2 := newBuild()
		ok, err = c.restore(team, key, filepath.Join(dir2, "r"), app2)
		require.NoError(t, err)
		require.True(t, ok)
		b, err := os.ReadFile(filepath.Join(app2, "node_modules", ".bin", "mastra"))
		require.NoError(t, err, "the .bin symlink resolves")
		assert.Equal(t, "#!/usr/bin/env node", string(b))
		link2, err := os.Readlink(filepath.Join(app2, "node_modules", ".bin", "mastra"))
		require.NoError(t, err)
		assert.Equal(t, "../mastra/dist/cli.js", link2)
		b, err = os.ReadFile(filepath.Join(app2, "node_modules", "@scope", "pkg", "nested", "x.json"))
		require.NoError(t, err)
		assert.Equal(t, "[]", string(b))
		a, err := os.Stat(filepath.Join(app2, "node_modules", "zod", "lib", "index.js"))
		require.NoError(t, err)
		z, err := os.Stat(filepath.Join(cached, "zod", "lib", "index.js"))
		require.NoError(t, err)
		assert.Equal(t, link, os.SameFile(a, z), "hard links only when asked")
		assert.NoDirExists(t, filepath.Join(dir2, "r"), "the stage is gone")

		// The build may add and remove files in its node_modules.
		require.NoError(t, os.WriteFile(filepath.Join(app2, "node_modules", "zod", "new.js"), nil, 0o644))
		require.NoError(t, os.Remove(filepath.Join(app2, "node_modules", "zod", "package.json")))
		assert.FileExists(t, filepath.Join(cached, "zod", "package.json"))
		assert.NoFileExists(t, filepath.Join(cached, "zod", "new.js"))

		// Another team never gets it, even with the same key.
		dir3, app3 := newBuild()
		ok, err = c.restore(uuid.New(), key, filepath.Join(dir3, "r"), app3)
		require.NoError(t, err)
		assert.False(t, ok)
		assert.NoDirExists(t, filepath.Join(app3, "node_modules"))

		// A restore that cannot finish leaves the app as it was.
		require.NoError(t, os.MkdirAll(filepath.Join(app3, "node_modules", "left"), 0o755))
		_, err = c.restore(team, key, filepath.Join(dir3, "r"), app3)
		require.Error(t, err)
		assert.NoDirExists(t, filepath.Join(dir3, "r"))
		assert.NoFileExists(t, filepath.Join(app3, "node_modules", "zod", "package.json"))

		// Saving a key that is there already keeps it.
		require.NoError(t, c.save(context.Background(), team, key, filepath.Join(dir3, "s"), app, env, io.Discard))
		entries, err := os.ReadDir(filepath.Join(c.dir, team.String()))
		require.NoError(t, err)
		assert.Len(t, entries, 1, "no temporary folder left")
	}
}

// TestDepCacheFilesStayTheAdminsWithABuildUser: saved as the build user,
// kept as the admin's; restored files are hard links the build user can
// read but not change, in folders it owns.
func TestDepCacheFilesStayTheAdminsWithABuildUser(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("a build user needs root")
	}
	nobody, err := LookupAccount("nobody")
	require.NoError(t, err)
	c, newBuild := cacheFor(t, nobody, true)
	team := uuid.New()
	dir, app := newBuild()
	installed(t, app)
	require.NoError(t, nobody.own(app))
	env := buildEnv("/nonexistent")
	require.NoError(t, c.save(context.Background(), team, "k", filepath.Join(dir, "s"), app, env, io.Discard))
	cached := filepath.Join(c.dir, team.String(), "k", "node_modules")
	owner := func(p string) uint32 {
		fi, err := os.Lstat(p)
		require.NoError(t, err)
		return fi.Sys().(*syscall.Stat_t).Uid
	}
	for _, p := range []string{cached, filepath.Join(cached, "zod", "package.json"), filepath.Join(cached, ".bin", "mastra")} {
		assert.Equal(t, uint32(0), owner(p), p)
	}
	dir2, app2 := newBuild()
	ok, err := c.restore(team, "k", filepath.Join(dir2, "r"), app2)
	require.NoError(t, err)
	require.True(t, ok)
	nm := filepath.Join(app2, "node_modules")
	for _, p := range []string{nm, filepath.Join(nm, "zod"), filepath.Join(nm, ".bin", "mastra")} {
		assert.Equal(t, nobody.UID, owner(p), p)
	}
	log := filepath.Join(dir2, "log")
	f, err := os.Create(log)
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, run(context.Background(), app2, env, nobody, f, "/bin/sh", "-c", "cat node_modules/.bin/mastra && touch node_modules/zod/new.js"))
	err = run(context.Background(), app2, env, nobody, f, "/bin/sh", "-c", "echo changed >> node_modules/zod/package.json")
	require.Error(t, err, "the build user cannot change a cached file")
	b, err := os.ReadFile(filepath.Join(cached, "zod", "package.json"))
	require.NoError(t, err)
	assert.Equal(t, `{"name":"zod"}`, string(b))
}

func TestDepCachePrunesTheLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	c, _ := cacheFor(t, nil, true)
	team := uuid.New()
	now := time.Now()
	for i, k := range []string{"k0", "k1", "k2", "k3", "k4"} {
		p := filepath.Join(c.dir, team.String(), k, "node_modules")
		require.NoError(t, os.MkdirAll(p, 0o755))
		at := now.Add(time.Duration(i-10) * time.Minute)
		require.NoError(t, os.Chtimes(filepath.Dir(p), at, at))
	}
	// k0 is used again: it is the most recent now.
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "app"), 0o755))
	ok, err := c.restore(team, "k0", filepath.Join(dir, "r"), filepath.Join(dir, "app"))
	require.NoError(t, err)
	require.True(t, ok)
	stale, fresh := filepath.Join(c.dir, team.String(), tmpPrefix+"a"), filepath.Join(c.dir, team.String(), tmpPrefix+"b")
	require.NoError(t, os.Mkdir(stale, 0o700))
	require.NoError(t, os.Mkdir(fresh, 0o700))
	old := now.Add(-2 * staleTmp)
	require.NoError(t, os.Chtimes(stale, old, old))
	other := filepath.Join(c.dir, uuid.NewString(), "k9")
	require.NoError(t, os.MkdirAll(other, 0o755))

	require.NoError(t, c.prune(team))
	var left []string
	entries, err := os.ReadDir(filepath.Join(c.dir, team.String()))
	require.NoError(t, err)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	assert.ElementsMatch(t, []string{"k0", "k3", "k4", tmpPrefix + "b"}, left)
	assert.DirExists(t, other, "other teams' keys are theirs to prune")
	require.NoError(t, c.prune(uuid.New()), "a team with no cache")
}
