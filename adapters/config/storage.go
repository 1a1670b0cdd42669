package config

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/redis/go-redis/v9"
)

// FileStorage says where the file storage is: a local directory or an
// object store bucket.
type FileStorage struct {
	// Dir is the local directory; empty for a bucket.
	Dir string
	// BucketURL is the s3:// or gs:// URL of the bucket; empty for a
	// local directory.
	BucketURL string
}

// Cloud reports whether the storage is a bucket (the license feature s3).
func (f FileStorage) Cloud() bool { return f.BucketURL != "" }

// FileStorage returns where FileStorageURL puts the file storage:
//   - empty: the local directory DataDir/storage;
//   - file:///abs/path, or file://./rel/path relative to the working
//     directory: that local directory;
//   - s3://bucket?endpoint=…&region=…&use_path_style=true: an S3 or
//     S3-compatible bucket (the query is gocloud.dev's s3blob URL);
//   - gs://bucket: a Google Cloud Storage bucket (gocloud.dev's gcsblob URL).
//
// A bucket URL names no folder: a prefix is ?prefix=folder/, and
// credentials come from the SDKs' usual sources, never from the URL. Its
// query options are checked when the bucket is opened.
func (c Config) FileStorage() (FileStorage, error) {
	if c.FileStorageURL == "" {
		return FileStorage{Dir: filepath.Join(c.DataDir, "storage")}, nil
	}
	u, err := url.Parse(c.FileStorageURL)
	if err != nil {
		return FileStorage{}, errors.New("is not a valid URL; want file:///path/to/storage, s3://bucket?region=… or gs://bucket")
	}
	switch u.Scheme {
	case "file":
		dir, err := fileStorageDir(u)
		return FileStorage{Dir: dir}, err
	case "s3", "gs":
		return FileStorage{BucketURL: c.FileStorageURL}, checkBucketURL(u)
	default:
		return FileStorage{}, fmt.Errorf("scheme %q: want file:///path/to/storage, s3://bucket?region=… or gs://bucket", u.Scheme)
	}
}

// fileStorageDir returns the directory of a file:// URL.
func fileStorageDir(u *url.URL) (string, error) {
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

// checkBucketURL accepts an s3:// or gs:// URL that names a bucket and no
// folder, user or fragment.
func checkBucketURL(u *url.URL) error {
	switch {
	case u.User != nil:
		return fmt.Errorf("a %s:// URL carries no credentials; set them the SDK's way (%s)", u.Scheme, credentialsHint(u.Scheme))
	case u.Host == "":
		return fmt.Errorf("names no bucket; want %s://bucket", u.Scheme)
	case u.Path != "" && u.Path != "/":
		return fmt.Errorf("a %s:// URL names a bucket, not a folder: for a folder use %s://%s?prefix=%s/", u.Scheme, u.Scheme, u.Host, strings.Trim(u.Path, "/"))
	case u.Fragment != "":
		return fmt.Errorf("a %s:// URL takes no fragment", u.Scheme)
	}
	return nil
}

// credentialsHint says where each SDK takes its credentials from.
func credentialsHint(scheme string) string {
	if scheme == "gs" {
		return "GOOGLE_APPLICATION_CREDENTIALS or the machine's service account"
	}
	return "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a shared profile or an instance role"
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
