package obsjsonl

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mastra-admin/mastra-admin/commands"
)

// Defaults of Config.
const (
	DefaultMaxPayloadBytes = 64 << 10
	DefaultMaxLineBytes    = 32 << 20
	// malformedTextBytes bounds the copy of a malformed line kept in
	// commands.Malformed.Text.
	malformedTextBytes = 1 << 10
)

// Config configures a Parser.
type Config struct {
	// MaxPayloadBytes bounds a span's input, output and attributes and a
	// log's data when commands.ParseMeta does not say (0: 64 KiB).
	MaxPayloadBytes int
	// MaxLineBytes bounds a line; a longer one is malformed (0: 32 MiB).
	MaxLineBytes int
}

func (c *Config) setDefaults() {
	if c.MaxPayloadBytes == 0 {
		c.MaxPayloadBytes = DefaultMaxPayloadBytes
	}
	if c.MaxLineBytes == 0 {
		c.MaxLineBytes = DefaultMaxLineBytes
	}
}

// Validate reports the settings that cannot work.
func (c Config) Validate() error {
	var errs []error
	if c.MaxPayloadBytes < 0 {
		errs = append(errs, fmt.Errorf("obsjsonl: MaxPayloadBytes %d is negative", c.MaxPayloadBytes))
	}
	if c.MaxLineBytes < 0 {
		errs = append(errs, fmt.Errorf("obsjsonl: MaxLineBytes %d is negative", c.MaxLineBytes))
	}
	return errors.Join(errs...)
}

// Parser implements commands.ObservabilityParser.
type Parser struct {
	cfg Config
	// jsonOnly turns the scanner off: every line, usage and errorInfo
	// is decoded by encoding/json (the reference of the tests).
	jsonOnly bool
}

var _ commands.ObservabilityParser = (*Parser)(nil)

// New returns a Parser with cfg's limits.
func New(cfg Config) (*Parser, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	return &Parser{cfg: cfg}, nil
}

// defaultParser has the default limits.
var defaultParser = &Parser{cfg: Config{MaxPayloadBytes: DefaultMaxPayloadBytes, MaxLineBytes: DefaultMaxLineBytes}}

// ParseSpans parses a span file with the default limits (Parser.ParseSpans).
func ParseSpans(r io.Reader, meta commands.ParseMeta) ([]commands.SpanRow, []commands.Malformed, error) {
	return defaultParser.ParseSpans(r, meta)
}

// ParseLogs parses a log file with the default limits (Parser.ParseLogs).
func ParseLogs(r io.Reader, meta commands.ParseMeta) ([]commands.LogRow, []commands.Malformed, error) {
	return defaultParser.ParseLogs(r, meta)
}

// payloadLimit is meta's payload limit, or the parser's.
func (p *Parser) payloadLimit(meta commands.ParseMeta) int {
	if meta.MaxPayloadBytes > 0 {
		return meta.MaxPayloadBytes
	}
	return p.cfg.MaxPayloadBytes
}

// malformed returns the record of a line the parser could not take.
func malformed(n uint32, line string, format string, args ...any) commands.Malformed {
	// A copy: line shares the memory of a whole chunk of the file.
	return commands.Malformed{Line: n, Reason: fmt.Sprintf(format, args...), Text: strings.Clone(cut(line, malformedTextBytes))}
}

// Truncate returns s when it has at most limit bytes, else its first
// bytes (at most limit, ending at a whole UTF-8 character) followed by
// the marker "…[truncated N bytes]", N being how many bytes were cut.
// A limit of 0 or less keeps s whole.
func Truncate(s string, limit int) string {
	if limit <= 0 || len(s) <= limit {
		return s
	}
	return cut(s, limit) + fmt.Sprintf("…[truncated %d bytes]", len(s)-len(cut(s, limit)))
}

// cut returns the first bytes of s, at most limit, ending at a whole
// UTF-8 character where s has one there.
func cut(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	end := limit
	for i := 0; i < utf8.UTFMax && end > 0 && !utf8.RuneStart(s[end]); i++ {
		end--
	}
	if !utf8.RuneStart(s[end]) { // not UTF-8 there: cut at the byte
		end = limit
	}
	return s[:end]
}

// present reports whether a raw JSON value is there and not null.
func present(raw string) bool {
	return raw != "" && raw != "null"
}

// errBadTime is the error of a timestamp that is neither an ISO 8601
// string nor a number of milliseconds after the epoch.
var errBadTime = errors.New("not an ISO 8601 time or milliseconds since the epoch")

// maxMillis bounds a timestamp in milliseconds (the year 9999).
const maxMillis = 253402300799999

// micros reads a timestamp as microseconds since the Unix epoch: an
// RFC 3339 string (as JSON writes a Date) or a number of milliseconds.
// Absent and null are 0.
func micros(raw string) (uint64, error) {
	if !present(raw) {
		return 0, nil
	}
	if raw[0] == '"' {
		// A string isoMicros takes has neither escapes nor control
		// characters: its content is the raw text between the quotes.
		if len(raw) >= 2 && raw[len(raw)-1] == '"' {
			if us, ok := isoMicros(raw[1 : len(raw)-1]); ok {
				return us, nil
			}
		}
		s, ok := jsonString(raw)
		if !ok {
			return 0, errBadTime
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil || t.Before(time.Unix(0, 0)) {
			return 0, fmt.Errorf("%q: %w", s, errBadTime)
		}
		return uint64(t.Unix())*1_000_000 + uint64(t.Nanosecond()/1000), nil
	}
	ms, err := strconv.ParseFloat(raw, 64)
	if err != nil || ms < 0 || math.IsInf(ms, 0) || math.IsNaN(ms) || ms > maxMillis {
		return 0, fmt.Errorf("%s: %w", cut(raw, 40), errBadTime)
	}
	return uint64(ms * 1000), nil
}

// jsonString decodes the JSON string raw (a whole string token) as
// encoding/json does.
func jsonString(raw string) (string, bool) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && plainASCII(raw[1:len(raw)-1]) {
		return raw[1 : len(raw)-1], true // nothing to decode
	}
	s, ok := newScanner(raw)
	if !ok || s.peek() != '"' {
		return "", false
	}
	v, ok := s.stringValue()
	return v, ok && s.i == len(raw)
}

// plainASCII reports whether s is printable ASCII without '"' or '\\':
// the same inside a JSON string as decoded.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// text returns a raw JSON value as stored: "" when absent or null.
func text(raw string, limit int) string {
	if !present(raw) {
		return ""
	}
	return Truncate(raw, limit)
}
