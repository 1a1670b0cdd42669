package bundler

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/runner/local"
)

func TestConfigRefusesBadValues(t *testing.T) {
	t.Parallel()
	_, err := New(Config{Observability: "latest", MaxFileBytes: 10, MaxFileAge: time.Millisecond, LogLevel: "trace"})
	require.Error(t, err)
	for _, want := range []string{`observability version: "latest" is not a version`, "max file size 10 is below 1024 bytes",
		"max file age 1ms is below 1s", `log level "trace" is not debug, info, warn or error`} {
		assert.ErrorContains(t, err, want)
	}
	b, err := New(Config{})
	require.NoError(t, err)
	assert.Equal(t, "1.17.0", b.obs.String())
}

func TestVersions(t *testing.T) {
	t.Parallel()
	min, err := parseVersion(MinCore)
	require.NoError(t, err)
	for v, older := range map[string]bool{"1.71.0": false, "1.16.0": false, "v2.0.0": false, "1.15.9": true,
		"1.16.0-alpha.3": true, "0.20.1": true, "1.16.0+build.1": false} {
		got, err := parseVersion(v)
		require.NoError(t, err, v)
		assert.Equal(t, older, got.less(min), v)
	}
	for _, bad := range []string{"", "1.2", "latest", "^1.2.3", "1.2.x"} {
		_, err := parseVersion(bad)
		assert.Error(t, err, bad)
	}
	want, _ := parseVersion("1.17.0")
	for v, in := range map[string]bool{"1.17.0": true, "1.17.9": true, "1.30.0": true, "1.16.4": false, "2.0.0": false, "1.17.0-beta.1": false} {
		got, err := parseVersion(v)
		require.NoError(t, err)
		assert.Equal(t, in, got.caret(want), v)
	}
}

func TestParseProbeTakesItsReportAmongOtherOutput(t *testing.T) {
	t.Parallel()
	p, err := parseProbe([]byte("a warning from the project\n" +
		`{"mastraAdminProbe":1,"core":{"version":"1.71.0","dir":"/x"},"observability":null,"missing":[],"project":"math"}` + "\n{\"other\":1}\n"))
	require.NoError(t, err)
	assert.Equal(t, "1.71.0", p.Core.Version)
	assert.Nil(t, p.Observability)
	assert.Equal(t, "math", p.Project)
	_, err = parseProbe([]byte("TypeError: something\n"))
	assert.EqualError(t, err, "probe the bundle's Mastra: no report in its output")
}

// TestCheckRefusesAMastraWithoutTheNeededInternals: no @mastra/core,
// an old one, and one that lacks part of the API fail with a message
// saying what to do.
func TestCheckRefusesAMastraWithoutTheNeededInternals(t *testing.T) {
	t.Parallel()
	min, _ := parseVersion(MinCore)
	for name, c := range map[string]struct {
		p    probe
		want string
	}{
		"absent": {probe{}, "the bundle does not resolve @mastra/core: a Mastra project depends on @mastra/core 1.16.0 or later"},
		"old": {probe{Core: &pkgInfo{Version: "0.10.5"}},
			"the project uses @mastra/core 0.10.5, which is too old for MastraAdmin: it needs 1.16.0 or later (MastraAdmin reports a server's traces and logs through it); upgrade @mastra/core and mastra"},
		"unreadable": {probe{Core: &pkgInfo{Version: "next"}}, `the project's @mastra/core has no readable version ("next"): it needs 1.16.0 or later`},
		"lacking": {probe{Core: &pkgInfo{Version: "1.20.0"}, Missing: []string{"Mastra.registerExporter", "@mastra/core/logger MultiLogger"}},
			"the project's @mastra/core 1.20.0 lacks what MastraAdmin needs (MastraAdmin reports a server's traces and logs through it): Mastra.registerExporter, @mastra/core/logger MultiLogger; upgrade @mastra/core and mastra"},
	} {
		assert.EqualError(t, c.p.check(min), c.want, name)
	}
	assert.NoError(t, probe{Core: &pkgInfo{Version: "1.71.0"}}.check(min))
}

func TestTheProjectsObservabilityIsUsedWhenInRange(t *testing.T) {
	t.Parallel()
	want, _ := parseVersion("1.17.0")
	for v, use := range map[string]bool{"1.17.9": true, "1.40.0": true, "1.5.0": false, "2.1.0": false, "x": false} {
		_, ok := probe{Observability: &pkgInfo{Version: v}}.observability(want)
		assert.Equal(t, use, ok, v)
	}
	_, ok := probe{}.observability(want)
	assert.False(t, ok)
}

// TestRenderedEntryIsJavaScriptWithTheConfiguredValues renders the entry
// and the place script, and has node check their syntax when it is there.
func TestRenderedEntryIsJavaScriptWithTheConfiguredValues(t *testing.T) {
	t.Parallel()
	b, err := New(Config{MaxFileBytes: 4096, MaxFileAge: 90 * time.Second, LogLevel: "warn"})
	require.NoError(t, err)
	entry, err := b.renderEntry(`we "quote" </script> ` + "\u2028")
	require.NoError(t, err)
	assert.NotContains(t, entry, "{%")
	assert.Contains(t, entry, `env.OBS_SERVICE || "we \"quote\" \u003c/script\u003e \u2028"`)
	assert.Contains(t, entry, "positive(env.OBS_MAX_FILE_BYTES, 4096)")
	assert.Contains(t, entry, "positive(env.OBS_MAX_FILE_AGE_MS, 90000)")
	assert.Contains(t, entry, `LEVELS[env.OBS_LOG_LEVEL] ?? LEVELS["warn"]`)
	assert.Contains(t, entry, "await import('./index.mjs');")
	anon, err := b.renderEntry("")
	require.NoError(t, err)
	assert.Contains(t, anon, `env.OBS_SERVICE || "mastra"`)

	place, err := b.placeScript(probe{Project: "math"})
	require.NoError(t, err)
	assert.NotContains(t, place, "{%")
	assert.Contains(t, place, `"`+local.EntryFile+`":`)
	assert.Contains(t, place, `"`+JSONLFile+`":`)
	assert.Contains(t, place, `path.join(".mastra-admin-deps", 'node_modules'`)

	node := os.Getenv("MASTRA_ADMIN_NODE")
	if node == "" {
		t.Skip("MASTRA_ADMIN_NODE is not set: the syntax check needs node")
	}
	dir := t.TempDir()
	for name, text := range map[string]string{"entry.mjs": entry, "place.mjs": place, "jsonl.mjs": jsonlJS, "probe.mjs": probeJS} {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		out, err := exec.Command(node, "--check", p).CombinedOutput()
		assert.NoError(t, err, "%s: %s", name, out)
	}
	assert.False(t, strings.Contains(entry, "\u2028"), "no raw line separators")
}
