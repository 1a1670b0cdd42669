package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mastra-admin/mastra-admin/commands"
)

// Supabase verifies Supabase access tokens signed HS256 with the project's
// JWT secret: the algorithm must be HS256, the audience "authenticated",
// and the token must carry an unexpired exp, a subject and an email.
type Supabase struct {
	Secret []byte
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

type supabaseClaims struct {
	Email string `json:"email"`
	jwt.RegisteredClaims
}

// ErrInvalidToken is any verification failure; the detail is in the wrap.
var ErrInvalidToken = errors.New("auth: invalid token")

// Verify implements commands.IdentityProvider.
func (s Supabase) Verify(_ context.Context, token string) (commands.Identity, error) {
	if len(s.Secret) == 0 || strings.Count(token, ".") != 2 {
		return commands.Identity{}, ErrInvalidToken
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithAudience("authenticated"),
		jwt.WithExpirationRequired(), jwt.WithLeeway(30 * time.Second),
	}
	if s.Now != nil {
		opts = append(opts, jwt.WithTimeFunc(s.Now))
	}
	var claims supabaseClaims
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return s.Secret, nil }, opts...)
	if err != nil {
		return commands.Identity{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if claims.Subject == "" || claims.Email == "" {
		return commands.Identity{}, fmt.Errorf("%w: no subject or email", ErrInvalidToken)
	}
	return commands.Identity{Provider: "supabase", Subject: claims.Subject, Email: claims.Email}, nil
}
