package commands

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"
)

// ServerUsage keeps the last resource sample of each server.
type ServerUsage interface {
	Record(ctx context.Context, serverID uuid.UUID, rssBytes int64, cpuPercent float64, at time.Time) error
}

// ProcessSampler reads a running server's resident memory and the CPU
// time it has used (the runner adapter, from /proc).
type ProcessSampler interface {
	Sample(p ServerProcess) (rssBytes int64, cpu time.Duration, err error)
}

// usageSampler samples the servers a runner watches every interval and
// records their RSS and CPU share since the previous sample.
type usageSampler struct {
	mu      sync.Mutex
	watched map[uuid.UUID]ServerProcess
	last    map[uuid.UUID]cpuMark
	once    sync.Once
}

type cpuMark struct {
	cpu time.Duration
	at  time.Time
}

// track adds or removes a watched server.
func (u *usageSampler) track(p ServerProcess, on bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.watched == nil {
		u.watched, u.last = map[uuid.UUID]ServerProcess{}, map[uuid.UUID]cpuMark{}
	}
	if on {
		u.watched[p.ServerID] = p
	} else {
		delete(u.watched, p.ServerID)
		delete(u.last, p.ServerID)
	}
}

// sampleOnce records one sample of every watched server.
func (u *usageSampler) sampleOnce(ctx context.Context, s ProcessSampler, rec ServerUsage, now func() time.Time) error {
	u.mu.Lock()
	procs := make([]ServerProcess, 0, len(u.watched))
	for _, p := range u.watched {
		procs = append(procs, p)
	}
	u.mu.Unlock()
	for _, p := range procs {
		rss, cpu, err := s.Sample(p)
		if err != nil {
			continue // gone: its watch records it
		}
		at := now()
		u.mu.Lock()
		prev, ok := u.last[p.ServerID]
		u.last[p.ServerID] = cpuMark{cpu: cpu, at: at}
		u.mu.Unlock()
		pct := 0.0
		if ok && at.After(prev.at) {
			pct = 100 * float64(cpu-prev.cpu) / float64(at.Sub(prev.at))
		}
		if err := rec.Record(ctx, p.ServerID, rss, pct, at); err != nil {
			return err
		}
	}
	return nil
}
