package auditchain

import (
	"bytes"
	"io"
	"testing"
)

const benchEntries = 100_000

// BenchmarkWriter writes 100k entries per iteration and reports entries/s.
func BenchmarkWriter(b *testing.B) {
	for _, f := range formats {
		b.Run(f.String(), func(b *testing.B) {
			e := sampleEntries(1)[0]
			b.ReportAllocs()
			for b.Loop() {
				w, err := NewWriter(io.Discard, f, Options{Key: []byte("bench key")})
				if err != nil {
					b.Fatal(err)
				}
				for i := range benchEntries {
					e.Position = int64(i)
					if err := w.Write(e); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*benchEntries)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}

// BenchmarkVerify verifies a 100k-entry export per iteration and reports
// entries/s.
func BenchmarkVerify(b *testing.B) {
	for _, f := range formats {
		b.Run(f.String(), func(b *testing.B) {
			var buf bytes.Buffer
			w, err := NewWriter(&buf, f, Options{Key: []byte("bench key")})
			if err != nil {
				b.Fatal(err)
			}
			e := sampleEntries(1)[0]
			for i := range benchEntries {
				e.Position = int64(i)
				if err := w.Write(e); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Verify(bytes.NewReader(buf.Bytes()), VerifyOptions{Key: []byte("bench key")}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*benchEntries)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}
