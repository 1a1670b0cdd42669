package auditchain

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var formats = []Format{JSONL, CSV}

// sampleEntries returns n plain entries (no newlines in any field, a payload
// and a team on each), so that every line of their export is one record.
func sampleEntries(n int) []Entry {
	base := time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC)
	entries := make([]Entry, n)
	for i := range entries {
		entries[i] = Entry{
			Position:   int64(1000 + 10*i),
			EventID:    fmt.Sprintf("0190c0de-0000-7000-8000-%012d", i),
			EventType:  "deployment.DeploymentStarted",
			StreamID:   fmt.Sprintf("deployment-%d", i%3),
			TeamID:     "team-a",
			Actor:      "alice@example.com",
			RequestID:  fmt.Sprintf("req-%d", i),
			RecordedAt: base.Add(time.Duration(i) * time.Second),
			Summary:    fmt.Sprintf("alice started deployment %d", i),
			Payload:    json.RawMessage(fmt.Sprintf(`{"deploymentId":"d-%d","replicas":%d}`, i, i+1)),
		}
	}
	return entries
}

// export writes entries in format and returns the file and the writer's head.
func export(t testing.TB, f Format, entries []Entry, opts Options) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, f, opts)
	require.NoError(t, err)
	for _, e := range entries {
		require.NoError(t, w.Write(e))
	}
	require.NoError(t, w.Close())
	return buf.String(), w.Head()
}

// fileLines is an export split into lines: head is the CSV header (empty
// for JSONL), body the entry lines and the trailer, each with its "\n".
type fileLines struct {
	head, body []string
}

func splitLines(t testing.TB, f Format, s string) fileLines {
	t.Helper()
	all := strings.SplitAfter(s, "\n")
	require.Equal(t, "", all[len(all)-1], "export ends with a newline")
	all = all[:len(all)-1]
	if f == CSV {
		return fileLines{head: all[:1], body: all[1:]}
	}
	return fileLines{body: all}
}

func (l fileLines) join() string {
	return strings.Join(l.head, "") + strings.Join(l.body, "")
}

// readAll decodes every entry and the trailer of a valid export.
func readAll(t testing.TB, f Format, s string) ([]record, trailer) {
	t.Helper()
	var d decoder
	if f == JSONL {
		d = newJSONLDecoder(strings.NewReader(s), 1<<20)
	} else {
		var err error
		d, err = newCSVDecoder(strings.NewReader(s), 1<<20)
		require.NoError(t, err)
	}
	var recs []record
	for {
		it, err := d.next()
		if errors.Is(err, io.EOF) {
			t.Fatal("export has no trailer")
		}
		require.NoError(t, err)
		if it.trailer != nil {
			return recs, *it.trailer
		}
		recs = append(recs, it.rec)
	}
}

// editEntry decodes one entry line, applies edit and encodes it again
// without recomputing its hash.
func editEntry(t testing.TB, f Format, line string, edit func(*record)) string {
	t.Helper()
	var d wireDecoder
	line = strings.TrimSuffix(line, "\n")
	if f == JSONL {
		r, err := d.jsonlEntry([]byte(line))
		require.NoError(t, err)
		edit(&r)
		canonical := appendCanonical(nil, r.seq, &r.entry)
		return string(appendJSONLEntry(nil, canonical, r.prev, r.hash)) + "\n"
	}
	r, err := d.csvEntry(csvRecord(t, line))
	require.NoError(t, err)
	edit(&r)
	return csvLine(t, csvEntryRecord(nil, r.seq, &r.entry, r.prev, r.hash))
}

// editTrailer decodes a trailer line, applies edit and encodes it again.
func editTrailer(t testing.TB, f Format, line string, edit func(*trailer)) string {
	t.Helper()
	var d wireDecoder
	line = strings.TrimSuffix(line, "\n")
	if f == JSONL {
		tr, err := d.jsonlTrailer([]byte(line))
		require.NoError(t, err)
		edit(&tr)
		return string(appendJSONLTrailer(nil, tr)) + "\n"
	}
	tr, err := d.csvTrailer(csvRecord(t, line))
	require.NoError(t, err)
	edit(&tr)
	return csvLine(t, csvTrailerRecord(tr))
}

func csvRecord(t testing.TB, line string) []string {
	t.Helper()
	rec, err := csv.NewReader(strings.NewReader(line)).Read()
	require.NoError(t, err)
	return rec
}

func csvLine(t testing.TB, rec []string) string {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	require.NoError(t, w.Write(rec))
	w.Flush()
	require.NoError(t, w.Error())
	return buf.String()
}

// mustNormalize returns e as a Writer exports it.
func mustNormalize(t testing.TB, e Entry) Entry {
	t.Helper()
	n, err := normalize(e)
	require.NoError(t, err)
	return n
}
