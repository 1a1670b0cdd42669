package commands

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestAWokenWorkerLooksAtOnceAfterAQuietSpell: a wake-up waits only for
// what is left of minGap since the last look.
func TestAWokenWorkerLooksAtOnceAfterAQuietSpell(t *testing.T) {
	t.Parallel()
	assert.Equal(t, time.Duration(0), wakeDelay(time.Second), "quiet for a second: look now")
	assert.Equal(t, time.Duration(0), wakeDelay(minGap))
	assert.Equal(t, minGap, wakeDelay(0), "just looked: wait the whole gap")
	assert.Equal(t, minGap-10*time.Millisecond, wakeDelay(10*time.Millisecond))
}
