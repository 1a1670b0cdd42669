package obsjsonl_test

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/obsjsonl"
)

// benchSpans is a span file of the entry's lines (testdata/entry_spans.jsonl)
// repeated under 200 trace IDs: 1,000 spans, 1,800 lines.
func benchSpans(b *testing.B) []byte {
	data, err := os.ReadFile("testdata/entry_spans.jsonl")
	require.NoError(b, err)
	var buf bytes.Buffer
	for i := 0; i < 200; i++ {
		d := bytes.ReplaceAll(data, []byte("7bdd0c2f5a9e4b1c8d3e6f7a8b9c0d1e"), fmt.Appendf(nil, "%032x", 2*i))
		buf.Write(bytes.ReplaceAll(d, []byte("aaaabbbbccccddddeeeeffff00001111"), fmt.Appendf(nil, "%032x", 2*i+1)))
	}
	return buf.Bytes()
}

// BenchmarkParseSpans parses a file of 1,000 spans of the entry's lines.
func BenchmarkParseSpans(b *testing.B) {
	data := benchSpans(b)
	p, err := obsjsonl.New(obsjsonl.Config{})
	require.NoError(b, err)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rows, bad, err := p.ParseSpans(bytes.NewReader(data), meta)
		if err != nil || len(bad) > 0 || len(rows) != 1000 {
			b.Fatalf("%d rows, %d malformed, %v", len(rows), len(bad), err)
		}
	}
}
