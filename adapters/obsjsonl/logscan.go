package obsjsonl

import (
	"slices"
	"strings"

	"github.com/mastra-admin/mastra-admin/commands"
)

// logEvent is a decoded log line: logLine's fields (Time as its raw JSON
// text, "" when absent) and Data, the line's other fields as ParseLogs
// stores them.
type logEvent struct {
	Time, Level, Msg, TraceID, SpanID string
	Data                              string
}

// logLineNames are the JSON names of logLine's fields, in order: the raw
// time, then four strings.
var logLineNames = []string{"time", "level", "msg", "traceId", "spanId"}

// entryLogKeyOrder is the order of the keys of the entry's log lines
// (JsonlLogger in adapters/bundler/assets/entry.mjs.tmpl).
var entryLogKeyOrder = newKeyOrder("time", "level", "service", "msg", "traceId", "spanId", "data", "error", "args")

// logLineField is structKey(key, logLineNames), the exact names by a
// switch.
func logLineField(key string) int {
	switch key {
	case "time":
		return 0
	case "level":
		return 1
	case "msg":
		return 2
	case "traceId":
		return 3
	case "spanId":
		return 4
	case "service", "data", "error", "args":
		return -1
	}
	return structKey(key, logLineNames)
}

// dataField is a field of a log line that goes to Data: its key as
// written and its value's raw text.
type dataField struct{ key, value string }

// scanLogLine is ParseLogs' fast path into a zero e: false when it leaves
// the line to encoding/json (invalid JSON, type errors, keys that match a
// field only ignoring case or are escaped or not ASCII, values with white
// space between their tokens). buf holds the data fields between calls.
func scanLogLine(line string, e *logEvent, buf *[]dataField, out *strings.Builder) bool {
	fields := [...]*string{&e.Time, &e.Level, &e.Msg, &e.TraceID, &e.SpanID}
	data := (*buf)[:0]
	s, ok := newScanner(line)
	ok = ok && s.object(true, entryLogKeyOrder, func(key string) bool {
		switch f := logLineField(key); {
		case f == -2:
			return false
		case f == 0: // a json.RawMessage: any value, null included
			v, ok := s.value()
			e.Time = v
			return ok
		case f > 0:
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
		if !ok || !isCompact(v) {
			return false
		}
		if key == "service" { // a column of its own (the server's)
			return true
		}
		for i := range data {
			if data[i].key == key { // a map keeps the last
				data[i].value = v
				return true
			}
		}
		data = append(data, dataField{key, v})
		return true
	})
	*buf = data
	if !ok {
		return false
	}
	if len(data) > 0 {
		// As encoding/json encodes a map[string]json.RawMessage: keys
		// sorted, each written as it was (plain ASCII without escapes
		// needs none, and HTML escaping is off), values compact.
		slices.SortFunc(data, func(a, b dataField) int { return strings.Compare(a.key, b.key) })
		n := 1 // {
		for _, d := range data {
			n += len(d.key) + len(d.value) + 4 // "key":value,
		}
		out.Reset()
		out.Grow(n)
		out.WriteByte('{')
		for i, d := range data {
			if i > 0 {
				out.WriteByte(',')
			}
			out.WriteByte('"')
			out.WriteString(d.key)
			out.WriteString(`":`)
			out.WriteString(d.value)
		}
		out.WriteByte('}')
		e.Data = out.String()
	}
	return true
}

// isCompact reports whether the valid JSON value v has no white space
// between its tokens (as JSON.stringify writes it), so that it is its
// own compact form.
func isCompact(v string) bool {
	if strings.IndexAny(v, " \t\r\n") < 0 {
		return true
	}
	inString := false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case inString && c == '\\':
			i++ // the escaped byte (of \uXXXX, the u)
		case c == '"':
			inString = !inString
		case !inString && isSpace(c):
			return false
		}
	}
	return true
}

// compactLogs copies the text of rows, which is cut from the lines of the
// file, into one string of their own (compactText).
func compactLogs(rows []commands.LogRow) {
	compactText(rows,
		func(r *commands.LogRow) *string { return &r.Level },
		func(r *commands.LogRow) *string { return &r.Message },
		func(r *commands.LogRow) *string { return &r.TraceID },
		func(r *commands.LogRow) *string { return &r.SpanID },
		func(r *commands.LogRow) *string { return &r.Data })
}
