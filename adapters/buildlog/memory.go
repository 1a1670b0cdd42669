package buildlog

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/commands"
)

// Memory implements commands.BuildLogCache in this process's memory: the
// followers of another replica, or of this one after a restart, see
// nothing of it. A log is dropped TTL after it is completed; a log never
// completed stays until the process ends.
type Memory struct {
	mu      sync.Mutex
	logs    map[uuid.UUID]*memLog
	changed chan struct{} // closed and replaced at every change of any log
}

type memLog struct {
	lines    []string
	complete bool
	drop     *time.Timer
}

var _ commands.BuildLogCache = (*Memory)(nil)

// NewMemory returns an empty cache.
func NewMemory() *Memory {
	return &Memory{logs: map[uuid.UUID]*memLog{}, changed: make(chan struct{})}
}

// broadcast wakes the waiting readers; m.mu is held.
func (m *Memory) broadcast() {
	close(m.changed)
	m.changed = make(chan struct{})
}

// Append implements commands.BuildLogCache.
func (m *Memory) Append(ctx context.Context, id uuid.UUID, first int, lines []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if first < 0 {
		return fmt.Errorf("build log %s: first line %d is negative", id, first)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.logs[id]
	if l == nil {
		l = &memLog{}
		m.logs[id] = l
	}
	switch {
	case l.complete:
		return fmt.Errorf("append to %s: %w", id, commands.ErrLogComplete)
	case first > len(l.lines):
		return fmt.Errorf("append line %d to %s of %d lines: %w", first, id, len(l.lines), commands.ErrLogGap)
	}
	if skip := len(l.lines) - first; skip < len(lines) {
		l.lines = append(l.lines, lines[skip:]...)
		m.broadcast()
	}
	return nil
}

// Complete implements commands.BuildLogCache.
func (m *Memory) Complete(ctx context.Context, id uuid.UUID, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.logs[id]
	if l == nil {
		l = &memLog{}
		m.logs[id] = l
	}
	l.complete = true
	if l.drop != nil {
		l.drop.Stop()
	}
	l.drop = time.AfterFunc(ttl, func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.logs[id] == l {
			delete(m.logs, id)
		}
	})
	m.broadcast()
	return nil
}

// Read implements commands.BuildLogCache.
func (m *Memory) Read(ctx context.Context, id uuid.UUID, from int, wait time.Duration) (commands.LogChunk, error) {
	if from < 0 {
		return commands.LogChunk{}, fmt.Errorf("build log %s: line %d is negative", id, from)
	}
	var timeout <-chan time.Time
	for {
		if err := ctx.Err(); err != nil {
			return commands.LogChunk{}, err
		}
		m.mu.Lock()
		var c commands.LogChunk
		if l := m.logs[id]; l != nil {
			if from < len(l.lines) {
				c.Lines = append([]string(nil), l.lines[from:min(len(l.lines), from+commands.MaxLogChunk)]...)
			}
			c.Complete = l.complete && from+len(c.Lines) >= len(l.lines)
		}
		changed := m.changed
		m.mu.Unlock()
		if len(c.Lines) > 0 || c.Complete || wait <= 0 {
			return c, nil
		}
		if timeout == nil {
			t := time.NewTimer(wait)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-ctx.Done():
			return commands.LogChunk{}, ctx.Err()
		case <-timeout:
			return c, nil
		case <-changed:
		}
	}
}
