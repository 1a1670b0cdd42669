// Package buildlogtest is the acceptance suite of commands.BuildLogCache:
// the in-memory and the Redis caches run the same tests with Run.
package buildlogtest
