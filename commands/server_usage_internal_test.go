package commands

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type fakeSampler map[int]struct {
	rss int64
	cpu time.Duration
}

func (f fakeSampler) Sample(p ServerProcess) (int64, time.Duration, error) {
	s, ok := f[p.PID]
	if !ok {
		return 0, 0, errors.New("gone")
	}
	return s.rss, s.cpu, nil
}

type usageLog map[uuid.UUID][2]float64

func (u usageLog) Record(_ context.Context, id uuid.UUID, rss int64, pct float64, _ time.Time) error {
	u[id] = [2]float64{float64(rss), pct}
	return nil
}

func TestUsageSamplerRecordsRSSAndTheCPUShareSinceTheLastSample(t *testing.T) {
	t.Parallel()
	a, gone := ServerProcess{ServerID: uuid.New(), PID: 10}, ServerProcess{ServerID: uuid.New(), PID: 11}
	s := fakeSampler{10: {rss: 50 << 20, cpu: time.Second}}
	rec := usageLog{}
	var u usageSampler
	u.track(a, true)
	u.track(gone, true)
	clock := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	require.NoError(t, u.sampleOnce(context.Background(), s, rec, now))
	assert.Equal(t, [2]float64{50 << 20, 0}, rec[a.ServerID], "no share before a second sample")
	assert.NotContains(t, rec, gone.ServerID, "a process gone is not sampled")

	clock = clock.Add(10 * time.Second)
	s[10] = struct {
		rss int64
		cpu time.Duration
	}{rss: 60 << 20, cpu: 6 * time.Second}
	require.NoError(t, u.sampleOnce(context.Background(), s, rec, now))
	assert.Equal(t, [2]float64{60 << 20, 50}, rec[a.ServerID], "5 s of CPU in 10 s is half a core")

	u.track(a, false)
	delete(rec, a.ServerID)
	require.NoError(t, u.sampleOnce(context.Background(), s, rec, now))
	assert.Empty(t, rec, "an untracked server is not sampled")
}
