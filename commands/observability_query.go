package commands

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

type obsHolder struct{ reads ObservabilityReads }

// SetObservability gives the Admin the observability store to query
// (traces, logs, metrics); until then those queries are unavailable.
func (a *Admin) SetObservability(r ObservabilityReads) { a.obs.Store(&obsHolder{reads: r}) }

// observability returns the store to query, or an unavailable error.
func (a *Admin) observability() (ObservabilityReads, error) {
	h := a.obs.Load()
	if h == nil || h.reads == nil {
		return nil, domain.Errorf(domain.KindUnavailable, "the observability store (ClickHouse) is not configured: set CLICKHOUSE_URL")
	}
	return h.reads, nil
}

// obsErr turns a store error into the caller's: unreachable is
// unavailable, the rest is internal.
func obsErr(what string, err error) error {
	if errors.Is(err, ErrStoreUnavailable) {
		return domain.Errorf(domain.KindUnavailable, "the observability store (ClickHouse) does not answer; retry later")
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Query limits.
const (
	defaultPageSize = 50
	maxPageSize     = 500
	maxBuckets      = 5000
)

// TimeRange is a query's from and to; zero times are unbounded.
type TimeRange struct {
	From, To time.Time
}

func (r TimeRange) micros() (from, to uint64, err error) {
	if !r.From.IsZero() && !r.To.IsZero() && r.From.After(r.To) {
		return 0, 0, domain.Errorf(domain.KindInvalid, "from (%s) is after to (%s)", r.From.Format(time.RFC3339), r.To.Format(time.RFC3339))
	}
	if r.From.Before(time.Unix(0, 0)) && !r.From.IsZero() || r.To.Before(time.Unix(0, 0)) && !r.To.IsZero() {
		return 0, 0, domain.Errorf(domain.KindInvalid, "from and to must be after 1970")
	}
	if !r.From.IsZero() {
		from = uint64(r.From.UnixMicro())
	}
	if !r.To.IsZero() {
		to = uint64(r.To.UnixMicro())
	}
	return from, to, nil
}

func pageSize(n int) (int, error) {
	switch {
	case n == 0:
		return defaultPageSize, nil
	case n < 0 || n > maxPageSize:
		return 0, domain.Errorf(domain.KindInvalid, "limit %d is out of range: 1 to %d", n, maxPageSize)
	}
	return n, nil
}

func encodeCursor(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		d := json.NewDecoder(strings.NewReader(string(b)))
		d.DisallowUnknownFields()
		err = d.Decode(v)
	}
	if err != nil {
		return domain.Errorf(domain.KindInvalid, "cursor %q is not one this API returned", s)
	}
	return nil
}

// TraceQuery is the query of GET /api/projects/{projectId}/traces.
type TraceQuery struct {
	TimeRange
	DeploymentID uuid.UUID
	Status       string
	Name         string
	Cursor       string
	Limit        int
}

// TracePage is a page of traces; NextCursor is empty on the last page.
type TracePage struct {
	Traces     []TraceSummary `json:"traces"`
	NextCursor string         `json:"nextCursor,omitempty"`
}

// ListTraces returns a project's traces, newest first (team viewers and up).
func (a *Admin) ListTraces(ctx context.Context, p Principal, projectID uuid.UUID, q TraceQuery) (TracePage, error) {
	f := TraceFilter{DeploymentID: q.DeploymentID, Status: q.Status, Name: q.Name}
	var err error
	if f.FromUS, f.ToUS, err = q.micros(); err != nil {
		return TracePage{}, err
	}
	switch q.Status {
	case "", SpanOK, SpanError, SpanRunning:
	default:
		return TracePage{}, domain.Errorf(domain.KindInvalid, "status %q is none of ok, error, running", q.Status)
	}
	if f.Limit, err = pageSize(q.Limit); err != nil {
		return TracePage{}, err
	}
	if q.Cursor != "" {
		f.After = &TraceCursor{}
		if err := decodeCursor(q.Cursor, f.After); err != nil {
			return TracePage{}, err
		}
	}
	reads, err := a.observedProject(ctx, p, projectID)
	if err != nil {
		return TracePage{}, err
	}
	f.Limit++ // one more says whether a next page exists
	traces, err := reads.ListTraces(ctx, projectID, f)
	if err != nil {
		return TracePage{}, obsErr("list traces", err)
	}
	page := TracePage{Traces: traces}
	if len(traces) == f.Limit {
		page.Traces = traces[:f.Limit-1]
		last := page.Traces[len(page.Traces)-1]
		page.NextCursor = encodeCursor(TraceCursor{StartUS: last.StartUS, TraceID: last.TraceID})
	}
	if page.Traces == nil {
		page.Traces = []TraceSummary{}
	}
	return page, nil
}

// observedProject checks that the caller sees the project and returns the store.
func (a *Admin) observedProject(ctx context.Context, p Principal, projectID uuid.UUID) (ObservabilityReads, error) {
	if _, err := a.GetProject(ctx, p, projectID); err != nil {
		return nil, err
	}
	return a.observability()
}

// visibleSpans keeps the spans of the projects the caller sees.
func (a *Admin) visibleSpans(ctx context.Context, p Principal, rows []SpanRecord) ([]SpanRecord, error) {
	seen := map[uuid.UUID]bool{}
	out := rows[:0]
	for _, r := range rows {
		ok, known := seen[r.ProjectID]
		if !known {
			_, err := a.GetProject(ctx, p, r.ProjectID)
			if err != nil && !errors.Is(err, domain.ErrNotFound) {
				return nil, err
			}
			ok = err == nil
			seen[r.ProjectID] = ok
		}
		if ok {
			out = append(out, r)
		}
	}
	return out, nil
}

func checkTraceID(id string) error {
	if id == "" || len(id) > 128 {
		return domain.Errorf(domain.KindInvalid, "trace ID %q must be 1 to 128 characters", id)
	}
	return nil
}

// Trace returns one trace as a span tree: the spans of the projects the
// caller sees (team viewers and up), with their inputs and outputs when
// withIO, else only their sizes.
func (a *Admin) Trace(ctx context.Context, p Principal, traceID string, withIO bool) (TraceView, error) {
	if err := checkTraceID(traceID); err != nil {
		return TraceView{}, err
	}
	reads, err := a.observability()
	if err != nil {
		return TraceView{}, err
	}
	rows, err := reads.TraceSpans(ctx, traceID, withIO)
	if err != nil {
		return TraceView{}, obsErr("read trace", err)
	}
	if rows, err = a.visibleSpans(ctx, p, rows); err != nil {
		return TraceView{}, err
	}
	if len(rows) == 0 {
		return TraceView{}, domain.Errorf(domain.KindNotFound, "trace %s not found", traceID)
	}
	return BuildTraceTree(traceID, rows, withIO), nil
}

// Span returns one span of a trace with its input and output.
func (a *Admin) Span(ctx context.Context, p Principal, traceID, spanID string) (SpanView, error) {
	if err := checkTraceID(traceID); err != nil {
		return SpanView{}, err
	}
	if spanID == "" || len(spanID) > 128 {
		return SpanView{}, domain.Errorf(domain.KindInvalid, "span ID %q must be 1 to 128 characters", spanID)
	}
	reads, err := a.observability()
	if err != nil {
		return SpanView{}, err
	}
	rows, err := reads.Span(ctx, traceID, spanID)
	if err != nil {
		return SpanView{}, obsErr("read span", err)
	}
	if rows, err = a.visibleSpans(ctx, p, rows); err != nil {
		return SpanView{}, err
	}
	if len(rows) == 0 {
		return SpanView{}, domain.Errorf(domain.KindNotFound, "span %s of trace %s not found", spanID, traceID)
	}
	return spanView(rows[0], rows[0].StartUS, true), nil
}

// LogQuery is the query of GET /api/projects/{projectId}/logs.
type LogQuery struct {
	TimeRange
	Q            string
	Level        string
	DeploymentID uuid.UUID
	TraceID      string
	Cursor       string
	Limit        int
}

// LogPage is a page of log lines; NextCursor is empty on the last page.
type LogPage struct {
	Logs       []LogView `json:"logs"`
	NextCursor string    `json:"nextCursor,omitempty"`
}

// SearchLogs returns a project's log lines, newest first (team viewers and up).
func (a *Admin) SearchLogs(ctx context.Context, p Principal, projectID uuid.UUID, q LogQuery) (LogPage, error) {
	f := LogFilter{Q: q.Q, Level: strings.ToLower(q.Level), DeploymentID: q.DeploymentID, TraceID: q.TraceID}
	var err error
	if f.FromUS, f.ToUS, err = q.micros(); err != nil {
		return LogPage{}, err
	}
	if len(q.Q) > 1000 {
		return LogPage{}, domain.Errorf(domain.KindInvalid, "q is %d bytes long: at most 1000", len(q.Q))
	}
	if f.Limit, err = pageSize(q.Limit); err != nil {
		return LogPage{}, err
	}
	if q.Cursor != "" {
		f.After = &LogCursor{}
		if err := decodeCursor(q.Cursor, f.After); err != nil {
			return LogPage{}, err
		}
	}
	reads, err := a.observedProject(ctx, p, projectID)
	if err != nil {
		return LogPage{}, err
	}
	f.Limit++
	logs, err := reads.SearchLogs(ctx, projectID, f)
	if err != nil {
		return LogPage{}, obsErr("search logs", err)
	}
	page := LogPage{Logs: logs}
	if len(logs) == f.Limit {
		page.Logs = logs[:f.Limit-1]
		page.NextCursor = encodeCursor(page.Logs[len(page.Logs)-1].Cursor)
	}
	if page.Logs == nil {
		page.Logs = []LogView{}
	}
	return page, nil
}

// MetricsQuery is the query of GET /api/projects/{projectId}/metrics.
type MetricsQuery struct {
	TimeRange
	Bucket       string // "": chosen from the range
	DeploymentID uuid.UUID
}

// Metrics is a project's metrics over a range with the markers of the
// control-plane changes in it.
type Metrics struct {
	ProjectID uuid.UUID       `json:"projectId"`
	From      time.Time       `json:"from"`
	To        time.Time       `json:"to"`
	Bucket    string          `json:"bucket"`
	Buckets   []MetricsBucket `json:"buckets"`
	Markers   []Marker        `json:"markers"`
}

// ProjectMetrics returns a project's runs, errors, latency and tokens per
// time bucket and deployment, with the markers of deploys, rollbacks,
// restarts, stops and env changes in the range, as the MarkerProjector
// stored them (team viewers and up).
// The range defaults to the last 24 hours.
func (a *Admin) ProjectMetrics(ctx context.Context, p Principal, projectID uuid.UUID, q MetricsQuery) (Metrics, error) {
	if q.To.IsZero() {
		q.To = a.cfg.Clock.Now()
	}
	if q.From.IsZero() {
		q.From = q.To.Add(-24 * time.Hour)
	}
	from, to, err := q.micros()
	if err != nil {
		return Metrics{}, err
	}
	span := q.To.Sub(q.From)
	if q.Bucket == "" {
		q.Bucket = defaultBucket(span)
	}
	size, ok := bucketSizes[q.Bucket]
	if !ok {
		return Metrics{}, domain.Errorf(domain.KindInvalid, "bucket %q is none of 1m, 5m, 1h, 1d", q.Bucket)
	}
	if n := span / size; n > maxBuckets {
		return Metrics{}, domain.Errorf(domain.KindInvalid, "%s buckets over %s make %d buckets: at most %d; choose a larger bucket", q.Bucket, span, n, maxBuckets)
	}
	reads, err := a.observedProject(ctx, p, projectID)
	if err != nil {
		return Metrics{}, err
	}
	buckets, err := reads.Metrics(ctx, projectID, MetricsFilter{FromUS: from, ToUS: to, Bucket: q.Bucket, DeploymentID: q.DeploymentID})
	if err != nil {
		return Metrics{}, obsErr("read metrics", err)
	}
	rows, err := reads.Markers(ctx, projectID, MarkerFilter{FromUS: from, ToUS: to, DeploymentID: q.DeploymentID})
	if err != nil {
		return Metrics{}, obsErr("read markers", err)
	}
	markers := make([]Marker, len(rows))
	for i, r := range rows {
		markers[i] = r.marker()
	}
	if buckets == nil {
		buckets = []MetricsBucket{}
	}
	return Metrics{ProjectID: projectID, From: q.From.UTC(), To: q.To.UTC(), Bucket: q.Bucket, Buckets: buckets, Markers: markers}, nil
}

func defaultBucket(span time.Duration) string {
	switch {
	case span <= 2*time.Hour:
		return Bucket1m
	case span <= 12*time.Hour:
		return Bucket5m
	case span <= 14*24*time.Hour:
		return Bucket1h
	}
	return Bucket1d
}

// CompareQuery is the query of GET /api/projects/{projectId}/metrics/compare.
type CompareQuery struct {
	TimeRange
	A, B string // a deployment's or a build's ID
}

// CompareSide is one side of a comparison.
type CompareSide struct {
	ID           uuid.UUID  `json:"id"`
	Kind         string     `json:"kind"` // deployment or build
	DeploymentID uuid.UUID  `json:"deploymentId"`
	BuildID      *uuid.UUID `json:"buildId,omitempty"`
	MetricsSummary
}

// Comparison is the same metrics for two deployments or builds; Delta
// is b minus a.
type Comparison struct {
	ProjectID uuid.UUID    `json:"projectId"`
	A         CompareSide  `json:"a"`
	B         CompareSide  `json:"b"`
	Delta     CompareDelta `json:"delta"`
}

// CompareDelta is b minus a; NaN never appears (0 runs count as 0).
type CompareDelta struct {
	ErrorRate          float64 `json:"errorRate"`
	P50MS              float64 `json:"p50Ms"`
	P95MS              float64 `json:"p95Ms"`
	P99MS              float64 `json:"p99Ms"`
	InputTokensPerRun  float64 `json:"inputTokensPerRun"`
	OutputTokensPerRun float64 `json:"outputTokensPerRun"`
}

// CompareMetrics compares two deployments or two builds of a project on
// runs, errors, latency and tokens (team viewers and up).
func (a *Admin) CompareMetrics(ctx context.Context, p Principal, projectID uuid.UUID, q CompareQuery) (Comparison, error) {
	from, to, err := q.micros()
	if err != nil {
		return Comparison{}, err
	}
	ids := make([]uuid.UUID, 2)
	for i, raw := range []string{q.A, q.B} {
		if ids[i], err = uuid.Parse(raw); err != nil {
			return Comparison{}, domain.Errorf(domain.KindInvalid, "%s=%q is not a deployment's or build's ID", []string{"a", "b"}[i], raw)
		}
	}
	reads, err := a.observedProject(ctx, p, projectID)
	if err != nil {
		return Comparison{}, err
	}
	c := Comparison{ProjectID: projectID}
	for i, side := range []*CompareSide{&c.A, &c.B} {
		if *side, err = a.compareSide(ctx, p, projectID, ids[i]); err != nil {
			return Comparison{}, err
		}
		f := SummaryFilter{DeploymentID: side.DeploymentID, FromUS: from, ToUS: to}
		if side.BuildID != nil {
			f = SummaryFilter{BuildID: *side.BuildID, FromUS: from, ToUS: to}
		}
		if side.MetricsSummary, err = reads.Summary(ctx, projectID, f); err != nil {
			return Comparison{}, obsErr("read metrics", err)
		}
	}
	perRun := func(n, runs uint64) float64 {
		if runs == 0 {
			return 0
		}
		return float64(n) / float64(runs)
	}
	c.Delta = CompareDelta{ErrorRate: c.B.ErrorRate - c.A.ErrorRate, P50MS: c.B.P50MS - c.A.P50MS, P95MS: c.B.P95MS - c.A.P95MS,
		P99MS:              c.B.P99MS - c.A.P99MS,
		InputTokensPerRun:  perRun(c.B.InputTokens, c.B.Runs) - perRun(c.A.InputTokens, c.A.Runs),
		OutputTokensPerRun: perRun(c.B.OutputTokens, c.B.Runs) - perRun(c.A.OutputTokens, c.A.Runs)}
	return c, nil
}

// compareSide says whether id is a deployment or a build of the project.
func (a *Admin) compareSide(ctx context.Context, p Principal, projectID, id uuid.UUID) (CompareSide, error) {
	deps, err := a.cfg.Reads.DeploymentsOf(ctx, projectID)
	if err != nil {
		return CompareSide{}, fmt.Errorf("read deployments: %w", err)
	}
	for _, d := range deps {
		if d.ID == id {
			return CompareSide{ID: id, Kind: "deployment", DeploymentID: id}, nil
		}
	}
	b, _, ok, err := a.cfg.Reads.BuildForMember(ctx, id, p.UserID)
	if err != nil {
		return CompareSide{}, fmt.Errorf("read build: %w", err)
	}
	if !ok || b.ProjectID != projectID {
		return CompareSide{}, domain.Errorf(domain.KindNotFound, "%s is neither a deployment nor a build of project %s", id, projectID)
	}
	bid := b.ID
	return CompareSide{ID: id, Kind: "build", DeploymentID: b.DeploymentID, BuildID: &bid}, nil
}

// SpanView is one span of a trace's tree. Times are the span's own;
// OffsetMS is its start after the trace's start.
type SpanView struct {
	SpanID       string      `json:"spanId"`
	ParentSpanID string      `json:"parentSpanId,omitempty"`
	ProjectID    uuid.UUID   `json:"projectId"`
	DeploymentID uuid.UUID   `json:"deploymentId"`
	BuildID      *uuid.UUID  `json:"buildId,omitempty"`
	Name         string      `json:"name"`
	Type         string      `json:"type"`
	Entity       string      `json:"entity,omitempty"`
	Status       string      `json:"status"`
	Error        string      `json:"error,omitempty"`
	Start        time.Time   `json:"start"`
	End          *time.Time  `json:"end,omitempty"`
	OffsetMS     float64     `json:"offsetMs"`
	DurationMS   float64     `json:"durationMs"`
	Attributes   RawJSON     `json:"attributes,omitempty"`
	Model        string      `json:"model,omitempty"`
	InputTokens  uint64      `json:"inputTokens,omitempty"`
	OutputTokens uint64      `json:"outputTokens,omitempty"`
	InputBytes   uint64      `json:"inputBytes"`
	OutputBytes  uint64      `json:"outputBytes"`
	Input        RawJSON     `json:"input,omitempty"`
	Output       RawJSON     `json:"output,omitempty"`
	Children     []*SpanView `json:"children,omitempty"`
}

// TraceView is one trace as a tree of spans; a span whose parent is not
// stored is a root.
type TraceView struct {
	TraceID    string      `json:"traceId"`
	Start      time.Time   `json:"start"`
	DurationMS float64     `json:"durationMs"`
	Spans      int         `json:"spans"`
	Status     string      `json:"status"`
	Roots      []*SpanView `json:"roots"`
}

func usTime(us uint64) time.Time { return time.UnixMicro(int64(us)).UTC() }

func ms(us uint64) float64 { return math.Round(float64(us)/10) / 100 }

func spanView(r SpanRecord, traceStart uint64, withIO bool) SpanView {
	v := SpanView{SpanID: r.SpanID, ParentSpanID: r.ParentSpanID, ProjectID: r.ProjectID, DeploymentID: r.DeploymentID,
		Name: r.Name, Type: r.Type, Entity: r.Entity, Status: r.Status, Error: r.Error, Start: usTime(r.StartUS),
		OffsetMS: ms(r.StartUS - traceStart), DurationMS: ms(r.DurationUS), Attributes: RawJSON(r.Attributes), Model: r.Model,
		InputTokens: r.InputTokens, OutputTokens: r.OutputTokens, InputBytes: r.InputBytes, OutputBytes: r.OutputBytes}
	if r.BuildID != uuid.Nil {
		b := r.BuildID
		v.BuildID = &b
	}
	if r.EndUS != 0 {
		e := usTime(r.EndUS)
		v.End = &e
	}
	if withIO {
		v.Input, v.Output = RawJSON(r.Input), RawJSON(r.Output)
	}
	return v
}

// BuildTraceTree arranges a trace's spans as a tree, children by start.
func BuildTraceTree(traceID string, rows []SpanRecord, withIO bool) TraceView {
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].StartUS != rows[j].StartUS {
			return rows[i].StartUS < rows[j].StartUS
		}
		return rows[i].SpanID < rows[j].SpanID
	})
	t := TraceView{TraceID: traceID, Spans: len(rows), Status: SpanOK, Roots: []*SpanView{}}
	start, end := rows[0].StartUS, rows[0].StartUS
	views := make(map[string]*SpanView, len(rows))
	order := make([]*SpanView, len(rows))
	for i, r := range rows {
		v := spanView(r, start, withIO)
		order[i] = &v
		if _, dup := views[r.SpanID]; !dup {
			views[r.SpanID] = &v
		}
		end = max(end, r.EndUS, r.StartUS)
		switch {
		case r.Status == SpanError:
			t.Status = SpanError
		case r.Status == SpanRunning && t.Status == SpanOK:
			t.Status = SpanRunning
		}
	}
	for _, v := range order {
		if parent, ok := views[v.ParentSpanID]; ok && v.ParentSpanID != "" && parent != v {
			parent.Children = append(parent.Children, v)
		} else {
			t.Roots = append(t.Roots, v)
		}
	}
	t.Start, t.DurationMS = usTime(start), ms(end-start)
	return t
}

// RawJSON is JSON text stored by the parser: it is written as is when it
// is valid JSON, else as a string.
type RawJSON string

// MarshalJSON implements json.Marshaler.
func (r RawJSON) MarshalJSON() ([]byte, error) {
	if r == "" {
		return []byte("null"), nil
	}
	if json.Valid([]byte(r)) {
		return []byte(r), nil
	}
	return json.Marshal(string(r))
}
