package buildlogtest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/commands"
)

// Run runs the suite; newCache returns a cache of the test's own (tests
// run in parallel).
func Run(t *testing.T, newCache func(t *testing.T) commands.BuildLogCache) {
	tests := map[string]func(*testing.T, commands.BuildLogCache){
		"AppendRead":        testAppendRead,
		"RetriedAppend":     testRetriedAppend,
		"Complete":          testComplete,
		"ReadWaitsForLines": testWait,
		"ReadWaitEnds":      testWaitEnds,
		"Chunks":            testChunks,
		"LinesKeepContent":  testContent,
		"CompletedExpire":   testExpire,
		"BadArguments":      testBadArguments,
	}
	for name, test := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			test(t, newCache(t))
		})
	}
}

func lines(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("line %d", i))
	}
	return out
}

func read(t *testing.T, c commands.BuildLogCache, id uuid.UUID, from int) commands.LogChunk {
	t.Helper()
	got, err := c.Read(context.Background(), id, from, 0)
	require.NoError(t, err)
	return got
}

func testAppendRead(t *testing.T, c commands.BuildLogCache) {
	ctx := context.Background()
	id, other := uuid.New(), uuid.New()
	assert.Equal(t, commands.LogChunk{}, read(t, c, id, 0), "an unknown log has no lines")
	require.NoError(t, c.Append(ctx, id, 0, lines(0, 3)))
	require.NoError(t, c.Append(ctx, id, 3, lines(3, 5)))
	require.NoError(t, c.Append(ctx, other, 0, []string{"other"}))
	assert.Equal(t, commands.LogChunk{Lines: lines(0, 5)}, read(t, c, id, 0))
	assert.Equal(t, commands.LogChunk{Lines: lines(3, 5)}, read(t, c, id, 3))
	assert.Empty(t, read(t, c, id, 5).Lines)
	assert.Empty(t, read(t, c, id, 50).Lines)
	assert.Equal(t, []string{"other"}, read(t, c, other, 0).Lines, "logs are kept apart")
}

func testRetriedAppend(t *testing.T, c commands.BuildLogCache) {
	ctx := context.Background()
	id := uuid.New()
	require.NoError(t, c.Append(ctx, id, 0, lines(0, 3)))
	require.NoError(t, c.Append(ctx, id, 1, lines(1, 6)), "lines already there are skipped")
	require.NoError(t, c.Append(ctx, id, 0, lines(0, 2)), "an append of lines all there adds nothing")
	assert.Equal(t, lines(0, 6), read(t, c, id, 0).Lines)
	err := c.Append(ctx, id, 8, lines(8, 9))
	assert.ErrorIs(t, err, commands.ErrLogGap)
	assert.Equal(t, lines(0, 6), read(t, c, id, 0).Lines, "a gap adds nothing")
}

func testComplete(t *testing.T, c commands.BuildLogCache) {
	ctx := context.Background()
	id := uuid.New()
	require.NoError(t, c.Append(ctx, id, 0, lines(0, 2)))
	assert.False(t, read(t, c, id, 0).Complete)
	require.NoError(t, c.Complete(ctx, id, time.Hour))
	assert.Equal(t, commands.LogChunk{Lines: lines(0, 2), Complete: true}, read(t, c, id, 0))
	assert.Equal(t, commands.LogChunk{Complete: true}, read(t, c, id, 2))
	assert.ErrorIs(t, c.Append(ctx, id, 2, []string{"late"}), commands.ErrLogComplete)
	require.NoError(t, c.Complete(ctx, id, time.Hour), "completing twice is fine")
	assert.Equal(t, lines(0, 2), read(t, c, id, 0).Lines)

	// A complete log is not waited for.
	got, err := c.Read(ctx, id, 2, time.Hour)
	require.NoError(t, err)
	assert.Equal(t, commands.LogChunk{Complete: true}, got)

	empty := uuid.New()
	require.NoError(t, c.Complete(ctx, empty, time.Hour))
	assert.Equal(t, commands.LogChunk{Complete: true}, read(t, c, empty, 0), "a log may complete with no line")
}

func testWait(t *testing.T, c commands.BuildLogCache) {
	ctx := context.Background()
	id := uuid.New()
	require.NoError(t, c.Append(ctx, id, 0, lines(0, 1)))
	got := make(chan commands.LogChunk, 1)
	go func() {
		chunk, err := c.Read(ctx, id, 1, time.Minute)
		assert.NoError(t, err)
		got <- chunk
	}()
	time.Sleep(50 * time.Millisecond) // let the reader wait (it finds the line either way)
	require.NoError(t, c.Append(ctx, id, 1, lines(1, 2)))
	assert.Equal(t, lines(1, 2), (<-got).Lines)

	done := make(chan commands.LogChunk, 1)
	go func() {
		chunk, err := c.Read(ctx, id, 2, time.Minute)
		assert.NoError(t, err)
		done <- chunk
	}()
	time.Sleep(50 * time.Millisecond)
	require.NoError(t, c.Complete(ctx, id, time.Hour))
	assert.Equal(t, commands.LogChunk{Complete: true}, <-done, "completing wakes a waiting reader")
}

func testWaitEnds(t *testing.T, c commands.BuildLogCache) {
	id := uuid.New()
	got, err := c.Read(context.Background(), id, 0, 20*time.Millisecond)
	require.NoError(t, err)
	assert.Equal(t, commands.LogChunk{}, got, "a wait with nothing written ends empty")

	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err = c.Read(ctx, id, 0, time.Minute)
	assert.Error(t, err, "a reader whose context ends stops waiting")
}

func testChunks(t *testing.T, c commands.BuildLogCache) {
	ctx := context.Background()
	id := uuid.New()
	all := lines(0, 2*commands.MaxLogChunk+500)
	require.NoError(t, c.Append(ctx, id, 0, all))
	require.NoError(t, c.Complete(ctx, id, time.Hour))
	var got []string
	for {
		chunk := read(t, c, id, len(got))
		require.LessOrEqual(t, len(chunk.Lines), commands.MaxLogChunk)
		got = append(got, chunk.Lines...)
		require.Equal(t, len(got) == len(all), chunk.Complete, "only the last chunk reaches the end of the complete log")
		if chunk.Complete {
			break
		}
	}
	assert.Equal(t, all, got)
}

func testContent(t *testing.T, c commands.BuildLogCache) {
	ctx := context.Background()
	id := uuid.New()
	odd := []string{"", "  indented\ttab", "ünïcødé ✓", "end", strings.Repeat("x", 64<<10), "\x1b[31mred\x1b[0m", "-", "0-1"}
	require.NoError(t, c.Append(ctx, id, 0, odd))
	assert.Equal(t, odd, read(t, c, id, 0).Lines)
}

func testExpire(t *testing.T, c commands.BuildLogCache) {
	ctx := context.Background()
	id := uuid.New()
	require.NoError(t, c.Append(ctx, id, 0, lines(0, 2)))
	require.NoError(t, c.Complete(ctx, id, 50*time.Millisecond))
	assert.Eventually(t, func() bool {
		got, err := c.Read(ctx, id, 0, 0)
		return err == nil && len(got.Lines) == 0 && !got.Complete
	}, 10*time.Second, 20*time.Millisecond, "a completed log is dropped after its TTL")
}

func testBadArguments(t *testing.T, c commands.BuildLogCache) {
	ctx := context.Background()
	id := uuid.New()
	assert.Error(t, c.Append(ctx, id, -1, []string{"x"}))
	_, err := c.Read(ctx, id, -1, 0)
	assert.Error(t, err)
	require.NoError(t, c.Append(ctx, id, 0, nil), "appending nothing is fine")
	assert.Empty(t, read(t, c, id, 0).Lines)
}
