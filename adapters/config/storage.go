package config

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/redis/go-redis/v9"
)

// FileStorageDir returns the directory of the local file storage:
// DataDir/storage when FileStorageURL is empty, else the path of its
// file:// URL (file:///abs/path, or file://./rel/path relative to the
// working directory). Other schemes are refused: s3:// and gs:// come with
// the observability work.
func (c Config) FileStorageDir() (string, error) {
	if c.FileStorageURL == "" {
		return filepath.Join(c.DataDir, "storage"), nil
	}
	u, err := url.Parse(c.FileStorageURL)
	if err != nil {
		return "", errors.New("is not a valid URL; want file:///path/to/storage")
	}
	switch u.Scheme {
	case "file":
	case "s3", "gs":
		return "", fmt.Errorf("%s:// storage is not supported yet (it comes with the observability work); use file:///path/to/storage", u.Scheme)
	default:
		return "", fmt.Errorf("scheme %q: want file:///path/to/storage", u.Scheme)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", errors.New("a file:// URL takes only a path (no user, query or fragment)")
	}
	p := u.Path
	switch u.Host {
	case "", "localhost":
	case ".", "..":
		p = u.Host + p // file://./storage: relative to the working directory
	default:
		return "", fmt.Errorf("host %q: a file:// URL names this machine's disk; want file:///path/to/storage", u.Host)
	}
	if strings.TrimSpace(p) == "" || p == "/" {
		return "", errors.New("has no directory; want file:///path/to/storage")
	}
	return filepath.Clean(filepath.FromSlash(p)), nil
}

// checkRedisURL accepts empty (no Redis) or a URL that go-redis parses
// (redis:// or rediss://).
func checkRedisURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("is not a valid URL; want redis://host:6379/0")
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" {
		return fmt.Errorf("scheme %q: want redis://host:6379/0 or rediss://", u.Scheme)
	}
	if _, err := redis.ParseURL(s); err != nil { // its errors name parts, never the password
		return fmt.Errorf("want redis://host:6379/0: %w", err)
	}
	return nil
}
