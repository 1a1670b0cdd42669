package projections

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/domain/user"
	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Users projects users, their API tokens and their linked identities.
type Users struct{}

// Name implements Projection.
func (Users) Name() string { return "users" }

// Tables implements Projection.
func (Users) Tables() []string { return []string{"users", "api_tokens", "user_identities"} }

// Handles implements Projection.
func (Users) Handles() []string {
	return []string{user.TypeRegistered, user.TypePlatformAdminGranted, user.TypeTokenIssued, user.TypeTokenRevoked,
		user.TypeIdentityLinked}
}

// Apply implements Projection.
func (u Users) Apply(ctx context.Context, tx eventstore.Tx, events []eventstore.Event) error {
	b := &pgx.Batch{}
	for _, e := range events {
		if err := u.Queue(b, e); err != nil {
			return err
		}
	}
	return sendBatch(ctx, tx, b)
}

// Queue implements Queuer.
func (Users) Queue(b *pgx.Batch, e eventstore.Event) error {
	switch e.Type {
	case user.TypeRegistered:
		v, err := decode[user.Registered](e)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO users (id, email, name, created_at) VALUES ($1, $2, $3, $4)`, v.UserID, v.Email, v.Name, v.At)
	case user.TypePlatformAdminGranted:
		v, err := decode[user.PlatformAdminGranted](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE users SET platform_admin = true WHERE id = $1`, v.UserID)
	case user.TypeTokenIssued:
		v, err := decode[user.TokenIssued](e)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO api_tokens (id, user_id, name, prefix, secret_hash, expires_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, v.TokenID, v.UserID, v.Name, v.Prefix, v.SecretHash, v.ExpiresAt, v.At)
	case user.TypeTokenRevoked:
		v, err := decode[user.TokenRevoked](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE api_tokens SET revoked_at = $2 WHERE id = $1`, v.TokenID, v.At)
	case user.TypeIdentityLinked:
		v, err := decode[user.IdentityLinked](e)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO user_identities (issuer, subject, user_id, email, linked_at) VALUES ($1, $2, $3, $4, $5)`,
			v.Issuer, v.Subject, v.UserID, v.Email, v.At)
	default:
		return fmt.Errorf("users projection: unexpected %s", e.Type)
	}
	return nil
}

// sendBatch runs the queued statements in one round trip.
func sendBatch(ctx context.Context, tx eventstore.Tx, b *pgx.Batch) error {
	if b.Len() == 0 {
		return nil
	}
	return tx.SendBatch(ctx, b).Close()
}
