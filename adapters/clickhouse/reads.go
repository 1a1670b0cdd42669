package clickhouse

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/commands"
)

var _ commands.ObservabilityReads = (*Store)(nil)

// maxTraceSpans bounds the spans of one trace that a query returns.
const maxTraceSpans = 10000

// where builds a WHERE clause and its arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return "1"
	}
	return strings.Join(w.conds, " AND ")
}

// projectRange selects a project's rows whose time column lies in [from, to].
func projectRange(col string, projectID uuid.UUID, from, to uint64) *where {
	w := &where{}
	w.add("project_id = toUUID(?)", projectID.String())
	if from > 0 {
		w.add(col+" >= ?", from)
	}
	if to > 0 {
		w.add(col+" <= ?", to)
	}
	return w
}

// ListTraces implements commands.ObservabilityReads: spans grouped by
// trace; the earliest span names the trace.
func (s *Store) ListTraces(ctx context.Context, projectID uuid.UUID, f commands.TraceFilter) ([]commands.TraceSummary, error) {
	if err := s.ensure(ctx); err != nil {
		return nil, err
	}
	w := projectRange("start_us", projectID, f.FromUS, f.ToUS)
	if f.DeploymentID != uuid.Nil {
		w.add("deployment_id = toUUID(?)", f.DeploymentID.String())
	}
	h := &where{}
	if f.After != nil {
		h.add("(s < ? OR (s = ? AND trace_id < ?))", f.After.StartUS, f.After.StartUS, f.After.TraceID)
	}
	switch f.Status {
	case commands.SpanError:
		h.add("errs > 0")
	case commands.SpanRunning:
		h.add("errs = 0 AND running > 0")
	case commands.SpanOK:
		h.add("errs = 0 AND running = 0")
	}
	if f.Name != "" {
		h.add("positionCaseInsensitiveUTF8(n, ?) > 0", f.Name)
	}
	if f.Status == "" && f.Name == "" {
		// Without filters on the whole trace, the page's traces are those
		// of the newest root spans: only their spans are grouped, not
		// every span of the range.
		r := &where{}
		r.conds, r.args = append(r.conds, w.conds...), append(r.args, w.args...)
		r.add("parent_span_id = ''")
		if f.After != nil {
			r.add("(start_us < ? OR (start_us = ? AND trace_id < ?))", f.After.StartUS, f.After.StartUS, f.After.TraceID)
		}
		w.add("trace_id IN (SELECT trace_id FROM spans WHERE "+r.sql()+" ORDER BY start_us DESC, trace_id DESC LIMIT ?)",
			append(r.args, 2*f.Limit)...)
	}
	q := `SELECT trace_id, argMin(name, start_us) AS n, argMin(type, start_us), argMin(entity, start_us),
		argMin(deployment_id, start_us), argMin(build_id, start_us), min(start_us) AS s, max(greatest(end_us, start_us)),
		count(), countIf(status = 'error') AS errs, countIf(status = 'running') AS running, sum(input_tokens), sum(output_tokens)
		FROM spans WHERE ` + w.sql() + ` GROUP BY trace_id HAVING ` + h.sql() + `
		ORDER BY s DESC, trace_id DESC LIMIT ?`
	rows, err := s.conn.Query(ctx, q, append(append(w.args, h.args...), f.Limit)...)
	if err != nil {
		return nil, classify(fmt.Errorf("clickhouse: list traces: %w", err))
	}
	defer rows.Close()
	var out []commands.TraceSummary
	for rows.Next() {
		var t commands.TraceSummary
		var build uuid.UUID
		var end, running uint64
		if err := rows.Scan(&t.TraceID, &t.Name, &t.Type, &t.Entity, &t.DeploymentID, &build, &t.StartUS, &end,
			&t.Spans, &t.Errors, &running, &t.InputTokens, &t.OutputTokens); err != nil {
			return nil, classify(fmt.Errorf("clickhouse: list traces: %w", err))
		}
		if build != uuid.Nil {
			t.BuildID = &build
		}
		t.Start = usTime(t.StartUS)
		t.DurationMS = ms(end - t.StartUS)
		t.Status = commands.SpanOK
		switch {
		case t.Errors > 0:
			t.Status = commands.SpanError
		case running > 0:
			t.Status = commands.SpanRunning
		}
		out = append(out, t)
	}
	return out, classify(rows.Err())
}

const spanSelect = `project_id, deployment_id, build_id, trace_id, span_id, parent_span_id, name, type, entity,
	start_us, end_us, duration_us, status, error, attributes, %s, model, input_tokens, output_tokens, file, line,
	length(input), length(output)`

// TraceSpans implements commands.ObservabilityReads.
func (s *Store) TraceSpans(ctx context.Context, traceID string, withIO bool) ([]commands.SpanRecord, error) {
	io := "'', ''"
	if withIO {
		io = "input, output"
	}
	return s.spans(ctx, fmt.Sprintf(`SELECT `+spanSelect+` FROM spans WHERE trace_id = ? AND `+traceRows+` ORDER BY start_us LIMIT ?`, io),
		traceID, traceID, maxTraceSpans)
}

// traceRows narrows a read of one trace (its ID bound after the trace_id
// condition) to the (project, start) pairs trace_index holds for it, which
// the ordering key of spans finds without reading the whole table.
const traceRows = `(project_id, start_us) IN (SELECT project_id, start_us FROM trace_index WHERE trace_id = ?)`

// Span implements commands.ObservabilityReads.
func (s *Store) Span(ctx context.Context, traceID, spanID string) ([]commands.SpanRecord, error) {
	return s.spans(ctx, fmt.Sprintf(`SELECT `+spanSelect+` FROM spans WHERE trace_id = ? AND span_id = ? AND `+traceRows+` LIMIT 100`, "input, output"),
		traceID, spanID, traceID)
}

func (s *Store) spans(ctx context.Context, q string, args ...any) ([]commands.SpanRecord, error) {
	if err := s.ensure(ctx); err != nil {
		return nil, err
	}
	rows, err := s.conn.Query(ctx, q, args...)
	if err != nil {
		return nil, classify(fmt.Errorf("clickhouse: read spans: %w", err))
	}
	defer rows.Close()
	var out []commands.SpanRecord
	for rows.Next() {
		var r commands.SpanRecord
		if err := rows.Scan(&r.ProjectID, &r.DeploymentID, &r.BuildID, &r.TraceID, &r.SpanID, &r.ParentSpanID, &r.Name,
			&r.Type, &r.Entity, &r.StartUS, &r.EndUS, &r.DurationUS, &r.Status, &r.Error, &r.Attributes, &r.Input, &r.Output,
			&r.Model, &r.InputTokens, &r.OutputTokens, &r.File, &r.Line, &r.InputBytes, &r.OutputBytes); err != nil {
			return nil, classify(fmt.Errorf("clickhouse: read spans: %w", err))
		}
		out = append(out, r)
	}
	return out, classify(rows.Err())
}

// SearchLogs implements commands.ObservabilityReads.
func (s *Store) SearchLogs(ctx context.Context, projectID uuid.UUID, f commands.LogFilter) ([]commands.LogView, error) {
	if err := s.ensure(ctx); err != nil {
		return nil, err
	}
	w := projectRange("time_us", projectID, f.FromUS, f.ToUS)
	if f.Level != "" {
		w.add("lower(level) = ?", strings.ToLower(f.Level))
	}
	if f.DeploymentID != uuid.Nil {
		w.add("deployment_id = toUUID(?)", f.DeploymentID.String())
	}
	if f.TraceID != "" {
		w.add("trace_id = ?", f.TraceID)
	}
	if f.Q != "" {
		w.add("positionCaseInsensitiveUTF8(message, ?) > 0", f.Q)
	}
	if a := f.After; a != nil {
		w.add("(time_us < ? OR (time_us = ? AND (file < ? OR (file = ? AND line < ?))))", a.TimeUS, a.TimeUS, a.File, a.File, a.Line)
	}
	rows, err := s.conn.Query(ctx, `SELECT time_us, level, message, deployment_id, trace_id, span_id, data, file, line
		FROM logs WHERE `+w.sql()+` ORDER BY time_us DESC, file DESC, line DESC LIMIT ?`, append(w.args, f.Limit)...)
	if err != nil {
		return nil, classify(fmt.Errorf("clickhouse: search logs: %w", err))
	}
	defer rows.Close()
	var out []commands.LogView
	for rows.Next() {
		var l commands.LogView
		var data string
		if err := rows.Scan(&l.Cursor.TimeUS, &l.Level, &l.Message, &l.DeploymentID, &l.TraceID, &l.SpanID, &data,
			&l.Cursor.File, &l.Cursor.Line); err != nil {
			return nil, classify(fmt.Errorf("clickhouse: search logs: %w", err))
		}
		l.Time, l.Data = usTime(l.Cursor.TimeUS), commands.RawJSON(data)
		out = append(out, l)
	}
	return out, classify(rows.Err())
}

// bucketUS is the width of each metrics bucket in microseconds; buckets
// are aligned on the Unix epoch, so days are UTC days.
var bucketUS = map[string]uint64{commands.Bucket1m: 60e6, commands.Bucket5m: 300e6, commands.Bucket1h: 3600e6, commands.Bucket1d: 86400e6}

// runColumns aggregate runs (root spans) and the tokens of all spans.
const runColumns = `countIf(parent_span_id = '') AS runs, countIf(parent_span_id = '' AND status = 'error'),
	quantilesIf(0.5, 0.95, 0.99)(duration_us, parent_span_id = '' AND status != 'running'),
	sum(input_tokens), sum(output_tokens)`

// Metrics implements commands.ObservabilityReads.
func (s *Store) Metrics(ctx context.Context, projectID uuid.UUID, f commands.MetricsFilter) ([]commands.MetricsBucket, error) {
	size, ok := bucketUS[f.Bucket]
	if !ok {
		return nil, fmt.Errorf("clickhouse: metrics bucket %q is none of 1m, 5m, 1h, 1d", f.Bucket)
	}
	if err := s.ensure(ctx); err != nil {
		return nil, err
	}
	w := projectRange("start_us", projectID, f.FromUS, f.ToUS)
	if f.DeploymentID != uuid.Nil {
		w.add("deployment_id = toUUID(?)", f.DeploymentID.String())
	}
	rows, err := s.conn.Query(ctx, `SELECT intDiv(start_us, ?) * ? AS b, deployment_id, `+runColumns+`
		FROM spans WHERE `+w.sql()+` GROUP BY b, deployment_id ORDER BY b, deployment_id`, append([]any{size, size}, w.args...)...)
	if err != nil {
		return nil, classify(fmt.Errorf("clickhouse: metrics: %w", err))
	}
	defer rows.Close()
	var out []commands.MetricsBucket
	for rows.Next() {
		var b commands.MetricsBucket
		var start uint64
		var q []float64
		if err := rows.Scan(&start, &b.DeploymentID, &b.Runs, &b.Errors, &q, &b.InputTokens, &b.OutputTokens); err != nil {
			return nil, classify(fmt.Errorf("clickhouse: metrics: %w", err))
		}
		b.Start = usTime(start)
		b.P50MS, b.P95MS, b.P99MS = quantilesMS(q)
		out = append(out, b)
	}
	return out, classify(rows.Err())
}

// Summary implements commands.ObservabilityReads.
func (s *Store) Summary(ctx context.Context, projectID uuid.UUID, f commands.SummaryFilter) (commands.MetricsSummary, error) {
	if (f.DeploymentID == uuid.Nil) == (f.BuildID == uuid.Nil) {
		return commands.MetricsSummary{}, fmt.Errorf("clickhouse: a summary is of one deployment or one build")
	}
	if err := s.ensure(ctx); err != nil {
		return commands.MetricsSummary{}, err
	}
	w := projectRange("start_us", projectID, f.FromUS, f.ToUS)
	if f.DeploymentID != uuid.Nil {
		w.add("deployment_id = toUUID(?)", f.DeploymentID.String())
	} else {
		w.add("build_id = toUUID(?)", f.BuildID.String())
	}
	var m commands.MetricsSummary
	var q []float64
	var first, last uint64
	err := s.conn.QueryRow(ctx, `SELECT `+runColumns+`, minIf(start_us, parent_span_id = ''), maxIf(start_us, parent_span_id = '')
		FROM spans WHERE `+w.sql(), w.args...).Scan(&m.Runs, &m.Errors, &q, &m.InputTokens, &m.OutputTokens, &first, &last)
	if err != nil {
		return commands.MetricsSummary{}, classify(fmt.Errorf("clickhouse: metrics summary: %w", err))
	}
	m.P50MS, m.P95MS, m.P99MS = quantilesMS(q)
	if m.Runs > 0 {
		m.ErrorRate = float64(m.Errors) / float64(m.Runs)
		f, l := usTime(first), usTime(last)
		m.First, m.Last = &f, &l
	}
	return m, nil
}

// quantilesMS reads p50, p95 and p99 in microseconds as milliseconds; NaN
// (no finished run) reads as 0.
func quantilesMS(q []float64) (p50, p95, p99 float64) {
	out := make([]float64, 3)
	for i := range out {
		if i < len(q) && !math.IsNaN(q[i]) && !math.IsInf(q[i], 0) {
			out[i] = math.Round(q[i]/10) / 100
		}
	}
	return out[0], out[1], out[2]
}

func usTime(us uint64) time.Time { return time.UnixMicro(int64(us)).UTC() }

func ms(us uint64) float64 { return math.Round(float64(us)/10) / 100 }
