package local

import (
	"os"
	"runtime/debug"
)

// GCPercent is the garbage collector's target (GOGC) for a process that
// runs the proxy: its live heap is small and most of what it allocates
// dies with the request, so collecting less often buys throughput for a
// few MB of heap (docs/BENCHMARKS.md).
const GCPercent = 400

// TuneGC sets the process's GOGC to GCPercent unless the GOGC
// environment variable sets it; it reports whether it did.
func TuneGC() bool {
	if os.Getenv("GOGC") != "" {
		return false
	}
	debug.SetGCPercent(GCPercent)
	return true
}
