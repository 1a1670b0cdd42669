// Package redistest gives tests the machine's Redis (REDIS_URL, default
// redis://127.0.0.1:6379/0) and a key prefix of their own, so that tests
// sharing the server run in parallel; the prefix's keys are deleted when
// the test ends.
package redistest
