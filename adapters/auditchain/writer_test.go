package auditchain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// trickyEntries exercise the text normalization and the CSV quoting.
func trickyEntries() []Entry {
	berlin := time.FixedZone("CET", 3600)
	return []Entry{
		{Position: 1, EventType: "project.ProjectCreated", Actor: "bob", RecordedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, berlin),
			Summary: `created "shop, eu", then said: "hi"`, Payload: json.RawMessage(" {\"a\" : [1, 2],\n \"b\":\"<&>\"} ")},
		{Position: 2, EventType: "env.EnvVarSet", Summary: "line one\nline two\r\nline three\r\r\nend\r", Payload: json.RawMessage("null")},
		{Position: 3, EventType: "x", Summary: "tabs\tand \x00 control \x1f bytes, ünïcödé ✓ \u2028", TeamID: ""},
		{Position: 4, EventType: "x", Summary: "invalid utf-8: \xff\xfe", Actor: "  leading and trailing spaces  "},
		{Position: 5, EventType: "x", Summary: "#trailer", StreamID: "\"", RequestID: `\.`, EventID: ","},
		{Position: -1, EventType: "x", Summary: "", RecordedAt: time.Time{}},
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	inputs := map[string][]Entry{"plain": sampleEntries(7), "tricky": trickyEntries()}
	for name, entries := range inputs {
		for _, f := range formats {
			t.Run(name+"/"+f.String(), func(t *testing.T) {
				t.Parallel()
				s, head := export(t, f, entries, Options{})

				rep, err := Verify(strings.NewReader(s), VerifyOptions{})
				require.NoError(t, err)
				assert.Equal(t, Report{Format: f, Count: int64(len(entries)), Head: head}, rep)

				recs, tr := readAll(t, f, s)
				require.Len(t, recs, len(entries))
				for i, r := range recs {
					want := mustNormalize(t, entries[i])
					assert.Equal(t, int64(i+1), r.seq)
					assert.True(t, want.RecordedAt.Equal(r.entry.RecordedAt), "recordedAt of seq %d", r.seq)
					want.RecordedAt, r.entry.RecordedAt = time.Time{}, time.Time{}
					assert.Equal(t, want, r.entry)
				}
				assert.Equal(t, trailer{count: int64(len(entries)), head: recs[len(recs)-1].hash}, tr)
			})
		}
	}
}

func TestNormalization(t *testing.T) {
	t.Parallel()
	got := make([]Entry, 0)
	for _, e := range trickyEntries() {
		got = append(got, mustNormalize(t, e))
	}
	assert.Equal(t, time.Date(2026, 1, 2, 2, 4, 5, 6, time.UTC), got[0].RecordedAt)
	assert.Equal(t, `{"a":[1,2],"b":"<&>"}`, string(got[0].Payload))
	assert.Equal(t, "line one\nline two\nline three\nend\r", got[1].Summary)
	assert.Nil(t, got[1].Payload)
	assert.Equal(t, "invalid utf-8: \uFFFD", got[3].Summary)
}

func TestCSVKeepsCommasQuotesAndNewlines(t *testing.T) {
	t.Parallel()
	entries := []Entry{
		{Position: 1, Summary: `a, b, "c"`, Payload: json.RawMessage(`{"note":"x, \"y\"\nz"}`)},
		{Position: 2, Summary: "multi\nline\n\nsummary,\"quoted\""},
		{Position: 3, Summary: "\n"},
	}
	s, _ := export(t, CSV, entries, Options{})
	assert.Greater(t, strings.Count(s, "\n"), len(entries)+2, "summaries span several physical lines")

	_, err := Verify(strings.NewReader(s), VerifyOptions{})
	require.NoError(t, err)
	recs, _ := readAll(t, CSV, s)
	for i, r := range recs {
		assert.Equal(t, entries[i].Summary, r.entry.Summary)
		assert.Equal(t, string(entries[i].Payload), string(r.entry.Payload))
	}
}

func TestJSONLAndCSVHaveIdenticalHashes(t *testing.T) {
	t.Parallel()
	entries := append(sampleEntries(5), trickyEntries()...)
	jsonl, jsonlHead := export(t, JSONL, entries, Options{Key: []byte("k")})
	csvText, csvHead := export(t, CSV, entries, Options{Key: []byte("k")})
	assert.Equal(t, jsonlHead, csvHead)

	jr, jt := readAll(t, JSONL, jsonl)
	cr, ct := readAll(t, CSV, csvText)
	assert.Equal(t, jr, cr)
	assert.Equal(t, jt, ct)
}

// TestCanonicalEncodingIsStable pins the hashed bytes: changing them breaks
// the verification of every export already handed out.
func TestCanonicalEncodingIsStable(t *testing.T) {
	t.Parallel()
	e := Entry{
		Position: 42, EventID: "e-1", EventType: "team.MemberAdded", StreamID: "team-1", TeamID: "t-1",
		Actor: "alice", RequestID: "r-1", RecordedAt: time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC),
		Summary: "say \"hi\"\n\x01<ü>", Payload: json.RawMessage(`{ "role": "admin" }`),
	}
	canonical := `{"seq":1,"position":42,"recordedAt":"2026-01-02T03:04:05.000000600Z",` +
		`"eventType":"team.MemberAdded","streamId":"team-1","teamId":"t-1","actor":"alice",` +
		`"requestId":"r-1","eventId":"e-1","summary":"say \"hi\"\n\u0001<ü>","payload":{"role":"admin"}}`
	sum := sha256.Sum256(append(make([]byte, 32), canonical...))
	want := hex.EncodeToString(sum[:])

	s, head := export(t, JSONL, []Entry{e}, Options{})
	assert.Equal(t, want, head)
	wantLine := canonical[:len(canonical)-1] + `,"prevHash":"` + Genesis + `","hash":"` + want + "\"}\n"
	assert.Equal(t, wantLine, splitLines(t, JSONL, s).body[0])
}

func TestEmptyExport(t *testing.T) {
	t.Parallel()
	for _, f := range formats {
		for _, key := range [][]byte{nil, []byte("secret")} {
			t.Run(f.String(), func(t *testing.T) {
				t.Parallel()
				s, head := export(t, f, nil, Options{Key: key})
				assert.Equal(t, Genesis, head)
				rep, err := Verify(strings.NewReader(s), VerifyOptions{Key: key})
				require.NoError(t, err)
				assert.Equal(t, Report{Format: f, Head: Genesis, Signed: key != nil, SignatureChecked: key != nil}, rep)
			})
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterErrors(t *testing.T) {
	t.Parallel()
	_, err := NewWriter(&strings.Builder{}, Format("xml"), Options{})
	require.ErrorIs(t, err, ErrUnknownFormat)

	for _, f := range formats {
		t.Run(f.String(), func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			w, err := NewWriter(&out, f, Options{})
			require.NoError(t, err)
			assert.ErrorIs(t, w.Write(Entry{Payload: json.RawMessage(`{"a":`)}), ErrInvalidEntry)
			assert.ErrorIs(t, w.Write(Entry{RecordedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}), ErrInvalidEntry)
			big := Entry{Summary: strings.Repeat("x", MaxEntryBytes)}
			assert.ErrorIs(t, w.Write(big), ErrInvalidEntry)
			require.NoError(t, w.Write(sampleEntries(1)[0]), "a rejected entry leaves the writer usable")
			assert.Equal(t, int64(1), w.Count())
			require.NoError(t, w.Close())
			assert.ErrorIs(t, w.Write(sampleEntries(1)[0]), ErrClosed)
			assert.ErrorIs(t, w.Close(), ErrClosed)
			_, err = Verify(strings.NewReader(out.String()), VerifyOptions{})
			assert.NoError(t, err)

			w, err = NewWriter(failingWriter{}, f, Options{})
			require.NoError(t, err)
			require.NoError(t, w.Write(sampleEntries(1)[0]), "output is buffered")
			err = w.Close()
			require.ErrorContains(t, err, "disk full")
			assert.Equal(t, err, w.Write(sampleEntries(1)[0]), "write errors are sticky")
		})
	}
}

func TestParseFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Format
		err  bool
	}{
		{in: "jsonl", want: JSONL},
		{in: "CSV", want: CSV},
		{in: " csv ", want: CSV},
		{in: "json", err: true},
		{in: "", err: true},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if tt.err {
			assert.ErrorIs(t, err, ErrUnknownFormat, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got)
	}
}
