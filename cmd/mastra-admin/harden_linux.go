package main

import "syscall"

// harden makes this process non-dumpable: other processes of the same
// user (build scripts of the projects it builds) can then no longer read
// its environment or memory through /proc (only a process with
// CAP_SYS_PTRACE can).
func harden() error {
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_DUMPABLE, 0, 0); errno != 0 {
		return errno
	}
	return nil
}
