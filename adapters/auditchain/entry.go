package auditchain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Entry is one audit record: an event of the event store as the audit log
// shows it.
type Entry struct {
	// Position is the event's global position in the event store.
	Position int64 `json:"position"`
	// EventID is the event's ID.
	EventID string `json:"eventId"`
	// EventType is the event's type, e.g. "build.BuildQueued".
	EventType string `json:"eventType"`
	// StreamID is the stream the event was appended to.
	StreamID string `json:"streamId"`
	// TeamID is the team the event belongs to; empty for platform events.
	TeamID string `json:"teamId"`
	// Actor is who caused the event.
	Actor string `json:"actor"`
	// RequestID is the API request that caused the event.
	RequestID string `json:"requestId"`
	// RecordedAt is when the event was recorded; exported in UTC with
	// nanoseconds.
	RecordedAt time.Time `json:"recordedAt"`
	// Summary is a short human description of the event.
	Summary string `json:"summary"`
	// Payload is the event's JSON payload; nil exports as null.
	Payload json.RawMessage `json:"payload"`
}

// MaxEntryBytes is the largest canonical encoding of one entry that a
// Writer accepts. Verify accepts lines up to twice this size by default,
// enough for any line a Writer produces in either format.
const MaxEntryBytes = 8 << 20

// Genesis is the prevHash of the first entry of every export.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// timeLayout is RFC 3339 in UTC with exactly nine fractional digits, so
// that every instant has exactly one spelling.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// digest is a SHA-256 (chain hash) or HMAC-SHA256 value.
type digest [sha256.Size]byte

func (d digest) String() string { return hex.EncodeToString(d[:]) }

func parseDigest(s string) (digest, error) {
	var d digest
	if len(s) != hex.EncodedLen(len(d)) {
		return d, fmt.Errorf("want %d hex digits, got %d characters", hex.EncodedLen(len(d)), len(s))
	}
	if _, err := hex.Decode(d[:], []byte(s)); err != nil {
		return d, fmt.Errorf("not hex: %w", err)
	}
	if d.String() != s {
		return d, fmt.Errorf("not lowercase hex")
	}
	return d, nil
}

// chainHash returns SHA-256(prev || canonical), reusing h.
func chainHash(h hash.Hash, prev digest, canonical []byte) digest {
	h.Reset()
	h.Write(prev[:])
	h.Write(canonical)
	var d digest
	h.Sum(d[:0])
	return d
}

// normalize returns e as it is hashed and exported (see the package doc).
func normalize(e Entry) (Entry, error) {
	e.RecordedAt = e.RecordedAt.UTC()
	if y := e.RecordedAt.Year(); y < 0 || y > 9999 {
		return e, fmt.Errorf("recordedAt year %d outside 0000-9999: %w", y, ErrInvalidEntry)
	}
	for _, s := range []*string{&e.EventID, &e.EventType, &e.StreamID, &e.TeamID, &e.Actor, &e.RequestID, &e.Summary} {
		*s = cleanText(*s)
	}
	if len(bytes.TrimSpace(e.Payload)) == 0 {
		e.Payload = nil
		return e, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, bytes.ToValidUTF8(e.Payload, []byte("\uFFFD"))); err != nil {
		return e, fmt.Errorf("payload is not valid json: %w", ErrInvalidEntry)
	}
	e.Payload = buf.Bytes()
	if string(e.Payload) == "null" {
		e.Payload = nil
	}
	return e, nil
}

func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	for strings.Contains(s, "\r\n") { // "\r\r\n" needs two passes
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	return s
}

// appendCanonical appends the canonical encoding of (seq, e) to dst; e must
// be normalized.
func appendCanonical(dst []byte, seq int64, e *Entry) []byte {
	dst = append(dst, `{"seq":`...)
	dst = strconv.AppendInt(dst, seq, 10)
	dst = append(dst, `,"position":`...)
	dst = strconv.AppendInt(dst, e.Position, 10)
	dst = append(dst, `,"recordedAt":"`...)
	dst = e.RecordedAt.UTC().AppendFormat(dst, timeLayout)
	dst = append(dst, '"')
	dst = appendField(dst, "eventType", e.EventType)
	dst = appendField(dst, "streamId", e.StreamID)
	dst = appendField(dst, "teamId", e.TeamID)
	dst = appendField(dst, "actor", e.Actor)
	dst = appendField(dst, "requestId", e.RequestID)
	dst = appendField(dst, "eventId", e.EventID)
	dst = appendField(dst, "summary", e.Summary)
	dst = append(dst, `,"payload":`...)
	if len(e.Payload) == 0 {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, e.Payload...)
	}
	return append(dst, '}')
}

func appendField(dst []byte, name, value string) []byte {
	dst = append(dst, `,"`...)
	dst = append(dst, name...)
	dst = append(dst, `":`...)
	return appendString(dst, value)
}

// appendString appends s as a JSON string escaping only what JSON requires,
// so the encoding does not depend on encoding/json's choices.
func appendString(dst []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, `\n`...)
		case c == '\r':
			dst = append(dst, `\r`...)
		case c == '\t':
			dst = append(dst, `\t`...)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// parseInt parses a decimal integer in its canonical spelling.
func parseInt(s string) (int64, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || strconv.FormatInt(v, 10) != s {
		return 0, fmt.Errorf("%s is not a canonical integer", clip(s))
	}
	return v, nil
}

// parseTime parses a recordedAt in its canonical spelling.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil || t.UTC().Format(timeLayout) != s {
		return time.Time{}, fmt.Errorf("recordedAt %s is not RFC 3339 UTC with nine fractional digits", clip(s))
	}
	return t.UTC(), nil
}

// checkPayload returns raw if it is compact, valid JSON.
func checkPayload(raw []byte, buf *bytes.Buffer) (json.RawMessage, error) {
	buf.Reset()
	if err := json.Compact(buf, raw); err != nil {
		return nil, fmt.Errorf("payload is not valid json")
	}
	if !bytes.Equal(buf.Bytes(), raw) || !utf8.Valid(raw) {
		return nil, fmt.Errorf("payload is not compact utf-8 json")
	}
	return json.RawMessage(bytes.Clone(raw)), nil
}

// clip quotes s for an error message, shortened so that a garbage line does
// not flood the message.
func clip(s string) string {
	const maxLen = 40
	if len(s) > maxLen {
		return strconv.Quote(s[:maxLen]) + "…"
	}
	return strconv.Quote(s)
}
