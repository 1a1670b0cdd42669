package clickhouse

import (
	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/commands"
)

// spanCols holds rows of spans column by column.
type spanCols struct {
	project, deployment, build                           []uuid.UUID
	trace, span, parent, name, typ, entity, status, errs []string
	attributes, input, output, model, file               []string
	start, end, duration, inputTokens, outputTokens      []uint64
	line                                                 []uint32
}

func newSpanCols(n int) *spanCols {
	u := func() []uuid.UUID { return make([]uuid.UUID, 0, n) }
	s := func() []string { return make([]string, 0, n) }
	i := func() []uint64 { return make([]uint64, 0, n) }
	return &spanCols{
		project: u(), deployment: u(), build: u(),
		trace: s(), span: s(), parent: s(), name: s(), typ: s(), entity: s(), status: s(), errs: s(),
		attributes: s(), input: s(), output: s(), model: s(), file: s(),
		start: i(), end: i(), duration: i(), inputTokens: i(), outputTokens: i(),
		line: make([]uint32, 0, n),
	}
}

func (c *spanCols) add(r *commands.SpanRow) {
	c.project = append(c.project, r.ProjectID)
	c.deployment = append(c.deployment, r.DeploymentID)
	c.build = append(c.build, r.BuildID)
	c.trace = append(c.trace, r.TraceID)
	c.span = append(c.span, r.SpanID)
	c.parent = append(c.parent, r.ParentSpanID)
	c.name = append(c.name, r.Name)
	c.typ = append(c.typ, r.Type)
	c.entity = append(c.entity, r.Entity)
	c.start = append(c.start, r.StartUS)
	c.end = append(c.end, r.EndUS)
	c.duration = append(c.duration, r.DurationUS)
	c.status = append(c.status, r.Status)
	c.errs = append(c.errs, r.Error)
	c.attributes = append(c.attributes, r.Attributes)
	c.input = append(c.input, r.Input)
	c.output = append(c.output, r.Output)
	c.model = append(c.model, r.Model)
	c.inputTokens = append(c.inputTokens, r.InputTokens)
	c.outputTokens = append(c.outputTokens, r.OutputTokens)
	c.file = append(c.file, r.File)
	c.line = append(c.line, r.Line)
}

func (c *spanCols) columns() []Column {
	return []Column{
		{"project_id", "UUID", c.project}, {"deployment_id", "UUID", c.deployment}, {"build_id", "UUID", c.build},
		{"trace_id", "String", c.trace}, {"span_id", "String", c.span}, {"parent_span_id", "String", c.parent},
		{"name", "String", c.name}, {"type", "String", c.typ}, {"entity", "String", c.entity},
		{"start_us", "UInt64", c.start}, {"end_us", "UInt64", c.end}, {"duration_us", "UInt64", c.duration},
		{"status", "String", c.status}, {"error", "String", c.errs}, {"attributes", "String", c.attributes},
		{"input", "String", c.input}, {"output", "String", c.output}, {"model", "String", c.model},
		{"input_tokens", "UInt64", c.inputTokens}, {"output_tokens", "UInt64", c.outputTokens},
		{"file", "String", c.file}, {"line", "UInt32", c.line},
	}
}

// logCols holds rows of logs column by column.
type logCols struct {
	project, deployment                     []uuid.UUID
	time                                    []uint64
	level, message, trace, span, data, file []string
	line                                    []uint32
}

func newLogCols(n int) *logCols {
	s := func() []string { return make([]string, 0, n) }
	return &logCols{
		project: make([]uuid.UUID, 0, n), deployment: make([]uuid.UUID, 0, n), time: make([]uint64, 0, n),
		level: s(), message: s(), trace: s(), span: s(), data: s(), file: s(), line: make([]uint32, 0, n),
	}
}

func (c *logCols) add(r *commands.LogRow) {
	c.project = append(c.project, r.ProjectID)
	c.deployment = append(c.deployment, r.DeploymentID)
	c.time = append(c.time, r.TimeUS)
	c.level = append(c.level, r.Level)
	c.message = append(c.message, r.Message)
	c.trace = append(c.trace, r.TraceID)
	c.span = append(c.span, r.SpanID)
	c.data = append(c.data, r.Data)
	c.file = append(c.file, r.File)
	c.line = append(c.line, r.Line)
}

func (c *logCols) columns() []Column {
	return []Column{
		{"project_id", "UUID", c.project}, {"deployment_id", "UUID", c.deployment}, {"time_us", "UInt64", c.time},
		{"level", "String", c.level}, {"message", "String", c.message}, {"trace_id", "String", c.trace},
		{"span_id", "String", c.span}, {"data", "String", c.data}, {"file", "String", c.file}, {"line", "UInt32", c.line},
	}
}
