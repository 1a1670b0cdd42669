package obsjsonl

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/commands"
)

// logSeeds are log lines near the edges of what the scanner takes.
var logSeeds = []string{
	`{"time":"2026-12-04T19:12:24.339Z","level":"info","service":"s","msg":"m","traceId":"t","spanId":"p","data":{"value":21}}`,
	`{"time":"2026-12-04T19:12:24.339Z","level":"info","msg":"m","traceId":null,"spanId":null}`,
	`{"time":1767225600000,"msg":"m","zeta":1,"alpha":[1, 2],"mid":{"a" :1}}`,
	`{"time":"2026-12-04T19:12:24.339Z","msg":"spaces in strings stay","data":{"note":"a b\tc","n":[1,2]}}`,
	`{"time":"2026-12-04T19:12:24.339Z","data":1,"data":{"x":2},"args":["a"],"error":{"name":"E","message":"m","stack":"E\n at f"}}`,
	`{"time":"2026-12-04T19:12:24.339Z","Level":"info"}`, `{"time":"2026-12-04T19:12:24.339Z","Service":"s","<b>":"&"}`,
	`{"time":"2026-12-04T19:12:24.339Z","level":5}`, `{"time":"2026-12-04T19:12:24.339Z","msg":"a","msg":null}`,
	`{"time":"2026-12-04T19:12:24.339Z","ключ":1}`, `{"time":"2026-12-04T19:12:24.339Z","a\u0062":1}`,
	`{"time":null,"msg":"m"}`, `{"msg":"no time"}`, `{"time":"yesterday"}`, `null`, `[]`, `{"time":1}x`, `{"time":1,}`,
	"{\"time\":1,\"data\":\"\xff\xfe\"}", "{\"time\":1,\"msg\":\"caf\xc3\xa9\"}", `{"time":1,"data":"\u2028<>&"}`,
	`{"time":1,"time":"2026-12-04T19:12:24.339Z"}`, `{"time":"2026-12-04T19:12:24.339Z","time":null}`, ` {"time":1} `,
	`{"time":1,"data":{"deep":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}}`,
}

func TestLogScannerTakesTheEntrysLines(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/entry_logs.jsonl")
	require.NoError(t, err)
	var buf []dataField
	var out strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var e logEvent
		assert.True(t, scanLogLine(l, &e, &buf, &out), "the fast path takes %s", l)
		want, _, bad := decodeLogLineJSON(1, l)
		require.False(t, bad)
		assert.Equal(t, want, e)
	}
}

func TestLogScannerLeavesWhatItDoesNotTake(t *testing.T) {
	t.Parallel()
	var buf []dataField
	var out strings.Builder
	for _, s := range []string{
		`{"time":1,"Level":"info"}`, // a key matched ignoring case
		`{"time":1,"level":5}`,      // a type error
		`{"time":1,"ключ":1}`,       // not ASCII
		`{"time":1,"a\u0062":1}`,    // an escaped key
		`{"time":1,"data":[1, 2]}`,  // not compact
		`{"time":1}x`, `null`, `[]`, // not a JSON object
	} {
		var e logEvent
		assert.False(t, scanLogLine(s, &e, &buf, &out), s)
	}
}

// FuzzParseLogsAsEncodingJSON: ParseLogs gives the same rows and the same
// malformed lines, reasons included, with its scanner as with
// encoding/json alone.
func FuzzParseLogsAsEncodingJSON(f *testing.F) {
	for _, s := range logSeeds {
		f.Add(s)
	}
	f.Add(strings.Join(logSeeds, "\n"))
	data, err := os.ReadFile("testdata/entry_logs.jsonl")
	require.NoError(f, err)
	f.Add(string(data))
	fast := &Parser{cfg: Config{MaxPayloadBytes: 48, MaxLineBytes: 4096}}
	slow := &Parser{cfg: fast.cfg, jsonOnly: true}
	f.Fuzz(func(t *testing.T, s string) {
		meta := commands.ParseMeta{File: "f"}
		rows, bad, err := fast.ParseLogs(strings.NewReader(s), meta)
		require.NoError(t, err)
		wantRows, wantBad, err := slow.ParseLogs(strings.NewReader(s), meta)
		require.NoError(t, err)
		require.Equal(t, wantRows, rows)
		require.Equal(t, wantBad, bad)
	})
}
