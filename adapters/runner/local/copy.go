package local

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// skipped are the folders not copied into a build: installed packages,
// earlier build output and version control.
var skipped = map[string]bool{"node_modules": true, ".mastra": true, ".git": true}

// copyTree copies the project at src into dst (which must not exist):
// folders, regular files and symlinks, without the skipped folders.
func copyTree(src, dst string) error { return copyTreeSkipping(src, dst, skipped) }

// copyTreeSkipping copies src into dst (which must not exist) without
// the folders (below src) whose names skip holds.
func copyTreeSkipping(src, dst string, skip map[string]bool) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir() && rel != "." && skip[d.Name()]:
			return filepath.SkipDir
		case d.IsDir():
			return os.Mkdir(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case d.Type().IsRegular():
			return copyFile(path, target)
		}
		return nil // sockets, devices and pipes are not part of a project
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, info.Mode().Perm()|0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return out.Close()
}
