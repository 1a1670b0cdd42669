package obsjsonl

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/commands"
)

// The scanner is the fast path of encoding/json's decoding of span
// lines, usage objects and errorInfo: wherever it takes an input, it must
// decode it exactly as encoding/json does, and it must not take an input
// encoding/json refuses. These tests compare the two on the same inputs.

// scanSeeds are inputs near the edges of what the scanner takes.
var scanSeeds = []string{
	`{}`, ` { } `, `{"event":"span_ended","traceId":"t","spanId":"s"}`,
	`{"event":"span_ended","traceId":"t","spanId":"s",}`, `{"event":"span_ended" "traceId":"t"}`, `{"event":}`,
	`{"EVENT":"span_ended","traceId":"t","spanId":"s"}`, `{"traceid":"t"}`, `{"ſpanId":"s"}`, `{"spanId":"s","spanId":null}`,
	`{"input":{"a":1},"input":null}`, `{"input":1,"input":[1,2,{"b":"c"}]}`, `{"name":"a\"b\\c\/d\u00e9\ud83d\ude00"}`,
	`{"name":"\ud800"}`, "{\"name\":\"\xff\xfe\"}", "{\"name\":\"abcdefgh\xff\"}", "{\"name\":\"abcdefghijklmnopq\xc3\"}",
	"{\"name\":\"\xc3\xa9abcdefghijklmnop\"}", "{\"name\":\"ab\",\"type\":\"\xe2\x82\"}", "{\"name\":\"\u00e9\xff\"}", `{"event":"span_ended","traceId":"t"`,
	`{"event":"span_ended","traceId"`, `{"event":"span_ended","tra`, "{\"name\":\"caf\xc3\xa9\"}", "{\"name\":\"a\tb\"}", `{"name":"\x"}`, `{"name":"\u12"}`,
	`{"spanId":7}`, `{"spanId":true}`, `{"spanId":{}}`, `{"spanId":[]}`, `{"spanId":nul}`, `{"spanId":nulls}`,
	`{"startTime":-0.5e+3,"endTime":1E9}`, `{"startTime":01}`, `{"startTime":1.}`, `{"startTime":-}`, `{"startTime":.5}`, `{"startTime":1e}`,
	`{"startTime":+1}`, `{"attributes":{"a":[true,false,null,0,-1.5e-7,"x",{}]}}`, `{"attributes":{"a":[1,]}}`, `{"attributes":{,}}`,
	`{"attributes":{"a" : 1 , "b":[ ] }}` + " \t\r", `{"x":1}x`, `{"x":1}{}`, `[1]`, `null`, `"s"`, `1`, ``, ` `, `{`, `{"`,
	`{"a\u0062":1}`, `{"metadata":` + strings.Repeat("[", 1200) + strings.Repeat("]", 1200) + `}`,
	`{"metadata":` + strings.Repeat(`{"a":[`, 31) + `1` + strings.Repeat(`]}`, 31) + `}`, `{"metadata":` + strings.Repeat(`[{"a":`, 32) + `1` + strings.Repeat(`}]`, 32) + `}`,
	`{"metadata":[{"a":1]}`, `{"metadata":{"a":[1}}`, `{"metadata":[1 2]}`, `{"metadata":{"a" 1}}`, `{"metadata":{"a":1 "b":2}}`, `{"metadata":[[],{},[{}],{"":[]}]}`,
	`{"metadata":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`,
	// usage objects and attributes
	`{"model":"m","usage":{"inputTokens":1,"outputTokens":2}}`, `{"responseModel":"r","model":"m"}`, `{"responseModel":"","model":"m"}`,
	`{"responseModel":null,"model":7}`, `{"model":"m","model":null}`, `{"usage":{"InputTokens":1}}`, `{"usage":{"inputTokens":1e400}}`,
	`{"usage":{"inputTokens":"1"}}`, `{"usage":{"inputTokens":1,"inputTokens":null,"promptTokens":3}}`, `{"usage":[1]}`, `{"usage":"x"}`,
	`{"usage":null,"internalUsage":{"completionTokens":-1,"promptTokens":1e30}}`, `{"internalUsage":{"outputTokens":{"a":1}}}`,
	`{"mod\u0065l":"m"}`, `{"usage":{"input\u0054okens":1}}`, `{"usage":{"inputTokens":1,"x":[}}`,
	// errorInfo
	`{"message":"boom","id":"E"}`, `{"message":"boom","id":7}`, `{"Message":"boom"}`, `{"message":null,"id":"E"}`, `{"message":"a","message":""}`,
}

// fuzzScanSeeds adds the seeds and the lines of the entry's files.
func fuzzScanSeeds(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add(s)
	}
	for _, file := range []string{"testdata/entry_spans.jsonl", "testdata/entry_logs.jsonl"} {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		for _, l := range bytes.Split(data, []byte("\n")) {
			f.Add(string(l))
		}
	}
}

func checkSpanLine(t *testing.T, line string) {
	want, wantErr := decodeSpanLineJSON([]byte(line))
	var got spanEvent
	if !scanSpanLine(line, &got) {
		return // left to encoding/json
	}
	if wantErr != nil {
		t.Fatalf("the scanner takes %q, which encoding/json refuses: %v", line, wantErr)
	}
	if got != want {
		t.Fatalf("%q:\nscanner      %+v\nencoding/json %+v", line, got, want)
	}
}

func checkUsage(t *testing.T, attributes string) {
	for _, typ := range []string{"model_generation", "agent_run"} {
		if attributes == "" || attributes[0] != '{' {
			continue
		}
		m, in, out, ok := scanUsage(typ, attributes)
		if !ok {
			continue
		}
		wm, win, wout := usageOfJSON(typ, attributes)
		if m != wm || in != win || out != wout {
			t.Fatalf("%s %q: scanner %q %d %d, encoding/json %q %d %d", typ, attributes, m, in, out, wm, win, wout)
		}
	}
}

func checkErrorInfo(t *testing.T, raw string) {
	msg, id, ok := scanErrorInfo(raw)
	if !ok {
		return
	}
	wmsg, wid := errorInfoJSON(raw)
	if msg != wmsg || id != wid {
		t.Fatalf("%q: scanner %q %q, encoding/json %q %q", raw, msg, id, wmsg, wid)
	}
}

func TestScannerAgreesWithEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range scanSeeds {
		checkJSONString(t, s)
		checkSpanLine(t, s)
		checkUsage(t, s)
		checkErrorInfo(t, s)
	}
}

// FuzzScanner: on any input, the scanner decodes span lines, usage and
// errorInfo as encoding/json does, or leaves them to it.
func FuzzScanner(f *testing.F) {
	fuzzScanSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		checkSpanLine(t, s)
		checkUsage(t, s)
		checkErrorInfo(t, s)
	})
}

func TestScannerTakesTheEntrysLines(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/entry_spans.jsonl")
	require.NoError(t, err)
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var e spanEvent
		assert.True(t, scanSpanLine(l, &e), "the fast path takes %s", l)
		want, err := decodeSpanLineJSON([]byte(l))
		require.NoError(t, err)
		assert.Equal(t, want, e)
		_, _, _, ok := scanUsage(e.Type, e.Attributes)
		assert.True(t, ok || e.Attributes == "null", "the fast path takes the attributes %s", e.Attributes)
	}
}

func TestScannerLeavesWhatItDoesNotTake(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		`{"EVENT":"span_ended"}`, // a key matched ignoring case
		`{"ſpanId":"s"}`,         // not ASCII: encoding/json folds it its own way
		`{"spanId":7}`,           // a type error
		`{"a\u0062":1}`,          // an escaped key
		`{"x":1}x`,               // not JSON
		`{"metadata":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`, // deeper than maxScanDepth
	} {
		var e spanEvent
		assert.False(t, scanSpanLine(s, &e), s)
	}
	var name spanEvent
	assert.True(t, scanSpanLine(`{"name":"a\"b"}`, &name))
	assert.Equal(t, `a"b`, name.Name, "an escaped value is decoded")
}

func checkJSONString(t *testing.T, raw string) {
	got, ok := jsonString(raw)
	if !ok {
		return
	}
	var want string
	if err := json.Unmarshal([]byte(raw), &want); err != nil || got != want {
		t.Fatalf("jsonString(%q) = %q, encoding/json %q (%v)", raw, got, want, err)
	}
}

// FuzzParseSpansAsEncodingJSON: ParseSpans gives the same rows and the
// same malformed lines, reasons included, with its scanner as with
// encoding/json alone.
func FuzzParseSpansAsEncodingJSON(f *testing.F) {
	fuzzScanSeeds(f)
	f.Add(strings.Join(scanSeeds, "\n"))
	data, err := os.ReadFile("testdata/entry_spans.jsonl")
	require.NoError(f, err)
	f.Add(string(data))
	fast := &Parser{cfg: Config{MaxPayloadBytes: 48, MaxLineBytes: 4096}}
	slow := &Parser{cfg: fast.cfg, jsonOnly: true}
	f.Fuzz(func(t *testing.T, s string) {
		checkJSONString(t, s)
		meta := commands.ParseMeta{File: "f"}
		rows, bad, err := fast.ParseSpans(strings.NewReader(s), meta)
		require.NoError(t, err)
		wantRows, wantBad, err := slow.ParseSpans(strings.NewReader(s), meta)
		require.NoError(t, err)
		require.Equal(t, wantRows, rows)
		require.Equal(t, wantBad, bad)
	})
}
