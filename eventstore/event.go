package eventstore

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Metadata is carried by every event next to its payload.
type Metadata struct {
	Actor         string `json:"actor,omitempty"`
	CorrelationID string `json:"correlationId,omitempty"`
	CausationID   string `json:"causationId,omitempty"`
	RequestID     string `json:"requestId,omitempty"`
}

// EventData is an event about to be appended.
type EventData struct {
	ID            uuid.UUID
	Type          string
	SchemaVersion int // 0 means 1
	Payload       json.RawMessage
	Metadata      Metadata
}

// Position is an event's place in the gap-safe global order.
type Position struct {
	TransactionID  uint64 `json:"transactionId"`
	GlobalPosition int64  `json:"globalPosition"`
}

// Less reports whether p comes before o in the global order.
func (p Position) Less(o Position) bool {
	if p.TransactionID != o.TransactionID {
		return p.TransactionID < o.TransactionID
	}
	return p.GlobalPosition < o.GlobalPosition
}

// String formats p as "transaction/position".
func (p Position) String() string {
	return fmt.Sprintf("%d/%d", p.TransactionID, p.GlobalPosition)
}

// Event is a recorded event.
type Event struct {
	Position      Position
	StreamID      string
	StreamVersion int64
	ID            uuid.UUID
	Type          string
	SchemaVersion int
	Payload       json.RawMessage
	Metadata      Metadata
	RecordedAt    time.Time
	// UpcastErr is set on an event a consumer read whose upcaster failed:
	// its Payload and SchemaVersion are then as stored. A single consumer
	// parks on it without its handler being called; in a group, each
	// member that handles the type must fail on it (projections do), so
	// only those park. Other reads fail on such an event instead.
	UpcastErr error
}

// ExpectedVersion is what an append expects a stream's version to be: the
// version of its last event, NoStream for a stream with no events, or Any.
type ExpectedVersion int64

const (
	// Any appends whatever the stream's version.
	Any ExpectedVersion = -1
	// NoStream appends only when the stream has no events.
	NoStream ExpectedVersion = 0
)

// Exact expects the stream's last event to have version v.
func Exact(v int64) ExpectedVersion { return ExpectedVersion(v) }

// StreamAppend is the events to append to one stream.
type StreamAppend struct {
	StreamID string
	Expected ExpectedVersion
	Events   []EventData
}
