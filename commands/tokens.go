package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/user"
)

// TokenInput is the body of POST /api/tokens.
type TokenInput struct {
	Name      string     `json:"name"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
}

// CreateOwnToken issues a token for the caller.
func (a *Admin) CreateOwnToken(ctx context.Context, p Principal, in TokenInput) (NewToken, error) {
	if p.UserID == uuid.Nil {
		return NewToken{}, domain.Errorf(domain.KindInvalid, "tokens belong to users")
	}
	return a.CreateToken(ctx, p, p.UserID, in.Name, in.ExpiresAt)
}

// ListTokens returns the caller's tokens, without secrets.
func (a *Admin) ListTokens(ctx context.Context, p Principal) ([]user.TokenView, error) {
	if err := a.fresh(ctx, p); err != nil {
		return nil, err
	}
	return a.cfg.Reads.TokensOf(ctx, p.UserID)
}

// RevokeToken revokes one of the caller's tokens (any, for platform
// admins). It stops working here at once, on other replicas within the
// credential cache's TTL.
func (a *Admin) RevokeToken(ctx context.Context, p Principal, tokenID uuid.UUID) error {
	if err := a.fresh(ctx, p); err != nil {
		return err
	}
	tok, ok, err := a.cfg.Reads.Token(ctx, tokenID)
	if err != nil {
		return fmt.Errorf("read token: %w", err)
	}
	if !ok || (tok.UserID != p.UserID && !p.PlatformAdmin) {
		return errNotFound("token", tokenID)
	}
	pos, err := a.execute(ctx, p, func() (write, error) {
		u, version, err := load(ctx, a.cfg.Store, user.StreamID(tok.UserID), user.Evolve)
		if err != nil {
			return write{}, err
		}
		evs, err := user.RevokeToken{TokenID: tokenID, At: a.cfg.Clock.Now()}.Decide(u)
		if err != nil {
			return write{}, err
		}
		return write{appends: appendIf(user.StreamID(tok.UserID), version, a.events(evs...))}, nil
	})
	if err == nil {
		// The next lookup of this token waits until the read model shows
		// the revocation, and goes to the read model: not to the cache.
		a.tokens.record(tok.Prefix, pos)
		a.creds.forget(tok.Prefix)
	}
	return err
}
