package bundler

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testNode is MASTRA_ADMIN_NODE; the test is skipped without it.
func testNode(t *testing.T) string {
	t.Helper()
	node := os.Getenv("MASTRA_ADMIN_NODE")
	if node == "" {
		t.Skip("MASTRA_ADMIN_NODE is not set (a Node 22.13+ binary); scripts/test.sh sets it")
	}
	return node
}

// runNode runs an ES module program in dir.
func runNode(t *testing.T, node, dir, program string, env ...string) string {
	t.Helper()
	cmd := exec.Command(node, "--input-type=module", "-")
	cmd.Dir, cmd.Stdin = dir, strings.NewReader(program)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	return string(out)
}

// jsonlFiles reads the lines of every file in dir, by file name; each
// line must be a JSON object.
func jsonlFiles(t *testing.T, dir string) map[string][]map[string]any {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	files := map[string][]map[string]any{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		require.True(t, len(data) == 0 || data[len(data)-1] == '\n', "%s ends with a whole line", e.Name())
		lines := []map[string]any{}
		for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			if l == "" {
				continue
			}
			var m map[string]any
			require.NoError(t, json.Unmarshal([]byte(l), &m), "%s: %q", e.Name(), l)
			lines = append(lines, m)
		}
		files[e.Name()] = lines
	}
	return files
}

// TestWriterRotatesBySizeWithWholeLines drives the generated writer
// module with node: a file that would grow past maxBytes is closed
// (renamed to .jsonl) and the next line starts a new one; a line longer
// than maxBytes gets a file of its own; close leaves no .open file.
func TestWriterRotatesBySizeWithWholeLines(t *testing.T) {
	t.Parallel()
	node := testNode(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, JSONLFile), []byte(jsonlJS), 0o644))
	out := filepath.Join(dir, "out")
	runNode(t, node, dir, `
import fs from 'node:fs';
import { JsonlWriter } from './`+JSONLFile+`';
const w = new JsonlWriter({ dir: 'out', maxBytes: 200, maxAgeMs: 3600000 });
for (let i = 0; i < 10; i++) w.write({ i, pad: 'x'.repeat(40) });
const open = fs.readdirSync('out').filter((n) => n.endsWith('.jsonl.open'));
if (open.length !== 1) throw new Error('one file is open while writing: ' + open);
w.write({ i: 10, big: 'y'.repeat(500) });
w.write({ i: 11, cycle: (() => { const o = { n: 1n }; o.self = o; return o; })() });
w.close();
`)
	files := jsonlFiles(t, out)
	var names []string
	seen := map[float64]bool{}
	for name, lines := range files {
		require.True(t, strings.HasSuffix(name, ".jsonl"), "closed files only: %s", name)
		names = append(names, name)
		fi, err := os.Stat(filepath.Join(out, name))
		require.NoError(t, err)
		if len(lines) > 1 {
			assert.LessOrEqual(t, fi.Size(), int64(200), "%s stays within maxBytes", name)
		}
		for _, l := range lines {
			seen[l["i"].(float64)] = true
		}
	}
	assert.Len(t, seen, 12, "every line was written once")
	sort.Strings(names)
	assert.GreaterOrEqual(t, len(files), 5, "~57-byte lines, 200-byte files, a big line alone: %v", names)
	var cycle any // the line of i 11, wherever it is (files made in one millisecond sort by their random part)
	for _, lines := range files {
		for _, l := range lines {
			if l["i"].(float64) == 11 {
				cycle = l["cycle"]
			}
		}
	}
	assert.Equal(t, map[string]any{"n": "1", "self": "[Circular]"}, cycle, "cycles and BigInts are written, not thrown")
	for _, lines := range files {
		for _, l := range lines {
			if l["i"].(float64) == 10 {
				assert.Len(t, lines, 1, "a line longer than maxBytes has a file of its own")
			}
		}
	}
}

// TestWriterClosesIdleFilesAndRecoversLeftovers: a file older than
// maxAgeMs is closed even with nothing more to write; a file a dead
// process left open is closed at the next start, its partial last line
// cut off.
func TestWriterClosesIdleFilesAndRecoversLeftovers(t *testing.T) {
	t.Parallel()
	node := testNode(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, JSONLFile), []byte(jsonlJS), 0o644))
	out := filepath.Join(dir, "out")
	require.NoError(t, os.MkdirAll(out, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(out, "old.jsonl.open"), []byte("{\"left\":1}\n{\"half\":"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(out, "empty.jsonl.open"), []byte("{\"half"), 0o600))
	runNode(t, node, dir, `
import fs from 'node:fs';
import { JsonlWriter } from './`+JSONLFile+`';
const w = new JsonlWriter({ dir: 'out', maxBytes: 1 << 20, maxAgeMs: 50 });
w.write({ idle: true });
await new Promise((r) => setTimeout(r, 1500));
const open = fs.readdirSync('out').filter((n) => n.endsWith('.open'));
if (open.length) throw new Error('still open after maxAgeMs: ' + open);
process.exitCode = 0;
`)
	files := jsonlFiles(t, out)
	assert.Equal(t, []map[string]any{{"left": float64(1)}}, files["old.jsonl"], "the whole lines of the leftover")
	assert.NotContains(t, files, "empty.jsonl", "a leftover without a whole line is removed")
	assert.Len(t, files, 2, "the leftover and the idle file: %v", files)
}
