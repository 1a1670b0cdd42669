package auditchain

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerifySignature(t *testing.T) {
	t.Parallel()
	key := []byte("0123456789abcdef0123456789abcdef")
	entries := sampleEntries(5)
	// forged drops the third entry and recomputes the whole chain, as a
	// forger who can edit the file but does not hold the key would.
	forged := func(t *testing.T, f Format, opts Options) string {
		s, _ := export(t, f, slices.Delete(slices.Clone(entries), 2, 3), opts)
		return s
	}
	tests := []struct {
		name       string
		file       func(t *testing.T, f Format) string
		key        []byte
		want       error
		wantReport Report
	}{
		{
			name: "signed, right key",
			file: func(t *testing.T, f Format) string { s, _ := export(t, f, entries, Options{Key: key}); return s },
			key:  key, wantReport: Report{Count: 5, Signed: true, SignatureChecked: true},
		},
		{
			name:       "signed, no key: chain checked, signature not",
			file:       func(t *testing.T, f Format) string { s, _ := export(t, f, entries, Options{Key: key}); return s },
			wantReport: Report{Count: 5, Signed: true},
		},
		{
			name: "signed, wrong key",
			file: func(t *testing.T, f Format) string { s, _ := export(t, f, entries, Options{Key: key}); return s },
			key:  []byte("another key"), want: ErrBadSignature,
		},
		{
			name: "unsigned, key given",
			file: func(t *testing.T, f Format) string { s, _ := export(t, f, entries, Options{}); return s },
			key:  key, want: ErrBadSignature,
		},
		{
			name: "hmac stripped from the trailer",
			file: func(t *testing.T, f Format) string {
				s, _ := export(t, f, entries, Options{Key: key})
				l := splitLines(t, f, s)
				l.body[5] = editTrailer(t, f, l.body[5], func(tr *trailer) { tr.signed = false })
				return l.join()
			},
			key: key, want: ErrBadSignature,
		},
		{
			name: "chain recomputed without the key",
			file: func(t *testing.T, f Format) string { return forged(t, f, Options{Key: []byte("forger's key")}) },
			key:  key, want: ErrBadSignature,
		},
		{
			name:       "chain recomputed, verified without a key: undetectable (documented)",
			file:       func(t *testing.T, f Format) string { return forged(t, f, Options{}) },
			wantReport: Report{Count: 4},
		},
	}
	for _, tt := range tests {
		for _, f := range formats {
			t.Run(f.String()+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				rep, err := Verify(strings.NewReader(tt.file(t, f)), VerifyOptions{Key: tt.key})
				if tt.want != nil {
					require.ErrorIs(t, err, tt.want)
					var le *LineError
					require.ErrorAs(t, err, &le)
					l := splitLines(t, f, tt.file(t, f))
					assert.Equal(t, len(l.head)+len(l.body), le.Line, "trailer line")
					return
				}
				require.NoError(t, err)
				rep.Format, rep.Head = "", ""
				assert.Equal(t, tt.wantReport, rep)
			})
		}
	}
}

func TestVerifyInput(t *testing.T) {
	t.Parallel()
	valid, _ := export(t, JSONL, sampleEntries(3), Options{})
	long := sampleEntries(1)
	long[0].Summary = strings.Repeat("a", 1000)
	longJSONL, _ := export(t, JSONL, long, Options{})
	longCSV, _ := export(t, CSV, long, Options{})
	tests := []struct {
		name string
		in   io.Reader
		max  int
		want error
	}{
		{name: "empty", in: strings.NewReader(""), want: ErrTruncated},
		{name: "white space only", in: strings.NewReader(" \n\t\r\n"), want: ErrTruncated},
		{name: "json garbage", in: strings.NewReader(`{"a":1}`), want: ErrMalformed},
		{name: "csv garbage", in: strings.NewReader("a,\"b\nc"), want: ErrMalformed},
		{name: "binary", in: strings.NewReader("\x00\xff\xfe{"), want: ErrMalformed},
		{name: "jsonl line too long", in: strings.NewReader(longJSONL), max: 500, want: ErrMalformed},
		{name: "csv row too long", in: strings.NewReader(longCSV), max: 500, want: ErrMalformed},
		{name: "csv unterminated quote", in: strings.NewReader(longCSV[:200] + `"` + strings.Repeat("x", 200<<10)), max: 500, want: ErrMalformed},
		{name: "one byte at a time", in: iotest.OneByteReader(strings.NewReader(valid))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Verify(tt.in, VerifyOptions{MaxLineBytes: tt.max})
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.want)
		})
	}

	diskErr := errors.New("disk error")
	_, err := Verify(iotest.TimeoutReader(iotest.HalfReader(strings.NewReader(valid))), VerifyOptions{})
	assert.ErrorIs(t, err, iotest.ErrTimeout, "read errors are returned as they are")
	validCSV, _ := export(t, CSV, sampleEntries(3), Options{})
	for _, s := range []string{valid, validCSV} {
		for _, cut := range []int{100, len(s) / 2, len(s) - 1} {
			_, err = Verify(io.MultiReader(strings.NewReader(s[:cut]), iotest.ErrReader(diskErr)), VerifyOptions{})
			assert.ErrorIs(t, err, diskErr, "cut at %d", cut)
		}
	}
}

// TestVerifyStreams verifies an export while it is being written.
func TestVerifyStreams(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("writes 200k entries")
	}
	for _, f := range formats {
		t.Run(f.String(), func(t *testing.T) {
			t.Parallel()
			const n = 200_000
			pr, pw := io.Pipe()
			go func() {
				w, err := NewWriter(pw, f, Options{Key: []byte("k")})
				e := sampleEntries(1)[0]
				for i := 0; err == nil && i < n; i++ {
					e.Position = int64(i)
					err = w.Write(e)
				}
				if err == nil {
					err = w.Close()
				}
				pw.CloseWithError(err)
			}()
			rep, err := Verify(pr, VerifyOptions{Key: []byte("k")})
			require.NoError(t, err)
			assert.Equal(t, int64(n), rep.Count)
			assert.True(t, rep.SignatureChecked)
		})
	}
}
