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

// Shapes of the span files of the ingestion benchmarks.
const (
	// shapeStartEnd: every span has a span_started line and, later in
	// the file, a span_ended line, as the entry's exporter writes them.
	shapeStartEnd = "start+end"
	// shapeEnded: one span_ended line per span, so that the file has one
	// line per row like the baseline's JSONEachRow file.
	shapeEnded = "ended"
	// shapeLogs: log files of the entry's log lines (logFiles), one row
	// per line.
	shapeLogs = "logs"
)

// exportedSpan is a line of a span file as the entry's exporter writes it
// (adapters/bundler/assets/entry.mjs.tmpl), field for field.
type exportedSpan struct {
	Event        string          `json:"event"`
	Service      string          `json:"service"`
	BuildID      string          `json:"buildId"`
	TraceID      string          `json:"traceId"`
	SpanID       string          `json:"spanId"`
	ParentSpanID *string         `json:"parentSpanId"`
	Name         string          `json:"name"`
	Type         string          `json:"type"`
	EntityType   string          `json:"entityType"`
	EntityID     string          `json:"entityId"`
	EntityName   string          `json:"entityName"`
	IsRootSpan   bool            `json:"isRootSpan"`
	StartTime    string          `json:"startTime"`
	EndTime      *string         `json:"endTime"`
	Attributes   json.RawMessage `json:"attributes"`
	Metadata     json.RawMessage `json:"metadata"`
	Input        json.RawMessage `json:"input"`
	Output       json.RawMessage `json:"output"`
	ErrorInfo    json.RawMessage `json:"errorInfo"`
}

// spansPerTrace is the number of spans of a generated trace.
const spansPerTrace = 8

// spanTemplate is what the spans at one position of every generated trace
// have in common.
type spanTemplate struct {
	name, typ, entityType, entityID, entityName string
	attrs, endAttrs, input, output              json.RawMessage
}

func rawJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// spanTemplates are the spans of a generated trace: an agent run, under
// it model generations (with model and token usage) and tool calls.
var spanTemplates = func() []spanTemplate {
	var out []spanTemplate
	for i := 0; i < spansPerTrace; i++ {
		var s spanTemplate
		switch {
		case i == 0:
			s = spanTemplate{name: "agent run: 'mathAgent'", typ: "agent_run", entityType: "agent", entityID: "math-agent", entityName: "Math Agent",
				input:  rawJSON(map[string]any{"messages": []map[string]string{{"role": "user", "content": "What is 17 times 23, and why?"}}}),
				output: rawJSON(map[string]any{"text": "17 times 23 is 391: 17 times 20 is 340, plus 17 times 3 is 51."}),
				attrs:  rawJSON(map[string]any{"agentId": "math-agent", "instructions": "You are a helpful math assistant.", "maxSteps": 5})}
			s.endAttrs = s.attrs
		case i%2 == 1:
			s = spanTemplate{name: "llm: 'gpt-4o-mini'", typ: "model_generation", entityType: "agent", entityID: "math-agent", entityName: "Math Agent",
				attrs: rawJSON(map[string]any{"model": "gpt-4o-mini", "provider": "openai.chat", "streaming": false, "parameters": map[string]any{"temperature": 0}}),
				endAttrs: rawJSON(map[string]any{"model": "gpt-4o-mini", "provider": "openai.chat", "streaming": false, "parameters": map[string]any{"temperature": 0},
					"responseModel": "gpt-4o-mini-2024-07-18", "finishReason": "tool-calls", "usage": map[string]any{"inputTokens": 112 + i, "outputTokens": 7 + i}}),
				input:  rawJSON(map[string]any{"messages": []map[string]string{{"role": "system", "content": "You are a helpful math assistant."}, {"role": "user", "content": "What is 17 times 23, and why?"}}}),
				output: rawJSON(map[string]any{"text": "", "toolCalls": []map[string]any{{"toolName": "multiply", "args": map[string]int{"a": 17, "b": 23}}}})}
		default:
			s = spanTemplate{name: "tool: 'multiply'", typ: "tool_call", entityType: "tool", entityID: "multiply", entityName: "multiply",
				attrs: rawJSON(map[string]any{"toolId": "multiply", "toolDescription": "Multiplies two numbers"}),
				input: rawJSON(map[string]any{"a": 17, "b": 23}), output: rawJSON(map[string]any{"result": 391})}
			s.endAttrs = s.attrs
		}
		out = append(out, s)
	}
	return out
}()

var (
	toolFailure = rawJSON(map[string]any{"id": "TOOL_EXECUTION_FAILED", "message": "b must be a number", "domain": "TOOL", "category": "USER"})
	jsonNull    = json.RawMessage("null")
)

// traceLines returns the lines of trace t (spans t·8 … t·8+7, see
// spanTemplates; one tool call fails in every fourth trace). With
// start+end, the starts come in order and the ends in reverse order, as
// nested spans end.
func traceLines(t int, build string, start time.Time, shape string) []exportedSpan {
	traceID := fmt.Sprintf("%032x", t)
	ms := func(d int) string {
		return start.Add(time.Duration(d) * time.Millisecond).UTC().Format("2006-01-02T15:04:05.000Z")
	}
	root := fmt.Sprintf("%016x", t*spansPerTrace)
	starts := make([]exportedSpan, 0, spansPerTrace)
	ends := make([]exportedSpan, spansPerTrace)
	for i, tpl := range spanTemplates {
		s := exportedSpan{Service: "mastra-math", BuildID: build, TraceID: traceID, SpanID: fmt.Sprintf("%016x", t*spansPerTrace+i),
			Name: tpl.name, Type: tpl.typ, EntityType: tpl.entityType, EntityID: tpl.entityID, EntityName: tpl.entityName,
			IsRootSpan: i == 0, StartTime: ms(i * 40), Metadata: rawJSON(map[string]string{"runId": fmt.Sprintf("run-%d", t)}),
			Input: tpl.input, Output: jsonNull, ErrorInfo: jsonNull}
		if i > 0 {
			s.ParentSpanID = &root
		}
		end := ms(i*40 + 35 - i*4)
		st := s
		st.Event, st.Attributes = "span_started", tpl.attrs
		en := s
		en.Event, en.EndTime, en.Attributes, en.Output = "span_ended", &end, tpl.endAttrs, tpl.output
		if i == 6 && t%4 == 0 {
			en.Output, en.ErrorInfo = jsonNull, toolFailure
		}
		starts = append(starts, st)
		ends[spansPerTrace-1-i] = en
	}
	if shape == shapeEnded {
		return ends
	}
	return append(starts, ends...)
}

// spanFiles writes files span files of lines spans each (in the given
// shape) into storage under new names, and the rows the obsjsonl parser
// makes of them as one JSONEachRow file for clickhouse-client.
func spanFiles(b *testing.B, fs commands.FileStorage, baseline string, files, spans int, shape string) {
	ctx := context.Background()
	project, deployment, build := uuid.New(), uuid.New(), uuid.New().String()
	out, err := os.Create(baseline)
	require.NoError(b, err)
	defer out.Close()
	w := bufio.NewWriterSize(out, 1<<20)
	enc := json.NewEncoder(w)
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for f := 0; f < files; f++ {
		path := commands.ObservabilityPath(commands.KindSpans, project, deployment, time.Now(), uuid.New())
		var buf bytes.Buffer
		fenc := json.NewEncoder(&buf)
		for t := 0; t < spans/spansPerTrace; t++ {
			n := f*spans/spansPerTrace + t
			for _, l := range traceLines(n, build, start.Add(time.Duration(n)*time.Second), shape) {
				require.NoError(b, fenc.Encode(l))
			}
		}
		rows, bad, err := obsjsonl.ParseSpans(bytes.NewReader(buf.Bytes()), commands.ParseMeta{File: path, ProjectID: project, DeploymentID: deployment})
		require.NoError(b, err)
		require.Empty(b, bad)
		require.Len(b, rows, spans)
		for i := range rows {
			require.NoError(b, enc.Encode(baselineRow(&rows[i])))
		}
		require.NoError(b, fs.Write(ctx, path, &buf))
	}
	require.NoError(b, w.Flush())
}

// baselineRow is a row of spans as JSONEachRow writes it.
func baselineRow(r *commands.SpanRow) map[string]any {
	return map[string]any{
		"project_id": r.ProjectID.String(), "deployment_id": r.DeploymentID.String(), "build_id": r.BuildID.String(),
		"trace_id": r.TraceID, "span_id": r.SpanID, "parent_span_id": r.ParentSpanID,
		"name": r.Name, "type": r.Type, "entity": r.Entity,
		"start_us": r.StartUS, "end_us": r.EndUS, "duration_us": r.DurationUS,
		"status": r.Status, "error": r.Error, "attributes": r.Attributes, "input": r.Input, "output": r.Output,
		"model": r.Model, "input_tokens": r.InputTokens, "output_tokens": r.OutputTokens,
		"file": r.File, "line": r.Line,
	}
}

// spansChecksum is a checksum of every column of every row of spans, to
// tell that two tables hold the same rows.
const spansChecksum = `SELECT count(), sum(cityHash64(toString(project_id), toString(deployment_id), toString(build_id),
	trace_id, span_id, parent_span_id, name, type, entity, start_us, end_us, duration_us, status, error,
	attributes, input, output, model, input_tokens, output_tokens, file, line)) FROM spans`
