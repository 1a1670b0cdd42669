package local_test

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mastra-admin/mastra-admin/adapters/router/local"
)

func TestTuneGCSetsGOGCUnlessTheEnvironmentDoes(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })

	t.Setenv("GOGC", "150")
	assert.False(t, local.TuneGC())
	assert.Equal(t, 100, debug.SetGCPercent(100), "GOGC from the environment is kept")

	t.Setenv("GOGC", "")
	assert.True(t, local.TuneGC())
	assert.Equal(t, local.GCPercent, debug.SetGCPercent(100))
}
