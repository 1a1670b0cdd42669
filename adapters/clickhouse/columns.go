package clickhouse

import (
	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/commands"
)

// spanColumns are the columns of spans, read from rows.
func spanColumns(rows []*commands.SpanRow) []Column {
	type r = *commands.SpanRow
	id := func(get func(r) uuid.UUID) any { return Field[r, uuid.UUID]{rows, get} }
	str := func(get func(r) string) any { return Field[r, string]{rows, get} }
	num := func(get func(r) uint64) any { return Field[r, uint64]{rows, get} }
	return []Column{
		{"project_id", "UUID", id(func(r r) uuid.UUID { return r.ProjectID })},
		{"deployment_id", "UUID", id(func(r r) uuid.UUID { return r.DeploymentID })},
		{"build_id", "UUID", id(func(r r) uuid.UUID { return r.BuildID })},
		{"trace_id", "String", str(func(r r) string { return r.TraceID })},
		{"span_id", "String", str(func(r r) string { return r.SpanID })},
		{"parent_span_id", "String", str(func(r r) string { return r.ParentSpanID })},
		{"name", "String", str(func(r r) string { return r.Name })},
		{"type", "String", str(func(r r) string { return r.Type })},
		{"entity", "String", str(func(r r) string { return r.Entity })},
		{"start_us", "UInt64", num(func(r r) uint64 { return r.StartUS })},
		{"end_us", "UInt64", num(func(r r) uint64 { return r.EndUS })},
		{"duration_us", "UInt64", num(func(r r) uint64 { return r.DurationUS })},
		{"status", "String", str(func(r r) string { return r.Status })},
		{"error", "String", str(func(r r) string { return r.Error })},
		{"attributes", "String", str(func(r r) string { return r.Attributes })},
		{"input", "String", str(func(r r) string { return r.Input })},
		{"output", "String", str(func(r r) string { return r.Output })},
		{"model", "String", str(func(r r) string { return r.Model })},
		{"input_tokens", "UInt64", num(func(r r) uint64 { return r.InputTokens })},
		{"output_tokens", "UInt64", num(func(r r) uint64 { return r.OutputTokens })},
		{"file", "String", str(func(r r) string { return r.File })},
		{"line", "UInt32", Field[r, uint32]{rows, func(r r) uint32 { return r.Line }}},
	}
}

// logColumns are the columns of logs, read from rows.
func logColumns(rows []*commands.LogRow) []Column {
	type r = *commands.LogRow
	id := func(get func(r) uuid.UUID) any { return Field[r, uuid.UUID]{rows, get} }
	str := func(get func(r) string) any { return Field[r, string]{rows, get} }
	return []Column{
		{"project_id", "UUID", id(func(r r) uuid.UUID { return r.ProjectID })},
		{"deployment_id", "UUID", id(func(r r) uuid.UUID { return r.DeploymentID })},
		{"time_us", "UInt64", Field[r, uint64]{rows, func(r r) uint64 { return r.TimeUS }}},
		{"level", "String", str(func(r r) string { return r.Level })},
		{"message", "String", str(func(r r) string { return r.Message })},
		{"trace_id", "String", str(func(r r) string { return r.TraceID })},
		{"span_id", "String", str(func(r r) string { return r.SpanID })},
		{"data", "String", str(func(r r) string { return r.Data })},
		{"file", "String", str(func(r r) string { return r.File })},
		{"line", "UInt32", Field[r, uint32]{rows, func(r r) uint32 { return r.Line }}},
	}
}
