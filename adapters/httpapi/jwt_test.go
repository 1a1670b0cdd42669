package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/auth"
	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

func TestSupabaseJWTOverHTTP(t *testing.T) {
	t.Parallel()
	secret := []byte("super-secret-jwt-token-with-at-least-32-characters")
	env := apptest.Start(t, func(c *app.Config) {
		c.Commands.Identities = []commands.IdentityProvider{auth.Supabase{Secret: secret}}
	})
	api, err := httpapi.New(httpapi.Config{Admin: env.Admin, Readiness: env.App, Logger: logrus.NewEntry(env.Log)})
	require.NoError(t, err)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	e := &apiEnv{Env: env, srv: srv, api: api}
	sign := func(key []byte, mod func(jwt.MapClaims)) string {
		c := jwt.MapClaims{"sub": "u-1", "email": "Grace@Example.com", "aud": "authenticated",
			"exp": time.Now().Add(time.Hour).Unix(), "user_metadata": map[string]any{"email_verified": true}}
		mod(c)
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(key)
		require.NoError(t, err)
		return s
	}
	token := func(key []byte, exp time.Duration) string {
		return sign(key, func(c jwt.MapClaims) { c["exp"] = time.Now().Add(exp).Unix() })
	}
	good := token(secret, time.Hour)

	res := e.do(t, "GET", "/api/me", good, nil)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	user := res.json(t)["user"].(map[string]any)
	assert.Equal(t, "grace@example.com", user["email"], "registered with the verified email on first sight, and linked")
	res = e.do(t, "POST", "/api/teams", good, strings.NewReader(`{"name":"Analytics"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	res = e.do(t, "GET", "/api/me", good, nil)
	assert.Equal(t, user["id"], res.json(t)["user"].(map[string]any)["id"], "the same user next time")
	assert.Len(t, res.json(t)["teams"], 1)
	assert.Equal(t, false, res.json(t)["user"].(map[string]any)["platformAdmin"])

	// The JWT's user is cached for a few seconds; a grant made here is seen
	// at once: a platform admin sees a team she is not a member of.
	alice := e.token(t, "alice@example.com", false)
	res = e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Private"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	private := res.json(t)["id"].(string)
	env.CaughtUp(t)
	res = e.do(t, "GET", "/api/teams/"+private, good, nil)
	assert.Equal(t, http.StatusNotFound, res.status, "not hers")
	_, err = env.Admin.EnsureUser(context.Background(), "grace@example.com", "", true)
	require.NoError(t, err)
	res = e.do(t, "GET", "/api/teams/"+private, good, nil)
	assert.Equal(t, http.StatusOK, res.status, "the cached principal was dropped with the grant: %s", res.body)

	for name, tok := range map[string]string{
		"wrong key": token([]byte("another-secret-another-secret-another"), time.Hour),
		"expired":   token(secret, -time.Hour),
		"exp as a string": sign(secret, func(c jwt.MapClaims) {
			c["exp"] = strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
		}),
		// Now a platform admin, and her sign-in cached: another subject
		// with her email, verified or not, is not her.
		"her email, another subject": sign(secret, func(c jwt.MapClaims) { c["sub"] = "u-2" }),
		"her email, another subject, unverified": sign(secret, func(c jwt.MapClaims) {
			c["sub"], c["user_metadata"] = "u-3", map[string]any{"email_verified": false}
		}),
		"unverified email": sign(secret, func(c jwt.MapClaims) {
			c["sub"], c["email"], c["user_metadata"] = "u-4", "new@example.com", map[string]any{}
		}),
	} {
		res = e.do(t, "GET", "/api/me", tok, nil)
		assert.Equal(t, http.StatusUnauthorized, res.status, name)
		assert.Equal(t, "unauthenticated", res.errorCode(t))
	}
	res = e.do(t, "GET", "/api/me", sign(secret, func(c jwt.MapClaims) { c["sub"] = "u-5" }), nil)
	assert.Contains(t, string(res.body), "linked to another account of this identity provider", "the refusal says why")
	res = e.do(t, "GET", "/api/me", sign(secret, func(c jwt.MapClaims) { c["sub"], c["user_metadata"] = "u-6", nil }), nil)
	assert.Contains(t, string(res.body), "does not say that this account's email address is verified", "the refusal says why")
	res = e.do(t, "GET", "/api/me", good, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, true, res.json(t)["user"].(map[string]any)["platformAdmin"], "her own token is still her")
}
