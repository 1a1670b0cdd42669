package localservers

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mastra-admin/mastra-admin/commands"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times (100
// on every Linux this runs on).
const clockTicks = 100

// Sample implements commands.ProcessSampler from /proc: VmRSS of
// /proc/<pid>/status, and utime+stime of /proc/<pid>/stat. A PID whose
// start time differs is another process: an error.
func (s Servers) Sample(p commands.ServerProcess) (int64, time.Duration, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.PID))
	if err != nil {
		return 0, 0, fmt.Errorf("sample %d: %w", p.PID, err)
	}
	// Fields after the command name, which may hold spaces, in parentheses.
	end := bytes.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, 0, fmt.Errorf("sample %d: unreadable stat", p.PID)
	}
	f := strings.Fields(string(stat[end+1:]))
	if len(f) < 20 { // field 22 (start time) is f[19]
		return 0, 0, fmt.Errorf("sample %d: short stat", p.PID)
	}
	start, _ := strconv.ParseUint(f[19], 10, 64)
	if start != p.StartTime {
		return 0, 0, fmt.Errorf("sample %d: another process has the pid now", p.PID)
	}
	utime, _ := strconv.ParseUint(f[11], 10, 64) // field 14
	stime, _ := strconv.ParseUint(f[12], 10, 64) // field 15
	cpu := time.Duration(utime+stime) * time.Second / clockTicks
	status, err := os.Open(fmt.Sprintf("/proc/%d/status", p.PID))
	if err != nil {
		return 0, 0, fmt.Errorf("sample %d: %w", p.PID, err)
	}
	defer status.Close()
	var rss int64
	sc := bufio.NewScanner(status)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			rss = kb * 1024
		}
	}
	return rss, cpu, nil
}
