package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/auth"
	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/license"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
	"github.com/mastra-admin/mastra-admin/internal/oidctest"
)

func TestOIDCSignInIsAnEnterpriseFeature(t *testing.T) {
	t.Parallel()
	iss := oidctest.NewIssuer(t)
	lapsed := time.Now().Add(-license.Grace - 24*time.Hour)
	for _, c := range []struct {
		name   string
		lic    license.License
		status int
	}{
		{"enterprise with oidc", license.License{Tier: license.Enterprise, Features: []string{license.FeatureOIDC}}, http.StatusOK},
		{"community", license.CommunityLicense(), http.StatusForbidden},
		{"enterprise past its grace period", license.License{Tier: license.Enterprise, Features: []string{license.FeatureOIDC},
			ExpiresAt: &lapsed}, http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			env := apptest.Start(t, func(cfg *app.Config) {
				cfg.Commands.License = c.lic
				cfg.Commands.Identities = []commands.IdentityProvider{auth.NewOIDC(ctx, iss.URL, "mastra-admin")}
			})
			api, err := httpapi.New(httpapi.Config{Admin: env.Admin, Readiness: env.App, Logger: logrus.NewEntry(env.Log)})
			require.NoError(t, err)
			srv := httptest.NewServer(api)
			t.Cleanup(srv.Close)
			e := &apiEnv{Env: env, srv: srv, api: api}
			res := e.do(t, "GET", "/api/me", iss.Sign(t, iss.Key, nil), nil)
			require.Equal(t, c.status, res.status, string(res.body))
			if c.status == http.StatusOK {
				assert.Equal(t, "lin@example.com", res.json(t)["user"].(map[string]any)["email"])
			} else {
				assert.Equal(t, "license_required", res.errorCode(t))
			}
		})
	}
}

// TestOIDCAnotherSubjectWithAnAdminsEmail: over HTTP, an OIDC token with a
// platform admin's verified email but another subject than hers is refused.
func TestOIDCAnotherSubjectWithAnAdminsEmail(t *testing.T) {
	t.Parallel()
	iss := oidctest.NewIssuer(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	env := apptest.Start(t, func(cfg *app.Config) {
		cfg.Commands.License = license.License{Tier: license.Enterprise, Features: []string{license.FeatureOIDC}}
		cfg.Commands.Identities = []commands.IdentityProvider{auth.NewOIDC(ctx, iss.URL, "mastra-admin")}
	})
	api, err := httpapi.New(httpapi.Config{Admin: env.Admin, Readiness: env.App, Logger: logrus.NewEntry(env.Log)})
	require.NoError(t, err)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	e := &apiEnv{Env: env, srv: srv, api: api}
	_, err = env.Admin.EnsureUser(ctx, "lin@example.com", "", true)
	require.NoError(t, err)

	res := e.do(t, "GET", "/api/me", iss.Sign(t, iss.Key, nil), nil)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	assert.Equal(t, true, res.json(t)["user"].(map[string]any)["platformAdmin"], "her verified first sign-in links to her account")

	res = e.do(t, "GET", "/api/me", iss.Sign(t, iss.Key, func(c jwt.MapClaims) { c["sub"] = "someone-else" }), nil)
	assert.Equal(t, http.StatusUnauthorized, res.status, string(res.body))
	assert.Equal(t, "unauthenticated", res.errorCode(t))
}
