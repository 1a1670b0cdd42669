package auditchain

import (
	"errors"
	"fmt"
)

// Verification failures. Verify returns them wrapped in a *LineError that
// names the first bad line; test with errors.Is.
var (
	// ErrMalformed means a line is not something a Writer produces: not
	// parseable, a field not in its canonical spelling, a missing CSV
	// header, a line longer than the limit or a trailer that is not last.
	ErrMalformed = errors.New("auditchain: malformed line")
	// ErrEdited means a line's hash does not match its content, or the
	// trailer counts fewer entries than the export holds.
	ErrEdited = errors.New("auditchain: entry edited")
	// ErrRemoved means entries are missing before the last one: a gap in
	// seq, or a prevHash that does not link to the previous entry.
	ErrRemoved = errors.New("auditchain: entries removed")
	// ErrReordered means an entry appears out of seq order.
	ErrReordered = errors.New("auditchain: entries reordered")
	// ErrDuplicated means an entry line is repeated right after itself.
	ErrDuplicated = errors.New("auditchain: entry duplicated")
	// ErrTruncated means the export ends early: no trailer, or a trailer
	// whose count or head hash shows that the last entries are missing.
	ErrTruncated = errors.New("auditchain: export truncated")
	// ErrBadSignature means the trailer's HMAC does not match
	// VerifyOptions.Key, or a key was given and the export is unsigned.
	ErrBadSignature = errors.New("auditchain: bad signature")
)

// Writer and parsing errors.
var (
	// ErrUnknownFormat is returned for a format other than jsonl or csv.
	ErrUnknownFormat = errors.New("auditchain: unknown format (want jsonl or csv)")
	// ErrInvalidEntry is returned by Writer.Write for an entry that cannot
	// be exported (payload not JSON, year outside 0000-9999, too large).
	ErrInvalidEntry = errors.New("auditchain: invalid entry")
	// ErrClosed is returned by Writer.Write and Writer.Close after Close.
	ErrClosed = errors.New("auditchain: writer closed")
)

// LineError is a verification failure tied to one line of an export.
type LineError struct {
	// Line is the 1-based line number where the bad line (or CSV record)
	// starts; for a missing trailer, the line after the last one.
	Line int
	// Reason says what is wrong with the line.
	Reason string
	// Err is one of the verification sentinels (ErrEdited, …).
	Err error
}

// Error returns "line N: reason: sentinel".
func (e *LineError) Error() string {
	return fmt.Sprintf("line %d: %s: %v", e.Line, e.Reason, e.Err)
}

// Unwrap returns the sentinel.
func (e *LineError) Unwrap() error { return e.Err }

func lineErr(line int, sentinel error, format string, args ...any) *LineError {
	return &LineError{Line: line, Reason: fmt.Sprintf(format, args...), Err: sentinel}
}
