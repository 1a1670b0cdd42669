// Package objectstoretest starts object store servers on loopback ports
// for tests of the cloud file storage: S3 servers (gofakes3 in-process
// always; with MainWithSeaweedFS also SeaweedFS's S3 gateway, `weed
// server` as a child process, when MASTRA_ADMIN_WEED names its binary, as
// scripts/test.sh arranges) and a fake Google Cloud Storage server
// (fake-gcs-server, in-process). A test package runs them with Main or
// MainWithSeaweedFS from its TestMain; each test then makes a bucket of its
// own and opens it by URL, as production does. They point the SDKs at the
// servers with the process environment: fixed AWS keys (no instance
// metadata look-ups) and STORAGE_EMULATOR_HOST.
package objectstoretest
