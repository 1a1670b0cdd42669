package commands_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/clickhouse"
	"github.com/mastra-admin/mastra-admin/adapters/filestorage/local"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/internal/chtest"
)

// lineParser is a test double of the JSONL parser: each line is
// {"trace":…,"span":…,"us":…} (spans) or {"us":…,"msg":…} (logs); a line
// that is no such JSON object is malformed.
type lineParser struct{}

type testLine struct {
	Trace string `json:"trace"`
	Span  string `json:"span"`
	US    uint64 `json:"us"`
	Msg   string `json:"msg"`
}

func eachLine(r io.Reader, fn func(n uint32, l testLine), bad func(m commands.Malformed)) error {
	sc := bufio.NewScanner(r)
	var n uint32
	for sc.Scan() {
		n++
		var l testLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil || l.US == 0 {
			bad(commands.Malformed{Line: n, Reason: fmt.Sprintf("not a test line: %v", err), Text: sc.Text()})
			continue
		}
		fn(n, l)
	}
	return sc.Err()
}

func (lineParser) ParseSpans(r io.Reader, m commands.ParseMeta) (out []commands.SpanRow, bad []commands.Malformed, err error) {
	err = eachLine(r, func(n uint32, l testLine) {
		out = append(out, commands.SpanRow{ProjectID: m.ProjectID, DeploymentID: m.DeploymentID, TraceID: l.Trace, SpanID: l.Span,
			StartUS: l.US, EndUS: l.US + 5, DurationUS: 5, Status: commands.SpanOK, File: m.File, Line: n})
	}, func(x commands.Malformed) { bad = append(bad, x) })
	return out, bad, err
}

func (lineParser) ParseLogs(r io.Reader, m commands.ParseMeta) (out []commands.LogRow, bad []commands.Malformed, err error) {
	err = eachLine(r, func(n uint32, l testLine) {
		out = append(out, commands.LogRow{ProjectID: m.ProjectID, DeploymentID: m.DeploymentID, TimeUS: l.US, Level: "info",
			Message: l.Msg, File: m.File, Line: n})
	}, func(x commands.Malformed) { bad = append(bad, x) })
	return out, bad, err
}

// corpus writes files to storage and counts what they hold.
type corpus struct {
	spans, logs, malformed, files int
	projects                      []uuid.UUID
	seq                           int
}

func newCorpus() *corpus {
	return &corpus{projects: []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}}
}

// write stores n files alternating spans and logs, each of lines lines;
// every seventh file has two malformed lines.
func (c *corpus) write(t *testing.T, fs commands.FileStorage, n, lines int) {
	t.Helper()
	base := time.Date(2026, 11, 30, 23, 59, 55, 0, time.UTC) // the files straddle two months
	for i := 0; i < n; i++ {
		c.seq++
		kind := commands.KindSpans
		if c.seq%2 == 0 {
			kind = commands.KindLogs
		}
		p := c.projects[c.seq%len(c.projects)]
		var b strings.Builder
		for j := 0; j < lines; j++ {
			us := base.Add(time.Duration(c.seq)*time.Second).UnixMicro() + int64(j)
			fmt.Fprintf(&b, `{"trace":"t%d","span":"s%d-%d","us":%d,"msg":"line %d"}`+"\n", c.seq, c.seq, j, us, j)
		}
		if c.seq%7 == 0 {
			b.WriteString("{not json\n{\"us\":0}\n")
			c.malformed += 2
		}
		if kind == commands.KindSpans {
			c.spans += lines
		} else {
			c.logs += lines
		}
		c.files++
		path := commands.ObservabilityPath(kind, p, uuid.New(), base.Add(time.Duration(c.seq)*time.Millisecond), uuid.New())
		require.NoError(t, fs.Write(context.Background(), path, strings.NewReader(b.String())))
	}
}

func rowCount(t *testing.T, s *clickhouse.Store, table string) int {
	t.Helper()
	var n uint64
	require.NoError(t, s.Conn().QueryRow(context.Background(), "SELECT count() FROM "+table).Scan(&n))
	return int(n)
}

func newIngester(t *testing.T, cfg commands.IngestConfig) *commands.Ingester {
	t.Helper()
	cfg.Parser = lineParser{}
	var mu sync.Mutex
	cfg.OnError = func(err error) { mu.Lock(); defer mu.Unlock(); t.Log("ingest:", err) }
	in, err := commands.NewIngester(cfg)
	require.NoError(t, err)
	return in
}

func listed(t *testing.T, fs commands.FileStorage, prefix string) []string {
	t.Helper()
	l, err := fs.List(context.Background(), prefix)
	require.NoError(t, err)
	return l
}

func TestIngestThousandFiles(t *testing.T) {
	t.Parallel()
	store := chtest.New(t, "")
	fs, err := local.New(t.TempDir())
	require.NoError(t, err)
	c := newCorpus()
	c.write(t, fs, 1000, 20)
	require.NoError(t, fs.Write(context.Background(), "observability/spans/not-a-project/x.jsonl", strings.NewReader("{}\n")))
	in := newIngester(t, commands.IngestConfig{Files: fs, Store: store, BatchRows: 3000})
	require.NoError(t, in.RunOnce(context.Background()))

	assert.Equal(t, c.spans, rowCount(t, store, "spans"))
	assert.Equal(t, c.logs, rowCount(t, store, "logs"))
	assert.Empty(t, listed(t, fs, commands.ObservabilityPrefix))
	assert.Len(t, listed(t, fs, commands.ProcessedPrefix), c.files)
	q := listed(t, fs, commands.QuarantinePrefix)
	assert.Len(t, q, c.files/7+2, "one file of reasons per file with malformed lines, and the refused file with its reason")
	body, err := fs.Read(context.Background(), q[0])
	require.NoError(t, err)
	assert.Contains(t, string(body), `"reason":"not a test line`)
	st := in.Status()
	assert.Equal(t, uint64(c.files), st.Files)
	assert.Equal(t, uint64(c.spans), st.Spans)
	assert.Equal(t, uint64(c.logs), st.Logs)
	assert.Equal(t, uint64(c.malformed), st.Malformed)
	assert.Equal(t, 0, st.Waiting)
	assert.True(t, st.StoreUp)

	require.NoError(t, in.RunOnce(context.Background()), "an empty pass")
	assert.Equal(t, c.spans, rowCount(t, store, "spans"))
}

// flakyMoves fails the first Move of every file.
type flakyMoves struct {
	commands.FileStorage
	mu    sync.Mutex
	tried map[string]bool
}

func (f *flakyMoves) Move(ctx context.Context, from, to string) error {
	f.mu.Lock()
	first := !f.tried[from]
	f.tried[from] = true
	f.mu.Unlock()
	if first {
		return errors.New("injected: crashed before the move")
	}
	return f.FileStorage.Move(ctx, from, to)
}

func TestIngestCrashBetweenInsertAndMove(t *testing.T) {
	t.Parallel()
	store := chtest.New(t, clickhouse.InsertHTTP)
	dir, err := local.New(t.TempDir())
	require.NoError(t, err)
	fs := &flakyMoves{FileStorage: dir, tried: map[string]bool{}}
	c := newCorpus()
	c.write(t, fs, 60, 50)
	in := newIngester(t, commands.IngestConfig{Files: fs, Store: store, BatchRows: 1000})
	require.NoError(t, in.RunOnce(context.Background()))
	assert.Len(t, listed(t, fs, commands.ObservabilityPrefix), c.files, "no file moved")
	assert.Equal(t, c.spans, rowCount(t, store, "spans"))

	require.NoError(t, in.RunOnce(context.Background()))
	assert.Empty(t, listed(t, fs, commands.ObservabilityPrefix))
	assert.Equal(t, c.spans, rowCount(t, store, "spans"), "no row twice")
	assert.Equal(t, c.logs, rowCount(t, store, "logs"))
	assert.Equal(t, uint64(c.files), in.Status().Files, "the second pass inserted nothing")
}

func TestIngestWhileClickHouseIsDown(t *testing.T) {
	t.Parallel()
	srv := chtest.StartServer(t)
	store := srv.NewStore(t, nil)
	fs, err := local.New(t.TempDir())
	require.NoError(t, err)
	c := newCorpus()
	c.write(t, fs, 100, 30)
	in := newIngester(t, commands.IngestConfig{Files: fs, Store: store, Interval: 20 * time.Millisecond,
		Backoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, BatchRows: 500})
	require.NoError(t, in.RunOnce(context.Background()))
	require.Equal(t, c.spans, rowCount(t, store, "spans"))

	srv.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- in.Run(ctx) }()
	c.write(t, fs, 100, 30)
	require.Eventually(t, func() bool { return !in.Status().StoreUp }, 30*time.Second, 10*time.Millisecond)
	st := in.Status()
	assert.Contains(t, st.LastError, "unavailable")
	assert.False(t, st.FailingSince.IsZero())
	assert.Len(t, listed(t, fs, commands.ObservabilityPrefix), 100, "the files wait")
	c.write(t, fs, 50, 30)

	srv.Start()
	require.Eventually(t, func() bool {
		return in.Status().StoreUp && len(listed(t, fs, commands.ObservabilityPrefix)) == 0
	}, 60*time.Second, 20*time.Millisecond)
	cancel()
	require.NoError(t, <-done)
	assert.Equal(t, c.spans, rowCount(t, store, "spans"))
	assert.Equal(t, c.logs, rowCount(t, store, "logs"))
	assert.Len(t, listed(t, fs, commands.ProcessedPrefix), c.files)
}

func TestIngestConfigRefused(t *testing.T) {
	t.Parallel()
	_, err := commands.NewIngester(commands.IngestConfig{BatchRows: -1, Retention: -time.Hour})
	require.Error(t, err)
	for _, want := range []string{"file storage is nil", "parser is nil", "store is nil", "batch sizes", "retention"} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestIngestDeletesAndAppliesRetention(t *testing.T) {
	t.Parallel()
	store := chtest.New(t, "")
	fs, err := local.New(t.TempDir())
	require.NoError(t, err)
	c := newCorpus()
	c.write(t, fs, 10, 5) // November 30th and December 1st, 2026
	now := time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC)
	in := newIngester(t, commands.IngestConfig{Files: fs, Store: store, Delete: true, Retention: 40 * 24 * time.Hour,
		Clock: stillClock{now}})
	require.NoError(t, in.RunOnce(context.Background()))
	assert.Empty(t, listed(t, fs, commands.ObservabilityPrefix))
	assert.Empty(t, listed(t, fs, commands.ProcessedPrefix), "deleted, not moved")
	assert.Equal(t, c.spans, rowCount(t, store, "spans"))

	// The cutoff, December 6th, is past the end of November only.
	dropped, err := in.ApplyRetention(context.Background())
	require.NoError(t, err)
	assert.Contains(t, dropped, "spans/202611")
	assert.NotContains(t, dropped, "spans/202612")
	assert.Positive(t, rowCount(t, store, "spans"))
	assert.Less(t, rowCount(t, store, "spans"), c.spans)
}

type stillClock struct{ t time.Time }

func (f stillClock) Now() time.Time { return f.t }
