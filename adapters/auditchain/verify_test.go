package auditchain

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVerifyDetectsEditedFields edits every field of every entry line in
// place, without recomputing anything.
func TestVerifyDetectsEditedFields(t *testing.T) {
	t.Parallel()
	edits := map[string]func(*record){
		"seq":        func(r *record) { r.seq += 10 },
		"position":   func(r *record) { r.entry.Position++ },
		"recordedAt": func(r *record) { r.entry.RecordedAt = r.entry.RecordedAt.Add(time.Nanosecond) },
		"eventType":  func(r *record) { r.entry.EventType = "deployment.DeploymentStopped" },
		"streamId":   func(r *record) { r.entry.StreamID += "x" },
		"teamId":     func(r *record) { r.entry.TeamID = "" },
		"actor":      func(r *record) { r.entry.Actor = "mallory@example.com" },
		"requestId":  func(r *record) { r.entry.RequestID = "req-x" },
		"eventId":    func(r *record) { r.entry.EventID = "0190c0de-0000-7000-8000-999999999999" },
		"summary":    func(r *record) { r.entry.Summary += "!" },
		"payload":    func(r *record) { r.entry.Payload = json.RawMessage(`{"replicas":100}`) },
		"no payload": func(r *record) { r.entry.Payload = nil },
		"prevHash":   func(r *record) { r.prev[0] ^= 1 },
		"hash":       func(r *record) { r.hash[31] ^= 0x80 },
	}
	const n = 4
	for _, f := range formats {
		s, _ := export(t, f, sampleEntries(n), Options{})
		for name, edit := range edits {
			for i := range n {
				t.Run(f.String()+"/"+name, func(t *testing.T) {
					t.Parallel()
					l := splitLines(t, f, s)
					edited := editEntry(t, f, l.body[i], edit)
					require.NotEqual(t, l.body[i], edited)
					l.body[i] = edited

					_, err := Verify(strings.NewReader(l.join()), VerifyOptions{})
					require.ErrorIs(t, err, ErrEdited)
					var le *LineError
					require.ErrorAs(t, err, &le)
					assert.Equal(t, len(l.head)+i+1, le.Line)
				})
			}
		}
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	t.Parallel()
	// Five entries: body[0..4] are seq 1..5, body[5] is the trailer. line is
	// the 1-based index in body of the line the error must name.
	tests := []struct {
		name   string
		only   Format
		tamper func(t *testing.T, f Format, body []string) []string
		want   error
		line   int
	}{
		{name: "untouched", tamper: keep, want: nil},
		{name: "blank lines inserted", tamper: func(_ *testing.T, _ Format, b []string) []string {
			return slices.Insert(b, 2, "\n", "\n")
		}},
		{name: "crlf line endings", tamper: func(_ *testing.T, _ Format, b []string) []string {
			for i := range b {
				b[i] = strings.TrimSuffix(b[i], "\n") + "\r\n"
			}
			return b
		}},
		{name: "middle line removed", tamper: remove(2), want: ErrRemoved, line: 3},
		{name: "first line removed", tamper: remove(0), want: ErrRemoved, line: 1},
		{name: "last entry removed", tamper: remove(4), want: ErrTruncated, line: 5},
		{name: "trailer removed", tamper: func(_ *testing.T, _ Format, b []string) []string { return b[:5] },
			want: ErrTruncated, line: 6},
		{name: "last entries and trailer removed", tamper: func(_ *testing.T, _ Format, b []string) []string { return b[:3] },
			want: ErrTruncated, line: 4},
		{name: "cut in the middle of a line", tamper: func(_ *testing.T, _ Format, b []string) []string {
			return append(b[:4], b[4][:len(b[4])/2])
		}, want: ErrMalformed, line: 5},
		{name: "adjacent lines swapped", tamper: func(_ *testing.T, _ Format, b []string) []string {
			b[1], b[2] = b[2], b[1]
			return b
		}, want: ErrReordered, line: 2},
		{name: "last entry moved first", tamper: move(4, 0), want: ErrReordered, line: 1},
		{name: "first entry moved last", tamper: move(0, 4), want: ErrReordered, line: 1},
		{name: "line duplicated", tamper: func(_ *testing.T, _ Format, b []string) []string {
			return slices.Insert(b, 3, b[2])
		}, want: ErrDuplicated, line: 4},
		{name: "earlier line repeated later", tamper: func(_ *testing.T, _ Format, b []string) []string {
			return slices.Insert(b, 5, b[0])
		}, want: ErrReordered, line: 6},
		{name: "line from another export", tamper: func(t *testing.T, f Format, b []string) []string {
			other := sampleEntries(5)
			other[1].Summary = "something else"
			s, _ := export(t, f, other, Options{})
			b[2] = splitLines(t, f, s).body[2]
			return b
		}, want: ErrRemoved, line: 3},
		{name: "garbage line", tamper: func(_ *testing.T, _ Format, b []string) []string {
			return slices.Insert(b, 1, "not an audit entry\n")
		}, want: ErrMalformed, line: 2},
		{name: "trailer in the middle", tamper: move(5, 2), want: ErrMalformed, line: 3},
		{name: "trailer repeated", tamper: func(_ *testing.T, _ Format, b []string) []string {
			return append(b, b[5])
		}, want: ErrMalformed, line: 6},
		{name: "trailer count raised", tamper: trailerEdit(func(tr *trailer) { tr.count++ }), want: ErrTruncated, line: 6},
		{name: "trailer count lowered", tamper: trailerEdit(func(tr *trailer) { tr.count-- }), want: ErrEdited, line: 6},
		{name: "trailer head changed", tamper: trailerEdit(func(tr *trailer) { tr.head[0] ^= 1 }), want: ErrTruncated, line: 6},
		{name: "json with extra space", only: JSONL, tamper: func(_ *testing.T, _ Format, b []string) []string {
			b[1] = strings.Replace(b[1], `"seq":2,`, `"seq": 2,`, 1)
			return b
		}, want: ErrMalformed, line: 2},
		{name: "json with extra field", only: JSONL, tamper: func(_ *testing.T, _ Format, b []string) []string {
			b[1] = strings.Replace(b[1], `{"seq":2,`, `{"seq":2,"note":"x",`, 1)
			return b
		}, want: ErrMalformed, line: 2},
		{name: "json summary spelled differently", only: JSONL, tamper: func(_ *testing.T, _ Format, b []string) []string {
			b[1] = strings.Replace(b[1], `"summary":"alice`, `"summary":"\u0061lice`, 1)
			return b
		}, want: ErrMalformed, line: 2},
		{name: "csv header removed", only: CSV, tamper: keep, want: ErrMalformed, line: 1},
		{name: "csv seq with leading zero", only: CSV, tamper: func(_ *testing.T, _ Format, b []string) []string {
			b[1] = "0" + b[1]
			return b
		}, want: ErrMalformed, line: 2},
	}
	for _, tt := range tests {
		for _, f := range formats {
			if tt.only != "" && tt.only != f {
				continue
			}
			t.Run(f.String()+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				s, _ := export(t, f, sampleEntries(5), Options{})
				l := splitLines(t, f, s)
				l.body = tt.tamper(t, f, l.body)
				if tt.name == "csv header removed" {
					l.head = nil
				}

				rep, err := Verify(strings.NewReader(l.join()), VerifyOptions{})
				if tt.want == nil {
					require.NoError(t, err)
					assert.Equal(t, int64(5), rep.Count)
					return
				}
				require.ErrorIs(t, err, tt.want)
				var le *LineError
				require.ErrorAs(t, err, &le)
				assert.Equal(t, len(l.head)+tt.line, le.Line, "line of %v", err)
			})
		}
	}
}

func keep(_ *testing.T, _ Format, b []string) []string { return b }

func remove(i int) func(*testing.T, Format, []string) []string {
	return func(_ *testing.T, _ Format, b []string) []string { return slices.Delete(b, i, i+1) }
}

func move(from, to int) func(*testing.T, Format, []string) []string {
	return func(_ *testing.T, _ Format, b []string) []string {
		line := b[from]
		return slices.Insert(slices.Delete(b, from, from+1), to, line)
	}
}

func trailerEdit(edit func(*trailer)) func(*testing.T, Format, []string) []string {
	return func(t *testing.T, f Format, b []string) []string {
		b[5] = editTrailer(t, f, b[5], edit)
		return b
	}
}
