package local

import (
	"errors"
	"path/filepath"
	"strconv"
	"syscall"
)

// openDir returns the real path of the folder at path, symlinks resolved,
// after opening it as a folder (which needs the permission to list it).
// The real path is read from the open descriptor itself, so the folder
// checked is the folder named: three system calls, with no *os.File (its
// poller registration cost as much as the rest). The error says what is
// wrong, to follow the path.
func openDir(path string) (string, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	switch {
	case errors.Is(err, syscall.ENOENT):
		return "", errors.New("does not exist")
	case errors.Is(err, syscall.EACCES):
		return "", errors.New("is not readable")
	case errors.Is(err, syscall.ENOTDIR):
		return "", errors.New("is not a directory")
	case err != nil:
		return "", errors.New("cannot be opened")
	}
	defer syscall.Close(fd)
	buf := make([]byte, 4096)
	n, err := syscall.Readlink("/proc/self/fd/"+strconv.Itoa(fd), buf)
	if err == nil && n < len(buf) && filepath.IsAbs(string(buf[:n])) {
		return string(buf[:n]), nil
	}
	real, err := filepath.EvalSymlinks(path) // /proc is not mounted
	if err != nil {
		return "", errors.New("cannot be resolved")
	}
	return real, nil
}
