package buildlog

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/uuid"
)

// Files implements commands.BuildLogs over a folder.
type Files struct{ Dir string }

func (f Files) path(id uuid.UUID) string { return filepath.Join(f.Dir, id.String()+".log") }

// Create implements commands.BuildLogs: a new, empty log, appended to.
func (f Files) Create(id uuid.UUID) (io.WriteCloser, error) {
	if err := os.MkdirAll(f.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("create build log folder: %w", err)
	}
	file, err := os.OpenFile(f.path(id), os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_APPEND, 0o640)
	if err != nil {
		return nil, fmt.Errorf("create build log: %w", err)
	}
	return file, nil
}

// Open implements commands.BuildLogs: a build that has not started has an
// empty log.
func (f Files) Open(id uuid.UUID) (io.ReadCloser, error) {
	file, err := os.Open(f.path(id))
	if errors.Is(err, fs.ErrNotExist) {
		return io.NopCloser(strings.NewReader("")), nil
	}
	if err != nil {
		return nil, fmt.Errorf("open build log: %w", err)
	}
	return file, nil
}
