package benchmarks

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/clickhouse"
	"github.com/mastra-admin/mastra-admin/adapters/filestorage/local"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/internal/chtest"
)

// spanJSON is a span line as JSONEachRow writes it: the columns of spans.
type spanJSON struct {
	ProjectID    string `json:"project_id"`
	DeploymentID string `json:"deployment_id"`
	BuildID      string `json:"build_id"`
	TraceID      string `json:"trace_id"`
	SpanID       string `json:"span_id"`
	ParentSpanID string `json:"parent_span_id"`
	Name         string `json:"name"`
	Type         string `json:"type"`
	Entity       string `json:"entity"`
	StartUS      uint64 `json:"start_us"`
	EndUS        uint64 `json:"end_us"`
	DurationUS   uint64 `json:"duration_us"`
	Status       string `json:"status"`
	Error        string `json:"error"`
	Attributes   string `json:"attributes"`
	Input        string `json:"input"`
	Output       string `json:"output"`
	Model        string `json:"model"`
	InputTokens  uint64 `json:"input_tokens"`
	OutputTokens uint64 `json:"output_tokens"`
	File         string `json:"file,omitempty"`
	Line         uint32 `json:"line,omitempty"`
}

// jsonParser stands in for the JSONL parser in this benchmark: it decodes
// each line with encoding/json, as a parser of the exporter's lines would.
type jsonParser struct{}

func (jsonParser) ParseSpans(r io.Reader, m commands.ParseMeta) ([]commands.SpanRow, []commands.Malformed, error) {
	var out []commands.SpanRow
	var bad []commands.Malformed
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var n uint32
	for sc.Scan() {
		n++
		var s spanJSON
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			bad = append(bad, commands.Malformed{Line: n, Reason: err.Error()})
			continue
		}
		b, _ := uuid.Parse(s.BuildID)
		out = append(out, commands.SpanRow{ProjectID: m.ProjectID, DeploymentID: m.DeploymentID, BuildID: b,
			TraceID: s.TraceID, SpanID: s.SpanID, ParentSpanID: s.ParentSpanID, Name: s.Name, Type: s.Type, Entity: s.Entity,
			StartUS: s.StartUS, EndUS: s.EndUS, DurationUS: s.DurationUS, Status: s.Status, Error: s.Error,
			Attributes: s.Attributes, Input: s.Input, Output: s.Output, Model: s.Model,
			InputTokens: s.InputTokens, OutputTokens: s.OutputTokens, File: m.File, Line: n})
	}
	return out, bad, sc.Err()
}

func (jsonParser) ParseLogs(io.Reader, commands.ParseMeta) ([]commands.LogRow, []commands.Malformed, error) {
	return nil, nil, nil
}

// spanFiles writes files×lines span lines into storage under new names,
// and the same rows (with their file and line) as one JSONEachRow file
// for clickhouse-client.
func spanFiles(b *testing.B, fs commands.FileStorage, baseline string, files, lines int) {
	ctx := context.Background()
	project, deployment, build := uuid.New(), uuid.New(), uuid.New()
	out, err := os.Create(baseline)
	require.NoError(b, err)
	defer out.Close()
	w := bufio.NewWriter(out)
	start := uint64(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC).UnixMicro())
	for f := 0; f < files; f++ {
		path := commands.ObservabilityPath(commands.KindSpans, project, deployment, time.Now(), uuid.New())
		var buf bytes.Buffer
		for l := 0; l < lines; l++ {
			s := spanJSON{ProjectID: project.String(), DeploymentID: deployment.String(), BuildID: build.String(),
				TraceID: fmt.Sprintf("%032x", f*lines+l/8), SpanID: fmt.Sprintf("%016x", f*lines+l), ParentSpanID: fmt.Sprintf("%016x", f*lines+l-1),
				Name: "agent.generate", Type: "llm", Entity: "mathAgent", StartUS: start + uint64(f*lines+l)*1000,
				EndUS: start + uint64(f*lines+l)*1000 + 840, DurationUS: 840, Status: "ok",
				Attributes: `{"http.method":"POST","workflow":"math","step":"add","retries":0}`,
				Input:      `{"messages":[{"role":"user","content":"What is 17 times 23, and why?"}]}`,
				Output:     `{"text":"17 times 23 is 391: 17 times 20 is 340, plus 17 times 3 is 51."}`,
				Model:      "gpt-4o-mini", InputTokens: 42, OutputTokens: 31}
			line, err := json.Marshal(s)
			require.NoError(b, err)
			buf.Write(line)
			buf.WriteByte('\n')
			s.File, s.Line = path, uint32(l+1)
			line, err = json.Marshal(s)
			require.NoError(b, err)
			_, _ = w.Write(line)
			_ = w.WriteByte('\n')
		}
		require.NoError(b, fs.Write(ctx, path, &buf))
	}
	require.NoError(b, w.Flush())
}

// BenchmarkIngest compares the ingestion worker (files in local file
// storage → parsed → inserted → moved to processed/) with
// clickhouse-client --query "INSERT … FORMAT JSONEachRow" loading the
// same rows into the same table, for both insert paths.
func BenchmarkIngest(b *testing.B) {
	if _, err := exec.LookPath("clickhouse-client"); err != nil {
		b.Skip("clickhouse-client is not installed")
	}
	const files, lines, rounds = 200, 1000, 3
	for _, ins := range []string{clickhouse.InsertExternal, clickhouse.InsertHTTP} {
		b.Run(ins, func(b *testing.B) {
			target := chtest.New(b, ins)
			base := chtest.New(b, ins)
			cfg := chtest.Config(b)
			host, port, err := splitHostPort(cfg.Addr)
			require.NoError(b, err)
			var tTarget, tBase time.Duration
			for r := 0; r < rounds*b.N; r++ {
				dir := b.TempDir()
				fs, err := local.New(filepath.Join(dir, "storage"))
				require.NoError(b, err)
				baseline := filepath.Join(dir, "baseline.jsonl")
				spanFiles(b, fs, baseline, files, lines)

				in, err := commands.NewIngester(commands.IngestConfig{Files: fs, Parser: jsonParser{}, Store: target})
				require.NoError(b, err)
				t0 := time.Now()
				require.NoError(b, in.RunOnce(context.Background()))
				tTarget += time.Since(t0)
				require.Equal(b, uint64(files*lines), in.Status().Spans)

				f, err := os.Open(baseline)
				require.NoError(b, err)
				cmd := exec.Command("clickhouse-client", "--host", host, "--port", port, "--database", base.Database(),
					"--query", "INSERT INTO spans FORMAT JSONEachRow")
				cmd.Stdin = f
				t0 = time.Now()
				out, err := cmd.CombinedOutput()
				tBase += time.Since(t0)
				_ = f.Close()
				require.NoError(b, err, string(out))
				_ = fs.Close()
			}
			var nt, nb uint64
			require.NoError(b, target.Conn().QueryRow(context.Background(), "SELECT count() FROM spans").Scan(&nt))
			require.NoError(b, base.Conn().QueryRow(context.Background(), "SELECT count() FROM spans").Scan(&nb))
			require.Equal(b, nb, nt, "both loaded the same rows")
			rows := float64(rounds * b.N * files * lines)
			report(b, "ingest "+strconv.Itoa(files)+" files × "+strconv.Itoa(lines)+" spans ("+ins+")",
				rows/tTarget.Seconds(), rows/tBase.Seconds(), "rows/s", 1.0)
		})
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
// parsed: InsertSpans of 200 files' rows) with clickhouse-client loading
// the same rows, for both insert paths: the part of ingestion that is not
// the parser's.
func BenchmarkInsertSpans(b *testing.B) {
	if _, err := exec.LookPath("clickhouse-client"); err != nil {
		b.Skip("clickhouse-client is not installed")
	}
	const files, lines, rounds = 200, 1000, 3
	for _, ins := range []string{clickhouse.InsertExternal, clickhouse.InsertHTTP} {
		b.Run(ins, func(b *testing.B) {
			target := chtest.New(b, ins)
			base := chtest.New(b, ins)
			host, port, err := splitHostPort(chtest.Config(b).Addr)
			require.NoError(b, err)
			var tTarget, tBase time.Duration
			ctx := context.Background()
			for r := 0; r < rounds*b.N; r++ {
				dir := b.TempDir()
				fs, err := local.New(filepath.Join(dir, "storage"))
				require.NoError(b, err)
				baseline := filepath.Join(dir, "baseline.jsonl")
				spanFiles(b, fs, baseline, files, lines)
				paths, err := fs.List(ctx, commands.ObservabilityPrefix)
				require.NoError(b, err)
				batch := make([]commands.SpanFile, 0, len(paths))
				for _, p := range paths {
					f, err := commands.ParseObservabilityPath(p)
					require.NoError(b, err)
					rc, err := fs.Open(ctx, p)
					require.NoError(b, err)
					rows, _, err := jsonParser{}.ParseSpans(rc, commands.ParseMeta{File: p, ProjectID: f.ProjectID, DeploymentID: f.DeploymentID})
					require.NoError(b, err)
					_ = rc.Close()
					batch = append(batch, commands.SpanFile{File: p, Rows: rows})
				}
				t0 := time.Now()
				require.NoError(b, target.InsertSpans(ctx, batch))
				tTarget += time.Since(t0)

				f, err := os.Open(baseline)
				require.NoError(b, err)
				cmd := exec.Command("clickhouse-client", "--host", host, "--port", port, "--database", base.Database(),
					"--query", "INSERT INTO spans FORMAT JSONEachRow")
				cmd.Stdin = f
				t0 = time.Now()
				out, err := cmd.CombinedOutput()
				tBase += time.Since(t0)
				_ = f.Close()
				require.NoError(b, err, string(out))
				_ = fs.Close()
			}
			rows := float64(rounds * b.N * files * lines)
			report(b, "insert "+strconv.Itoa(files*lines)+" parsed spans ("+ins+")",
				rows/tTarget.Seconds(), rows/tBase.Seconds(), "rows/s", 1.0)
		})
	}
}
