package auth_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/auth"
	"github.com/mastra-admin/mastra-admin/commands"
)

var secret = []byte("super-secret-jwt-token-with-at-least-32-characters")

func sign(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	require.NoError(t, err)
	return s
}

func claims(mod func(jwt.MapClaims)) jwt.MapClaims {
	c := jwt.MapClaims{"sub": "8f0c…", "email": "Ada@Example.com", "aud": "authenticated",
		"exp": time.Now().Add(time.Hour).Unix(), "role": "authenticated"}
	if mod != nil {
		mod(c)
	}
	return c
}

func TestSupabaseVerify(t *testing.T) {
	t.Parallel()
	v := auth.Supabase{Secret: secret}
	ctx := context.Background()
	id, err := v.Verify(ctx, sign(t, jwt.SigningMethodHS256, secret, claims(nil)))
	require.NoError(t, err)
	assert.Equal(t, commands.Identity{Provider: "supabase", Issuer: auth.SupabaseHS256Issuer, Subject: "8f0c…", Email: "Ada@Example.com"}, id,
		"no issuer configured: bound under the fixed name, not under the token's iss; no confirmation claim: not verified")

	bad := map[string]string{
		"wrong key":      sign(t, jwt.SigningMethodHS256, []byte("another-secret-another-secret-another"), claims(nil)),
		"expired":        sign(t, jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Hour).Unix() })),
		"no expiry":      sign(t, jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { delete(c, "exp") })),
		"wrong audience": sign(t, jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { c["aud"] = "anon" })),
		"no email":       sign(t, jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { delete(c, "email") })),
		"no subject":     sign(t, jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { delete(c, "sub") })),
		"HS384":          sign(t, jwt.SigningMethodHS384, secret, claims(nil)),
		"exp as a string": sign(t, jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) {
			c["exp"] = strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
		})),
		"exp as a float string": sign(t, jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { c["exp"] = "9999999999.5" })),
		"exp null":              sign(t, jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { c["exp"] = nil })),
		"iat as a string":       sign(t, jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { c["iat"] = "0" })),
		"alg none":              sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil)),
		"garbage":               "not.a.jwt",
		"api token":             "mat_abcd1234_secret",
	}
	for name, tok := range bad {
		_, err := v.Verify(ctx, tok)
		assert.ErrorIs(t, err, auth.ErrInvalidToken, name)
	}
	_, err = auth.Supabase{}.Verify(ctx, sign(t, jwt.SigningMethodHS256, secret, claims(nil)))
	assert.ErrorIs(t, err, auth.ErrInvalidToken, "no secret configured")
}

// TestSupabaseEmailVerified: which claims make a Supabase email verified.
// Supabase writes user_metadata.email_verified: true when it confirms an
// email; a claim added by a custom access token hook decides over it.
func TestSupabaseEmailVerified(t *testing.T) {
	t.Parallel()
	v := auth.Supabase{Secret: secret}
	for name, c := range map[string]struct {
		mod  func(jwt.MapClaims)
		want bool
	}{
		"none":                         {func(jwt.MapClaims) {}, false},
		"user_metadata true":           {func(c jwt.MapClaims) { c["user_metadata"] = map[string]any{"email_verified": true} }, true},
		"user_metadata false":          {func(c jwt.MapClaims) { c["user_metadata"] = map[string]any{"email_verified": false} }, false},
		"user_metadata string":         {func(c jwt.MapClaims) { c["user_metadata"] = map[string]any{"email_verified": "true"} }, false},
		"email_confirmed_at from hook": {func(c jwt.MapClaims) { c["email_confirmed_at"] = "2026-12-01T10:00:00Z" }, true},
		"confirmed_at from hook":       {func(c jwt.MapClaims) { c["confirmed_at"] = "2026-12-01T10:00:00Z" }, true},
		"empty confirmed_at":           {func(c jwt.MapClaims) { c["confirmed_at"] = "" }, false},
		"hook says not verified": {func(c jwt.MapClaims) {
			c["email_verified"] = false
			c["user_metadata"] = map[string]any{"email_verified": true}
		}, false},
		"hook says verified": {func(c jwt.MapClaims) { c["email_verified"] = true }, true},
		"anonymous": {func(c jwt.MapClaims) {
			c["is_anonymous"] = true
			c["user_metadata"] = map[string]any{"email_verified": true}
		}, false},
	} {
		id, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodHS256, secret, claims(c.mod)))
		require.NoError(t, err, name)
		assert.Equal(t, c.want, id.EmailVerified, name)
	}
}

// TestSupabaseIssuer: with the project's issuer configured, HS256 tokens
// must name it and are bound under it, as the project's JWKS tokens are.
func TestSupabaseIssuer(t *testing.T) {
	t.Parallel()
	const iss = "https://ref.supabase.co/auth/v1"
	assert.Equal(t, iss, auth.SupabaseIssuer("https://ref.supabase.co/"))
	v := auth.Supabase{Secret: secret, Issuer: iss}
	ctx := context.Background()
	id, err := v.Verify(ctx, sign(t, jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { c["iss"] = iss })))
	require.NoError(t, err)
	assert.Equal(t, iss, id.Issuer)
	for name, mod := range map[string]func(jwt.MapClaims){
		"no iss":      func(jwt.MapClaims) {},
		"another iss": func(c jwt.MapClaims) { c["iss"] = "https://other.supabase.co/auth/v1" },
	} {
		_, err := v.Verify(ctx, sign(t, jwt.SigningMethodHS256, secret, claims(mod)))
		assert.ErrorIs(t, err, auth.ErrInvalidToken, name)
	}
}
