package eventstore

import (
	"errors"
	"fmt"
)

var (
	// ErrVersionConflict means a stream's version was not the expected one.
	ErrVersionConflict = errors.New("eventstore: version conflict")
	// ErrDuplicateEvent means an event with the same ID was already appended.
	ErrDuplicateEvent = errors.New("eventstore: duplicate event id")
	// ErrInvalidAppend means an append request was malformed.
	ErrInvalidAppend = errors.New("eventstore: invalid append")
	// ErrRetryLater, wrapped in a handler's error, says that the handler
	// failed for a passing reason outside the event (a store it writes to
	// is down): its batch is tried again later instead of parking the
	// consumer, however often that happens.
	ErrRetryLater = errors.New("eventstore: retry later")
)

// ConflictError says which stream had another version.
type ConflictError struct {
	StreamID string
	Expected ExpectedVersion
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("append to %s expecting version %d: %v", e.StreamID, e.Expected, ErrVersionConflict)
}

// Unwrap lets errors.Is match ErrVersionConflict.
func (e *ConflictError) Unwrap() error { return ErrVersionConflict }
