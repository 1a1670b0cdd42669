package local

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"syscall"

	"github.com/mastra-admin/mastra-admin/commands"
)

// tmpPrefix starts the names of files being written; List skips them.
const tmpPrefix = ".tmp-"

// Storage implements commands.FileStorage over one directory.
type Storage struct {
	dir  string
	root *os.Root
	// escapes is the error os.Root gives for a path that leaves it (os
	// does not export it; New captures it once).
	escapes error
}

var _ commands.FileStorage = (*Storage)(nil)

// New opens the directory dir as a file storage, creating it if missing.
// Close releases it.
func New(dir string) (*Storage, error) {
	if strings.TrimSpace(dir) == "" {
		return nil, errors.New("file storage: the directory is empty")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("file storage: create %s: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("file storage: open %s: %w", dir, err)
	}
	s := &Storage{dir: dir, root: root, escapes: errors.New("never")}
	var pe *fs.PathError
	if _, err := root.Stat(".."); errors.As(err, &pe) {
		s.escapes = pe.Err
	}
	return s, nil
}

// Dir returns the storage's directory.
func (s *Storage) Dir() string { return s.dir }

// Close releases the directory.
func (s *Storage) Close() error { return s.root.Close() }

// fail wraps err of operation op on p, turning an escape from the root
// into commands.ErrPathRefused.
func (s *Storage) fail(op, p string, err error) error {
	if errors.Is(err, s.escapes) {
		return fmt.Errorf("%w: %q leads outside the storage root %s (through a symbolic link)", commands.ErrPathRefused, p, s.dir)
	}
	if errors.Is(err, syscall.ENOTDIR) { // a path through a file: nothing is there
		err = fmt.Errorf("%w: %w", fs.ErrNotExist, err)
	}
	return fmt.Errorf("file storage: %s %q: %w", op, p, err)
}

// Write implements commands.FileStorage: a temporary file beside the
// target, synced, then renamed over it.
func (s *Storage) Write(ctx context.Context, p string, r io.Reader) (err error) {
	if err := commands.BeginStorageOp(ctx, p); err != nil {
		return err
	}
	dir := path.Dir(p)
	if dir != "." {
		if err := s.root.MkdirAll(dir, 0o750); err != nil {
			return s.fail("create the folder of", p, err)
		}
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	tmp := path.Join(dir, tmpPrefix+hex.EncodeToString(b[:]))
	f, err := s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return s.fail("write", p, err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = s.root.Remove(tmp)
		}
	}()
	if _, err = io.Copy(f, ctxReader{ctx, r}); err != nil {
		return s.fail("write", p, err)
	}
	if err = f.Sync(); err != nil {
		return s.fail("sync", p, err)
	}
	if err = f.Close(); err != nil {
		return s.fail("close", p, err)
	}
	if err = s.root.Rename(tmp, p); err != nil {
		return s.fail("write", p, err)
	}
	return nil
}

// Read implements commands.FileStorage.
func (s *Storage) Read(ctx context.Context, p string) ([]byte, error) {
	f, err := s.Open(ctx, p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, s.fail("read", p, err)
	}
	return b, nil
}

// Open implements commands.FileStorage. A folder is not a file: opening
// one is fs.ErrNotExist.
func (s *Storage) Open(ctx context.Context, p string) (io.ReadCloser, error) {
	if err := commands.BeginStorageOp(ctx, p); err != nil {
		return nil, err
	}
	f, err := s.root.Open(p)
	if err != nil {
		return nil, s.fail("open", p, err)
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		_ = f.Close()
		if err == nil {
			err = fmt.Errorf("not a file: %w", fs.ErrNotExist)
		}
		return nil, s.fail("open", p, err)
	}
	return f, nil
}

// Exists implements commands.FileStorage.
func (s *Storage) Exists(ctx context.Context, p string) (bool, error) {
	if err := commands.BeginStorageOp(ctx, p); err != nil {
		return false, err
	}
	st, err := s.root.Stat(p)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return false, nil
	}
	if err != nil {
		return false, s.fail("stat", p, err)
	}
	return st.Mode().IsRegular(), nil
}

// Delete implements commands.FileStorage.
func (s *Storage) Delete(ctx context.Context, p string) error {
	if err := commands.BeginStorageOp(ctx, p); err != nil {
		return err
	}
	st, err := s.root.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return s.fail("delete", p, err)
	}
	if st.IsDir() {
		return s.fail("delete", p, errors.New("is a folder, not a file"))
	}
	if err := s.root.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return s.fail("delete", p, err)
	}
	return nil
}

// Move implements commands.FileStorage.
func (s *Storage) Move(ctx context.Context, from, to string) error {
	if err := commands.BeginStorageOp(ctx, from, to); err != nil {
		return err
	}
	st, err := s.root.Stat(from)
	if err != nil {
		return s.fail("move", from, err)
	}
	if !st.Mode().IsRegular() {
		return s.fail("move", from, fmt.Errorf("not a file: %w", fs.ErrNotExist))
	}
	if dir := path.Dir(to); dir != "." {
		if err := s.root.MkdirAll(dir, 0o750); err != nil {
			return s.fail("create the folder of", to, err)
		}
	}
	if err := s.root.Rename(from, to); err != nil {
		return s.fail("move "+from+" to", to, err)
	}
	return nil
}

// List implements commands.FileStorage: it walks the folder the prefix
// names (up to its last slash) and keeps the regular files that start with
// prefix, skipping files being written.
func (s *Storage) List(ctx context.Context, prefix string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := commands.CheckStoragePrefix(prefix); err != nil {
		return nil, err
	}
	start := "."
	if i := strings.LastIndex(prefix, "/"); i > 0 {
		start = prefix[:i]
	}
	var out []string
	err := fs.WalkDir(s.root.FS(), start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == start && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)) {
				return fs.SkipAll // nothing is under the prefix
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && !strings.HasPrefix(p+"/", prefix) && !strings.HasPrefix(prefix, p+"/") {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && strings.HasPrefix(p, prefix) && !strings.HasPrefix(path.Base(p), tmpPrefix) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, s.fail("list", prefix, err)
	}
	sort.Strings(out)
	return out, nil
}

// ctxReader stops a copy when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
