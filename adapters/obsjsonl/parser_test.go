package obsjsonl_test

import (
	"os"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/obsjsonl"
	"github.com/mastra-admin/mastra-admin/commands"
)

var meta = commands.ParseMeta{
	File:         "observability/spans/p/d/x.jsonl",
	ProjectID:    uuid.MustParse("01900000-0000-7000-8000-000000000001"),
	DeploymentID: uuid.MustParse("01900000-0000-7000-8000-000000000002"),
}

// us is the microseconds of an RFC 3339 time.
func us(t *testing.T, s string) uint64 {
	t.Helper()
	rows, bad, err := obsjsonl.ParseLogs(strings.NewReader(`{"time":"`+s+`"}`), meta)
	require.NoError(t, err)
	require.Empty(t, bad)
	return rows[0].TimeUS
}

func bySpan(rows []commands.SpanRow) map[string]commands.SpanRow {
	m := map[string]commands.SpanRow{}
	for _, r := range rows {
		m[r.SpanID] = r
	}
	return m
}

// TestParseSpansOfTheEntry parses lines that the real entry
// (adapters/bundler/assets) wrote for Mastra-shaped span events: a
// workflow run with a step, a model generation under the step, a tool
// call that failed, and a run that never ended. (They were produced by
// injecting the entry into the bundler tests' fake project and emitting
// these events from its index.mjs.)
func TestParseSpansOfTheEntry(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/entry_spans.jsonl")
	require.NoError(t, err)
	defer f.Close()
	rows, bad, err := obsjsonl.ParseSpans(f, meta)
	require.NoError(t, err)
	assert.Empty(t, bad)
	require.Len(t, rows, 5, "9 events of 5 spans")
	assert.Equal(t, []string{"8812aa01bb02cc03", "4746bb01cc02dd03", "9a9a0b0b1c1c2d2d", "5e5e6f6f7a7a8b8b", "ffff000011112222"},
		[]string{rows[0].SpanID, rows[1].SpanID, rows[2].SpanID, rows[3].SpanID, rows[4].SpanID}, "in the order of their first events")
	s := bySpan(rows)

	root := s["8812aa01bb02cc03"]
	assert.Equal(t, commands.SpanRow{
		ProjectID: meta.ProjectID, DeploymentID: meta.DeploymentID,
		TraceID: "7bdd0c2f5a9e4b1c8d3e6f7a8b9c0d1e", SpanID: "8812aa01bb02cc03", ParentSpanID: "",
		Name: "workflow run: 'math-workflow'", Type: "workflow_run", Entity: "math-workflow",
		StartUS: us(t, "2026-11-22T22:55:57.453Z"), EndUS: us(t, "2026-11-22T22:55:57.463Z"), DurationUS: 10_000,
		Status: commands.SpanOK, Attributes: `{"status":"success"}`, Input: `{"value":21}`, Output: `{"message":"result is 42"}`,
		File: meta.File, Line: 1,
	}, root, "the end's attributes win; the row is at the line of its first event")

	step := s["4746bb01cc02dd03"]
	assert.Equal(t, root.SpanID, step.ParentSpanID)
	assert.Equal(t, "double", step.Entity)
	assert.Equal(t, uint64(5000), step.DurationUS)
	assert.Equal(t, uint32(2), step.Line)

	gen := s["9a9a0b0b1c1c2d2d"]
	assert.Equal(t, "model_generation", gen.Type)
	assert.Equal(t, "gpt-4o-mini-2024-07-18", gen.Model, "the response's model over the requested one")
	assert.Equal(t, uint64(112), gen.InputTokens)
	assert.Equal(t, uint64(7), gen.OutputTokens)
	assert.Equal(t, "Math Agent", gen.Entity)
	assert.Equal(t, `{"text":"42"}`, gen.Output)

	tool := s["5e5e6f6f7a7a8b8b"]
	assert.Equal(t, commands.SpanError, tool.Status)
	assert.Equal(t, "TOOL_EXECUTION_FAILED: a must be a number", tool.Error)
	assert.Equal(t, `{"a":"x"}`, tool.Input)
	assert.Equal(t, "", tool.Output)
	assert.Equal(t, "", tool.Attributes)

	slow := s["ffff000011112222"]
	assert.Equal(t, commands.SpanRunning, slow.Status, "only its start was seen")
	assert.Equal(t, uint64(0), slow.EndUS)
	assert.Equal(t, uint64(0), slow.DurationUS)
	assert.Equal(t, us(t, "2026-11-22T22:55:57.464Z"), slow.StartUS)
	for _, r := range rows {
		assert.Equal(t, uuid.Nil, r.BuildID, "the entry's lines do not say")
		if r.Type != "model_generation" {
			assert.Zero(t, r.InputTokens+r.OutputTokens, r.SpanID)
		}
	}
}

// TestParseLogsOfTheEntry parses log lines the real entry wrote: a line
// with data, one with an error, one without either.
func TestParseLogsOfTheEntry(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/entry_logs.jsonl")
	require.NoError(t, err)
	defer f.Close()
	rows, bad, err := obsjsonl.ParseLogs(f, meta)
	require.NoError(t, err)
	assert.Empty(t, bad)
	require.Len(t, rows, 3)
	assert.Equal(t, commands.LogRow{ProjectID: meta.ProjectID, DeploymentID: meta.DeploymentID,
		TimeUS: us(t, "2026-12-04T19:12:24.339Z"), Level: "info", Message: "double step running",
		TraceID: "t1", SpanID: "4746bb01cc02dd03", Data: `{"data":{"value":21}}`, File: meta.File, Line: 1}, rows[0])
	assert.Equal(t, "error", rows[1].Level)
	assert.True(t, strings.HasPrefix(rows[1].Data, `{"error":{"name":"Error","message":"a must be a number","stack":"Error: a must be a number\n`), rows[1].Data)
	assert.Equal(t, uint32(2), rows[1].Line)
	assert.Equal(t, "warn", rows[2].Level)
	assert.Equal(t, "", rows[2].TraceID, "null is empty")
	assert.Equal(t, "", rows[2].Data, "nothing besides the columns")
}
