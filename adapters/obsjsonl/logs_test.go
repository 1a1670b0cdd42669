package obsjsonl_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/obsjsonl"
)

func TestLogLines(t *testing.T) {
	t.Parallel()
	p := newParser(t, obsjsonl.Config{MaxPayloadBytes: 40})
	rows, bad, err := p.ParseLogs(strings.NewReader(strings.Join([]string{
		`{"time":"2026-01-01T00:00:00.000001Z","level":"debug","service":"s","msg":"a <b> & c","traceId":"t","spanId":"s1","data":{"html":"<i>"},"args":[1,"two"]}`,
		`{"level":"info","msg":"no time"}`,
		`{"time":"noon","msg":"bad time"}`,
		`{"time":"2026-01-01T00:00:00Z","msg":5}`,
		`"just a string"`,
		`null`,
		`{"time":1767225600000,"msg":"` + strings.Repeat("m", 60) + `","data":{"k":"` + strings.Repeat("d", 60) + `"}}`,
	}, "\n")), meta)
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, uint64(1767225600_000001), rows[0].TimeUS)
	assert.Equal(t, "debug", rows[0].Level)
	assert.Equal(t, "a <b> & c", rows[0].Message)
	assert.Equal(t, "t", rows[0].TraceID)
	assert.Equal(t, "s1", rows[0].SpanID)
	assert.Equal(t, `{"args":[1,"two"],"data":{"html":"<i>"}}`, rows[0].Data, "the other fields, keys sorted, not HTML-escaped")

	assert.Equal(t, uint64(1767225600_000000), rows[1].TimeUS)
	assert.Equal(t, uint32(7), rows[1].Line)
	assert.Equal(t, strings.Repeat("m", 40)+"…[truncated 20 bytes]", rows[1].Message)
	assert.Equal(t, `{"data":{"k":"`+strings.Repeat("d", 26)+"…[truncated 37 bytes]", rows[1].Data)

	var got []string
	for _, m := range bad {
		got = append(got, fmt.Sprintf("%d %s", m.Line, m.Reason))
	}
	assert.Equal(t, []string{
		"2 the log record has no time",
		`3 time: "noon": not an ISO 8601 time or milliseconds since the epoch`,
		"4 not a JSON object of a log record: json: cannot unmarshal number into Go struct field logLine.msg of type string",
		"5 not a JSON object of a log record: json: cannot unmarshal string into Go value of type obsjsonl.logLine",
		"6 not a JSON object of a log record",
	}, got)
}
