package auth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"strconv"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/auth"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/internal/oidctest"
)

func TestOIDCVerify(t *testing.T) {
	t.Parallel()
	iss := oidctest.NewIssuer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	v := auth.NewOIDC(ctx, iss.URL+"/", "mastra-admin")
	assert.Equal(t, "oidc", v.Feature(), "SSO is license-gated")

	id, err := v.Verify(ctx, iss.Sign(t, iss.Key, nil))
	require.NoError(t, err)
	assert.Equal(t, commands.Identity{Provider: "oidc", Issuer: iss.URL, Subject: "u-42", Email: "lin@example.com", EmailVerified: true}, id,
		"bound by the configured issuer and the subject")

	// The email is verified only by the boolean true; the token still
	// verifies, and the commands decide what an unverified email may do.
	for name, val := range map[string]any{"false": false, "string": "true", "number": 1, "absent": nil} {
		id, err := v.Verify(ctx, iss.Sign(t, iss.Key, func(c jwt.MapClaims) {
			c["email_verified"] = val
			if val == nil {
				delete(c, "email_verified")
			}
		}))
		require.NoError(t, err, name)
		assert.False(t, id.EmailVerified, name)
	}

	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	hs, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": iss.URL, "aud": "mastra-admin", "sub": "x",
		"email": "x@example.com", "exp": time.Now().Add(time.Hour).Unix()}).SignedString([]byte("guess"))
	require.NoError(t, err)
	for name, tok := range map[string]string{
		"another key":    iss.Sign(t, other, nil),
		"wrong issuer":   iss.Sign(t, iss.Key, func(c jwt.MapClaims) { c["iss"] = "https://evil.example" }),
		"wrong audience": iss.Sign(t, iss.Key, func(c jwt.MapClaims) { c["aud"] = "someone-else" }),
		"expired":        iss.Sign(t, iss.Key, func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Hour).Unix() }),
		"exp as a string": iss.Sign(t, iss.Key, func(c jwt.MapClaims) {
			c["exp"] = strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
		}),
		"nbf as a string": iss.Sign(t, iss.Key, func(c jwt.MapClaims) { c["nbf"] = "0" }),
		"no email":        iss.Sign(t, iss.Key, func(c jwt.MapClaims) { delete(c, "email") }),
		"HS256":           hs,
	} {
		_, err := v.Verify(ctx, tok)
		assert.ErrorIs(t, err, auth.ErrInvalidToken, name)
	}

	down := auth.NewOIDC(ctx, "http://127.0.0.1:1", "mastra-admin")
	_, err = down.Verify(ctx, iss.Sign(t, iss.Key, nil))
	assert.ErrorIs(t, err, auth.ErrInvalidToken, "an unreachable issuer verifies nothing")
}

// TestOIDCDiscoveryFailureIsNotRetriedOnEveryToken: while the issuer is
// down, one discovery is tried per retry period and tokens in between are
// refused at once; once it is back, sign-ins work.
func TestOIDCDiscoveryFailureIsNotRetriedOnEveryToken(t *testing.T) {
	t.Parallel()
	iss := oidctest.NewIssuer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	now := time.Now()
	v := auth.NewOIDC(ctx, iss.URL, "mastra-admin")
	v.Now = func() time.Time { return now }
	iss.Down.Store(true)
	for i := 0; i < 5; i++ {
		_, err := v.Verify(ctx, iss.Sign(t, iss.Key, nil))
		assert.ErrorIs(t, err, auth.ErrInvalidToken)
	}
	assert.Equal(t, int32(1), iss.Discoveries.Load(), "one discovery for five tokens")

	iss.Down.Store(false)
	_, err := v.Verify(ctx, iss.Sign(t, iss.Key, nil))
	assert.Error(t, err, "still within the retry period")
	now = now.Add(time.Minute)
	id, err := v.Verify(ctx, iss.Sign(t, iss.Key, nil))
	require.NoError(t, err, "retried after the period, and the issuer is back")
	assert.Equal(t, "lin@example.com", id.Email)
	assert.Equal(t, int32(2), iss.Discoveries.Load())
}

// TestSupabaseJWKSVerify: a Supabase project's asymmetric tokens, checked
// against the project's JWK Set, issuer and audience.
func TestSupabaseJWKSVerify(t *testing.T) {
	t.Parallel()
	iss := oidctest.NewIssuer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	v := auth.NewSupabaseJWKS(ctx, iss.URL)
	assert.Empty(t, v.Feature(), "Supabase sign-in needs no license feature")
	supabase := func(c jwt.MapClaims) {
		c["iss"], c["aud"] = iss.URL+"/auth/v1", "authenticated"
		delete(c, "email_verified") // Supabase issues no such top-level claim
	}
	id, err := v.Verify(ctx, iss.Sign(t, iss.Key, supabase))
	require.NoError(t, err)
	assert.Equal(t, "lin@example.com", id.Email)
	assert.Equal(t, "supabase", id.Provider)
	assert.Equal(t, iss.URL+"/auth/v1", id.Issuer)
	assert.False(t, id.EmailVerified, "no claim Supabase writes for a confirmed email")
	id, err = v.Verify(ctx, iss.Sign(t, iss.Key, func(c jwt.MapClaims) {
		supabase(c)
		c["user_metadata"] = map[string]any{"email_verified": true}
	}))
	require.NoError(t, err)
	assert.True(t, id.EmailVerified, "confirmed, as Supabase records it")

	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	for name, tok := range map[string]string{
		"another key":  iss.Sign(t, other, supabase),
		"not supabase": iss.Sign(t, iss.Key, nil),
		"exp as a string": iss.Sign(t, iss.Key, func(c jwt.MapClaims) {
			supabase(c)
			c["exp"] = strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
		}),
		"expired": iss.Sign(t, iss.Key, func(c jwt.MapClaims) {
			supabase(c)
			c["exp"] = time.Now().Add(-time.Hour).Unix()
		}),
	} {
		_, err := v.Verify(ctx, tok)
		assert.ErrorIs(t, err, auth.ErrInvalidToken, name)
	}
	assert.Zero(t, iss.Discoveries.Load(), "the key set is at a known address: no discovery")
}

// TestOIDCDiscoveryOutlivesAnAbandonedRequest: a request that goes away
// during the first discovery does not make the provider fail for others.
func TestOIDCDiscoveryOutlivesAnAbandonedRequest(t *testing.T) {
	t.Parallel()
	iss := oidctest.NewIssuer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	v := auth.NewOIDC(ctx, iss.URL, "mastra-admin")
	gone, leave := context.WithCancel(context.Background())
	leave()
	_, _ = v.Verify(gone, iss.Sign(t, iss.Key, nil))
	id, err := v.Verify(ctx, iss.Sign(t, iss.Key, nil))
	require.NoError(t, err, "the next sign-in works")
	assert.Equal(t, "lin@example.com", id.Email)
}
