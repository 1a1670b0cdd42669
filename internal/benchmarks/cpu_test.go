package benchmarks

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuClock reads the CPU time (user and system) of this process and of
// the local clickhouse-server, to tell where a benchmark's time goes.
type cpuClock struct {
	server string // /proc/<pid>/stat of clickhouse-server, "" when not local
}

func newCPUClock() cpuClock {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		if comm, err := os.ReadFile(filepath.Join(d, "comm")); err == nil && strings.HasPrefix(string(comm), "clickhouse-serv") {
			return cpuClock{server: filepath.Join(d, "stat")}
		}
	}
	return cpuClock{}
}

// cpuTimes is CPU time spent so far.
type cpuTimes struct{ self, server time.Duration }

func (c cpuClock) now() cpuTimes {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	t := cpuTimes{self: time.Duration(ru.Utime.Nano() + ru.Stime.Nano())}
	if c.server != "" {
		if b, err := os.ReadFile(c.server); err == nil {
			// Fields after the command's closing parenthesis; utime and
			// stime are the 12th and 13th of them, in clock ticks (100/s).
			f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
			if len(f) > 12 {
				u, _ := strconv.ParseInt(f[11], 10, 64)
				s, _ := strconv.ParseInt(f[12], 10, 64)
				t.server = time.Duration(u+s) * 10 * time.Millisecond
			}
		}
	}
	return t
}

func (t cpuTimes) sub(u cpuTimes) cpuTimes {
	return cpuTimes{self: t.self - u.self, server: t.server - u.server}
}

func (t cpuTimes) add(u cpuTimes) cpuTimes {
	return cpuTimes{self: t.self + u.self, server: t.server + u.server}
}
