package commands

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// ObservabilityReads answers queries over the stored spans and logs
// (ClickHouse). Every method but TraceSpans and Span is scoped to one
// project; those two return the rows of every project that has spans in
// the trace, and the caller keeps those of the projects it may see.
type ObservabilityReads interface {
	// ListTraces returns the project's traces, newest first.
	ListTraces(ctx context.Context, projectID uuid.UUID, f TraceFilter) ([]TraceSummary, error)
	// TraceSpans returns the spans of a trace; Input and Output are
	// empty unless withIO (their sizes are always there).
	TraceSpans(ctx context.Context, traceID string, withIO bool) ([]SpanRecord, error)
	// Span returns one span of a trace with its input and output (one
	// row per project that has that span ID in that trace).
	Span(ctx context.Context, traceID, spanID string) ([]SpanRecord, error)
	// SearchLogs returns the project's log lines, newest first.
	SearchLogs(ctx context.Context, projectID uuid.UUID, f LogFilter) ([]LogView, error)
	// Metrics returns the project's runs per time bucket and deployment.
	Metrics(ctx context.Context, projectID uuid.UUID, f MetricsFilter) ([]MetricsBucket, error)
	// Summary returns the project's runs over a range for one deployment
	// or one build (exactly one of f.DeploymentID and f.BuildID is set).
	Summary(ctx context.Context, projectID uuid.UUID, f SummaryFilter) (MetricsSummary, error)
	// Markers returns the project's markers in time order, each once.
	Markers(ctx context.Context, projectID uuid.UUID, f MarkerFilter) ([]MarkerRow, error)
}

// MarkerFilter selects markers: those between FromUS and ToUS (inclusive;
// ToUS 0: no bound) and, when DeploymentID is set, only that
// deployment's and the project-wide ones.
type MarkerFilter struct {
	FromUS, ToUS uint64
	DeploymentID uuid.UUID
}

// TraceFilter selects traces. FromUS and ToUS bound the spans' start
// (microseconds; ToUS 0: no bound); After is the last trace of the page
// before; Limit is at least 1.
type TraceFilter struct {
	DeploymentID uuid.UUID // uuid.Nil: every deployment
	Status       string    // "", SpanOK, SpanError (a span failed) or SpanRunning
	Name         string    // part of the root span's name, any case
	FromUS, ToUS uint64
	After        *TraceCursor
	Limit        int
}

// TraceCursor is where a page of traces ends: its last trace's start and ID.
type TraceCursor struct {
	StartUS uint64 `json:"s"`
	TraceID string `json:"t"`
}

// TraceSummary is one trace of a list: its first span names it.
type TraceSummary struct {
	TraceID      string     `json:"traceId"`
	Name         string     `json:"name"`
	Type         string     `json:"type"`
	Entity       string     `json:"entity"`
	DeploymentID uuid.UUID  `json:"deploymentId"`
	BuildID      *uuid.UUID `json:"buildId,omitempty"`
	Status       string     `json:"status"` // error when a span failed, running while one runs, else ok
	Start        time.Time  `json:"start"`
	DurationMS   float64    `json:"durationMs"`
	Spans        uint64     `json:"spans"`
	Errors       uint64     `json:"errors"`
	InputTokens  uint64     `json:"inputTokens"`
	OutputTokens uint64     `json:"outputTokens"`
	StartUS      uint64     `json:"-"`
}

// SpanRecord is a stored span with the sizes of its input and output,
// which a trace's tree shows without the payloads.
type SpanRecord struct {
	SpanRow
	InputBytes  uint64
	OutputBytes uint64
}

// LogFilter selects log lines; times as in TraceFilter.
type LogFilter struct {
	Q            string // part of the message, any case
	Level        string
	DeploymentID uuid.UUID
	TraceID      string
	FromUS, ToUS uint64
	After        *LogCursor
	Limit        int
}

// LogCursor is where a page of log lines ends.
type LogCursor struct {
	TimeUS uint64 `json:"t"`
	File   string `json:"f"`
	Line   uint32 `json:"l"`
}

// LogView is one log line as the API shows it.
type LogView struct {
	Time         time.Time `json:"time"`
	Level        string    `json:"level"`
	Message      string    `json:"message"`
	DeploymentID uuid.UUID `json:"deploymentId"`
	TraceID      string    `json:"traceId,omitempty"`
	SpanID       string    `json:"spanId,omitempty"`
	Data         RawJSON   `json:"data,omitempty"`
	Cursor       LogCursor `json:"-"`
}

// Metric buckets (MetricsFilter.Bucket).
const (
	Bucket1m = "1m"
	Bucket5m = "5m"
	Bucket1h = "1h"
	Bucket1d = "1d"
)

// bucketSizes are the buckets the metrics answer in.
var bucketSizes = map[string]time.Duration{Bucket1m: time.Minute, Bucket5m: 5 * time.Minute, Bucket1h: time.Hour, Bucket1d: 24 * time.Hour}

// MetricsFilter selects the runs of metrics: a run is a root span.
type MetricsFilter struct {
	FromUS, ToUS uint64
	Bucket       string
	DeploymentID uuid.UUID // uuid.Nil: every deployment
}

// MetricsBucket is one time bucket of one deployment: its runs (root
// spans), failed runs, latency quantiles of the finished runs, and the
// tokens of all its spans.
type MetricsBucket struct {
	Start        time.Time `json:"start"`
	DeploymentID uuid.UUID `json:"deploymentId"`
	Runs         uint64    `json:"runs"`
	Errors       uint64    `json:"errors"`
	P50MS        float64   `json:"p50Ms"`
	P95MS        float64   `json:"p95Ms"`
	P99MS        float64   `json:"p99Ms"`
	InputTokens  uint64    `json:"inputTokens"`
	OutputTokens uint64    `json:"outputTokens"`
}

// SummaryFilter selects the runs of one deployment or one build.
type SummaryFilter struct {
	DeploymentID uuid.UUID
	BuildID      uuid.UUID
	FromUS, ToUS uint64
}

// MetricsSummary is MetricsBucket over a whole range.
type MetricsSummary struct {
	Runs         uint64     `json:"runs"`
	Errors       uint64     `json:"errors"`
	ErrorRate    float64    `json:"errorRate"`
	P50MS        float64    `json:"p50Ms"`
	P95MS        float64    `json:"p95Ms"`
	P99MS        float64    `json:"p99Ms"`
	InputTokens  uint64     `json:"inputTokens"`
	OutputTokens uint64     `json:"outputTokens"`
	First        *time.Time `json:"firstRun,omitempty"`
	Last         *time.Time `json:"lastRun,omitempty"`
}
