package main

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWorkerNameIsKeptAndLocked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	id, err := workerID(dir)
	require.NoError(t, err)
	again, err := workerID(dir)
	require.NoError(t, err)
	assert.Equal(t, id, again, "a restart keeps the name")

	require.True(t, lockWorker(dir))
	runtime.GC() // the lock must outlive the file's finalizer
	runtime.GC()
	assert.False(t, lockWorker(dir), "a second process under the same data directory does not get the name")
}
