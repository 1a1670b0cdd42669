package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/auth"
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
	assert.Equal(t, "Ada@Example.com", id.Email)
	assert.Equal(t, "supabase", id.Provider)

	bad := map[string]string{
		"wrong key":      sign(t, jwt.SigningMethodHS256, []byte("another-secret-another-secret-another"), claims(nil)),
		"expired":        sign(t, jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Hour).Unix() })),
		"no expiry":      sign(t, jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { delete(c, "exp") })),
		"wrong audience": sign(t, jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { c["aud"] = "anon" })),
		"no email":       sign(t, jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { delete(c, "email") })),
		"no subject":     sign(t, jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { delete(c, "sub") })),
		"HS384":          sign(t, jwt.SigningMethodHS384, secret, claims(nil)),
		"alg none":       sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil)),
		"garbage":        "not.a.jwt",
		"api token":      "mat_abcd1234_secret",
	}
	for name, tok := range bad {
		_, err := v.Verify(ctx, tok)
		assert.ErrorIs(t, err, auth.ErrInvalidToken, name)
	}
	_, err = auth.Supabase{}.Verify(ctx, sign(t, jwt.SigningMethodHS256, secret, claims(nil)))
	assert.ErrorIs(t, err, auth.ErrInvalidToken, "no secret configured")
}
