// Package benchmarks holds the performance benchmarks of issue targets.
// Each benchmark measures its own baseline in the same run (a raw Postgres
// INSERT of the same shape, or a raw read) and reports the ratio, so the
// figures mean the same on any machine. They are not part of the test
// suite: run them with
//
//	go test -run '^$' -bench . -benchtime 1x -timeout 60m ./internal/benchmarks/
//
// and see docs/BENCHMARKS.md for the figures.
package benchmarks
