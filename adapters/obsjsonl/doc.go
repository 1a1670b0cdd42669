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
package obsjsonl
