package local

import (
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// Account is the user builds run as, when it is not the admin's own.
type Account struct {
	Name     string
	UID, GID uint32
}

// LookupAccount resolves a user name (or numeric id) for builds. Running
// commands as another user needs the admin to run as root (or with
// CAP_SETUID and CAP_SETGID).
func LookupAccount(name string) (*Account, error) {
	u, err := user.Lookup(name)
	if err != nil {
		if u, err = user.LookupId(name); err != nil {
			return nil, fmt.Errorf("build user %q: no such user", name)
		}
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("build user %q: uid %q: %w", name, u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("build user %q: gid %q: %w", name, u.Gid, err)
	}
	if uid == uint64(os.Geteuid()) {
		return nil, nil // the admin's own user: nothing to switch
	}
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("build user %q: running builds as another user needs the admin to run as root", name)
	}
	return &Account{Name: u.Username, UID: uint32(uid), GID: uint32(gid)}, nil
}

// credential is what a command runs as: nil for the admin's own user.
func (a *Account) credential() *syscall.Credential {
	if a == nil {
		return nil
	}
	return &syscall.Credential{Uid: a.UID, Gid: a.GID, Groups: []uint32{}}
}

// own gives the tree at root to the account (nothing for the admin's own).
func (a *Account) own(root string) error {
	if a == nil {
		return nil
	}
	return filepath.WalkDir(root, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(a.UID), int(a.GID))
	})
}
