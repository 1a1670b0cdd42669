package audit

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Entry is one line of the audit log: one event with its actor.
type Entry struct {
	Position   int64           `json:"position"`
	EventID    uuid.UUID       `json:"eventId"`
	EventType  string          `json:"eventType"`
	StreamID   string          `json:"streamId"`
	TeamID     *uuid.UUID      `json:"teamId,omitempty"`
	Actor      string          `json:"actor"`
	RequestID  string          `json:"requestId,omitempty"`
	RecordedAt time.Time       `json:"recordedAt"`
	Summary    string          `json:"summary"`
	Payload    json.RawMessage `json:"payload"`
}

// Filter selects audit entries.
type Filter struct {
	TeamIDs []uuid.UUID // nil: every entry, team-less ones included
	After   int64       // positions greater than this
	// Before, when set, selects positions less than this, the newest
	// first (a page further back in time); otherwise the oldest come first.
	Before int64
	Since  time.Time // recorded at or after, or no bound
	Limit  int       // 0 means 100
}
