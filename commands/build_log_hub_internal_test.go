package commands

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/domain/build"
)

// lineCache is a BuildLogCache of one log in memory, for the reader's
// tests (adapters/buildlog imports this package).
type lineCache struct {
	mu      sync.Mutex
	lines   []string
	changed chan struct{}
}

func newLineCache() *lineCache { return &lineCache{changed: make(chan struct{})} }

func (c *lineCache) Append(_ context.Context, _ uuid.UUID, first int, lines []string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lines = append(c.lines[:first], lines...)
	close(c.changed)
	c.changed = make(chan struct{})
	return nil
}

func (c *lineCache) Complete(context.Context, uuid.UUID, time.Duration) error { return nil }

func (c *lineCache) Read(ctx context.Context, _ uuid.UUID, from int, wait time.Duration) (LogChunk, error) {
	c.mu.Lock()
	lines, changed := append([]string(nil), c.lines[min(from, len(c.lines)):]...), c.changed
	c.mu.Unlock()
	if len(lines) > 0 {
		return LogChunk{Lines: lines}, nil
	}
	select {
	case <-ctx.Done():
		return LogChunk{}, ctx.Err()
	case <-changed:
		return c.Read(ctx, uuid.Nil, from, 0)
	case <-time.After(wait):
		return LogChunk{}, nil
	}
}

// heldStatus is a read model whose BuildStatus answers only when the
// test passes it a status.
type heldStatus struct {
	ReadModel
	asked  chan struct{} // a read has begun
	answer chan build.Status
}

func (h heldStatus) BuildStatus(ctx context.Context, _ uuid.UUID) (build.Status, error) {
	select {
	case h.asked <- struct{}{}:
	default:
	}
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case s := <-h.answer:
		return s, nil
	}
}

// waitLines waits until f has n lines and returns them and whether the
// log has ended.
func waitLines(t *testing.T, f *logFollow, n int) ([]string, bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		lines, ended, changed := f.since(0)
		if len(lines) >= n {
			return lines, ended
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("the follow has %q, not %d lines", lines, n)
		}
	}
}

// TestAFollowedLogGetsLinesWhileTheStatusIsRead: a read of the build's
// status that does not answer holds no line back; the status it then
// gives ends the log.
func TestAFollowedLogGetsLinesWhileTheStatusIsRead(t *testing.T) {
	t.Parallel()
	cache := newLineCache()
	reads := heldStatus{asked: make(chan struct{}, 1), answer: make(chan build.Status)}
	a := &Admin{cfg: Config{LogCache: cache, Reads: reads}, logs: logHub{follows: map[uuid.UUID]*logFollow{}}}
	id := uuid.New()
	f := a.joinLog(id)
	defer a.leaveLog(id, f)
	ctx := context.Background()

	require.NoError(t, cache.Append(ctx, id, 0, []string{"one"}))
	waitLines(t, f, 1)
	select {
	case <-reads.asked:
	case <-time.After(10 * time.Second):
		t.Fatal("the build's status was never read")
	}
	require.NoError(t, cache.Append(ctx, id, 1, []string{"two", "three"}))
	lines, ended := waitLines(t, f, 3) // the status read has not answered
	assert.Equal(t, []string{"one", "two", "three"}, lines)
	assert.False(t, ended)

	reads.answer <- build.StatusBuilding
	require.NoError(t, cache.Append(ctx, id, 3, []string{"four"}))
	waitLines(t, f, 4)
	reads.answer <- build.StatusSucceeded
	deadline := time.After(10 * time.Second)
	for {
		lines, ended, changed := f.since(0)
		if ended {
			assert.Equal(t, []string{"one", "two", "three", "four"}, lines)
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatal("the log did not end with the build")
		}
	}
}
