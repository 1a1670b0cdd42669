package local

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// procInfo is what /proc/<pid>/stat says about a process.
type procInfo struct {
	state     byte   // R, S, D, Z, X, …
	pgrp, sid int    // process group and session
	startTime uint64 // field 22: clock ticks after boot
}

// errNoProcess: /proc has no such process.
var errNoProcess = errors.New("no such process")

// readProc parses /proc/<pid>/stat. The command name (field 2) may hold
// spaces and parentheses, so the fields are counted after its last ')'.
func readProc(pid int) (procInfo, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
		return procInfo{}, errNoProcess
	}
	if err != nil {
		return procInfo{}, fmt.Errorf("read /proc/%d/stat: %w", pid, err)
	}
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return procInfo{}, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(b[i+1:])) // f[0] is field 3
	if len(f) < 20 {
		return procInfo{}, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f)+2)
	}
	var p procInfo
	p.state = f[0][0]
	if p.pgrp, err = strconv.Atoi(f[2]); err == nil {
		if p.sid, err = strconv.Atoi(f[3]); err == nil {
			p.startTime, err = strconv.ParseUint(f[19], 10, 64)
		}
	}
	if err != nil {
		return procInfo{}, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return p, nil
}

// running reports whether p is a live (not zombie) process.
func (p procInfo) running() bool { return p.state != 'Z' && p.state != 'X' && p.state != 'x' }

// sessionMembers lists the live processes of session sid.
func sessionMembers(sid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if p, err := readProc(pid); err == nil && p.sid == sid && p.running() {
			pids = append(pids, pid)
		}
	}
	return pids
}

// listeningInodes returns the socket inodes listening on port (TCP, IPv4
// and IPv6, any address).
func listeningInodes(port int) map[string]bool {
	if inodes, err := listeningSockets(port); err == nil {
		return inodes
	}
	return listeningInodesProc(port)
}

// listeningInodesProc is listeningInodes from /proc/net/tcp and tcp6,
// where sock_diag is not allowed.
func listeningInodesProc(port int) map[string]bool {
	inodes := map[string]bool{}
	want := fmt.Sprintf(":%04X", port)
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(file)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
			fields := strings.Fields(sc.Text())
			if len(fields) < 10 || fields[3] != "0A" || !strings.HasSuffix(fields[1], want) {
				continue
			}
			inodes[fields[9]] = true
		}
		f.Close()
	}
	return inodes
}

// sessionListensOn reports whether a process of session sid holds a
// socket listening on port. known is false when it cannot tell (the
// file descriptors of those processes are not readable).
func sessionListensOn(sid, port int) (listens, known bool) {
	inodes := listeningInodes(port)
	if len(inodes) == 0 {
		return false, true
	}
	known = true
	for _, pid := range sessionMembers(sid) {
		dir := filepath.Join("/proc", strconv.Itoa(pid), "fd")
		fds, err := os.ReadDir(dir)
		if err != nil {
			// A member that exited meanwhile (a server failing with
			// EADDRINUSE) listens on nothing; one we may not look into
			// leaves the answer unknown.
			if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ESRCH) {
				known = false
			}
			continue
		}
		for _, fd := range fds {
			link, err := os.Readlink(filepath.Join(dir, fd.Name()))
			if err == nil && strings.HasPrefix(link, "socket:[") && inodes[strings.TrimSuffix(link[8:], "]")] {
				return true, true
			}
		}
	}
	return false, known
}
