// Package objectstoretest starts object store servers on loopback ports
// for tests of the cloud file storage: an S3 server (gofakes3,
// in-process) and a fake Google Cloud Storage server (fake-gcs-server,
// in-process). A test package runs them with Main from its TestMain; each
// test then makes a bucket of its own and opens it by URL, as production
// does. Main points the SDKs at them with the process environment: fixed
// AWS keys (no instance metadata look-ups) and STORAGE_EMULATOR_HOST.
package objectstoretest
