package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/config"
	"github.com/mastra-admin/mastra-admin/adapters/filestorage/cloud"
	"github.com/mastra-admin/mastra-admin/domain/license"
	"github.com/mastra-admin/mastra-admin/internal/objectstoretest"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

// licenseWith issues a team license with features under a vendor key made
// for the test; it returns the key and the public key.
func licenseWith(t *testing.T, features string) (key, pub string) {
	t.Helper()
	keyFile := filepath.Join(t.TempDir(), "vendor.key")
	gen := runCLI(t, nil, "license", "keygen", "--private-key-out", keyFile)
	require.Equal(t, exitOK, gen.code, gen.stderr)
	issued := runCLI(t, nil, "license", "issue", "--private-key", keyFile, "--tier", "team", "--org", "Tests",
		"--features", features, "--days", "30")
	require.Equal(t, exitOK, issued.code, issued.stderr)
	return strings.TrimSpace(issued.stdout), strings.TrimSpace(gen.stdout)
}

// TestServeRefusesCloudStorageWithoutLicense: serve stops at start, with
// exit status 2 and an error naming the s3 feature, when FILE_STORAGE_URL
// is a bucket and the license lacks the feature; file:// needs none.
func TestServeRefusesCloudStorageWithoutLicense(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	s3URL := objectstoretest.S3Servers(t)[0].NewBucket(t)
	gsURL := objectstoretest.GCSServer(t).NewBucket(t)
	oidcKey, oidcPub := licenseWith(t, "oidc")
	for name, extra := range map[string]map[string]string{
		"s3 community": {"FILE_STORAGE_URL": s3URL},
		"gs community": {"FILE_STORAGE_URL": gsURL},
		"s3 oidc only": {"FILE_STORAGE_URL": s3URL, "MASTRA_ADMIN_LICENSE_KEY": oidcKey, "MASTRA_ADMIN_LICENSE_PUBKEY": oidcPub},
	} {
		env := serveEnv(t, db.URL)
		for k, v := range extra {
			env[k] = v
		}
		srv := startCLI(t, env, "serve")
		assert.Equal(t, exitUsage, srv.wait(t, time.Minute), name)
		assert.Contains(t, srv.stderr.String(), `FILE_STORAGE_URL: cloud file storage (s3:// or gs://) needs a license with the "s3" feature`, name)
	}

	env := serveEnv(t, db.URL)
	env["FILE_STORAGE_URL"] = "file://" + filepath.Join(t.TempDir(), "storage")
	tok := runCLI(t, env, "token", "create", "--email", "files@example.com")
	assert.Equal(t, exitOK, tok.code, "file:// needs no license: %s", tok.stderr)
}

// TestServeOnCloudStorage: under a license with the s3 feature, serve
// opens an S3 or GCS bucket and becomes ready; a missing bucket stops it
// at start with an error that names it.
func TestServeOnCloudStorage(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	key, pub := licenseWith(t, "s3")
	s3srv := objectstoretest.S3Servers(t)[0]
	for name, bucketURL := range map[string]string{
		"s3": s3srv.NewBucket(t),
		"gs": objectstoretest.GCSServer(t).NewBucket(t),
	} {
		env := serveEnv(t, db.URL)
		env["FILE_STORAGE_URL"], env["MASTRA_ADMIN_LICENSE_KEY"], env["MASTRA_ADMIN_LICENSE_PUBKEY"] = bucketURL, key, pub
		srv := startCLI(t, env, "serve")
		waitReady(t, srv, "http://"+env["MASTRA_ADMIN_ADDR"])
		assert.Contains(t, srv.stderr.String(), "file storage is a bucket", name)
		srv.cancel()
		assert.Equal(t, exitOK, srv.wait(t, time.Minute), "%s: %s", name, srv.stderr)
	}

	env := serveEnv(t, db.URL)
	env["FILE_STORAGE_URL"], env["MASTRA_ADMIN_LICENSE_KEY"], env["MASTRA_ADMIN_LICENSE_PUBKEY"] = s3srv.URL("no-such-bucket"), key, pub
	srv := startCLI(t, env, "serve")
	assert.Equal(t, exitFailure, srv.wait(t, time.Minute))
	assert.Contains(t, srv.stderr.String(), "FILE_STORAGE_URL: file storage: bucket s3://no-such-bucket is not reachable")
	resp, err := http.Get("http://" + env["MASTRA_ADMIN_ADDR"] + "/readyz")
	if err == nil {
		_ = resp.Body.Close()
	}
	assert.Error(t, err, "serve did not listen")
}

// TestOpenFileStorageUsesTheBucket: what the admin writes lands in the
// bucket FILE_STORAGE_URL names.
func TestOpenFileStorageUsesTheBucket(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bucketURL := objectstoretest.GCSServer(t).NewBucket(t) + "?prefix=admin/"
	lic := license.License{Tier: license.Team, Features: []string{license.FeatureS3}}
	files, err := openFileStorage(ctx, config.Config{DataDir: t.TempDir(), FileStorageURL: bucketURL}, lic, logrus.NewEntry(logrus.New()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = files.Close() })
	require.NoError(t, files.Write(ctx, "builds/b1/build.log", strings.NewReader("hello\n")))

	whole, err := cloud.Open(ctx, strings.TrimSuffix(bucketURL, "?prefix=admin/"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = whole.Close() })
	got, err := whole.Read(ctx, "admin/builds/b1/build.log")
	require.NoError(t, err)
	assert.Equal(t, "hello\n", string(got))
}
