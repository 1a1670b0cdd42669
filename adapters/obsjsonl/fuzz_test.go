package obsjsonl_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/obsjsonl"
	"github.com/mastra-admin/mastra-admin/commands"
)

// Small limits, so that the fuzzer meets long lines and cut payloads.
const (
	fuzzPayload = 32
	fuzzLine    = 512
)

// lineCount counts the lines the parser must account for: those that are
// too long or hold more than white space.
func lineCount(data []byte) (counted int, total uint32) {
	lines := bytes.Split(data, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	for _, l := range lines {
		l = bytes.TrimSuffix(l, []byte("\r"))
		if len(l) > fuzzLine || len(bytes.Trim(l, " \t\r")) > 0 {
			counted++
		}
	}
	return counted, uint32(len(lines))
}

// checkCut fails when s is longer than the payload limit without the
// truncation marker.
func checkCut(t *testing.T, what, s string) {
	if len(s) > fuzzPayload && !(strings.Contains(s, "…[truncated ") && strings.HasSuffix(s, " bytes]")) {
		t.Fatalf("%s is %d bytes and not marked truncated: %q", what, len(s), s)
	}
}

func checkMalformed(t *testing.T, bad []commands.Malformed, total uint32) {
	var last uint32
	for _, m := range bad {
		if m.Line <= last || m.Line > total {
			t.Fatalf("malformed line %d after %d (of %d lines)", m.Line, last, total)
		}
		last = m.Line
		if m.Reason == "" || len(m.Text) > 1024 {
			t.Fatalf("malformed line %d: reason %q, text of %d bytes", m.Line, m.Reason, len(m.Text))
		}
	}
}

func addSeeds(f *testing.F, file string) {
	data, err := os.ReadFile(file)
	require.NoError(f, err)
	f.Add(data)
	for _, l := range bytes.Split(data, []byte("\n")) {
		f.Add(l)
	}
}

// FuzzParseSpans: any input parses without a panic or an error; every
// line that is not blank becomes part of a row or a malformed record;
// rows are whole (IDs, a known status, times that agree) and payloads
// stay within the limit or say they were cut.
func FuzzParseSpans(f *testing.F) {
	addSeeds(f, "testdata/entry_spans.jsonl")
	p, err := obsjsonl.New(obsjsonl.Config{MaxPayloadBytes: fuzzPayload, MaxLineBytes: fuzzLine})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, bad, err := p.ParseSpans(bytes.NewReader(data), meta)
		if err != nil {
			t.Fatalf("error on an in-memory file: %v", err)
		}
		counted, total := lineCount(data)
		if len(rows)+len(bad) > counted || (counted > 0 && len(rows)+len(bad) == 0) {
			t.Fatalf("%d rows and %d malformed out of %d lines", len(rows), len(bad), counted)
		}
		checkMalformed(t, bad, total)
		seen := map[[2]string]bool{}
		for _, r := range rows {
			k := [2]string{r.TraceID, r.SpanID}
			if r.TraceID == "" || r.SpanID == "" || seen[k] {
				t.Fatalf("row without IDs or twice: %+v", r)
			}
			seen[k] = true
			switch r.Status {
			case commands.SpanRunning:
				if r.EndUS != 0 || r.DurationUS != 0 || r.Error != "" {
					t.Fatalf("a running span with an end or an error: %+v", r)
				}
			case commands.SpanOK, commands.SpanError:
				if r.DurationUS > 0 && r.EndUS-r.StartUS != r.DurationUS {
					t.Fatalf("duration %d of %d..%d", r.DurationUS, r.StartUS, r.EndUS)
				}
				if (r.Status == commands.SpanError) != (r.Error != "") && r.Status == commands.SpanOK {
					t.Fatalf("an ok span with an error: %+v", r)
				}
			default:
				t.Fatalf("status %q", r.Status)
			}
			if r.Line < 1 || r.Line > total || r.File != meta.File || r.ProjectID != meta.ProjectID {
				t.Fatalf("row at line %d of %d, file %q", r.Line, total, r.File)
			}
			checkCut(t, "input", r.Input)
			checkCut(t, "output", r.Output)
			checkCut(t, "attributes", r.Attributes)
			checkCut(t, "error", r.Error)
		}
	})
}

// FuzzParseLogs: any input parses without a panic or an error, and every
// line that is not blank becomes exactly one row or one malformed record.
func FuzzParseLogs(f *testing.F) {
	addSeeds(f, "testdata/entry_logs.jsonl")
	p, err := obsjsonl.New(obsjsonl.Config{MaxPayloadBytes: fuzzPayload, MaxLineBytes: fuzzLine})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, bad, err := p.ParseLogs(bytes.NewReader(data), meta)
		if err != nil {
			t.Fatalf("error on an in-memory file: %v", err)
		}
		counted, total := lineCount(data)
		if len(rows)+len(bad) != counted {
			t.Fatalf("%d rows and %d malformed out of %d lines", len(rows), len(bad), counted)
		}
		checkMalformed(t, bad, total)
		var last uint32
		for _, r := range rows {
			if r.Line <= last || r.Line > total {
				t.Fatalf("row at line %d after %d (of %d)", r.Line, last, total)
			}
			last = r.Line
			checkCut(t, "message", r.Message)
			checkCut(t, "data", r.Data)
		}
	})
}
