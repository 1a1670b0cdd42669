package benchmarks

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/filestorage/local"
	"github.com/mastra-admin/mastra-admin/adapters/obsjsonl"
	"github.com/mastra-admin/mastra-admin/adapters/obsship"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/server"
	"github.com/mastra-admin/mastra-admin/internal/chtest"
)

// onePlace is a servers read model that knows one server.
type onePlace struct{ place server.Place }

func (o onePlace) ServerPlace(_ context.Context, id uuid.UUID) (server.Place, bool, error) {
	return o.place, id == o.place.ServerID, nil
}

// defaultMaxFileAgeMs is bundler.Config.MaxFileAge's default (2 s): the
// age at which a server closes its open spans file.
const defaultMaxFileAgeMs = 2000

// freshnessWriter is the node script that plays the server: it writes
// spans with the entry's JsonlWriter (adapters/bundler/assets/jsonl.mjs)
// at the default maxBytes and maxAgeMs, one span_ended line at a time
// after a random pause of 0–1.5 s, and prints "<traceId> <epoch ms>" once
// each line is written. It stays up for a while after the last span so
// that the file closes by age, not at exit.
const freshnessWriter = `
import { JsonlWriter } from './jsonl.mjs';
const [dir, n, maxAgeMs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const w = new JsonlWriter({ dir, maxBytes: 8 << 20, maxAgeMs });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < n; i++) {
  await sleep(Math.random() * 1500);
  const traceId = crypto.randomUUID().replaceAll('-', '');
  const now = new Date();
  w.write({ event: 'span_ended', traceId, spanId: traceId.slice(0, 16), parentSpanId: null, name: 'agent run',
    type: 'agent_run', entityType: 'agent', entityName: 'mathAgent', startTime: new Date(now - 5).toISOString(),
    endTime: now.toISOString(), attributes: { i }, input: { q: 'What is 2 + 3?' }, output: { text: '5' } });
  console.log(traceId + ' ' + Date.now());
}
await sleep(maxAgeMs + 5000);
`

// BenchmarkObservabilityFreshness measures a span's way from a server to
// the read port with every default setting: the server's JSONL writer
// (the entry's jsonl.mjs under node, file closed after 2 s), the Shipper
// (a pass every 1 s) to local file storage, the Ingester (a pass every
// 1 s, obsjsonl parser) into a fresh ClickHouse database, and
// ObservabilityReads.TraceSpans polled every 10 ms. 40 spans are written
// at random moments; the time from each line's write to the first read
// that returns it is the freshness. Baselines in the same run: the sum of
// the three intervals (4 s), and a direct Store.InsertSpans → visible.
// Goal: p95 < 5 s.
func BenchmarkObservabilityFreshness(b *testing.B) {
	nodeBin := os.Getenv("MASTRA_ADMIN_NODE")
	if nodeBin == "" {
		var err error
		if nodeBin, err = exec.LookPath("node"); err != nil {
			b.Skip("node is not installed (set MASTRA_ADMIN_NODE)")
		}
	}
	store := chtest.New(b, "")
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	dir := b.TempDir()
	files, err := local.New(filepath.Join(dir, "storage"))
	require.NoError(b, err)
	place := server.Place{ServerID: uuid.New(), ProjectID: uuid.New(), DeploymentID: uuid.New(), BuildID: uuid.New()}
	serversDir := filepath.Join(dir, "servers")
	spansDir := filepath.Join(serversDir, place.DeploymentID.String(), "obs", place.ServerID.String(), commands.KindSpans)
	require.NoError(b, os.MkdirAll(spansDir, 0o755))
	ship, err := obsship.New(obsship.Config{ServersDir: serversDir, Files: files, Places: onePlace{place}})
	require.NoError(b, err)
	parser, err := obsjsonl.New(obsjsonl.Config{})
	require.NoError(b, err)
	var ingestErrs []error
	var errMu sync.Mutex
	in, err := commands.NewIngester(commands.IngestConfig{Files: files, Parser: parser, Store: store, OnError: func(err error) {
		errMu.Lock()
		ingestErrs = append(ingestErrs, err)
		errMu.Unlock()
	}})
	require.NoError(b, err)
	go ship.Run(ctx)
	go func() { _ = in.Run(ctx) }()

	asset, err := os.ReadFile(filepath.Join("..", "..", "adapters", "bundler", "assets", "jsonl.mjs"))
	require.NoError(b, err)
	require.NoError(b, os.WriteFile(filepath.Join(dir, "jsonl.mjs"), asset, 0o644))
	require.NoError(b, os.WriteFile(filepath.Join(dir, "writer.mjs"), []byte(freshnessWriter), 0o644))

	// visibleAfter polls the read port every 10 ms until traceID is there.
	visibleAfter := func(traceID string, since time.Time) (time.Duration, error) {
		deadline := time.Now().Add(time.Minute)
		for time.Now().Before(deadline) {
			rows, err := store.TraceSpans(ctx, traceID, false)
			if err != nil {
				return 0, err
			}
			if len(rows) > 0 {
				return time.Since(since), nil
			}
			time.Sleep(10 * time.Millisecond)
		}
		return 0, fmt.Errorf("trace %s not visible after a minute", traceID)
	}

	const spans = 40
	for n := 0; n < b.N; n++ {
		// Baseline: one span inserted straight into the store, then polled.
		var direct []time.Duration
		for i := 0; i < spans; i++ {
			trace := strings.ReplaceAll(uuid.NewString(), "-", "")
			f := commands.SpanFile{File: "observability/spans/direct/" + trace + ".jsonl", Rows: []commands.SpanRow{{
				ProjectID: place.ProjectID, DeploymentID: place.DeploymentID, TraceID: trace, SpanID: trace[:16],
				Name: "agent run", Type: "agent_run", StartUS: uint64(time.Now().UnixMicro()), Status: commands.SpanOK, Line: 1}}}
			f.Rows[0].File = f.File
			t0 := time.Now()
			require.NoError(b, store.InsertSpans(ctx, []commands.SpanFile{f}))
			d, err := visibleAfter(trace, t0)
			require.NoError(b, err)
			direct = append(direct, d)
		}
		sortDurations(direct)

		cmd := exec.CommandContext(ctx, nodeBin, filepath.Join(dir, "writer.mjs"), spansDir, strconv.Itoa(spans), strconv.Itoa(defaultMaxFileAgeMs))
		cmd.Dir = dir
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		require.NoError(b, err)
		require.NoError(b, cmd.Start())
		var mu sync.Mutex
		var fresh []time.Duration
		var wg sync.WaitGroup
		errs := make(chan error, spans)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			trace, at, ok := strings.Cut(sc.Text(), " ")
			require.True(b, ok, "writer printed %q", sc.Text())
			ms, err := strconv.ParseInt(at, 10, 64)
			require.NoError(b, err)
			wg.Add(1)
			go func() {
				defer wg.Done()
				d, err := visibleAfter(trace, time.UnixMilli(ms))
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				fresh = append(fresh, d)
				mu.Unlock()
			}()
		}
		wg.Wait()
		require.NoError(b, cmd.Wait())
		close(errs)
		for err := range errs {
			require.NoError(b, err)
		}
		require.Len(b, fresh, spans)
		sortDurations(fresh)
		errMu.Lock()
		require.Empty(b, ingestErrs)
		errMu.Unlock()

		sum := time.Duration(defaultMaxFileAgeMs)*time.Millisecond + 2*time.Second // file age + shipper + ingester intervals
		p95 := percentile(fresh, 95)
		verdict := "meets"
		if p95 >= 5*time.Second {
			verdict = "MISSES"
		}
		fmt.Printf("freshness, %d spans written → visible through TraceSpans, all defaults: p50 %s p95 %s max %s (goal p95 < 5s: %s)\n",
			spans, percentile(fresh, 50).Round(time.Millisecond), p95.Round(time.Millisecond), fresh[len(fresh)-1].Round(time.Millisecond), verdict)
		fmt.Printf("baselines: sum of the intervals (file age 2s + shipper 1s + ingester 1s) %s, p95/sum %.2f; direct InsertSpans → visible p50 %s p95 %s\n",
			sum, float64(p95)/float64(sum), percentile(direct, 50).Round(time.Millisecond), percentile(direct, 95).Round(time.Millisecond))
		b.ReportMetric(float64(percentile(fresh, 50).Milliseconds()), "p50-ms")
		b.ReportMetric(float64(p95.Milliseconds()), "p95-ms")
		b.ReportMetric(float64(percentile(direct, 95).Milliseconds()), "direct-p95-ms")
	}
}
