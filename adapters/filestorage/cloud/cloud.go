package cloud

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"sort"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/gcsblob" // registers gs:// on blob.DefaultMux
	_ "gocloud.dev/blob/s3blob"  // registers s3:// on blob.DefaultMux
	"gocloud.dev/gcerrors"

	"github.com/mastra-admin/mastra-admin/commands"
)

// Schemes lists the URL schemes Open accepts.
var Schemes = []string{"s3", "gs"}

// Storage implements commands.FileStorage over one bucket (or one prefix
// of it).
type Storage struct {
	bucket *blob.Bucket
	// where names the bucket in errors: scheme and bucket, without the query.
	where string
}

var _ commands.FileStorage = (*Storage)(nil)

// Open opens the bucket rawURL names and checks that it is reachable with
// the credentials at hand. Close releases it.
func Open(ctx context.Context, rawURL string) (*Storage, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("file storage: the bucket URL is not a valid URL")
	}
	if u.Scheme != "s3" && u.Scheme != "gs" {
		return nil, fmt.Errorf("file storage: scheme %q: want s3://bucket or gs://bucket", u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("file storage: %s:// URL has no bucket; want %s://bucket", u.Scheme, u.Scheme)
	}
	where := u.Scheme + "://" + u.Host
	b, err := blob.OpenBucket(ctx, rawURL)
	if err != nil {
		return nil, fmt.Errorf("file storage: open %s: %w", where, err)
	}
	ok, err := b.IsAccessible(ctx)
	if err == nil && !ok {
		err = errors.New("the bucket does not exist")
	}
	if err != nil {
		_ = b.Close()
		return nil, fmt.Errorf("file storage: bucket %s is not reachable (check its name, endpoint and credentials): %w", where, err)
	}
	return &Storage{bucket: b, where: where}, nil
}

// Close releases the bucket.
func (s *Storage) Close() error { return s.bucket.Close() }

// fail wraps err of operation op on p; a missing object matches
// fs.ErrNotExist.
func (s *Storage) fail(op, p string, err error) error {
	if gcerrors.Code(err) == gcerrors.NotFound {
		return fmt.Errorf("file storage: %s %q in %s: %w", op, p, s.where, fs.ErrNotExist)
	}
	return fmt.Errorf("file storage: %s %q in %s: %w", op, p, s.where, err)
}

// Write implements commands.FileStorage: one upload, aborted (leaving the
// old object) if r or ctx fails before it completes.
func (s *Storage) Write(ctx context.Context, p string, r io.Reader) error {
	if err := commands.BeginStorageOp(ctx, p); err != nil {
		return err
	}
	wctx, abort := context.WithCancel(ctx)
	defer abort()
	w, err := s.bucket.NewWriter(wctx, p, &blob.WriterOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return s.fail("write", p, err)
	}
	if _, err := io.Copy(w, r); err != nil {
		abort() // cancelling the writer's context before Close discards the upload
		_ = w.Close()
		return s.fail("write", p, err)
	}
	if err := w.Close(); err != nil {
		return s.fail("write", p, err)
	}
	return nil
}

// Read implements commands.FileStorage.
func (s *Storage) Read(ctx context.Context, p string) ([]byte, error) {
	if err := commands.BeginStorageOp(ctx, p); err != nil {
		return nil, err
	}
	b, err := s.bucket.ReadAll(ctx, p)
	if err != nil {
		return nil, s.fail("read", p, err)
	}
	return b, nil
}

// Open implements commands.FileStorage.
func (s *Storage) Open(ctx context.Context, p string) (io.ReadCloser, error) {
	if err := commands.BeginStorageOp(ctx, p); err != nil {
		return nil, err
	}
	r, err := s.bucket.NewReader(ctx, p, nil)
	if err != nil {
		return nil, s.fail("open", p, err)
	}
	return r, nil
}

// Exists implements commands.FileStorage.
func (s *Storage) Exists(ctx context.Context, p string) (bool, error) {
	if err := commands.BeginStorageOp(ctx, p); err != nil {
		return false, err
	}
	ok, err := s.bucket.Exists(ctx, p)
	if err != nil {
		return false, s.fail("stat", p, err)
	}
	return ok, nil
}

// Delete implements commands.FileStorage.
func (s *Storage) Delete(ctx context.Context, p string) error {
	if err := commands.BeginStorageOp(ctx, p); err != nil {
		return err
	}
	if err := s.bucket.Delete(ctx, p); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return s.fail("delete", p, err)
	}
	return nil
}

// Move implements commands.FileStorage: a server-side copy over to, then
// the deletion of from. A move onto itself changes nothing (copying then
// deleting would lose the file).
func (s *Storage) Move(ctx context.Context, from, to string) error {
	if err := commands.BeginStorageOp(ctx, from, to); err != nil {
		return err
	}
	if from == to {
		ok, err := s.bucket.Exists(ctx, from)
		if err == nil && !ok {
			err = fs.ErrNotExist
		}
		if err != nil {
			return s.fail("move", from, err)
		}
		return nil
	}
	if err := s.bucket.Copy(ctx, to, from, nil); err != nil {
		return s.fail("move "+from+" to", to, err)
	}
	if err := s.bucket.Delete(ctx, from); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return s.fail("delete the moved", from, err)
	}
	return nil
}

// List implements commands.FileStorage: the keys under prefix, without
// folder markers or other keys that are not valid paths.
func (s *Storage) List(ctx context.Context, prefix string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := commands.CheckStoragePrefix(prefix); err != nil {
		return nil, err
	}
	var out []string
	it := s.bucket.List(&blob.ListOptions{Prefix: prefix})
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("file storage: list %q in %s: %w", prefix, s.where, err)
		}
		if obj.IsDir || commands.CheckStoragePath(obj.Key) != nil {
			continue
		}
		out = append(out, obj.Key)
	}
	sort.Strings(out)
	return out, nil
}

// Bucket names the bucket as scheme://bucket, without the URL's options.
func (s *Storage) Bucket() string { return s.where }
