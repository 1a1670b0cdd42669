package auditchain

import (
	"bytes"
	"errors"
	"testing"
)

var fuzzKey = []byte("fuzz key")

// FuzzVerify checks that Verify never panics and that every failure on
// in-memory input is a *LineError wrapping a verification sentinel. Seeds
// are in testdata/fuzz/FuzzVerify and below.
func FuzzVerify(f *testing.F) {
	entries := append(sampleEntries(3), trickyEntries()...)
	for _, format := range formats {
		for _, key := range [][]byte{nil, fuzzKey} {
			s, _ := export(f, format, entries, Options{Key: key})
			f.Add([]byte(s))
			empty, _ := export(f, format, nil, Options{Key: key})
			f.Add([]byte(empty))
		}
	}
	f.Add([]byte("#trailer,auditchain/v1,0," + Genesis + ",\n"))
	f.Add([]byte(`{"trailer":"auditchain/v1","count":0,"head":"` + Genesis + `"}`))

	sentinels := []error{ErrMalformed, ErrEdited, ErrRemoved, ErrReordered, ErrDuplicated, ErrTruncated, ErrBadSignature}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, key := range [][]byte{nil, fuzzKey} {
			rep, err := Verify(bytes.NewReader(data), VerifyOptions{Key: key, MaxLineBytes: 4 << 10})
			if err == nil {
				if rep.Count < 0 || len(rep.Head) != len(Genesis) || (key != nil && !rep.SignatureChecked) {
					t.Fatalf("verified with an inconsistent report %+v", rep)
				}
				continue
			}
			var le *LineError
			if !errors.As(err, &le) || le.Line < 1 {
				t.Fatalf("error is not a *LineError with a line: %v", err)
			}
			found := false
			for _, s := range sentinels {
				found = found || errors.Is(err, s)
			}
			if !found {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
		}
	})
}
