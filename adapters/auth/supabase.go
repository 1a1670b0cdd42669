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
// and the token must carry an unexpired numeric exp, a subject and an
// email. Whether the email is verified is read as supabaseEmailVerified says.
type Supabase struct {
	Secret []byte
	// Issuer is the project's issuer (<SUPABASE_URL>/auth/v1): when set,
	// tokens must name it, and identities are bound under it (the same
	// issuer as the project's JWKS-verified tokens). Empty: any iss is
	// accepted and identities are bound under SupabaseHS256Issuer.
	Issuer string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// SupabaseHS256Issuer is the issuer identities of a Supabase secret with
// no configured Issuer are bound under: a fixed name, never the token's
// own iss, so that the secret's holder cannot mint subjects of another
// provider.
const SupabaseHS256Issuer = "supabase"

// SupabaseIssuer is the issuer of a Supabase project's access tokens.
func SupabaseIssuer(supabaseURL string) string {
	return strings.TrimRight(supabaseURL, "/") + "/auth/v1"
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
	issuer := SupabaseHS256Issuer
	if s.Issuer != "" {
		issuer = s.Issuer
		opts = append(opts, jwt.WithIssuer(s.Issuer))
	}
	if s.Now != nil {
		opts = append(opts, jwt.WithTimeFunc(s.Now))
	}
	if err := checkNumericDates(token); err != nil {
		return commands.Identity{}, err
	}
	var claims tokenClaims
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return s.Secret, nil }, opts...)
	if err != nil {
		return commands.Identity{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if claims.Subject == "" || claims.Email == "" {
		return commands.Identity{}, fmt.Errorf("%w: no subject or email", ErrInvalidToken)
	}
	return commands.Identity{Provider: "supabase", Issuer: issuer, Subject: claims.Subject, Email: claims.Email,
		EmailVerified: claims.supabaseEmailVerified()}, nil
}
