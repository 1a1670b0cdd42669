package obsjsonl_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/obsjsonl"
	"github.com/mastra-admin/mastra-admin/commands"
)

// spanFile is n span_ended lines, each with an input of pad bytes, so
// that lines cross the reader's chunks (256 KiB) at many places.
func spanFile(trace string, n, pad int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"event":"span_ended","traceId":%q,"spanId":"s%d","name":"n%d","input":%q}`+"\n",
			trace, i, i, strings.Repeat(string(rune('a'+i%26)), pad+i%7))
	}
	return b.String()
}

func checkSpanFile(t *testing.T, rows []commands.SpanRow, trace string, n, pad int) {
	t.Helper()
	require.Len(t, rows, n)
	for i, r := range rows {
		want := fmt.Sprintf("%q", strings.Repeat(string(rune('a'+i%26)), pad+i%7))
		if r.TraceID != trace || r.SpanID != fmt.Sprintf("s%d", i) || r.Name != fmt.Sprintf("n%d", i) || r.Input != want || r.Line != uint32(i+1) {
			t.Fatalf("row %d: trace %q span %q name %q line %d, input of %d bytes starting %.20q", i, r.TraceID, r.SpanID, r.Name, r.Line, len(r.Input), r.Input)
		}
	}
}

func TestLinesAcrossChunks(t *testing.T) {
	t.Parallel()
	p := newParser(t, obsjsonl.Config{MaxPayloadBytes: 1 << 20})
	for _, pad := range []int{10, 1000, 100_000, 300_000} { // lines shorter and longer than a chunk
		data := spanFile("t", 40, pad)
		rows, bad, err := p.ParseSpans(strings.NewReader(data), meta)
		require.NoError(t, err)
		require.Empty(t, bad)
		checkSpanFile(t, rows, "t", 40, pad)
		rows, bad, err = p.ParseSpans(iotest.HalfReader(strings.NewReader(data)), meta)
		require.NoError(t, err)
		require.Empty(t, bad)
		checkSpanFile(t, rows, "t", 40, pad)
	}
	rows, _, err := p.ParseSpans(iotest.OneByteReader(strings.NewReader(spanFile("t", 3, 50))), meta)
	require.NoError(t, err)
	checkSpanFile(t, rows, "t", 3, 50)
}

// TestRowsOutliveTheReadersBuffers parses files at the same time and one
// after the other with one parser: the reader's buffers go back to a pool
// and are filled again, and no row may change when they are.
func TestRowsOutliveTheReadersBuffers(t *testing.T) {
	t.Parallel()
	p := newParser(t, obsjsonl.Config{})
	var wg sync.WaitGroup
	results := make([][]commands.SpanRow, 8)
	for i := range results {
		wg.Go(func() {
			rows, _, err := p.ParseSpans(strings.NewReader(spanFile(fmt.Sprintf("trace-%d", i), 300, 2000)), meta)
			assert.NoError(t, err)
			results[i] = rows
		})
	}
	wg.Wait()
	for i := 0; i < 8; i++ { // fill the pooled buffers with other text
		_, _, err := p.ParseSpans(strings.NewReader(spanFile("other", 300, 2000)), meta)
		require.NoError(t, err)
	}
	for i, rows := range results {
		checkSpanFile(t, rows, fmt.Sprintf("trace-%d", i), 300, 2000)
	}
}

func TestLongLinesAcrossChunks(t *testing.T) {
	t.Parallel()
	p := newParser(t, obsjsonl.Config{MaxLineBytes: 100_000})
	long := `{"event":"span_ended","traceId":"t","spanId":"long","input":"` + strings.Repeat("x", 700_000) + `"}`
	data := spanFile("t", 2, 10) + long + "\n" + long + "\r\n" + spanFile("u", 2, 10) + long // the last without a line end
	rows, bad, err := p.ParseSpans(iotest.HalfReader(strings.NewReader(data)), meta)
	require.NoError(t, err)
	require.Len(t, rows, 4)
	assert.Equal(t, []uint32{1, 2, 5, 6}, []uint32{rows[0].Line, rows[1].Line, rows[2].Line, rows[3].Line})
	assert.Equal(t, "u", rows[2].TraceID)
	require.Len(t, bad, 3)
	for i, m := range bad {
		assert.Equal(t, []uint32{3, 4, 7}[i], m.Line)
		assert.Equal(t, "the line is longer than 100000 bytes", m.Reason)
		assert.Len(t, m.Text, 1024)
	}
}
