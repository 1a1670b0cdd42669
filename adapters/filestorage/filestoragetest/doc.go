// Package filestoragetest is the acceptance suite of commands.FileStorage:
// every adapter (the local directory; S3 and GCS buckets, each against a
// real server) runs the same tests with Run.
package filestoragetest
