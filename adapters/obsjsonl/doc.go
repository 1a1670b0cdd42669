// Package obsjsonl parses the JSONL files that deployed Mastra servers
// write through the MastraAdmin entry (adapters/bundler/assets): span
// files, one tracing event per line (span_started, span_updated,
// span_ended), and log files, one log record per line. It implements
// commands.ObservabilityParser: the events of a span merge into one
// commands.SpanRow (the end wins; a span without an end is running),
// model and token counts come out of the attributes of model
// generations, payloads over a limit are cut with a marker saying how
// much was cut, and a line it cannot take is returned as
// commands.Malformed with its reason while the rest of the file goes on.
//
// # Speed
//
// The meaning of a line is encoding/json's: what it would decode into the
// line's struct, and its error as the reason for a malformed line. Span
// lines, the usage in their attributes, their errorInfo and log lines
// (logscan.go: their Data as encoding/json would encode the other
// fields) are read by a hand-written scanner (scan.go) that takes only
// what it is sure
// encoding/json takes the same way and leaves the rest to encoding/json
// (invalid JSON, type errors, keys that match only ignoring case or are
// escaped, nesting deeper than 64, log values with white space between
// their tokens); FuzzScanner, FuzzParseSpansAsEncodingJSON and
// FuzzParseLogsAsEncodingJSON check that both agree. A file is read in
// pooled chunks and its lines are strings over them (lineReader): nothing
// is copied per line, and the rows' text is copied once, into one string
// per file laid out field by field (the order in which an insert reads it,
// column by column), before the chunks go back to the pool. Timestamps in
// the form Date.toISOString writes are read without time.Parse
// (isoMicros, fuzzed against it), and a span's token usage is read when
// its span_ended line is, while that line is in the cache.
package obsjsonl
