package main

import (
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHardenMakesTheProcessNonDumpable(t *testing.T) {
	require.NoError(t, harden())
	dumpable, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_GET_DUMPABLE, 0, 0)
	require.Zero(t, errno)
	require.Zero(t, dumpable)
}
