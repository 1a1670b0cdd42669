package obsjsonl

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// parseMicros is micros' slow path: time.Parse.
func parseMicros(s string) (uint64, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Before(time.Unix(0, 0)) {
		return 0, false
	}
	return uint64(t.Unix())*1_000_000 + uint64(t.Nanosecond()/1000), true
}

var isoSeeds = []string{
	"2026-11-22T22:55:57.453Z", "1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z", "2024-02-29T23:59:59.999999Z",
	"2023-02-29T10:00:00.000Z", "2026-13-01T00:00:00.000Z", "2026-04-31T00:00:00.000Z", "2026-01-01T24:00:00.000Z",
	"2026-01-01T23:60:00.000Z", "2026-01-01T23:59:60.000Z", "1969-12-31T23:59:59.999Z", "2026-01-01T00:00:00.123456789Z",
	"2026-01-01T00:00:00.1Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00.1234567890Z", "2026-01-01t00:00:00Z",
	"2026-01-01T00:00:00+01:00", "2000-02-29T12:00:00.5Z", "2100-02-29T12:00:00.5Z", "9999-12-31T23:59:59.999Z",
	"2026-01-01T00:00:00.12a4Z", "+026-01-01T00:00:00Z", "2026-1-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z",
}

func TestISOMicrosAgreesWithTimeParse(t *testing.T) {
	for _, s := range isoSeeds {
		got, ok := isoMicros(s)
		if !ok {
			continue // left to time.Parse
		}
		want, wok := parseMicros(s)
		require.True(t, wok, "%s: the fast path takes what time.Parse refuses", s)
		require.Equal(t, want, got, s)
	}
	us, ok := isoMicros("2026-11-22T22:55:57.453Z")
	require.True(t, ok, "the form the entry writes takes the fast path")
	require.Equal(t, uint64(time.Date(2026, 11, 22, 22, 55, 57, 453e6, time.UTC).UnixMicro()), us)
}

// FuzzISOMicros checks that isoMicros takes only what time.Parse takes,
// with the same answer.
func FuzzISOMicros(f *testing.F) {
	for _, s := range isoSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := isoMicros(s)
		if !ok {
			return
		}
		want, wok := parseMicros(s)
		if !wok || want != got {
			t.Fatalf("%q: fast path %d, time.Parse %d (ok %v)", s, got, want, wok)
		}
	})
}

func TestMicrosReadsEscapedTimesLikePlainOnes(t *testing.T) {
	plain, err := micros(`"2026-01-01T00:00:00.5Z"`)
	require.NoError(t, err)
	escaped, err := micros(`"2026-01-01T00:00:00\u002e5Z"`)
	require.NoError(t, err)
	require.Equal(t, plain, escaped)
	_, err = micros(`"`)
	require.Error(t, err)
	_, err = micros(`"1969-12-31T23:59:59Z"`)
	require.Error(t, err, "before the epoch")
}
