//go:build !linux

package local

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// openDir returns the real path of the folder at path, symlinks resolved
// by walking the path, after checking that it is a folder that can be
// opened. The error says what is wrong, to follow the path.
func openDir(path string) (string, error) {
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", errors.New("does not exist")
	case errors.Is(err, fs.ErrPermission):
		return "", errors.New("is not readable")
	case err != nil:
		return "", errors.New("cannot be opened")
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.IsDir() {
		return "", errors.New("is not a directory")
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", errors.New("cannot be resolved")
	}
	return real, nil
}
