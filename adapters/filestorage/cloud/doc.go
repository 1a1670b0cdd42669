// Package cloud implements commands.FileStorage over an object store
// bucket through gocloud.dev/blob: Amazon S3 and S3-compatible stores
// (MinIO, Cloudflare R2, Ceph RGW, SeaweedFS) with s3blob, and Google Cloud
// Storage with gcsblob. Open takes the bucket's URL (s3://bucket?…,
// gs://bucket?…); credentials come from each SDK's usual sources (the
// AWS_* variables, shared config files and instance roles; Application
// Default Credentials for GCS), never from the URL.
//
// A write is one upload that the store makes visible whole when it
// completes (a PUT, or a completed multipart upload), so readers see the
// old object or the whole new one; a failed or cancelled write is aborted
// and leaves the old object. A move is a server-side copy then a delete of
// the source: a crash in between leaves both copies, never neither. Paths
// are checked by commands.CheckStoragePath, the same rule as the local
// storage's; object stores have no symbolic links, so no other escape
// exists. Keys that are not valid paths (folder markers ending in "/" that
// consoles create) are left out of List.
package cloud
