package benchmarks

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/clickhouse"
	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/internal/chtest"
)

// traceSpans is how many spans BenchmarkTraceQueries loads: 5,000,000
// unless BENCH_TRACE_SPANS says otherwise (a multiple of 10).
func traceSpans(b *testing.B) int {
	n := 5_000_000
	if s := os.Getenv("BENCH_TRACE_SPANS"); s != "" {
		v, err := strconv.Atoi(s)
		require.NoError(b, err, "BENCH_TRACE_SPANS")
		n = v
	}
	return n - n%10
}

// loadTraces inserts traces of 10 spans each through Store.InsertSpans,
// 100,000 rows (10 files) per call on two loaders, spread over the
// projects, three deployments each and the 30 days before end. Every 20th
// trace has a failed span. It returns the trace IDs, one per 1,000.
func loadTraces(b *testing.B, store *clickhouse.Store, projects []uuid.UUID, spans int, end time.Time) []string {
	const perFile, filesPerCall, perTrace = 10_000, 10, 10
	deployments := map[uuid.UUID][]uuid.UUID{}
	for _, p := range projects {
		deployments[p] = []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	}
	build := uuid.New()
	month := uint64(30 * 24 * time.Hour / time.Microsecond)
	first := uint64(end.UnixMicro()) - month
	traces := spans / perTrace
	step := month / uint64(traces)
	calls := (spans + perFile*filesPerCall - 1) / (perFile * filesPerCall)
	var mu sync.Mutex
	var sample []string
	work := make(chan int)
	errs := make(chan error, 2)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				var files []commands.SpanFile
				for f := 0; f < filesPerCall; f++ {
					base := (c*filesPerCall + f) * perFile
					if base >= spans {
						break
					}
					file := commands.SpanFile{File: fmt.Sprintf("observability/spans/bench/%08d.jsonl", c*filesPerCall+f)}
					for l := 0; l < perFile && base+l < spans; l++ {
						i := base + l
						t, k := i/perTrace, i%perTrace
						p := projects[t%len(projects)]
						start := first + uint64(t)*step + uint64(k)*1000
						r := commands.SpanRow{ProjectID: p, DeploymentID: deployments[p][t/len(projects)%3], BuildID: build,
							TraceID: fmt.Sprintf("%032x", t+1), SpanID: fmt.Sprintf("%016x", i+1), Name: "step add", Type: "step",
							Entity: "mathAgent", StartUS: start, EndUS: start + 800, DurationUS: 800, Status: commands.SpanOK,
							Attributes: `{"workflow":"math","step":"add","retries":0}`,
							Input:      `{"messages":[{"role":"user","content":"What is 17 times 23?"}]}`,
							Output:     `{"text":"391"}`, File: file.File, Line: uint32(l + 1)}
						if k == 0 {
							r.Name, r.Type, r.EndUS, r.DurationUS = "workflow math", "workflow", start+10_000, 10_000
						} else {
							r.ParentSpanID = fmt.Sprintf("%016x", i-k+1)
						}
						if k == 3 {
							r.Type, r.Model, r.InputTokens, r.OutputTokens = "llm", "gpt-4o-mini", 42, 31
						}
						if k == 5 && t%20 == 0 {
							r.Status, r.Error = commands.SpanError, "Bad input"
						}
						if k == 0 && t%1000 == 0 {
							mu.Lock()
							sample = append(sample, r.TraceID)
							mu.Unlock()
						}
						file.Rows = append(file.Rows, r)
					}
					files = append(files, file)
				}
				if err := store.InsertSpans(context.Background(), files); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for c := 0; c < calls; c++ {
		work <- c
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(b, err)
	}
	return sample
}

// timings runs target and baseline n times each, alternating (so that
// neither always runs on a busier server), and returns their sorted
// durations.
func timings(b *testing.B, n int, target, baseline func(i int) error) ([]time.Duration, []time.Duration) {
	tt := make([]time.Duration, 0, n)
	tb := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		t0 := time.Now()
		require.NoError(b, target(i))
		tt = append(tt, time.Since(t0))
		t0 = time.Now()
		require.NoError(b, baseline(i))
		tb = append(tb, time.Since(t0))
	}
	sortDurations(tt)
	sortDurations(tb)
	return tt, tb
}

// settle waits (up to 5 minutes) until the database has no merge running.
func settle(b *testing.B, store *clickhouse.Store) {
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		var n uint64
		require.NoError(b, store.Conn().QueryRow(context.Background(), `SELECT count() FROM system.merges WHERE database = currentDatabase()`).Scan(&n))
		if n == 0 {
			return
		}
		time.Sleep(time.Second)
	}
}

// reportLatency prints p50/p95 of target and baseline and their p95 ratio.
func reportLatency(b *testing.B, what string, target, baseline []time.Duration, goal time.Duration) {
	p95 := percentile(target, 95)
	verdict := "meets"
	if p95 >= goal {
		verdict = "MISSES"
	}
	fmt.Printf("%-40s p50 %8s p95 %8s | baseline p50 %8s p95 %8s | p95 ratio %.2f (goal p95 < %s: %s)\n", what,
		percentile(target, 50).Round(100*time.Microsecond), p95.Round(100*time.Microsecond),
		percentile(baseline, 50).Round(100*time.Microsecond), percentile(baseline, 95).Round(100*time.Microsecond),
		float64(p95)/float64(percentile(baseline, 95)), goal, verdict)
}

// BenchmarkTraceQueries loads 5,000,000 spans (500,000 traces of 10 spans,
// 3 projects, 3 deployments each, over 30 days) into a fresh ClickHouse
// database, then times 100 of each through the real HTTP handler (token,
// project RBAC, JSON): the first page of a project's trace list, a page
// filtered by deployment and status=error, and one trace by ID, once the
// load's merges have settled. The baseline for each is the same SQL text
// sent straight through the ClickHouse driver, alternating with the
// target, in the same run; for reference also a bare count of a
// project's spans and the one-trace query without trace_index (the scan
// it replaced). Goal: p95 < 200 ms.
func BenchmarkTraceQueries(b *testing.B) {
	env, path := projectEnv(b)
	store := chtest.New(b, "")
	env.Admin.SetObservability(store)
	ctx := context.Background()
	u, err := env.Admin.EnsureUser(ctx, "reader@example.com", "", false)
	require.NoError(b, err)
	p := commands.Principal{UserID: u.ID, Email: u.Email}
	tok, err := env.Admin.CreateToken(ctx, commands.System, u.ID, "bench", nil)
	require.NoError(b, err)
	team, err := env.Admin.CreateTeam(ctx, p, commands.CreateTeamInput{Name: "Acme"})
	require.NoError(b, err)
	cfg, _ := json.Marshal(map[string]string{"path": path})
	var projects []uuid.UUID
	for i := 0; i < 3; i++ {
		pr, err := env.Admin.CreateProject(ctx, p, team.ID, commands.ProjectInput{Name: fmt.Sprintf("Agent %d", i), SourceType: "local", SourceConfig: cfg})
		require.NoError(b, err)
		projects = append(projects, pr.ID)
	}
	require.NoError(b, env.Waiter.WaitForHead(ctx))
	api, err := httpapi.New(httpapi.Config{Admin: env.Admin, Readiness: env.App, Logger: logrus.NewEntry(env.Log)})
	require.NoError(b, err)
	srv := httptest.NewServer(api)
	b.Cleanup(srv.Close)

	spans := traceSpans(b)
	t0 := time.Now()
	sample := loadTraces(b, store, projects, spans, time.Now())
	load := time.Since(t0)
	var stored uint64
	require.NoError(b, store.Conn().QueryRow(ctx, `SELECT count() FROM spans`).Scan(&stored))
	require.EqualValues(b, spans, stored)
	fmt.Printf("loaded %d spans (%d traces, %d projects) through Store.InsertSpans in %s: %.0f spans/s\n",
		spans, spans/10, len(projects), load.Round(time.Second), float64(spans)/load.Seconds())
	// The deployment of the filtered page: the one of project 0's trace 0.
	var dep uuid.UUID
	require.NoError(b, store.Conn().QueryRow(ctx, `SELECT deployment_id FROM spans WHERE project_id = toUUID(?) LIMIT 1`, projects[0].String()).Scan(&dep))

	client := &http.Client{}
	get := func(path string) error {
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok.Token)
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			return err
		}
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: status %d: %s", path, res.StatusCode, body)
		}
		return nil
	}
	raw := func(q string, args ...any) error {
		rows, err := store.Conn().Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
		}
		return rows.Err()
	}
	listSQL := `SELECT trace_id, argMin(name, start_us) AS n, argMin(type, start_us), argMin(entity, start_us),
		argMin(deployment_id, start_us), argMin(build_id, start_us), min(start_us) AS s, max(greatest(end_us, start_us)),
		count(), countIf(status = 'error') AS errs, countIf(status = 'running') AS running, sum(input_tokens), sum(output_tokens)
		FROM spans WHERE %s GROUP BY trace_id HAVING %s ORDER BY s DESC, trace_id DESC LIMIT 51`
	traceSQL := `SELECT project_id, deployment_id, build_id, trace_id, span_id, parent_span_id, name, type, entity,
		start_us, end_us, duration_us, status, error, attributes, '', '', model, input_tokens, output_tokens, file, line,
		length(input), length(output) FROM spans WHERE trace_id = ? AND %s ORDER BY start_us LIMIT 10000`
	indexed := fmt.Sprintf(traceSQL, `(project_id, start_us) IN (SELECT project_id, start_us FROM trace_index WHERE trace_id = ?)`)
	scan := fmt.Sprintf(traceSQL, "1")
	const n = 100
	t0 = time.Now()
	settle(b, store)
	fmt.Printf("merges after the load settled in %s\n", time.Since(t0).Round(time.Second))
	for i := 0; i < b.N; i++ {
		// One untimed round of each warms the server's caches and the connections.
		require.NoError(b, get("/api/projects/"+projects[0].String()+"/traces"))
		require.NoError(b, raw(fmt.Sprintf(listSQL, "project_id = toUUID(?)", "1"), projects[0].String()))

		first, firstRaw := timings(b, n, func(i int) error { return get("/api/projects/" + projects[i%3].String() + "/traces") },
			func(i int) error {
				return raw(fmt.Sprintf(listSQL, "project_id = toUUID(?)", "1"), projects[i%3].String())
			})
		filtered, filteredRaw := timings(b, n, func(int) error {
			return get("/api/projects/" + projects[0].String() + "/traces?status=error&deploymentId=" + dep.String())
		}, func(int) error {
			return raw(fmt.Sprintf(listSQL, "project_id = toUUID(?) AND deployment_id = toUUID(?)", "errs > 0"), projects[0].String(), dep.String())
		})
		one, oneRaw := timings(b, n, func(i int) error { return get("/api/traces/" + sample[i%len(sample)]) },
			func(i int) error { return raw(indexed, sample[i%len(sample)], sample[i%len(sample)]) })
		_, oneScan := timings(b, 20, func(int) error { return nil }, func(i int) error { return raw(scan, sample[i%len(sample)]) })
		_, count := timings(b, n, func(int) error { return nil }, func(i int) error {
			return raw(`SELECT count() FROM spans WHERE project_id = toUUID(?)`, projects[i%3].String())
		})
		fmt.Printf("on %d spans, %d queries each, HTTP (token, RBAC, JSON) vs the same SQL through the driver:\n", spans, n)
		reportLatency(b, "GET traces, first page (50)", first, firstRaw, 200*time.Millisecond)
		reportLatency(b, "GET traces?status=error&deploymentId", filtered, filteredRaw, 200*time.Millisecond)
		reportLatency(b, "GET /api/traces/{id} (10 spans)", one, oneRaw, 200*time.Millisecond)
		fmt.Printf("%-40s p50 %8s p95 %8s\n", "bare count() of a project's spans", percentile(count, 50).Round(100*time.Microsecond),
			percentile(count, 95).Round(100*time.Microsecond))
		fmt.Printf("%-40s p50 %8s p95 %8s (20 queries)\n", "one trace without trace_index (a scan)", percentile(oneScan, 50).Round(100*time.Microsecond),
			percentile(oneScan, 95).Round(100*time.Microsecond))
		b.ReportMetric(float64(percentile(first, 95).Microseconds())/1000, "list-p95-ms")
		b.ReportMetric(float64(percentile(filtered, 95).Microseconds())/1000, "filtered-p95-ms")
		b.ReportMetric(float64(percentile(one, 95).Microseconds())/1000, "trace-p95-ms")
	}
}
