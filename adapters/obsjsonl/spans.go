package obsjsonl

import (
	"encoding/json"
	"io"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/commands"
)

// Span events, as the entry writes them in "event".
const (
	eventStarted = "span_started"
	eventUpdated = "span_updated"
	eventEnded   = "span_ended"
)

// rankOf orders the events of a span: a later stage wins over an earlier
// one whatever the order of the lines. It is false for other events.
func rankOf(event string) (int, bool) {
	switch event {
	case eventStarted:
		return 0, true
	case eventUpdated:
		return 1, true
	case eventEnded:
		return 2, true
	}
	return 0, false
}

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
func decodeSpanLine(line string, e *spanEvent, jsonOnly bool) error {
	*e = spanEvent{}
	if !jsonOnly && scanSpanLine(line, e) {
		return nil
	}
	var err error
	*e, err = decodeSpanLineJSON([]byte(line))
	return err
}

// entryKeyOrder is the order of the keys of the entry's span lines
// (exportTracingEvent in adapters/bundler/assets/entry.mjs.tmpl).
var entryKeyOrder = newKeyOrder("event", "service", "buildId", "traceId", "spanId", "parentSpanId",
	"name", "type", "entityType", "entityId", "entityName", "isRootSpan", "startTime", "endTime",
	"attributes", "metadata", "input", "output", "errorInfo")

// scanSpanLine is decodeSpanLine's fast path into a zero e: false when it
// leaves the line to encoding/json.
func scanSpanLine(line string, e *spanEvent) (ok bool) {
	fields := [...]*string{&e.Event, &e.TraceID, &e.SpanID, &e.ParentSpanID, &e.Name, &e.Type,
		&e.EntityType, &e.EntityID, &e.EntityName, &e.BuildID,
		&e.StartTime, &e.EndTime, &e.Attributes, &e.Input, &e.Output, &e.ErrorInfo}
	s, ok := newScanner(line)
	ok = ok && s.object(true, entryKeyOrder, func(key string) bool {
		f := spanLineField(key)
		switch {
		case f == -2:
			return false
		case f == -1:
			return s.skip()
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
	return ok
}

// spanLineField is structKey(key, spanLineNames), the exact names by a
// switch.
func spanLineField(key string) int {
	switch key {
	case "event":
		return 0
	case "traceId":
		return 1
	case "spanId":
		return 2
	case "parentSpanId":
		return 3
	case "name":
		return 4
	case "type":
		return 5
	case "entityType":
		return 6
	case "entityId":
		return 7
	case "entityName":
		return 8
	case "buildId":
		return 9
	case "startTime":
		return 10
	case "endTime":
		return 11
	case "attributes":
		return 12
	case "input":
		return 13
	case "output":
		return 14
	case "errorInfo":
		return 15
	case "service", "isRootSpan", "metadata": // the entry's other fields
		return -1
	}
	return structKey(key, spanLineNames)
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
	usage          usage
}

// usage is what usageOf gave for a span's attributes and type, kept
// from the line that ended the span (its text is still in the cache
// then) for the row, which asks again if either has changed since.
type usage struct {
	attributes, spanType string
	model                string
	in, out              uint64
	known                bool
}

// of returns usageOf(spanType, attributes), from u when it holds them.
func (u *usage) of(spanType, attributes string, jsonOnly bool) (model string, in, out uint64) {
	if !u.known || u.attributes != attributes || u.spanType != spanType {
		u.model, u.in, u.out = usageOf(spanType, attributes, jsonOnly)
		u.attributes, u.spanType, u.known = attributes, spanType, true
	}
	return u.model, u.in, u.out
}

// merge applies the event l (of rank r) to s: the fields of an event of
// the same or a later stage replace those of s, those of an earlier
// stage only fill what s lacks.
func (s *span) merge(l *spanEvent, startUS, endUS uint64, r int) {
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

// spanSet is the spans of a file: index maps a span's key to its place
// in spans, in the order of their first events. Sets are reused.
type spanSet struct {
	index map[spanKey]int
	spans []span
}

var spanSets = sync.Pool{New: func() any { return &spanSet{index: map[spanKey]int{}} }}

// ParseSpans implements commands.ObservabilityParser: one row per span of
// the file (by trace and span ID), in the order of their first events.
func (p *Parser) ParseSpans(r io.Reader, meta commands.ParseMeta) ([]commands.SpanRow, []commands.Malformed, error) {
	lr := newLineReader(r, p.cfg.MaxLineBytes)
	defer lr.release() // after compactSpans
	set := spanSets.Get().(*spanSet)
	defer func() {
		clear(set.index)
		clear(set.spans) // let go of the lines' memory
		set.spans = set.spans[:0]
		spanSets.Put(set)
	}()
	var l spanEvent
	bad, err := p.eachLine(lr, func(n uint32, b string) (commands.Malformed, bool) {
		if err := decodeSpanLine(b, &l, p.jsonOnly); err != nil {
			return malformed(n, b, "not a JSON object of a span event: %v", err), true
		}
		r, ok := rankOf(l.Event)
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
		i, seen := set.index[k]
		if !seen {
			i = len(set.spans)
			set.index[k] = i
			set.spans = append(set.spans, span{spanEvent: spanEvent{TraceID: l.TraceID, SpanID: l.SpanID}, rank: r, line: n})
		}
		sp := &set.spans[i]
		sp.merge(&l, start, end, r)
		if l.Event == eventEnded {
			sp.usage.of(sp.Type, sp.Attributes, p.jsonOnly)
		}
		return commands.Malformed{}, false
	})
	if err != nil {
		return nil, nil, err
	}
	limit := p.payloadLimit(meta)
	rows := make([]commands.SpanRow, len(set.spans))
	var builds buildIDs
	for i := range set.spans {
		set.spans[i].row(&rows[i], meta, limit, p.jsonOnly, &builds)
	}
	compactSpans(rows)
	return rows, bad, nil
}

// compactSpans copies the text of rows, which is cut from the lines of the
// file, into one string of their own (compactText).
func compactSpans(rows []commands.SpanRow) {
	compactText(rows,
		func(r *commands.SpanRow) *string { return &r.TraceID },
		func(r *commands.SpanRow) *string { return &r.SpanID },
		func(r *commands.SpanRow) *string { return &r.ParentSpanID },
		func(r *commands.SpanRow) *string { return &r.Name },
		func(r *commands.SpanRow) *string { return &r.Type },
		func(r *commands.SpanRow) *string { return &r.Entity },
		func(r *commands.SpanRow) *string { return &r.Error },
		func(r *commands.SpanRow) *string { return &r.Attributes },
		func(r *commands.SpanRow) *string { return &r.Input },
		func(r *commands.SpanRow) *string { return &r.Output },
		func(r *commands.SpanRow) *string { return &r.Model })
}

// compactText copies the given string fields of rows into one string of
// their own: the rows keep only what they hold, and the lines' buffers
// they were cut from can be filled again. The string holds the text
// field by field (every row's first field, then every row's second …),
// the order in which an insert reads it, column by column.
func compactText[R any](rows []R, fields ...func(*R) *string) {
	n := 0
	for _, f := range fields {
		for i := range rows {
			n += len(*f(&rows[i]))
		}
	}
	var b strings.Builder
	b.Grow(n)
	for _, f := range fields {
		for i := range rows {
			b.WriteString(*f(&rows[i]))
		}
	}
	all, at := b.String(), 0
	for _, f := range fields {
		for i := range rows {
			p := f(&rows[i])
			*p, at = all[at:at+len(*p)], at+len(*p)
		}
	}
}

// buildIDs remembers the last build ID parsed: the spans of a file
// mostly share one.
type buildIDs struct {
	text string
	id   uuid.UUID
}

// parse returns the build ID s, or uuid.Nil when s is not one.
func (b *buildIDs) parse(s string) uuid.UUID {
	if s != b.text {
		b.text, b.id = s, uuid.Nil
		if id, err := uuid.Parse(s); err == nil {
			b.id = id
		}
	}
	return b.id
}

// row sets the fields of the zero *row to the stored form of the merged
// span s (field by field: a zero row needs no more).
func (s *span) row(row *commands.SpanRow, meta commands.ParseMeta, limit int, jsonOnly bool, builds *buildIDs) {
	row.ProjectID, row.DeploymentID = meta.ProjectID, meta.DeploymentID
	row.TraceID, row.SpanID, row.ParentSpanID = s.TraceID, s.SpanID, s.ParentSpanID
	row.Name, row.Type, row.Entity = s.Name, s.Type, s.EntityName
	row.StartUS, row.Status = s.startUS, commands.SpanRunning
	row.Attributes, row.Input, row.Output = text(s.Attributes, limit), text(s.Input, limit), text(s.Output, limit)
	row.File, row.Line = meta.File, s.line
	if row.Entity == "" {
		row.Entity = s.EntityID
	}
	if s.BuildID != "" {
		row.BuildID = builds.parse(s.BuildID)
	}
	row.Model, row.InputTokens, row.OutputTokens = s.usage.of(s.Type, s.Attributes, jsonOnly)
	if end, _ := rankOf(eventEnded); s.rank == end {
		row.Status, row.EndUS = commands.SpanOK, s.endUS
		if row.EndUS >= row.StartUS && row.StartUS > 0 {
			row.DurationUS = row.EndUS - row.StartUS
		}
		if present(s.ErrorInfo) {
			row.Status, row.Error = commands.SpanError, Truncate(errorText(s.ErrorInfo, jsonOnly), limit)
		}
	}
}

// errorText is the message of a span's errorInfo, or the whole of it
// when it has none.
func errorText(raw string, jsonOnly bool) string {
	msg, id, ok := "", "", false
	if !jsonOnly {
		msg, id, ok = scanErrorInfo(raw)
	}
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
	ok = ok && s.object(true, nil, func(key string) bool {
		f := structKey(key, errorInfoNames)
		switch {
		case f == -2:
			return false
		case f == -1:
			return s.skip()
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
		return s.skip()
	})
	if typeErr {
		return "", "", ok
	}
	return msg, id, ok
}

// isBlank reports whether a line holds only white space.
func isBlank(b string) bool {
	for i := 0; i < len(b); i++ {
		if c := b[i]; c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}
