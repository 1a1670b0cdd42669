package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

func TestTokensOverHTTP(t *testing.T) {
	t.Parallel()
	clock := &movableClock{t: time.Now().UTC().Truncate(time.Microsecond)}
	env := apptest.Start(t, func(c *app.Config) { c.Commands.Clock = clock })
	api, err := httpapi.New(httpapi.Config{Admin: env.Admin, Readiness: env.App, Logger: logrus.NewEntry(env.Log)})
	require.NoError(t, err)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	e := &apiEnv{Env: env, srv: srv}
	alice, bob := e.token(t, "alice@example.com", false), e.token(t, "bob@example.com", false)

	res := e.do(t, "POST", "/api/tokens", alice, strings.NewReader(`{"name":"ci"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	created := res.json(t)
	secret := created["token"].(string)
	assert.True(t, strings.HasPrefix(secret, "mat_"+created["prefix"].(string)+"_"))
	assert.Equal(t, "no-store", res.header.Get("Cache-Control"))

	res = e.do(t, "GET", "/api/me", secret, nil) // the new token works at once
	require.Equal(t, http.StatusOK, res.status, string(res.body))

	res = e.do(t, "GET", "/api/tokens", alice, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.NotContains(t, string(res.body), secret[len("mat_")+9:], "a listing never shows secrets")
	var ci map[string]any
	for _, tok := range res.json(t)["tokens"].([]any) {
		if m := tok.(map[string]any); m["name"] == "ci" {
			ci = m
		}
	}
	require.NotNil(t, ci)
	assert.NotEmpty(t, ci["lastUsedAt"], "using the token recorded it")

	res = e.do(t, "DELETE", "/api/tokens/"+ci["id"].(string), bob, nil)
	assert.Equal(t, http.StatusNotFound, res.status, "another user's token is not found")
	res = e.do(t, "DELETE", "/api/tokens/"+ci["id"].(string), alice, nil)
	require.Equal(t, http.StatusNoContent, res.status, string(res.body))
	res = e.do(t, "GET", "/api/me", secret, nil)
	assert.Equal(t, http.StatusUnauthorized, res.status, "a revoked token stops working at once")
	res = e.do(t, "DELETE", "/api/tokens/"+ci["id"].(string), alice, nil)
	assert.Equal(t, http.StatusConflict, res.status)

	exp := clock.Now().Add(time.Hour).Format(time.RFC3339)
	res = e.do(t, "POST", "/api/tokens", alice, strings.NewReader(`{"name":"short","expiresAt":"`+exp+`"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	short := res.json(t)["token"].(string)
	require.Equal(t, http.StatusOK, e.do(t, "GET", "/api/me", short, nil).status)
	clock.advance(time.Hour)
	assert.Equal(t, http.StatusUnauthorized, e.do(t, "GET", "/api/me", short, nil).status, "expired")

	for _, body := range []string{`{"name":""}`, `{"name":"x","expiresAt":"2001-01-01T00:00:00Z"}`, `{"name":"x","expiresAt":"soon"}`, `{}`} {
		res = e.do(t, "POST", "/api/tokens", alice, strings.NewReader(body))
		assert.Equal(t, http.StatusBadRequest, res.status, body)
	}
	var n int
	require.NoError(t, env.DB.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM events WHERE payload::text LIKE '%' || $1 || '%'`, secret[len("mat_")+9:]).Scan(&n))
	assert.Zero(t, n, "no secret in any event")
}
