package obsjsonl_test

import (
	"bytes"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

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
	defer reportCPU(b)()
	for b.Loop() {
		rows, bad, err := p.ParseSpans(bytes.NewReader(data), meta)
		if err != nil || len(bad) > 0 || len(rows) != 1000 {
			b.Fatalf("%d rows, %d malformed, %v", len(rows), len(bad), err)
		}
	}
}

// reportCPU reports the process's CPU time (all threads: the garbage
// collector's too) per op, a steadier figure than the time on a busy
// machine. Call the function it returns at the end.
func reportCPU(b *testing.B) func() {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	return func() {
		b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op")
	}
}
