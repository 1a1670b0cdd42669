package local

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// builtApp lays out a build as the builder leaves it: app/node_modules
// with a package the bundle imports, and app/.mastra/output.
func builtApp(t *testing.T) (app, output string) {
	t.Helper()
	app = filepath.Join(t.TempDir(), "app")
	output = filepath.Join(app, ".mastra", "output")
	files := map[string]string{
		"package.json":                                      `{"name":"p","type":"module"}`,
		"node_modules/greeting/package.json":                `{"name":"greeting","main":"index.js"}`,
		"node_modules/greeting/index.js":                    `module.exports = "hello from node_modules";`,
		".mastra/output/package.json":                       `{"name":"server","type":"module"}`,
		".mastra/output/index.mjs":                          `import g from "greeting"; import o from "injected"; console.log(g, o);`,
		".mastra/output/node_modules/injected/package.json": `{"name":"injected","main":"index.js"}`,
		".mastra/output/node_modules/injected/index.js":     `module.exports = "and from the bundle's own";`,
		".mastra/output/tools/7ea92ff9.mjs":                 `export const t = 1;`,
	}
	for f, text := range files {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(app, f)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(app, f), []byte(text), 0o644))
	}
	return app, output
}

// TestArtifactRunsAfterItsBuildIsGone: the saved bundle still imports its
// packages once the build directory is removed.
func TestArtifactRunsAfterItsBuildIsGone(t *testing.T) {
	t.Parallel()
	a, err := NewArtifacts(ArtifactsConfig{Dir: filepath.Join(t.TempDir(), "artifacts")})
	require.NoError(t, err)
	app, output := builtApp(t)
	dep, id := uuid.New(), uuid.New()
	dir, err := a.Save(context.Background(), dep, id, output)
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(app))
	out, err := exec.Command(testNode(t), filepath.Join(dir, "index.mjs")).CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Equal(t, "hello from node_modules and from the bundle's own\n", string(out))

	resolved, err := a.Resolve(id)
	require.NoError(t, err)
	assert.Equal(t, dir, resolved)
	again, err := a.Save(context.Background(), dep, id, output)
	require.NoError(t, err, "saving again (a redelivered event) returns the artifact")
	assert.Equal(t, dir, again)
	_, err = a.Save(context.Background(), uuid.New(), id, output)
	assert.ErrorContains(t, err, "it is deployment "+dep.String()+"'s already")

	_, err = a.Resolve(uuid.New())
	assert.ErrorIs(t, err, ErrArtifactNotFound)
	_, err = a.Save(context.Background(), dep, uuid.New(), filepath.Join(t.TempDir(), "missing"))
	assert.ErrorContains(t, err, "is not a folder")
	_, err = a.Save(context.Background(), dep, uuid.New(), t.TempDir())
	assert.ErrorContains(t, err, "has no package.json")
	_, err = NewArtifacts(ArtifactsConfig{Dir: "rel"})
	assert.ErrorContains(t, err, "must be an absolute path")
}

// TestTinyServerRunsFromItsArtifact: the tiny fixture's bundle, saved,
// serves from the artifact.
func TestTinyServerRunsFromItsArtifact(t *testing.T) {
	t.Parallel()
	a, err := NewArtifacts(ArtifactsConfig{Dir: filepath.Join(t.TempDir(), "artifacts")})
	require.NoError(t, err)
	bundle := tinyBundle(t)
	dir, err := a.Save(context.Background(), uuid.New(), uuid.New(), bundle)
	require.NoError(t, err)
	assert.NoDirExists(t, bundle, "the bundle moved")
	s := newTestServers(t, "", nil)
	p := startTiny(t, s, dir, nil)
	require.NoError(t, s.WaitHealthy(context.Background(), p, p.Port, 0))
}

// TestPruneKeepsTheNewestAndTheOnesInUse.
func TestPruneKeepsTheNewestAndTheOnesInUse(t *testing.T) {
	t.Parallel()
	a, err := NewArtifacts(ArtifactsConfig{Dir: filepath.Join(t.TempDir(), "artifacts"), Keep: 2})
	require.NoError(t, err)
	dep, other := uuid.New(), uuid.New()
	var ids []uuid.UUID
	for range 5 {
		_, output := builtApp(t)
		id := uuid.New()
		_, err := a.Save(context.Background(), dep, id, output)
		require.NoError(t, err)
		ids = append(ids, id)
	}
	_, output := builtApp(t)
	otherID := uuid.New()
	_, err = a.Save(context.Background(), other, otherID, output)
	require.NoError(t, err)
	require.NoError(t, os.Mkdir(filepath.Join(a.cfg.Dir, ".trash-left-over"), 0o700))

	removed, err := a.Prune(context.Background(), dep, []uuid.UUID{ids[0]})
	require.NoError(t, err)
	assert.ElementsMatch(t, []uuid.UUID{ids[1], ids[2]}, removed)
	for _, id := range []uuid.UUID{ids[0], ids[3], ids[4], otherID} {
		_, err := a.Resolve(id)
		assert.NoError(t, err, "kept %s", id)
	}
	for _, id := range removed {
		_, err := a.Resolve(id)
		assert.ErrorIs(t, err, ErrArtifactNotFound)
	}
	assert.NoDirExists(t, filepath.Join(a.cfg.Dir, ".trash-left-over"))
	removed, err = a.Prune(context.Background(), dep, nil)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{ids[0]}, removed, "the default keeps the newest Keep")
}

// TestArtifactIsTakenFromTheBuildUser: files the build user owned become
// the admin's and readable by others.
func TestArtifactIsTakenFromTheBuildUser(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("giving files away needs root")
	}
	nobody, err := LookupAccount("nobody")
	require.NoError(t, err)
	a, err := NewArtifacts(ArtifactsConfig{Dir: filepath.Join(t.TempDir(), "artifacts")})
	require.NoError(t, err)
	app, output := builtApp(t)
	require.NoError(t, os.Chmod(filepath.Join(output, "index.mjs"), 0o600))
	require.NoError(t, nobody.own(app))
	dir, err := a.Save(context.Background(), uuid.New(), uuid.New(), output)
	require.NoError(t, err)
	for _, f := range []string{"index.mjs", "../node_modules/greeting/index.js"} {
		fi, err := os.Stat(filepath.Join(dir, f))
		require.NoError(t, err)
		assert.Equal(t, uint32(0), ownerOf(fi), f)
		assert.NotZero(t, fi.Mode().Perm()&0o004, "%s is readable by others", f)
	}
}

func TestParsePortRange(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]PortRange{"4100-4199": {4100, 4199}, " 4100 - 4101 ": {4100, 4101}, "5000": {5000, 5000}} {
		r, err := ParsePortRange(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, r, in)
	}
	r, _ := ParsePortRange("4100-4199")
	assert.Equal(t, 100, r.Size())
	assert.True(t, r.Contains(4199))
	assert.False(t, r.Contains(4200))
	assert.Equal(t, "4100-4199", r.String())
	for in, want := range map[string]string{
		"":               "port range is empty",
		"abc":            `first port: "abc" is not a number`,
		"4100-":          `last port: "" is not a number`,
		"0-10":           "first port: 0 is not between 1 and 65535",
		"4100-70000":     "last port: 70000 is not between 1 and 65535",
		"4199-4100":      "the first port is after the last",
		"4100-4199-5000": `last port: "4199-5000" is not a number`,
	} {
		_, err := ParsePortRange(in)
		assert.ErrorContains(t, err, want, in)
	}
}

func ownerOf(fi os.FileInfo) uint32 { return fi.Sys().(*syscall.Stat_t).Uid }
