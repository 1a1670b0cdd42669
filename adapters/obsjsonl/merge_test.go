package obsjsonl_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/obsjsonl"
	"github.com/mastra-admin/mastra-admin/commands"
)

// ev is a span event line.
func ev(event, span string, extra string) string {
	if extra != "" {
		extra = "," + extra
	}
	return fmt.Sprintf(`{"event":%q,"traceId":"t1","spanId":%q%s}`, event, span, extra)
}

func parseSpans(t *testing.T, p *obsjsonl.Parser, lines ...string) ([]commands.SpanRow, []commands.Malformed) {
	t.Helper()
	rows, bad, err := p.ParseSpans(strings.NewReader(strings.Join(lines, "\n")), meta)
	require.NoError(t, err)
	return rows, bad
}

func newParser(t *testing.T, cfg obsjsonl.Config) *obsjsonl.Parser {
	t.Helper()
	p, err := obsjsonl.New(cfg)
	require.NoError(t, err)
	return p
}

func TestSpanEventsMergeAndTheEndWins(t *testing.T) {
	t.Parallel()
	p := newParser(t, obsjsonl.Config{})
	rows, bad := parseSpans(t, p,
		ev("span_ended", "a", `"name":"end name","startTime":"2026-01-01T00:00:00Z","endTime":"2026-01-01T00:00:02.5Z","output":{"o":1},"attributes":{"v":"end"}`),
		ev("span_started", "a", `"name":"start name","parentSpanId":"p","type":"agent_run","entityId":"agent-1","input":{"i":1},"attributes":{"v":"start"}`),
		ev("span_updated", "a", `"attributes":{"v":"update"},"output":{"o":0}`),
		ev("span_started", "b", `"startTime":1767225600000`),
		ev("span_updated", "b", `"attributes":{"v":"update"}`),
	)
	assert.Empty(t, bad)
	require.Len(t, rows, 2)
	a := rows[0]
	assert.Equal(t, commands.SpanOK, a.Status)
	assert.Equal(t, "end name", a.Name, "the end's fields win, whatever the order of the lines")
	assert.Equal(t, `{"v":"end"}`, a.Attributes)
	assert.Equal(t, `{"o":1}`, a.Output)
	assert.Equal(t, "p", a.ParentSpanID, "what the end lacks comes from the other events")
	assert.Equal(t, "agent_run", a.Type)
	assert.Equal(t, "agent-1", a.Entity, "the entity's ID when it has no name")
	assert.Equal(t, `{"i":1}`, a.Input)
	assert.Equal(t, uint64(1767225600_000000), a.StartUS)
	assert.Equal(t, uint64(1767225602_500000), a.EndUS)
	assert.Equal(t, uint64(2_500_000), a.DurationUS)
	assert.Equal(t, uint32(1), a.Line)

	b := rows[1]
	assert.Equal(t, commands.SpanRunning, b.Status, "an update is not an end")
	assert.Equal(t, uint64(1767225600_000000), b.StartUS, "a number is milliseconds")
	assert.Equal(t, `{"v":"update"}`, b.Attributes, "the update wins over the start")
	assert.Zero(t, b.EndUS)
	assert.Zero(t, b.DurationUS)
}

func TestSpansOfTwoTracesWithOneSpanIDStayApart(t *testing.T) {
	t.Parallel()
	rows, bad := parseSpans(t, newParser(t, obsjsonl.Config{}),
		`{"event":"span_ended","traceId":"t1","spanId":"s"}`,
		`{"event":"span_started","traceId":"t2","spanId":"s"}`)
	assert.Empty(t, bad)
	require.Len(t, rows, 2)
	assert.Equal(t, commands.SpanOK, rows[0].Status)
	assert.Equal(t, commands.SpanRunning, rows[1].Status)
}

func TestAnEndBeforeItsStartHasNoDuration(t *testing.T) {
	t.Parallel()
	rows, _ := parseSpans(t, newParser(t, obsjsonl.Config{}),
		ev("span_ended", "a", `"startTime":"2026-01-01T00:00:02Z","endTime":"2026-01-01T00:00:01Z"`))
	require.Len(t, rows, 1)
	assert.Zero(t, rows[0].DurationUS)
}

func TestErrorInfoMakesAnError(t *testing.T) {
	t.Parallel()
	rows, _ := parseSpans(t, newParser(t, obsjsonl.Config{}),
		ev("span_ended", "a", `"errorInfo":{"message":"boom"}`),
		ev("span_ended", "b", `"errorInfo":{"details":{"x":1}}`),
		ev("span_started", "c", `"errorInfo":{"message":"not ended"}`))
	require.Len(t, rows, 3)
	assert.Equal(t, commands.SpanError, rows[0].Status)
	assert.Equal(t, "boom", rows[0].Error)
	assert.Equal(t, commands.SpanError, rows[1].Status)
	assert.Equal(t, `{"details":{"x":1}}`, rows[1].Error, "the whole errorInfo when it has no message")
	assert.Equal(t, commands.SpanRunning, rows[2].Status)
	assert.Empty(t, rows[2].Error)
}

func TestBuildIDFromTheLine(t *testing.T) {
	t.Parallel()
	rows, _ := parseSpans(t, newParser(t, obsjsonl.Config{}),
		ev("span_ended", "a", `"buildId":"01900000-0000-7000-8000-0000000000bb"`),
		ev("span_ended", "b", `"buildId":"nope"`))
	assert.Equal(t, "01900000-0000-7000-8000-0000000000bb", rows[0].BuildID.String())
	assert.Equal(t, "00000000-0000-0000-0000-000000000000", rows[1].BuildID.String())
}

func TestPayloadsAreTruncatedWithAMarker(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 100)
	line := ev("span_ended", "a", fmt.Sprintf(`"input":%q,"output":%q,"attributes":{"k":%q,"model":"m1","usage":{"inputTokens":3}},"type":"model_generation","errorInfo":{"message":%q}`, big, big, big, big))
	rows, _ := parseSpans(t, newParser(t, obsjsonl.Config{MaxPayloadBytes: 20}), line)
	require.Len(t, rows, 1)
	r := rows[0]
	assert.Equal(t, `"xxxxxxxxxxxxxxxxxxx…[truncated 82 bytes]`, r.Input, "102 bytes of JSON text, 20 kept")
	assert.Equal(t, r.Input, r.Output)
	assert.Equal(t, `{"k":"xxxxxxxxxxxxxx…[truncated 127 bytes]`, r.Attributes)
	assert.Equal(t, "m1", r.Model, "model and tokens come from the whole attributes")
	assert.Equal(t, uint64(3), r.InputTokens)
	assert.Equal(t, "xxxxxxxxxxxxxxxxxxxx…[truncated 80 bytes]", r.Error)

	// The file's limit wins over the parser's.
	m := meta
	m.MaxPayloadBytes = 50
	rows, _, err := newParser(t, obsjsonl.Config{MaxPayloadBytes: 20}).ParseSpans(strings.NewReader(line), m)
	require.NoError(t, err)
	assert.Equal(t, `"`+strings.Repeat("x", 49)+"…[truncated 52 bytes]", rows[0].Input)
}

func TestTruncateCutsAtAWholeCharacter(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "abc", obsjsonl.Truncate("abc", 3))
	assert.Equal(t, "abc", obsjsonl.Truncate("abc", 0), "no limit")
	assert.Equal(t, "a…[truncated 4 bytes]", obsjsonl.Truncate("aéé", 2), "é is two bytes: the second is not cut in half")
	assert.Equal(t, "…[truncated 4 bytes]", obsjsonl.Truncate("😀", 3))
	assert.Equal(t, "\xff\xff…[truncated 2 bytes]", obsjsonl.Truncate("\xff\xff\xff\xff", 2), "not UTF-8: cut at the byte")
}

func TestMalformedLinesAreCountedAndTheRestGoesIn(t *testing.T) {
	t.Parallel()
	p := newParser(t, obsjsonl.Config{MaxLineBytes: 200})
	rows, bad, err := p.ParseSpans(strings.NewReader(strings.Join([]string{
		ev("span_started", "a", ""),
		`{"event":"span_ended","traceId":"t1"`,
		"",
		"   ",
		`[1,2]`,
		`{"event":"span_begun","traceId":"t1","spanId":"x"}`,
		`{"event":"span_ended","traceId":"","spanId":"x"}`,
		`{"event":"span_ended","traceId":"t1","spanId":7}`,
		ev("span_ended", "x", `"startTime":"yesterday"`),
		ev("span_ended", "x", `"endTime":-5`),
		ev("span_ended", "x", `"startTime":"1960-01-01T00:00:00Z"`),
		ev("span_ended", "long", `"input":"`+strings.Repeat("y", 300)+`"`),
		ev("span_ended", "a", "") + "\r",
		ev("span_started", "b", ""), // the last line has no line end
	}, "\n")), meta)
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, "a", rows[0].SpanID)
	assert.Equal(t, commands.SpanOK, rows[0].Status, "a CRLF line end is a line end")
	assert.Equal(t, "b", rows[1].SpanID)
	assert.Equal(t, uint32(14), rows[1].Line)
	var got []string
	for _, m := range bad {
		got = append(got, fmt.Sprintf("%d %s", m.Line, m.Reason))
	}
	assert.Equal(t, []string{
		"2 not a JSON object of a span event: unexpected end of JSON input",
		"5 not a JSON object of a span event: json: cannot unmarshal array into Go value of type obsjsonl.spanLine",
		`6 event "span_begun" is not span_started, span_updated or span_ended`,
		"7 the span event has no traceId or spanId",
		"8 not a JSON object of a span event: json: cannot unmarshal number into Go struct field spanLine.spanId of type string",
		`9 startTime: "yesterday": not an ISO 8601 time or milliseconds since the epoch`,
		"10 endTime: -5: not an ISO 8601 time or milliseconds since the epoch",
		`11 startTime: "1960-01-01T00:00:00Z": not an ISO 8601 time or milliseconds since the epoch`,
		"12 the line is longer than 200 bytes",
	}, got)
	assert.Equal(t, `{"event":"span_ended","traceId":"t1"`, bad[0].Text, "the line comes with its reason")
	assert.Len(t, bad[8].Text, 200, "a long line is kept in part")
}

func TestMalformedTextIsCut(t *testing.T) {
	t.Parallel()
	_, bad := parseSpans(t, newParser(t, obsjsonl.Config{}), "{"+strings.Repeat("z", 5000))
	require.Len(t, bad, 1)
	assert.Len(t, bad[0].Text, 1024)
}

func TestTokensAndModel(t *testing.T) {
	t.Parallel()
	rows, _ := parseSpans(t, newParser(t, obsjsonl.Config{}),
		ev("span_ended", "gen", `"type":"model_generation","attributes":{"model":"gpt-x","usage":{"inputTokens":10,"outputTokens":4}}`),
		ev("span_ended", "step", `"type":"model_step","attributes":{"usage":{"inputTokens":10,"outputTokens":4}}`),
		ev("span_ended", "inf", `"type":"model_inference","attributes":{"model":"gpt-x","usage":{"inputTokens":10,"outputTokens":4}}`),
		ev("span_ended", "old", `"type":"llm_generation","attributes":{"model":"gpt-3","usage":{"promptTokens":8,"completionTokens":2}}`),
		ev("span_ended", "agent", `"type":"agent_run","attributes":{"internalUsage":{"inputTokens":5,"outputTokens":1}}`),
		ev("span_ended", "both", `"type":"model_generation","attributes":{"usage":{"inputTokens":1,"outputTokens":1},"internalUsage":{"inputTokens":2,"outputTokens":2}}`),
		ev("span_ended", "odd", `"type":"model_generation","attributes":{"model":7,"usage":{"inputTokens":"many","outputTokens":-3}}`),
		ev("span_ended", "arr", `"type":"model_generation","attributes":[1]`),
		ev("span_started", "run", `"type":"model_generation","attributes":{"model":"gpt-y"}`),
	)
	got := map[string]string{}
	for _, r := range rows {
		got[r.SpanID] = fmt.Sprintf("%s %d %d", r.Model, r.InputTokens, r.OutputTokens)
	}
	assert.Equal(t, map[string]string{
		"gen":   "gpt-x 10 4",
		"step":  " 0 0",      // repeats its generation's usage
		"inf":   "gpt-x 0 0", // likewise
		"old":   "gpt-3 8 2",
		"agent": " 5 1",
		"both":  " 3 3",
		"odd":   " 0 0",
		"arr":   " 0 0",
		"run":   "gpt-y 0 0",
	}, got)
}

func TestReadErrorsAreErrors(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk gone")
	_, _, err := obsjsonl.ParseSpans(iotest.ErrReader(boom), meta)
	assert.ErrorIs(t, err, boom)
	_, _, err = obsjsonl.ParseLogs(iotest.ErrReader(boom), meta)
	assert.ErrorIs(t, err, boom)
}

func TestConfigIsChecked(t *testing.T) {
	t.Parallel()
	_, err := obsjsonl.New(obsjsonl.Config{MaxPayloadBytes: -1, MaxLineBytes: -2})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "MaxPayloadBytes -1 is negative")
	assert.Contains(t, err.Error(), "MaxLineBytes -2 is negative")
}

func TestUsageFollowsTheMergedAttributesAndType(t *testing.T) {
	t.Parallel()
	p := newParser(t, obsjsonl.Config{})
	rows, bad := parseSpans(t, p,
		// The end comes first without a type; the start gives it after.
		ev("span_ended", "a", `"attributes":{"model":"m","usage":{"inputTokens":3,"outputTokens":4}}`),
		ev("span_started", "a", `"type":"model_generation","attributes":{"model":"other"}`),
		// A second end replaces the first's attributes.
		ev("span_ended", "b", `"type":"model_generation","attributes":{"usage":{"inputTokens":1,"outputTokens":1}}`),
		ev("span_ended", "b", `"attributes":{"responseModel":"r","usage":{"promptTokens":5,"completionTokens":6}}`),
		// A span that has not ended.
		ev("span_started", "c", `"type":"model_generation","attributes":{"model":"c","usage":{"inputTokens":7,"outputTokens":8}}`),
	)
	assert.Empty(t, bad)
	require.Len(t, rows, 3)
	got := func(r commands.SpanRow) string {
		return fmt.Sprintf("%s %d/%d", r.Model, r.InputTokens, r.OutputTokens)
	}
	assert.Equal(t, "m 3/4", got(rows[0]), "the type that came after the end counts its usage")
	assert.Equal(t, "r 5/6", got(rows[1]), "the last end's attributes")
	assert.Equal(t, "c 7/8", got(rows[2]))
}
