package commands

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// SessionRecord is one dashboard sign-in as SessionStore keeps it: the
// credential is sealed, the session id itself is never stored (IDHash
// is its SHA-256).
type SessionRecord struct {
	IDHash     []byte
	UserID     uuid.UUID
	Nonce      []byte
	Credential []byte // sealed with the Cipher
	CSRFToken  string
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// SessionStore keeps dashboard sessions (adapters/pgstore.Sessions).
type SessionStore interface {
	CreateSession(ctx context.Context, s SessionRecord) error
	// Session returns the session whose id hashes to idHash, found false
	// when there is none.
	Session(ctx context.Context, idHash []byte) (s SessionRecord, found bool, err error)
	DeleteSession(ctx context.Context, idHash []byte) error
	// DeleteExpiredSessions removes sessions that expired before t.
	DeleteExpiredSessions(ctx context.Context, t time.Time) (int64, error)
}
