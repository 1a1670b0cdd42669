package obsjsonl

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/mastra-admin/mastra-admin/commands"
)

// logColumns are the fields of a log line that have columns of their own
// (service is the server's, the same on every line); the others go to
// LogRow.Data.
var logColumns = map[string]bool{"time": true, "level": true, "msg": true, "traceId": true, "spanId": true, "service": true}

// logLine is one line of a log file (JsonlLogger of entry.mjs.tmpl).
type logLine struct {
	Time    json.RawMessage `json:"time"`
	Level   string          `json:"level"`
	Msg     string          `json:"msg"`
	TraceID string          `json:"traceId"`
	SpanID  string          `json:"spanId"`
}

// ParseLogs implements commands.ObservabilityParser: one row per line,
// in file order. A line needs a time; Data is a JSON object of the
// line's fields besides time, level, msg, traceId, spanId and service
// (data, error, args), "" when there are none.
func (p *Parser) ParseLogs(r io.Reader, meta commands.ParseMeta) ([]commands.LogRow, []commands.Malformed, error) {
	limit := p.payloadLimit(meta)
	var rows []commands.LogRow
	lr := newLineReader(r, p.cfg.MaxLineBytes)
	defer lr.release() // after compactLogs
	var (
		e    logEvent
		data []dataField
		out  strings.Builder
	)
	bad, err := p.eachLine(lr, func(n uint32, line string) (commands.Malformed, bool) {
		e = logEvent{}
		if p.jsonOnly || !scanLogLine(line, &e, &data, &out) {
			var m commands.Malformed
			var isBad bool
			if e, m, isBad = decodeLogLineJSON(n, line); isBad {
				return m, true
			}
		}
		if !present(e.Time) {
			return malformed(n, line, "the log record has no time"), true
		}
		t, err := micros(e.Time)
		if err != nil {
			return malformed(n, line, "time: %v", err), true
		}
		rows = append(rows, commands.LogRow{
			ProjectID: meta.ProjectID, DeploymentID: meta.DeploymentID, TimeUS: t,
			Level: e.Level, Message: Truncate(e.Msg, limit), TraceID: e.TraceID, SpanID: e.SpanID,
			Data: Truncate(e.Data, limit), File: meta.File, Line: n,
		})
		return commands.Malformed{}, false
	})
	if err != nil {
		return nil, nil, err
	}
	compactLogs(rows)
	return rows, bad, nil
}

// decodeLogLineJSON is ParseLogs' slow path: the line decoded by
// encoding/json into logLine and into a map whose fields besides
// logColumns, encoded again, are Data; or the malformed line.
func decodeLogLineJSON(n uint32, line string) (logEvent, commands.Malformed, bool) {
	b := []byte(line)
	var l logLine
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &l); err != nil {
		return logEvent{}, malformed(n, line, "not a JSON object of a log record: %v", err), true
	}
	if err := json.Unmarshal(b, &fields); err != nil || fields == nil {
		return logEvent{}, malformed(n, line, "not a JSON object of a log record"), true
	}
	e := logEvent{Time: string(l.Time), Level: l.Level, Msg: l.Msg, TraceID: l.TraceID, SpanID: l.SpanID}
	for k := range logColumns {
		delete(fields, k)
	}
	if len(fields) > 0 {
		var d bytes.Buffer
		enc := json.NewEncoder(&d)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(fields); err != nil { // values Unmarshal accepted encode
			return logEvent{}, malformed(n, line, "data: %v", err), true
		}
		e.Data = strings.TrimSuffix(d.String(), "\n")
	}
	return e, commands.Malformed{}, false
}
