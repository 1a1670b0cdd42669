package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Sessions keeps the dashboard's sessions in dashboard_sessions (a
// commands.SessionStore).
type Sessions struct{ DB eventstore.DBTX }

// CreateSession implements commands.SessionStore.
func (s Sessions) CreateSession(ctx context.Context, r commands.SessionRecord) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO dashboard_sessions (id_hash, user_id, nonce, credential, csrf_token, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.IDHash, r.UserID, r.Nonce, r.Credential, r.CSRFToken, r.CreatedAt, r.ExpiresAt)
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

// Session implements commands.SessionStore.
func (s Sessions) Session(ctx context.Context, idHash []byte) (commands.SessionRecord, bool, error) {
	r := commands.SessionRecord{IDHash: idHash}
	err := s.DB.QueryRow(ctx, `SELECT user_id, nonce, credential, csrf_token, created_at, expires_at
		FROM dashboard_sessions WHERE id_hash = $1`, idHash).
		Scan(&r.UserID, &r.Nonce, &r.Credential, &r.CSRFToken, &r.CreatedAt, &r.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return commands.SessionRecord{}, false, nil
	}
	if err != nil {
		return commands.SessionRecord{}, false, fmt.Errorf("select session: %w", err)
	}
	return r, true, nil
}

// DeleteSession implements commands.SessionStore.
func (s Sessions) DeleteSession(ctx context.Context, idHash []byte) error {
	if _, err := s.DB.Exec(ctx, `DELETE FROM dashboard_sessions WHERE id_hash = $1`, idHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions implements commands.SessionStore.
func (s Sessions) DeleteExpiredSessions(ctx context.Context, t time.Time) (int64, error) {
	tag, err := s.DB.Exec(ctx, `DELETE FROM dashboard_sessions WHERE expires_at < $1`, t)
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return tag.RowsAffected(), nil
}
