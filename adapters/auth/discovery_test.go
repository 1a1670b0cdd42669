package auth_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/auth"
	"github.com/mastra-admin/mastra-admin/internal/oidctest"
)

func TestDiscover(t *testing.T) {
	t.Parallel()
	iss := oidctest.NewIssuer(t)
	d, err := auth.Discover(context.Background(), nil, iss.URL+"/")
	require.NoError(t, err)
	assert.Equal(t, iss.URL, d.Issuer)
	assert.Equal(t, iss.URL+"/authorize", d.AuthorizationEndpoint)
	assert.Equal(t, iss.URL+"/token", d.TokenEndpoint)
	assert.Equal(t, iss.URL+"/jwks", d.JWKSURI)
	assert.Contains(t, d.TokenEndpointAuthMethods, "client_secret_basic")

	// A document naming another issuer is refused (a mix-up, or a
	// misconfigured URL).
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": iss.URL, "jwks_uri": iss.URL + "/jwks"})
	}))
	defer other.Close()
	_, err = auth.Discover(context.Background(), nil, other.URL)
	assert.ErrorContains(t, err, "the document names issuer")

	iss.Down.Store(true)
	_, err = auth.Discover(context.Background(), nil, iss.URL)
	assert.ErrorContains(t, err, "status 503")
}
