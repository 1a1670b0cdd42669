package filestoragetest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/commands"
)

// Harness makes the storages the suite tests.
type Harness struct {
	// New returns an empty storage of its own (tests run in parallel).
	New func(t *testing.T) commands.FileStorage
	// Symlink makes a symbolic link at path link inside s that points at
	// target (an absolute path outside s). Nil for storages without links:
	// their escape tests are skipped.
	Symlink func(t *testing.T, s commands.FileStorage, link, target string)
}

// Run runs the whole suite against h's storages.
func Run(t *testing.T, h Harness) {
	t.Run("WriteReadOpen", func(t *testing.T) { t.Parallel(); testWriteRead(t, h) })
	t.Run("Missing", func(t *testing.T) { t.Parallel(); testMissing(t, h) })
	t.Run("List", func(t *testing.T) { t.Parallel(); testList(t, h) })
	t.Run("DeleteMove", func(t *testing.T) { t.Parallel(); testDeleteMove(t, h) })
	t.Run("FailedWriteKeepsOld", func(t *testing.T) { t.Parallel(); testFailedWrite(t, h) })
	t.Run("WritesAreAtomic", func(t *testing.T) { t.Parallel(); testAtomic(t, h) })
	t.Run("BadPaths", func(t *testing.T) { t.Parallel(); testBadPaths(t, h) })
	t.Run("SymlinkEscapes", func(t *testing.T) { t.Parallel(); testSymlinks(t, h) })
	t.Run("CancelledContext", func(t *testing.T) { t.Parallel(); testCancelled(t, h) })
}

func write(t *testing.T, s commands.FileStorage, p, content string) {
	t.Helper()
	require.NoError(t, s.Write(context.Background(), p, strings.NewReader(content)))
}

func testWriteRead(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.New(t)
	write(t, s, "builds/b1/build.log", "line 1\nline 2\n")
	got, err := s.Read(ctx, "builds/b1/build.log")
	require.NoError(t, err)
	assert.Equal(t, "line 1\nline 2\n", string(got))

	write(t, s, "builds/b1/build.log", "replaced\n")
	rc, err := s.Open(ctx, "builds/b1/build.log")
	require.NoError(t, err)
	streamed, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	assert.Equal(t, "replaced\n", string(streamed))

	write(t, s, "top", "")
	got, err = s.Read(ctx, "top")
	require.NoError(t, err)
	assert.Empty(t, got)
	ok, err := s.Exists(ctx, "top")
	require.NoError(t, err)
	assert.True(t, ok)
}

func testMissing(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.New(t)
	write(t, s, "a/b", "x")
	for _, p := range []string{"nope", "a/nope", "a", "a/b/c"} {
		_, err := s.Read(ctx, p)
		assert.ErrorIs(t, err, fs.ErrNotExist, "read %s", p)
		_, err = s.Open(ctx, p)
		assert.ErrorIs(t, err, fs.ErrNotExist, "open %s", p)
		ok, err := s.Exists(ctx, p)
		require.NoError(t, err, "exists %s", p)
		assert.False(t, ok, "exists %s", p)
		assert.ErrorIs(t, s.Move(ctx, p, "elsewhere"), fs.ErrNotExist, "move %s", p)
	}
}

func testList(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.New(t)
	for _, p := range []string{"a/b/1", "a/b/2", "a/c", "ab/x", "z"} {
		write(t, s, p, p)
	}
	for prefix, want := range map[string][]string{
		"":      {"a/b/1", "a/b/2", "a/c", "ab/x", "z"},
		"a/":    {"a/b/1", "a/b/2", "a/c"},
		"a":     {"a/b/1", "a/b/2", "a/c", "ab/x"},
		"a/b/":  {"a/b/1", "a/b/2"},
		"a/b/1": {"a/b/1"},
		"a/c/":  nil,
		"q/":    nil,
		"q/r/s": nil,
	} {
		got, err := s.List(ctx, prefix)
		require.NoError(t, err, "list %q", prefix)
		assert.Equal(t, want, got, "list %q", prefix)
	}
}

func testDeleteMove(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.New(t)
	write(t, s, "in/1", "one")
	write(t, s, "in/2", "two")
	require.NoError(t, s.Move(ctx, "in/1", "processed/2026/1"))
	_, err := s.Read(ctx, "in/1")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	got, err := s.Read(ctx, "processed/2026/1")
	require.NoError(t, err)
	assert.Equal(t, "one", string(got))

	require.NoError(t, s.Move(ctx, "in/2", "processed/2026/1"), "a move replaces the target")
	got, err = s.Read(ctx, "processed/2026/1")
	require.NoError(t, err)
	assert.Equal(t, "two", string(got))

	require.NoError(t, s.Move(ctx, "processed/2026/1", "processed/2026/1"), "a move onto itself is no error")
	got, err = s.Read(ctx, "processed/2026/1")
	require.NoError(t, err, "a move onto itself keeps the file")
	assert.Equal(t, "two", string(got))
	assert.ErrorIs(t, s.Move(ctx, "in/1", "in/1"), fs.ErrNotExist, "a missing file moved onto itself")

	require.NoError(t, s.Delete(ctx, "processed/2026/1"))
	ok, err := s.Exists(ctx, "processed/2026/1")
	require.NoError(t, err)
	assert.False(t, ok)
	require.NoError(t, s.Delete(ctx, "processed/2026/1"), "deleting a missing file is no error")
	all, err := s.List(ctx, "")
	require.NoError(t, err)
	assert.Empty(t, all)
}

// failingReader yields some bytes, then fails.
type failingReader struct{ sent bool }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.sent {
		return 0, errors.New("the source broke")
	}
	f.sent = true
	return copy(p, "partial"), nil
}

func testFailedWrite(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.New(t)
	write(t, s, "logs/x", "old")
	err := s.Write(ctx, "logs/x", &failingReader{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the source broke")
	got, err := s.Read(ctx, "logs/x")
	require.NoError(t, err)
	assert.Equal(t, "old", string(got), "a failed write leaves the old file")
	all, err := s.List(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, []string{"logs/x"}, all, "a failed write leaves nothing behind")
}

func testAtomic(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.New(t)
	a, b := bytes.Repeat([]byte("a"), 256<<10), bytes.Repeat([]byte("b"), 256<<10)
	require.NoError(t, s.Write(ctx, "f", bytes.NewReader(a)))
	var wg sync.WaitGroup
	defer wg.Wait() // a failed read ends the test only after the writer
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 20 {
			content := a
			if i%2 == 0 {
				content = b
			}
			assert.NoError(t, s.Write(ctx, "f", bytes.NewReader(content)))
		}
	}()
	for range 50 {
		got, err := s.Read(ctx, "f")
		require.NoError(t, err)
		require.Len(t, got, len(a), "a reader sees a whole file")
		require.True(t, bytes.Equal(got, a) || bytes.Equal(got, b), "a reader sees one write, never a mix")
	}
}

// badPaths are refused by every operation.
var badPaths = []string{"", "/etc/passwd", "../outside", "a/../../outside", "a/..", "./a", "a//b", "a/", "a\\..\\b", "a/./b", "nul\x00"}

func testBadPaths(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.New(t)
	write(t, s, "ok", "fine")
	for _, p := range badPaths {
		assert.ErrorIs(t, s.Write(ctx, p, strings.NewReader("x")), commands.ErrPathRefused, "write %q", p)
		_, err := s.Read(ctx, p)
		assert.ErrorIs(t, err, commands.ErrPathRefused, "read %q", p)
		_, err = s.Open(ctx, p)
		assert.ErrorIs(t, err, commands.ErrPathRefused, "open %q", p)
		_, err = s.Exists(ctx, p)
		assert.ErrorIs(t, err, commands.ErrPathRefused, "exists %q", p)
		assert.ErrorIs(t, s.Delete(ctx, p), commands.ErrPathRefused, "delete %q", p)
		assert.ErrorIs(t, s.Move(ctx, "ok", p), commands.ErrPathRefused, "move to %q", p)
		assert.ErrorIs(t, s.Move(ctx, p, "ok2"), commands.ErrPathRefused, "move from %q", p)
	}
	for _, prefix := range []string{"/etc", "../", "a/../..", "a//"} {
		_, err := s.List(ctx, prefix)
		assert.ErrorIs(t, err, commands.ErrPathRefused, "list %q", prefix)
	}
	err := s.Write(ctx, "../x", strings.NewReader("x"))
	assert.Contains(t, err.Error(), `"../x"`, "the error names the path")
	got, err := s.Read(ctx, "ok")
	require.NoError(t, err)
	assert.Equal(t, "fine", string(got), "refused moves moved nothing")
}

func testSymlinks(t *testing.T, h Harness) {
	if h.Symlink == nil {
		t.Skip("this storage has no symbolic links")
	}
	ctx := context.Background()
	s := h.New(t)
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	require.NoError(t, os.WriteFile(secret, []byte("do not read"), 0o600))
	h.Symlink(t, s, "dir", outside)        // a folder link leading out
	h.Symlink(t, s, "builds/leak", secret) // a file link leading out
	write(t, s, "mine", "mine")

	refused := func(what string, err error) {
		t.Helper()
		require.Error(t, err, what)
		assert.ErrorIs(t, err, commands.ErrPathRefused, what)
		assert.NotContains(t, err.Error(), "do not read", what)
	}
	_, err := s.Read(ctx, "dir/secret")
	refused("read through a folder link", err)
	_, err = s.Read(ctx, "builds/leak")
	refused("read a file link", err)
	_, err = s.Open(ctx, "builds/leak")
	refused("open a file link", err)
	_, err = s.Exists(ctx, "dir/secret")
	refused("exists through a folder link", err)
	refused("write through a folder link", s.Write(ctx, "dir/new", strings.NewReader("x")))
	refused("write into a folder link's subfolder", s.Write(ctx, "dir/sub/new", strings.NewReader("x")))
	refused("delete through a folder link", s.Delete(ctx, "dir/secret"))
	refused("move out through a folder link", s.Move(ctx, "mine", "dir/stolen"))
	refused("move in through a folder link", s.Move(ctx, "dir/secret", "mine2"))

	entries, err := os.ReadDir(outside)
	require.NoError(t, err)
	require.Len(t, entries, 1, "nothing was written outside the root")
	got, err := os.ReadFile(secret)
	require.NoError(t, err)
	assert.Equal(t, "do not read", string(got), "the outside file is untouched")
	all, err := s.List(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, []string{"mine"}, all, "links are not listed as files")
}

func testCancelled(t *testing.T, h Harness) {
	s := h.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, s.Write(ctx, "x", strings.NewReader("x")), context.Canceled)
	_, err := s.Read(ctx, "x")
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.List(ctx, "")
	assert.ErrorIs(t, err, context.Canceled)
}
