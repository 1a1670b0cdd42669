package cloud_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/filestorage/cloud"
	"github.com/mastra-admin/mastra-admin/adapters/filestorage/filestoragetest"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/internal/objectstoretest"
)

func TestMain(m *testing.M) { os.Exit(objectstoretest.MainWithSeaweedFS(m)) }

// open opens the storage at rawURL, closed when the test ends.
func open(t *testing.T, rawURL string) *cloud.Storage {
	t.Helper()
	s, err := cloud.Open(context.Background(), rawURL)
	require.NoError(t, err, "open %s", rawURL)
	t.Cleanup(func() { assert.NoError(t, s.Close()) })
	return s
}

// TestS3 runs the acceptance suite against every S3 server, each storage
// a bucket of its own.
func TestS3(t *testing.T) {
	for _, srv := range objectstoretest.S3Servers(t) {
		t.Run(srv.Name, func(t *testing.T) {
			t.Parallel()
			filestoragetest.Run(t, filestoragetest.Harness{New: func(t *testing.T) commands.FileStorage {
				return open(t, srv.NewBucket(t))
			}})
		})
	}
}

// TestGCS runs the acceptance suite against fake-gcs-server.
func TestGCS(t *testing.T) {
	srv := objectstoretest.GCSServer(t)
	filestoragetest.Run(t, filestoragetest.Harness{New: func(t *testing.T) commands.FileStorage {
		return open(t, srv.NewBucket(t))
	}})
}

// TestPrefixIsolates: storages opened with ?prefix= on one bucket see only
// their own files, and the bucket holds them under the prefix.
func TestPrefixIsolates(t *testing.T) {
	ctx := context.Background()
	urls := map[string]string{"gcs": objectstoretest.GCSServer(t).NewBucket(t)}
	for _, srv := range objectstoretest.S3Servers(t) {
		urls[srv.Name] = srv.NewBucket(t)
	}
	for name, bucketURL := range urls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			join := "?"
			if strings.Contains(bucketURL, "?") {
				join = "&"
			}
			a := open(t, bucketURL+join+"prefix=tenant-a/")
			b := open(t, bucketURL+join+"prefix=tenant-b/")
			whole := open(t, bucketURL)
			require.NoError(t, a.Write(ctx, "logs/1", strings.NewReader("a")))
			require.NoError(t, b.Write(ctx, "logs/1", strings.NewReader("b")))
			got, err := a.List(ctx, "")
			require.NoError(t, err)
			assert.Equal(t, []string{"logs/1"}, got)
			content, err := b.Read(ctx, "logs/1")
			require.NoError(t, err)
			assert.Equal(t, "b", string(content))
			all, err := whole.List(ctx, "")
			require.NoError(t, err)
			assert.Equal(t, []string{"tenant-a/logs/1", "tenant-b/logs/1"}, all)
		})
	}
}

// TestFolderMarkersAreNotFiles: a key ending in "/" (a console's folder)
// is left out of List.
func TestFolderMarkersAreNotFiles(t *testing.T) {
	ctx := context.Background()
	srv := objectstoretest.S3Servers(t)[0]
	bucketURL := srv.NewBucket(t)
	s := open(t, bucketURL)
	srv.PutRaw(t, bucketURL, "logs/", "")
	require.NoError(t, s.Write(ctx, "logs/1", strings.NewReader("x")))
	got, err := s.List(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, []string{"logs/1"}, got)
}

// TestOpenRefuses: a URL that names no bucket, a missing bucket or an
// option the driver does not know is refused at Open with a clear error.
func TestOpenRefuses(t *testing.T) {
	ctx := context.Background()
	srv := objectstoretest.S3Servers(t)[0]
	for rawURL, want := range map[string]string{
		"ftp://bucket":             `scheme "ftp": want s3://bucket or gs://bucket`,
		"s3://":                    "s3:// URL has no bucket",
		"gs://?x=1":                "gs:// URL has no bucket",
		"%zz":                      "not a valid URL",
		srv.URL("no-such-bucket"):  "bucket s3://no-such-bucket is not reachable",
		"gs://no-such-bucket":      "bucket gs://no-such-bucket is not reachable",
		srv.URL("b") + "&bogus=1":  `unknown query parameter "bogus"`,
		"gs://b?endpoint=http://x": "open gs://b",
	} {
		_, err := cloud.Open(ctx, rawURL)
		require.Error(t, err, rawURL)
		assert.Contains(t, err.Error(), want, rawURL)
	}
}
