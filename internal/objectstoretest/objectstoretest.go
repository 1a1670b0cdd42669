package objectstoretest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

// Region is the region the test S3 URLs name.
const Region = "us-east-1"

// S3 is a running S3-compatible server.
type S3 struct {
	// Name says which server it is: "gofakes3" or "seaweedfs".
	Name string
	// Endpoint is its base URL, http://127.0.0.1:<port>.
	Endpoint string
	client   *s3.Client
	stop     func()
}

// GCS is the running fake Google Cloud Storage server.
type GCS struct {
	// Host is its host:port, the value of STORAGE_EMULATOR_HOST.
	Host   string
	create func(bucket string)
	stop   func()
}

var (
	s3Servers []*S3
	gcsServer *GCS
	started   bool
)

// Main starts gofakes3 and fake-gcs-server, points the SDKs at them, runs
// the tests and stops the servers; a TestMain returns its result to
// os.Exit.
func Main(m *testing.M) int { return run(m, false) }

// MainWithSeaweedFS is Main with SeaweedFS's S3 gateway as a second S3
// server when MASTRA_ADMIN_WEED names a weed binary (scripts/test.sh
// builds one). Under CI a missing binary fails the run.
func MainWithSeaweedFS(m *testing.M) int { return run(m, true) }

func run(m *testing.M, seaweed bool) int {
	if err := start(seaweed); err != nil {
		fmt.Fprintln(os.Stderr, "objectstoretest:", err)
		stopAll()
		return 1
	}
	defer stopAll()
	return m.Run()
}

func start(seaweed bool) error {
	home, err := os.MkdirTemp("", "objectstoretest-")
	if err != nil {
		return err
	}
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           "test-access-key",
		"AWS_SECRET_ACCESS_KEY":       "test-secret-key",
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_CONFIG_FILE":             filepath.Join(home, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "aws-credentials"),
	} {
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	_ = os.Unsetenv("AWS_PROFILE")
	_ = os.Unsetenv("AWS_SESSION_TOKEN")
	started = true

	fake, err := startGofakes3()
	if err != nil {
		return fmt.Errorf("gofakes3: %w", err)
	}
	s3Servers = append(s3Servers, fake)
	if weed := os.Getenv("MASTRA_ADMIN_WEED"); seaweed && weed != "" {
		sw, err := startSeaweedFS(weed, home)
		if err != nil {
			return fmt.Errorf("seaweedfs (%s): %w", weed, err)
		}
		s3Servers = append(s3Servers, sw)
	} else if seaweed && os.Getenv("CI") != "" {
		return errors.New("MASTRA_ADMIN_WEED is unset: scripts/test.sh builds SeaweedFS and sets it")
	} else if seaweed {
		fmt.Fprintln(os.Stderr, "objectstoretest: MASTRA_ADMIN_WEED is unset, so the S3 tests run against gofakes3 only (scripts/test.sh builds SeaweedFS)")
	}
	g, err := startFakeGCS()
	if err != nil {
		return fmt.Errorf("fake-gcs-server: %w", err)
	}
	gcsServer = g
	return os.Setenv("STORAGE_EMULATOR_HOST", g.Host)
}

func stopAll() {
	for _, s := range s3Servers {
		s.stop()
	}
	if gcsServer != nil {
		gcsServer.stop()
	}
}

// S3Servers returns the running S3 servers (gofakes3 first).
func S3Servers(t testing.TB) []*S3 {
	t.Helper()
	if !started {
		t.Fatal("objectstoretest: the package's TestMain must call objectstoretest.Main")
	}
	return s3Servers
}

// GCSServer returns the running fake GCS server.
func GCSServer(t testing.TB) *GCS {
	t.Helper()
	if !started {
		t.Fatal("objectstoretest: the package's TestMain must call objectstoretest.Main")
	}
	return gcsServer
}

// BucketName returns a new bucket name valid on S3 and GCS.
func BucketName() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "t-" + hex.EncodeToString(b[:])
}

// URL returns the s3:// URL of bucket on s, as FILE_STORAGE_URL names it.
func (s *S3) URL(bucket string) string {
	q := url.Values{"endpoint": {s.Endpoint}, "region": {Region}, "use_path_style": {"true"}}
	return "s3://" + bucket + "?" + q.Encode()
}

// probe creates and deletes a bucket.
func (s *S3) probe(ctx context.Context) error {
	name := BucketName()
	if _, err := s.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		return err
	}
	_, err := s.client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(name)})
	return err
}

// NewBucket creates an empty bucket on s and returns its URL.
func (s *S3) NewBucket(t testing.TB) string {
	t.Helper()
	name := BucketName()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := s.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
	require.NoError(t, err, "create bucket %s on %s", name, s.Name)
	return s.URL(name)
}

// NewBucket creates an empty bucket on g and returns its gs:// URL.
func (g *GCS) NewBucket(t testing.TB) string {
	t.Helper()
	name := BucketName()
	g.create(name)
	return "gs://" + name
}

// newS3Client returns a path-style client of the S3 server at endpoint.
func newS3Client(endpoint string) *s3.Client {
	return s3.New(s3.Options{
		Region:       Region,
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "test-access-key", SecretAccessKey: "test-secret-key"}, nil
		}),
	})
}

// listen opens a TCP listener on a free loopback port.
func listen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// serve serves h on l until stop is called.
func serve(l net.Listener, h http.Handler) (stop func()) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return func() { _ = srv.Close() }
}

// PutRaw stores content under key in the bucket of bucketURL directly,
// bypassing the file storage (for keys it would refuse to write).
func (s *S3) PutRaw(t testing.TB, bucketURL, key, content string) {
	t.Helper()
	u, err := url.Parse(bucketURL)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = s.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(u.Host), Key: aws.String(key), Body: strings.NewReader(content)})
	require.NoError(t, err, "put %s on %s", key, s.Name)
}
