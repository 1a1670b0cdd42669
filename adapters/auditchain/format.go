package auditchain

import (
	"fmt"
	"strings"
)

// Format is the file format of an export.
type Format string

// The export formats.
const (
	// JSONL is one JSON object per line.
	JSONL Format = "jsonl"
	// CSV is RFC 4180 CSV with a header row.
	CSV Format = "csv"
)

// ParseFormat returns the Format named s ("jsonl" or "csv", any case).
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case JSONL, CSV:
		return f, nil
	default:
		return "", fmt.Errorf("parse format %q: %w", s, ErrUnknownFormat)
	}
}

// String returns the format's name.
func (f Format) String() string { return string(f) }
