package local_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/source/local"
	"github.com/mastra-admin/mastra-admin/domain"
)

func write(t *testing.T, path, body string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
}

// tree makes a base with a Mastra project (npm, with entry), a pnpm one
// without entry, a plain Node package, and a secret folder outside it.
func tree(t *testing.T) (base, outside string) {
	root := t.TempDir()
	base, outside = filepath.Join(root, "projects"), filepath.Join(root, "secret")
	write(t, filepath.Join(base, "math", "package.json"), `{"name":"mastra-math","dependencies":{"@mastra/core":"^1.71.0"}}`)
	write(t, filepath.Join(base, "math", "package-lock.json"), `{}`)
	write(t, filepath.Join(base, "math", "src", "mastra", "index.ts"), `export const mastra = 1`)
	write(t, filepath.Join(base, "agent", "package.json"), `{"devDependencies":{"@mastra/core":"*"}}`)
	write(t, filepath.Join(base, "agent", "pnpm-lock.yaml"), ``)
	write(t, filepath.Join(base, "web", "package.json"), `{"name":"web","dependencies":{"react":"19"}}`)
	write(t, filepath.Join(base, "broken", "package.json"), `{not json`)
	write(t, filepath.Join(outside, "package.json"), `{"dependencies":{"@mastra/core":"1"}}`)
	require.NoError(t, os.Symlink(outside, filepath.Join(base, "escape")))
	return base, outside
}

func TestScanFindsMastraProjects(t *testing.T) {
	t.Parallel()
	base, _ := tree(t)
	p, err := local.New([]string{base, filepath.Join(base, "missing")})
	require.NoError(t, err)
	got, err := p.Scan(context.Background())
	require.NoError(t, err)
	require.Len(t, got, 2, "%+v", got)
	assert.Equal(t, "agent", got[0].Name, "no package name: the folder's")
	assert.Equal(t, "pnpm", got[0].PackageManager)
	assert.False(t, got[0].HasEntry)
	assert.Equal(t, "mastra-math", got[1].Name)
	assert.Equal(t, "npm", got[1].PackageManager)
	assert.True(t, got[1].HasEntry)
}

func TestValidateKeepsPathsInsideTheBases(t *testing.T) {
	t.Parallel()
	base, outside := tree(t)
	p, err := local.New([]string{base})
	require.NoError(t, err)
	ctx := context.Background()
	cfg := func(path string) json.RawMessage { b, _ := json.Marshal(map[string]string{"path": path}); return b }

	got, err := p.Validate(ctx, "local", cfg(filepath.Join(base, "math")))
	require.NoError(t, err)
	var c local.Config
	require.NoError(t, json.Unmarshal(got, &c))
	assert.Equal(t, filepath.Join(base, "math"), c.Path)

	require.NoError(t, os.Symlink(filepath.Join(base, "math"), filepath.Join(base, "alias")))
	got, err = p.Validate(ctx, "local", cfg(filepath.Join(base, "alias")))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(got, &c))
	assert.Equal(t, filepath.Join(base, "math"), c.Path, "a symlink inside the base is stored resolved")
	_, err = p.Validate(ctx, "local", cfg(filepath.Join(base, "nope")))
	assert.ErrorContains(t, err, "does not exist")
	_, err = p.Validate(ctx, "local", cfg(filepath.Join(base, "math", "package.json")))
	assert.ErrorContains(t, err, "is not a directory")

	for name, raw := range map[string]json.RawMessage{
		"symlink out":     cfg(filepath.Join(base, "escape")),
		"dot-dot out":     cfg(filepath.Join(base, "..", "secret")),
		"outside":         cfg(outside),
		"missing":         cfg(filepath.Join(base, "nope")),
		"a file":          cfg(filepath.Join(base, "math", "package.json")),
		"relative":        cfg("projects/math"),
		"no path":         json.RawMessage(`{}`),
		"unknown field":   json.RawMessage(`{"path":"/x","branch":"main"}`),
		"not an object":   json.RawMessage(`"` + base + `"`),
		"the base parent": cfg(filepath.Dir(base)),
	} {
		_, err := p.Validate(ctx, "local", raw)
		assert.ErrorIs(t, err, domain.ErrInvalid, name)
	}
	_, err = p.Validate(ctx, "github", cfg(filepath.Join(base, "math")))
	assert.ErrorIs(t, err, domain.ErrInvalid, "other source types come later")
}

// TestValidateTellsNothingAboutPathsOutsideTheBases: whether a path
// outside every base exists, is a file or a folder, the answer is the same.
func TestValidateTellsNothingAboutPathsOutsideTheBases(t *testing.T) {
	t.Parallel()
	base, outside := tree(t)
	p, err := local.New([]string{base})
	require.NoError(t, err)
	file := filepath.Join(outside, "note.txt")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	var messages []string
	for _, path := range []string{outside, file, filepath.Join(outside, "missing"), "/proc/self", filepath.Join(base, "..", "x")} {
		raw, _ := json.Marshal(map[string]string{"path": path})
		_, err := p.Validate(context.Background(), "local", raw)
		require.ErrorIs(t, err, domain.ErrInvalid, path)
		messages = append(messages, strings.ReplaceAll(err.Error(), path, "PATH"))
	}
	for _, m := range messages {
		assert.Equal(t, messages[0], m)
	}
	assert.Contains(t, messages[0], "outside the configured project directories")
}
