package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// FileStorage keeps files by slash-separated relative paths such as
// builds/<buildId>/build.log: a local directory, or an S3-compatible or
// Google Cloud Storage bucket. Reading, opening or moving a missing file is an error that
// matches fs.ErrNotExist; a path that CheckStoragePath refuses, or that
// leaves the storage's root another way (a symbolic link), is an error that
// matches ErrPathRefused.
type FileStorage interface {
	// Write stores everything r yields at path, replacing any file there,
	// atomically: readers see the old file or the whole new one.
	Write(ctx context.Context, path string, r io.Reader) error
	// Read returns the whole file at path.
	Read(ctx context.Context, path string) ([]byte, error)
	// Open streams the file at path; the caller closes it.
	Open(ctx context.Context, path string) (io.ReadCloser, error)
	// List returns the paths of the files whose paths start with prefix
	// (a plain string prefix, as in S3; "" lists all), sorted.
	List(ctx context.Context, prefix string) ([]string, error)
	// Delete removes the file at path; a missing file is no error.
	Delete(ctx context.Context, path string) error
	// Move renames the file at from to to, replacing any file there.
	Move(ctx context.Context, from, to string) error
	// Exists reports whether a file is at path.
	Exists(ctx context.Context, path string) (bool, error)
}

// ErrPathRefused is the error of a file storage path that is malformed or
// leaves the storage's root.
var ErrPathRefused = errors.New("file storage: path refused")

// CheckStoragePath accepts a relative, slash-separated path of non-empty
// elements, none of them "." or "..", without backslashes or NUL bytes.
func CheckStoragePath(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("%w: the path is empty", ErrPathRefused)
	case strings.HasPrefix(p, "/"):
		return fmt.Errorf("%w: %q is absolute; paths are relative to the storage root", ErrPathRefused, p)
	case strings.ContainsAny(p, "\\\x00"):
		return fmt.Errorf("%w: %q holds a backslash or a NUL byte", ErrPathRefused, p)
	}
	for _, e := range strings.Split(p, "/") {
		switch e {
		case "":
			return fmt.Errorf("%w: %q has an empty element (a doubled or trailing slash)", ErrPathRefused, p)
		case ".", "..":
			return fmt.Errorf("%w: %q has a %q element; paths stay inside the storage root", ErrPathRefused, p, e)
		}
	}
	return nil
}

// CheckStoragePrefix accepts "" or a prefix that is a valid path, or a
// valid path followed by a slash.
func CheckStoragePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	return CheckStoragePath(strings.TrimSuffix(prefix, "/"))
}

// BeginStorageOp checks, before a file storage operation, that ctx is not
// done and that CheckStoragePath accepts every path; adapters call it
// first, so that all of them refuse the same paths the same way.
func BeginStorageOp(ctx context.Context, paths ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, p := range paths {
		if err := CheckStoragePath(p); err != nil {
			return err
		}
	}
	return nil
}
