package commands

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fileLogs is BuildLogs over one file; seekable false hands out copies of
// its content (a reader that cannot seek, opened anew each time).
type fileLogs struct {
	path     string
	seekable bool
	opens    int
}

func (f *fileLogs) Create(uuid.UUID) (io.WriteCloser, error) { return nil, errors.New("not used") }

func (f *fileLogs) Open(uuid.UUID) (io.ReadCloser, error) {
	f.opens++
	if !f.seekable {
		b, err := os.ReadFile(f.path)
		if errors.Is(err, fs.ErrNotExist) {
			return io.NopCloser(strings.NewReader("")), nil
		}
		return io.NopCloser(bytes.NewReader(b)), err
	}
	file, err := os.Open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return io.NopCloser(strings.NewReader("")), nil
	}
	return file, err
}

// TestLogTailPassesWholeLinesAsTheLogGrows: a log that does not exist yet
// reads as empty; lines before from are skipped; a line goes out once
// whole, or at the end when final; a file stays open between reads.
func TestLogTailPassesWholeLinesAsTheLogGrows(t *testing.T) {
	t.Parallel()
	for _, seekable := range []bool{true, false} {
		path := filepath.Join(t.TempDir(), "build.log")
		logs := &fileLogs{path: path, seekable: seekable}
		tail := &logTail{logs: logs, id: uuid.New(), from: 1}
		defer tail.close()
		var got []string
		emit := func(l string) error { got = append(got, l); return nil }
		step := func(final bool) bool {
			t.Helper()
			read, err := tail.emit(final, emit)
			require.NoError(t, err)
			return read
		}
		appendLog := func(s string) {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
			require.NoError(t, err)
			_, err = f.WriteString(s)
			require.NoError(t, err)
			require.NoError(t, f.Close())
		}

		assert.False(t, step(false), "no log yet (seekable %v)", seekable)
		appendLog("zero\none\npar")
		assert.True(t, step(false))
		assert.Equal(t, []string{"one"}, got, "line 0 skipped, the half line kept")
		assert.False(t, step(false), "nothing new")
		appendLog("tial\nlast")
		assert.True(t, step(false))
		assert.Equal(t, []string{"one", "partial"}, got)
		assert.True(t, step(true), "final: the last line without its newline")
		assert.Equal(t, []string{"one", "partial", "last"}, got)
		assert.False(t, step(true))
		if seekable {
			assert.Equal(t, 2, logs.opens, "opened again only while the log did not exist")
		}
	}
}

// TestLogTailStopsAtAFailingEmit: the error of emit ends the read.
func TestLogTailStopsAtAFailingEmit(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "build.log")
	require.NoError(t, os.WriteFile(path, []byte("a\nb\n"), 0o600))
	tail := &logTail{logs: &fileLogs{path: path, seekable: true}, id: uuid.New()}
	defer tail.close()
	gone := errors.New("client gone")
	var got []string
	_, err := tail.emit(false, func(l string) error { got = append(got, l); return gone })
	assert.ErrorIs(t, err, gone)
	assert.Equal(t, []string{"a"}, got)
}
