package local_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/filestorage/filestoragetest"
	"github.com/mastra-admin/mastra-admin/adapters/filestorage/local"
	"github.com/mastra-admin/mastra-admin/commands"
)

func TestLocalStorage(t *testing.T) {
	t.Parallel()
	filestoragetest.Run(t, filestoragetest.Harness{
		New: func(t *testing.T) commands.FileStorage {
			s, err := local.New(filepath.Join(t.TempDir(), "storage"))
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			return s
		},
		Symlink: func(t *testing.T, s commands.FileStorage, link, target string) {
			p := filepath.Join(s.(*local.Storage).Dir(), filepath.FromSlash(link))
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o750))
			require.NoError(t, os.Symlink(target, p))
		},
	})
}

func TestNewRefusesEmptyDir(t *testing.T) {
	t.Parallel()
	_, err := local.New(" ")
	assert.ErrorContains(t, err, "directory is empty")
}

func TestWritesLandInTheDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := local.New(dir)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Write(t.Context(), "builds/b/build.log", stringsReader("hello\n")))
	got, err := os.ReadFile(filepath.Join(dir, "builds", "b", "build.log"))
	require.NoError(t, err)
	assert.Equal(t, "hello\n", string(got))
}

func stringsReader(s string) *os.File {
	r, w, _ := os.Pipe()
	go func() { _, _ = w.WriteString(s); _ = w.Close() }()
	return r
}
