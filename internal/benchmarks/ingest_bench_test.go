package benchmarks

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/clickhouse"
	"github.com/mastra-admin/mastra-admin/adapters/filestorage/local"
	"github.com/mastra-admin/mastra-admin/adapters/obsjsonl"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/internal/chtest"
)

// Size of a round of the ingestion benchmarks: 200 files of 1,000 spans.
const ingestFiles, ingestSpans, ingestRounds = 200, 1000, 3

// envInt is the integer in the environment variable name, or 0.
func envInt(b *testing.B, name string) int {
	s := os.Getenv(name)
	if s == "" {
		return 0
	}
	v, err := strconv.Atoi(s)
	require.NoError(b, err, name)
	return v
}

// loadBaseline runs clickhouse-client --query "INSERT INTO table FORMAT
// JSONEachRow" < file into database and returns how long it took and the
// CPU time of clickhouse-client (as self) and of the server.
func loadBaseline(b *testing.B, clock cpuClock, host, port, database, table, file string) (time.Duration, cpuTimes) {
	f, err := os.Open(file)
	require.NoError(b, err)
	defer f.Close()
	cmd := exec.Command("clickhouse-client", "--host", host, "--port", port, "--database", database,
		"--query", "INSERT INTO "+table+" FORMAT JSONEachRow")
	cmd.Stdin = f
	c0, t0 := clock.now(), time.Now()
	out, err := cmd.CombinedOutput()
	d, c := time.Since(t0), clock.now().sub(c0)
	require.NoError(b, err, string(out))
	c.self = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return d, c
}

// mergeParts merges the parts of the tables of the stores (OPTIMIZE … FINAL
// waits for the merge), so that no merge of the parts one side made runs
// while the other side is timed.
func mergeParts(b *testing.B, stores ...*clickhouse.Store) {
	for _, st := range stores {
		for _, table := range []string{"spans", "logs", "ingested_files"} {
			require.NoError(b, st.Conn().Exec(context.Background(), "OPTIMIZE TABLE "+table+" FINAL"), table)
		}
	}
}

// reportCPU prints where the CPU time of the target and the baseline went.
func reportCPU(what string, target, base cpuTimes, tTarget, tBase time.Duration) {
	fmt.Printf("  %s: wall %.2f s, CPU %.2f s here + %.2f s server | baseline: wall %.2f s, CPU %.2f s clickhouse-client + %.2f s server\n",
		what, tTarget.Seconds(), target.self.Seconds(), target.server.Seconds(), tBase.Seconds(), base.self.Seconds(), base.server.Seconds())
}

// sameRows fails unless two stores hold the same rows by checksum (a
// query of count() and a checksum: spansChecksum, logsChecksum).
func sameRows(b *testing.B, target, base *clickhouse.Store, checksum string, want uint64) {
	ctx := context.Background()
	var nt, nb, st, sb uint64
	require.NoError(b, target.Conn().QueryRow(ctx, checksum).Scan(&nt, &st))
	require.NoError(b, base.Conn().QueryRow(ctx, checksum).Scan(&nb, &sb))
	require.Equal(b, want, nt)
	require.Equal(b, [2]uint64{nb, sb}, [2]uint64{nt, st}, "both loaded the same rows")
}

// BenchmarkIngest compares the ingestion worker as serve runs it
// (commands.Ingester with the obsjsonl parser and the ClickHouse store:
// files in local file storage → parsed → inserted exactly once → moved to
// processed/) with clickhouse-client --query "INSERT … FORMAT
// JSONEachRow" loading the same rows into the same table, for both
// insert paths and every file shape: span files with a start and an end
// line per span (shapeStartEnd), with an end line only (shapeEnded), and
// log files (shapeLogs).
func BenchmarkIngest(b *testing.B) {
	if _, err := exec.LookPath("clickhouse-client"); err != nil {
		b.Skip("clickhouse-client is not installed")
	}
	parser, err := obsjsonl.New(obsjsonl.Config{}) // as serve makes it (cmd/mastra-admin)
	require.NoError(b, err)
	for _, ins := range []string{clickhouse.InsertExternal, clickhouse.InsertHTTP} {
		for _, shape := range []string{shapeStartEnd, shapeEnded, shapeLogs} {
			b.Run(ins+"/"+shape, func(b *testing.B) {
				target := chtest.New(b, ins)
				base := chtest.New(b, ins)
				host, port, err := splitHostPort(chtest.Config(b).Addr)
				require.NoError(b, err)
				var tTarget, tBase time.Duration
				var cTarget, cBase cpuTimes
				clock := newCPUClock()
				for r := 0; r < ingestRounds*b.N; r++ {
					dir := b.TempDir()
					fs, err := local.New(filepath.Join(dir, "storage"))
					require.NoError(b, err)
					baseline := filepath.Join(dir, "baseline.jsonl")
					table, checksum := "spans", spansChecksum
					if shape == shapeLogs {
						table, checksum = "logs", logsChecksum
						logFiles(b, fs, baseline, ingestFiles, ingestSpans)
					} else {
						spanFiles(b, fs, baseline, ingestFiles, ingestSpans, shape)
					}

					// The ingester's defaults, as serve has them, unless
					// BENCH_INGEST_BATCH_ROWS or BENCH_INGEST_INSERTS say.
					in, err := commands.NewIngester(commands.IngestConfig{Files: fs, Parser: parser, Store: target,
						BatchRows: envInt(b, "BENCH_INGEST_BATCH_ROWS"), Inserts: envInt(b, "BENCH_INGEST_INSERTS")})
					require.NoError(b, err)
					mergeParts(b, target, base)
					c0, t0 := clock.now(), time.Now()
					// Labelled, for go tool pprof -tagfocus part=ingester.
					pprof.Do(context.Background(), pprof.Labels("part", "ingester"), func(ctx context.Context) {
						require.NoError(b, in.RunOnce(ctx))
					})
					tTarget += time.Since(t0)
					cTarget = cTarget.add(clock.now().sub(c0))
					st := in.Status()
					require.Equal(b, uint64(ingestFiles*ingestSpans), st.Spans+st.Logs)
					require.Equal(b, uint64(ingestFiles), st.Files)
					require.Zero(b, st.Malformed)

					mergeParts(b, target, base)
					d, c := loadBaseline(b, clock, host, port, base.Database(), table, baseline)
					tBase, cBase = tBase+d, cBase.add(c)
					_ = fs.Close()
					sameRows(b, target, base, checksum, uint64((r+1)*ingestFiles*ingestSpans))
				}
				rows := float64(ingestRounds * b.N * ingestFiles * ingestSpans)
				report(b, "ingest "+strconv.Itoa(ingestFiles)+" files × "+strconv.Itoa(ingestSpans)+" rows ("+ins+", "+shape+")",
					rows/tTarget.Seconds(), rows/tBase.Seconds(), "rows/s", 1.0)
				reportCPU("ingester", cTarget, cBase, tTarget, tBase)
			})
		}
	}
}

func splitHostPort(addr string) (string, string, error) {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[:i], addr[i+1:], nil
		}
	}
	return "", "", fmt.Errorf("address %q has no port", addr)
}

// BenchmarkInsertSpans compares the store's insert alone (rows already
// parsed by obsjsonl: InsertSpans of 200 files' rows) with
// clickhouse-client loading the same rows, for both insert paths: the
// part of ingestion that is not the parser's.
func BenchmarkInsertSpans(b *testing.B) {
	if _, err := exec.LookPath("clickhouse-client"); err != nil {
		b.Skip("clickhouse-client is not installed")
	}
	for _, ins := range []string{clickhouse.InsertExternal, clickhouse.InsertHTTP} {
		b.Run(ins, func(b *testing.B) {
			target := chtest.New(b, ins)
			base := chtest.New(b, ins)
			host, port, err := splitHostPort(chtest.Config(b).Addr)
			require.NoError(b, err)
			var tTarget, tBase time.Duration
			var cTarget, cBase cpuTimes
			clock := newCPUClock()
			ctx := context.Background()
			for r := 0; r < ingestRounds*b.N; r++ {
				dir := b.TempDir()
				fs, err := local.New(filepath.Join(dir, "storage"))
				require.NoError(b, err)
				baseline := filepath.Join(dir, "baseline.jsonl")
				spanFiles(b, fs, baseline, ingestFiles, ingestSpans, shapeStartEnd)
				paths, err := fs.List(ctx, commands.ObservabilityPrefix)
				require.NoError(b, err)
				batch := make([]commands.SpanFile, 0, len(paths))
				for _, p := range paths {
					f, err := commands.ParseObservabilityPath(p)
					require.NoError(b, err)
					rc, err := fs.Open(ctx, p)
					require.NoError(b, err)
					rows, _, err := obsjsonl.ParseSpans(rc, commands.ParseMeta{File: p, ProjectID: f.ProjectID, DeploymentID: f.DeploymentID})
					require.NoError(b, err)
					_ = rc.Close()
					batch = append(batch, commands.SpanFile{File: p, Rows: rows})
				}
				mergeParts(b, target, base)
				c0, t0 := clock.now(), time.Now()
				pprof.Do(ctx, pprof.Labels("part", "insert"), func(ctx context.Context) {
					require.NoError(b, target.InsertSpans(ctx, batch))
				})
				tTarget += time.Since(t0)
				cTarget = cTarget.add(clock.now().sub(c0))

				mergeParts(b, target, base)
				d, c := loadBaseline(b, clock, host, port, base.Database(), "spans", baseline)
				tBase, cBase = tBase+d, cBase.add(c)
				_ = fs.Close()
			}
			sameRows(b, target, base, spansChecksum, uint64(ingestRounds*b.N*ingestFiles*ingestSpans))
			rows := float64(ingestRounds * b.N * ingestFiles * ingestSpans)
			report(b, "insert "+strconv.Itoa(ingestFiles*ingestSpans)+" parsed spans ("+ins+")",
				rows/tTarget.Seconds(), rows/tBase.Seconds(), "rows/s", 1.0)
			reportCPU("InsertSpans", cTarget, cBase, tTarget, tBase)
		})
	}
}
