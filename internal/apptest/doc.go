// Package apptest starts a wired, running App on a fresh Postgres schema for
// end-to-end tests, and stops it when the test ends.
package apptest
