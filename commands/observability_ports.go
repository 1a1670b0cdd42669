package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Observability file kinds: the folder under ObservabilityPrefix a file
// is shipped to.
const (
	KindSpans = "spans"
	KindLogs  = "logs"
)

// Folders of file storage that observability files go through.
const (
	// ObservabilityPrefix holds the files waiting for ingestion:
	// observability/{spans,logs}/<projectId>/<deploymentId>/<timestamp>_<uuid>.jsonl.
	ObservabilityPrefix = "observability/"
	// ProcessedPrefix receives an ingested file under its original path:
	// processed/observability/spans/….
	ProcessedPrefix = "processed/"
	// QuarantinePrefix receives the malformed lines of a file, with their
	// reasons, under its original path: quarantine/observability/spans/….
	QuarantinePrefix = "quarantine/"
)

// ObservabilityTimeFormat is the layout of the <timestamp> of a shipped
// file's name (UTC); names sort in shipping order.
const ObservabilityTimeFormat = "20060102T150405.000000Z"

// ErrObservabilityPath is the error of a path that is not an
// observability file's.
var ErrObservabilityPath = errors.New("observability: not a span or log file path")

// ObservabilityFile is what the path of a shipped file says.
type ObservabilityFile struct {
	Path         string
	Kind         string // KindSpans or KindLogs
	ProjectID    uuid.UUID
	DeploymentID uuid.UUID
}

// ObservabilityPath returns the file storage path of a shipped file:
// observability/<kind>/<projectId>/<deploymentId>/<timestamp>_<id>.jsonl.
func ObservabilityPath(kind string, projectID, deploymentID uuid.UUID, at time.Time, id uuid.UUID) string {
	return fmt.Sprintf("%s%s/%s/%s/%s_%s.jsonl", ObservabilityPrefix, kind, projectID, deploymentID, at.UTC().Format(ObservabilityTimeFormat), id)
}

// ParseObservabilityPath reads the kind, project and deployment from the
// path of a shipped file; the name must end in .jsonl.
func ParseObservabilityPath(p string) (ObservabilityFile, error) {
	parts := strings.Split(strings.TrimPrefix(p, ObservabilityPrefix), "/")
	if !strings.HasPrefix(p, ObservabilityPrefix) || len(parts) != 4 {
		return ObservabilityFile{}, fmt.Errorf("%w: %q is not observability/<kind>/<projectId>/<deploymentId>/<name>.jsonl", ErrObservabilityPath, p)
	}
	f := ObservabilityFile{Path: p, Kind: parts[0]}
	if f.Kind != KindSpans && f.Kind != KindLogs {
		return ObservabilityFile{}, fmt.Errorf("%w: %q: kind %q is neither spans nor logs", ErrObservabilityPath, p, f.Kind)
	}
	var err error
	if f.ProjectID, err = uuid.Parse(parts[1]); err != nil {
		return ObservabilityFile{}, fmt.Errorf("%w: %q: project id: %v", ErrObservabilityPath, p, err)
	}
	if f.DeploymentID, err = uuid.Parse(parts[2]); err != nil {
		return ObservabilityFile{}, fmt.Errorf("%w: %q: deployment id: %v", ErrObservabilityPath, p, err)
	}
	if !strings.HasSuffix(parts[3], ".jsonl") || len(parts[3]) == len(".jsonl") {
		return ObservabilityFile{}, fmt.Errorf("%w: %q: the name does not end in .jsonl", ErrObservabilityPath, p)
	}
	return f, nil
}

// Span statuses.
const (
	SpanOK      = "ok"
	SpanError   = "error"
	SpanRunning = "running" // only its start event was seen
)

// SpanRow is one span as stored: its start and end events merged (the
// end wins). Times are microseconds since the Unix epoch. Attributes is a
// JSON object as text; Input and Output are JSON text, truncated by the
// parser when over its limit. File and Line say where the span came from
// (the line of its first event); together they identify the row, so that
// a file ingested twice stores each span once.
type SpanRow struct {
	ProjectID    uuid.UUID
	DeploymentID uuid.UUID
	BuildID      uuid.UUID // uuid.Nil when the span does not say
	TraceID      string
	SpanID       string
	ParentSpanID string // "" for a root span
	Name         string
	Type         string // agent, workflow, step, tool, llm… as the exporter says
	Entity       string // the agent's or workflow's name
	StartUS      uint64
	EndUS        uint64 // 0 while running
	DurationUS   uint64
	Status       string // SpanOK, SpanError or SpanRunning
	Error        string
	Attributes   string
	Input        string
	Output       string
	Model        string
	InputTokens  uint64
	OutputTokens uint64
	File         string
	Line         uint32
}

// LogRow is one log line as stored. TimeUS is microseconds since the Unix
// epoch; Data is the line's other fields as a JSON object (text). File
// and Line identify the row, as for SpanRow.
type LogRow struct {
	ProjectID    uuid.UUID
	DeploymentID uuid.UUID
	TimeUS       uint64
	Level        string
	Message      string
	TraceID      string
	SpanID       string
	Data         string
	File         string
	Line         uint32
}

// MarkerRow is a control-plane event that changes what runs (a deploy,
// rollback, restart, stop or env change), kept beside the spans so that
// charts can mark it. uuid.Nil stands for none: a project-wide env change
// has no deployment, a stop or env change no build.
type MarkerRow struct {
	ProjectID    uuid.UUID
	DeploymentID uuid.UUID
	BuildID      uuid.UUID
	RollbackOf   uuid.UUID // the build a rollback went back to
	EventID      uuid.UUID // the event's ID: a marker projected twice is stored once
	Kind         string    // MarkerDeploy, MarkerRollback, MarkerRestart, MarkerStop or MarkerEnv
	Key          string    // the env var of an env marker
	By           string    // the actor's ID; "" when the system did it
	AtUS         uint64
}

// Malformed is a line of a file that the parser could not take.
type Malformed struct {
	Line   uint32 // 1-based
	Reason string
	Text   string // the line, possibly cut
}

// ParseMeta is what a parser knows of the file beside its content.
type ParseMeta struct {
	File         string
	ProjectID    uuid.UUID
	DeploymentID uuid.UUID
	// MaxPayloadBytes bounds Input and Output (and a log's Data); longer
	// values are cut and marked so. 0 means the parser's default.
	MaxPayloadBytes int
}

// ObservabilityParser turns a shipped JSONL file into rows. A malformed
// line is returned in the Malformed list and the rest of the file still
// yields rows; the error is for reading r only.
type ObservabilityParser interface {
	ParseSpans(r io.Reader, meta ParseMeta) ([]SpanRow, []Malformed, error)
	ParseLogs(r io.Reader, meta ParseMeta) ([]LogRow, []Malformed, error)
}

// SpanFile is the rows of one span file.
type SpanFile struct {
	File string
	Rows []SpanRow
}

// LogFile is the rows of one log file.
type LogFile struct {
	File string
	Rows []LogRow
}

// ErrStoreUnavailable marks an ObservabilityStore error that a retry may
// cure (the store is down or unreachable).
var ErrStoreUnavailable = errors.New("observability store: unavailable")

// ObservabilityStore keeps spans, logs and markers (ClickHouse).
//
// Ingestion is exactly once per file: InsertSpans and InsertLogs store
// each file's rows and record the file as ingested; a file already
// recorded is skipped, and a file whose earlier insert was cut short (a
// crash before it was recorded) gets only its missing rows. So the caller
// may insert a file again whenever it is unsure, e.g. after a failure to
// move it away.
type ObservabilityStore interface {
	// Ping reports whether the store answers.
	Ping(ctx context.Context) error
	// IngestedFiles returns which of the files are recorded as ingested.
	IngestedFiles(ctx context.Context, files []string) (map[string]bool, error)
	// InsertSpans stores the files' rows exactly once, in large batches.
	InsertSpans(ctx context.Context, files []SpanFile) error
	// InsertLogs stores the files' rows exactly once, in large batches.
	InsertLogs(ctx context.Context, files []LogFile) error
	MarkerStore
	// DropBefore drops the monthly partitions whose month ended before
	// cutoff from spans, logs and markers, and returns their names.
	DropBefore(ctx context.Context, cutoff time.Time) ([]string, error)
}
