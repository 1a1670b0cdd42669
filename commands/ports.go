package commands

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/team"
	"github.com/mastra-admin/mastra-admin/domain/user"
)

// ErrConcurrency is what an EventStore returns when a stream moved on
// since it was loaded.
var ErrConcurrency = errors.New("commands: stream changed concurrently")

// Expectations for Append.Expected besides an exact version.
const (
	AnyVersion int64 = -1
	NoStream   int64 = 0
)

// NewEvent is an event to append with the ID the command decided.
type NewEvent struct {
	ID    uuid.UUID
	Event domain.Event
}

// Append is the events for one stream with the version it must have.
type Append struct {
	StreamID string
	Expected int64
	Events   []NewEvent
}

// Meta is recorded with every event of one command.
type Meta struct {
	Actor         string
	CorrelationID string
	CausationID   string
	RequestID     string
}

// Position is where an append landed in the global order.
type Position struct {
	TransactionID  uint64
	GlobalPosition int64
}

// EventStore loads and appends streams of domain events.
type EventStore interface {
	// Load returns a stream's events and version (0 for no stream).
	Load(ctx context.Context, streamID string) ([]domain.Event, int64, error)
	// Append records all appends atomically; ErrConcurrency on a version mismatch.
	Append(ctx context.Context, meta Meta, appends ...Append) (Position, error)
}

// ReadModel answers queries from the projections.
type ReadModel interface {
	CredentialByPrefix(ctx context.Context, prefix string) (user.Credential, bool, error)
	UserByEmail(ctx context.Context, email string) (user.View, bool, error)
	Team(ctx context.Context, id uuid.UUID) (team.View, bool, error)
	TeamsOf(ctx context.Context, userID uuid.UUID) ([]team.View, error)
	AllTeams(ctx context.Context) ([]team.View, error)
	MemberRole(ctx context.Context, teamID, userID uuid.UUID) (domain.Role, bool, error)
	Members(ctx context.Context, teamID uuid.UUID) ([]team.MemberView, error)
}

// Consistency gives read-your-writes: WaitFor returns once the read models
// reflect everything up to pos.
type Consistency interface {
	WaitFor(ctx context.Context, pos Position) error
}

// Clock tells the time.
type Clock interface{ Now() time.Time }

// IDs makes new identifiers (UUIDv7).
type IDs interface{ New() uuid.UUID }

// Secrets makes token material: a short public prefix and a secret.
type Secrets interface {
	Token() (prefix, secret string, err error)
}
