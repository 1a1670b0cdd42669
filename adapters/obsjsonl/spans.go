package obsjsonl

import (
	"encoding/json"
	"io"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/commands"
)

// Span events, as the entry writes them in "event".
const (
	eventStarted = "span_started"
	eventUpdated = "span_updated"
	eventEnded   = "span_ended"
)

// rank orders the events of a span: a later stage wins over an earlier
// one whatever the order of the lines.
var rank = map[string]int{eventStarted: 0, eventUpdated: 1, eventEnded: 2}

// spanLine is one line of a span file (the exporter of entry.mjs.tmpl)
// as encoding/json decodes it: the parser's slow path, for the lines the
// scanner leaves to it (decodeSpanLine).
type spanLine struct {
	Event        string          `json:"event"`
	TraceID      string          `json:"traceId"`
	SpanID       string          `json:"spanId"`
	ParentSpanID string          `json:"parentSpanId"`
	Name         string          `json:"name"`
	Type         string          `json:"type"`
	EntityType   string          `json:"entityType"`
	EntityID     string          `json:"entityId"`
	EntityName   string          `json:"entityName"`
	BuildID      string          `json:"buildId"`
	StartTime    json.RawMessage `json:"startTime"`
	EndTime      json.RawMessage `json:"endTime"`
	Attributes   json.RawMessage `json:"attributes"`
	Input        json.RawMessage `json:"input"`
	Output       json.RawMessage `json:"output"`
	ErrorInfo    json.RawMessage `json:"errorInfo"`
}

// spanEvent is a decoded span line: the fields of spanLine, the JSON
// values (StartTime … ErrorInfo) as their text ("" when absent).
type spanEvent struct {
	Event, TraceID, SpanID, ParentSpanID, Name, Type string
	EntityType, EntityID, EntityName, BuildID        string
	StartTime, EndTime, Attributes, Input, Output    string
	ErrorInfo                                        string
}

// spanLineNames are the JSON names of spanLine's fields, in order: ten
// strings, then six raw values.
var spanLineNames = []string{"event", "traceId", "spanId", "parentSpanId", "name", "type",
	"entityType", "entityId", "entityName", "buildId",
	"startTime", "endTime", "attributes", "input", "output", "errorInfo"}

const spanLineStrings = 10

// decodeSpanLine decodes a line of a span file as encoding/json decodes it
// into spanLine: with the scanner when it takes the line, else with
// encoding/json, whose error is then the line's.
func decodeSpanLine(line string) (spanEvent, error) {
	if e, ok := scanSpanLine(line); ok {
		return e, nil
	}
	return decodeSpanLineJSON([]byte(line))
}

// scanSpanLine is decodeSpanLine's fast path: false when it leaves the
// line to encoding/json.
func scanSpanLine(line string) (e spanEvent, ok bool) {
	fields := [...]*string{&e.Event, &e.TraceID, &e.SpanID, &e.ParentSpanID, &e.Name, &e.Type,
		&e.EntityType, &e.EntityID, &e.EntityName, &e.BuildID,
		&e.StartTime, &e.EndTime, &e.Attributes, &e.Input, &e.Output, &e.ErrorInfo}
	s, ok := newScanner(line)
	ok = ok && s.object(true, func(key string) bool {
		f := structKey(key, spanLineNames)
		switch {
		case f == -2:
			return false
		case f == -1:
			return s.skip(0)
		case f < spanLineStrings:
			switch s.peek() {
			case '"':
				v, ok := s.stringValue()
				*fields[f] = v
				return ok
			case 'n':
				return s.literal("null") // leaves the field as it is
			}
			return false // not a string: encoding/json's type error
		}
		v, ok := s.value()
		*fields[f] = v
		return ok
	})
	return e, ok
}

// decodeSpanLineJSON is decodeSpanLine's slow path.
func decodeSpanLineJSON(line []byte) (spanEvent, error) {
	var l spanLine
	if err := json.Unmarshal(line, &l); err != nil {
		return spanEvent{}, err
	}
	return spanEvent{Event: l.Event, TraceID: l.TraceID, SpanID: l.SpanID, ParentSpanID: l.ParentSpanID,
		Name: l.Name, Type: l.Type, EntityType: l.EntityType, EntityID: l.EntityID, EntityName: l.EntityName,
		BuildID: l.BuildID, StartTime: string(l.StartTime), EndTime: string(l.EndTime),
		Attributes: string(l.Attributes), Input: string(l.Input), Output: string(l.Output),
		ErrorInfo: string(l.ErrorInfo)}, nil
}

// span is the merge of a span's events so far.
type span struct {
	spanEvent
	startUS, endUS uint64
	rank           int
	line           uint32 // of its first event
}

// merge applies the event l (of rank r) to s: the fields of an event of
// the same or a later stage replace those of s, those of an earlier
// stage only fill what s lacks.
func (s *span) merge(l spanEvent, startUS, endUS uint64, r int) {
	over := r >= s.rank
	str := func(dst *string, v string) {
		if v != "" && (over || *dst == "") {
			*dst = v
		}
	}
	raw := func(dst *string, v string) {
		if present(v) && (over || !present(*dst)) {
			*dst = v
		}
	}
	num := func(dst *uint64, v uint64) {
		if v != 0 && (over || *dst == 0) {
			*dst = v
		}
	}
	str(&s.ParentSpanID, l.ParentSpanID)
	str(&s.Name, l.Name)
	str(&s.Type, l.Type)
	str(&s.EntityType, l.EntityType)
	str(&s.EntityID, l.EntityID)
	str(&s.EntityName, l.EntityName)
	str(&s.BuildID, l.BuildID)
	raw(&s.Attributes, l.Attributes)
	raw(&s.Input, l.Input)
	raw(&s.Output, l.Output)
	raw(&s.ErrorInfo, l.ErrorInfo)
	num(&s.startUS, startUS)
	num(&s.endUS, endUS)
	s.rank = max(s.rank, r)
}

type spanKey struct{ trace, span string }

// ParseSpans implements commands.ObservabilityParser: one row per span of
// the file (by trace and span ID), in the order of their first events.
func (p *Parser) ParseSpans(r io.Reader, meta commands.ParseMeta) ([]commands.SpanRow, []commands.Malformed, error) {
	spans := map[spanKey]*span{}
	var order []*span
	bad, err := p.eachLine(r, func(n uint32, b []byte) (commands.Malformed, bool) {
		l, err := decodeSpanLine(string(b))
		if err != nil {
			return malformed(n, b, "not a JSON object of a span event: %v", err), true
		}
		r, ok := rank[l.Event]
		switch {
		case !ok:
			return malformed(n, b, "event %q is not span_started, span_updated or span_ended", cut(l.Event, 64)), true
		case l.TraceID == "" || l.SpanID == "":
			return malformed(n, b, "the span event has no traceId or spanId"), true
		}
		start, err := micros(l.StartTime)
		if err != nil {
			return malformed(n, b, "startTime: %v", err), true
		}
		end, err := micros(l.EndTime)
		if err != nil {
			return malformed(n, b, "endTime: %v", err), true
		}
		k := spanKey{l.TraceID, l.SpanID}
		s := spans[k]
		if s == nil {
			s = &span{spanEvent: spanEvent{TraceID: l.TraceID, SpanID: l.SpanID}, rank: r, line: n}
			spans[k] = s
			order = append(order, s)
		}
		s.merge(l, start, end, r)
		return commands.Malformed{}, false
	})
	if err != nil {
		return nil, nil, err
	}
	limit := p.payloadLimit(meta)
	rows := make([]commands.SpanRow, 0, len(order))
	for _, s := range order {
		rows = append(rows, s.row(meta, limit))
	}
	return rows, bad, nil
}

// row returns the stored form of the merged span s.
func (s *span) row(meta commands.ParseMeta, limit int) commands.SpanRow {
	row := commands.SpanRow{
		ProjectID: meta.ProjectID, DeploymentID: meta.DeploymentID,
		TraceID: s.TraceID, SpanID: s.SpanID, ParentSpanID: s.ParentSpanID,
		Name: s.Name, Type: s.Type, Entity: s.EntityName,
		StartUS: s.startUS, Status: commands.SpanRunning,
		Attributes: text(s.Attributes, limit), Input: text(s.Input, limit), Output: text(s.Output, limit),
		File: meta.File, Line: s.line,
	}
	if row.Entity == "" {
		row.Entity = s.EntityID
	}
	if id, err := uuid.Parse(s.BuildID); err == nil {
		row.BuildID = id
	}
	row.Model, row.InputTokens, row.OutputTokens = usageOf(s.Type, s.Attributes)
	if s.rank == rank[eventEnded] {
		row.Status, row.EndUS = commands.SpanOK, s.endUS
		if row.EndUS >= row.StartUS && row.StartUS > 0 {
			row.DurationUS = row.EndUS - row.StartUS
		}
		if present(s.ErrorInfo) {
			row.Status, row.Error = commands.SpanError, Truncate(errorText(s.ErrorInfo), limit)
		}
	}
	return row
}

// errorText is the message of a span's errorInfo, or the whole of it
// when it has none.
func errorText(raw string) string {
	msg, id, ok := scanErrorInfo(raw)
	if !ok {
		msg, id = errorInfoJSON(raw)
	}
	if msg != "" {
		if id != "" {
			return id + ": " + msg
		}
		return msg
	}
	return raw
}

// errorInfoNames are the JSON names of the errorInfo fields errorText
// reads.
var errorInfoNames = []string{"message", "id"}

// errorInfoJSON returns the message and ID of errorInfo as encoding/json
// decodes them ("" when it fails): the slow path of scanErrorInfo.
func errorInfoJSON(raw string) (msg, id string) {
	var e struct {
		Message string `json:"message"`
		ID      string `json:"id"`
	}
	if json.Unmarshal([]byte(raw), &e) != nil {
		return "", ""
	}
	return e.Message, e.ID
}

// scanErrorInfo is errorInfoJSON with the scanner: false when it leaves
// raw to encoding/json.
func scanErrorInfo(raw string) (msg, id string, ok bool) {
	if raw == "" || raw[0] != '{' {
		return "", "", false
	}
	fields := [...]*string{&msg, &id}
	typeErr := false
	s, ok := newScanner(raw)
	ok = ok && s.object(true, func(key string) bool {
		f := structKey(key, errorInfoNames)
		switch {
		case f == -2:
			return false
		case f == -1:
			return s.skip(0)
		}
		switch s.peek() {
		case '"':
			v, ok := s.stringValue()
			*fields[f] = v
			return ok
		case 'n':
			return s.literal("null")
		}
		typeErr = true
		return s.skip(0)
	})
	if typeErr {
		return "", "", ok
	}
	return msg, id, ok
}

// isBlank reports whether a line holds only white space.
func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}
