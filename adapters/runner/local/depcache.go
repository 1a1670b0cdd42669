package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
)

// tmpPrefix names the folders a save fills before it renames them; one
// older than staleTmp was left by a crash.
const (
	tmpPrefix = ".tmp-"
	staleTmp  = time.Hour
)

// depCache keeps the node_modules of earlier builds, per team, in
// dir/<teamId>/<key>/node_modules. Only the admin reaches dir (0700);
// the files in it are the admin's and read-only (0444, 0555 when
// executable). A restore recreates the folders and symlinks for the
// build (given to the build user) and hard-links the files, so a build
// can add and remove files in its node_modules but not change the
// cache's (when it runs as another user, or the admin is not root). When
// builds run as root, permissions protect nothing: files are copied.
type depCache struct {
	dir  string
	keep int      // keys kept per team
	as   *Account // the build user (nil: the admin's own)
	link bool     // restore files as hard links
}

// newDepCache returns the cache at dir; builds run as as.
func newDepCache(dir string, keep int, as *Account) *depCache {
	return &depCache{dir: dir, keep: keep, as: as, link: as != nil || os.Geteuid() != 0}
}

func (c *depCache) teamDir(team uuid.UUID) string { return filepath.Join(c.dir, team.String()) }

// restore puts the node_modules cached for the team under key into
// app/node_modules; false when there is none. It assembles them in
// stage (a new folder only the admin reaches, on the cache's file
// system) and renames them into place, so app never holds half of them.
func (c *depCache) restore(team uuid.UUID, key, stage, app string) (bool, error) {
	entry := filepath.Join(c.teamDir(team), key)
	src := filepath.Join(entry, "node_modules")
	if _, err := os.Lstat(src); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	now := time.Now()
	if err := os.Chtimes(entry, now, now); err != nil { // most recently used: pruned last
		return false, err
	}
	if err := os.Mkdir(stage, 0o700); err != nil {
		return false, err
	}
	defer os.RemoveAll(stage)
	dst := filepath.Join(stage, "node_modules")
	if err := c.place(src, dst); err != nil {
		return false, err
	}
	if err := os.Rename(dst, filepath.Join(app, "node_modules")); err != nil {
		return false, err
	}
	return true, nil
}

// place recreates the tree at src in dst (new): folders and symlinks
// anew, the build user's; regular files hard-linked or copied.
func (c *depCache) place(src, dst string) error {
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
		case d.IsDir():
			err = os.Mkdir(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			var link string
			if link, err = os.Readlink(path); err == nil {
				err = os.Symlink(link, target)
			}
		case d.Type().IsRegular() && c.link:
			return os.Link(path, target) // stays the admin's, read-only
		case d.Type().IsRegular():
			err = copyFile(path, target)
		default:
			return nil
		}
		if err == nil && c.as != nil {
			err = os.Lchown(target, int(c.as.UID), int(c.as.GID))
		}
		return err
	})
}

// save keeps app/node_modules, just installed, for the team under key.
// The copy runs as the build user (so it takes nothing that user could
// not read) into stage, a new folder in the build's directory; the admin
// then moves it where builds cannot reach, makes it its own and
// read-only, and renames it to key: a key is there whole or not at all.
// A key another build saved meanwhile is kept.
func (c *depCache) save(ctx context.Context, team uuid.UUID, key, stage, app string, env []string, log io.Writer) error {
	entry := filepath.Join(c.teamDir(team), key)
	if _, err := os.Lstat(entry); err == nil {
		return nil
	}
	if err := c.ensureDir(); err != nil {
		return err
	}
	if err := os.MkdirAll(c.teamDir(team), 0o700); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(c.teamDir(team), tmpPrefix)
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.Mkdir(stage, 0o700); err != nil {
		return err
	}
	defer os.RemoveAll(stage)
	if err := c.as.own(stage); err != nil {
		return err
	}
	cp, err := lookPath("cp", env)
	if err != nil {
		return err
	}
	if err := run(ctx, app, env, c.as, log, cp, "-a", "--", "node_modules", stage+string(filepath.Separator)); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(stage, "node_modules"), filepath.Join(tmp, "node_modules")); err != nil {
		return err
	}
	if err := seal(filepath.Join(tmp, "node_modules")); err != nil {
		return fmt.Errorf("seal the copy: %w", err)
	}
	if err := os.Rename(tmp, entry); err != nil {
		if _, serr := os.Lstat(entry); serr == nil {
			return nil // another build of the same key was quicker
		}
		return err
	}
	return nil
}

// ensureDir creates the cache's folder, the admin's only.
func (c *depCache) ensureDir() error {
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(c.dir, 0o700)
}

// seal makes the tree at root the admin's and its files read-only.
func seal(root string) error {
	uid, gid := os.Geteuid(), os.Getegid()
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := os.Lchown(path, uid, gid); err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.Chmod(path, 0o755)
		case d.Type().IsRegular():
			info, err := d.Info()
			if err != nil {
				return err
			}
			mode := os.FileMode(0o444)
			if info.Mode().Perm()&0o100 != 0 {
				mode = 0o555
			}
			return os.Chmod(path, mode)
		}
		return nil // symlinks have no mode of their own
	})
}

// prune keeps the team's keep most recently used keys and removes the
// others, and the folders of saves that a crash interrupted.
func (c *depCache) prune(team uuid.UUID) error {
	entries, err := os.ReadDir(c.teamDir(team))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	type key struct {
		name string
		used time.Time
	}
	var keys []key
	var errs []error
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		if strings.HasPrefix(e.Name(), tmpPrefix) {
			if time.Since(info.ModTime()) > staleTmp {
				errs = append(errs, os.RemoveAll(filepath.Join(c.teamDir(team), e.Name())))
			}
			continue
		}
		keys = append(keys, key{e.Name(), info.ModTime()})
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].used.After(keys[j].used) })
	for i := c.keep; i < len(keys); i++ {
		errs = append(errs, os.RemoveAll(filepath.Join(c.teamDir(team), keys[i].name)))
	}
	return errors.Join(errs...)
}
