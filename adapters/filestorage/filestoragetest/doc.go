// Package filestoragetest is the acceptance suite of commands.FileStorage:
// every adapter (the local directory now, S3-compatible storage later)
// runs the same tests with Run.
package filestoragetest
