package benchmarks

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/obsjsonl"
	"github.com/mastra-admin/mastra-admin/commands"
)

// exportedLog is a line of a log file as the entry's JsonlLogger writes
// it (adapters/bundler/assets/entry.mjs.tmpl), field for field.
type exportedLog struct {
	Time    string          `json:"time"`
	Level   string          `json:"level"`
	Service string          `json:"service"`
	Msg     string          `json:"msg"`
	TraceID *string         `json:"traceId"`
	SpanID  *string         `json:"spanId"`
	Data    json.RawMessage `json:"data,omitempty"`
	Error   json.RawMessage `json:"error,omitempty"`
	Args    json.RawMessage `json:"args,omitempty"`
}

// logLine returns line i of the generated logs: step logs with data
// inside a trace, a failed tool call with its error and stack, a plain
// warning outside any trace, a debug line with extra arguments.
func logLine(i int, at time.Time) exportedLog {
	trace, span := fmt.Sprintf("%032x", i/4), fmt.Sprintf("%016x", i)
	l := exportedLog{Time: at.UTC().Format("2006-01-02T15:04:05.000Z"), Service: "mastra-math", TraceID: &trace, SpanID: &span}
	switch i % 4 {
	case 0:
		l.Level, l.Msg = "info", "double step running"
		l.Data = rawJSON(map[string]any{"value": i % 100, "runId": fmt.Sprintf("run-%d", i/4), "step": "double"})
	case 1:
		l.Level, l.Msg = "error", "tool failed"
		l.Error = rawJSON(map[string]string{"name": "Error", "message": "b must be a number",
			"stack": "Error: b must be a number\n    at multiply (file:///app/.mastra/output/index.mjs:17:36)\n    at async run (file:///app/.mastra/output/index.mjs:88:12)"})
	case 2:
		l.Level, l.Msg, l.TraceID, l.SpanID = "warn", "plain warning: the cache is cold", nil, nil
	default:
		l.Level, l.Msg = "debug", "model call"
		l.Args = rawJSON([]any{"gpt-4o-mini", 112 + i%7, true})
	}
	return l
}

// logFiles writes files log files of lines lines each into storage under
// new names, and the rows the obsjsonl parser makes of them as one
// JSONEachRow file for clickhouse-client.
func logFiles(b *testing.B, fs commands.FileStorage, baseline string, files, lines int) {
	ctx := context.Background()
	project, deployment := uuid.New(), uuid.New()
	out, err := os.Create(baseline)
	require.NoError(b, err)
	defer out.Close()
	w := bufio.NewWriterSize(out, 1<<20)
	enc := json.NewEncoder(w)
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for f := 0; f < files; f++ {
		path := commands.ObservabilityPath(commands.KindLogs, project, deployment, time.Now(), uuid.New())
		var buf bytes.Buffer
		fenc := json.NewEncoder(&buf)
		fenc.SetEscapeHTML(false)
		for i := 0; i < lines; i++ {
			n := f*lines + i
			require.NoError(b, fenc.Encode(logLine(n, start.Add(time.Duration(n)*time.Millisecond))))
		}
		rows, bad, err := obsjsonl.ParseLogs(bytes.NewReader(buf.Bytes()), commands.ParseMeta{File: path, ProjectID: project, DeploymentID: deployment})
		require.NoError(b, err)
		require.Empty(b, bad)
		require.Len(b, rows, lines)
		for i := range rows {
			r := &rows[i]
			require.NoError(b, enc.Encode(map[string]any{
				"project_id": r.ProjectID.String(), "deployment_id": r.DeploymentID.String(), "time_us": r.TimeUS,
				"level": r.Level, "message": r.Message, "trace_id": r.TraceID, "span_id": r.SpanID, "data": r.Data,
				"file": r.File, "line": r.Line,
			}))
		}
		require.NoError(b, fs.Write(ctx, path, &buf))
	}
	require.NoError(b, w.Flush())
}

// logsChecksum is a checksum of every column of every row of logs.
const logsChecksum = `SELECT count(), sum(cityHash64(toString(project_id), toString(deployment_id), time_us,
	level, message, trace_id, span_id, data, file, line)) FROM logs`
