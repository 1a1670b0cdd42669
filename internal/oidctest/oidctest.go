package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"
)

// Issuer is a local OIDC provider: discovery, a JWK Set and a signing key,
// and the authorization code flow with PKCE (see Authorize). It also
// stands in for a Supabase project: its JWK Set is served where a
// project serves its own (/auth/v1/.well-known/jwks.json), and
// /auth/v1/authorize is a hosted sign-in that answers in the URL fragment.
type Issuer struct {
	*httptest.Server
	Key *rsa.PrivateKey
	// Down makes discovery answer 503; Discoveries counts its requests.
	Down        atomic.Bool
	Discoveries atomic.Int32
	// Exchanges counts the codes the token endpoint exchanged.
	Exchanges atomic.Int32

	auth authServer
}

// NewIssuer starts an issuer on loopback.
func NewIssuer(t *testing.T) *Issuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	iss := &Issuer{Key: key, auth: authServer{cfg: DefaultAuthorization(), grants: map[string]grant{}, used: map[string]bool{}}}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		iss.Discoveries.Add(1)
		if iss.Down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer":                                iss.URL,
			"jwks_uri":                              iss.URL + "/jwks",
			"authorization_endpoint":                iss.URL + "/authorize",
			"token_endpoint":                        iss.URL + "/token",
			"response_types_supported":              []string{"code"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"code_challenge_methods_supported":      []string{"S256"},
			"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		})
	})
	jwks := func(w http.ResponseWriter, r *http.Request) {
		n := base64.RawURLEncoding.EncodeToString(key.N.Bytes())
		e := base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes())
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []any{map[string]string{
			"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256", "n": n, "e": e}}})
	}
	mux.HandleFunc("/jwks", jwks)
	mux.HandleFunc("/auth/v1/.well-known/jwks.json", jwks)
	mux.HandleFunc("/authorize", iss.authorize)
	mux.HandleFunc("/token", iss.token)
	mux.HandleFunc("/auth/v1/authorize", iss.supabaseAuthorize)
	iss.Server = httptest.NewServer(mux)
	t.Cleanup(iss.Close)
	return iss
}

// Sign makes a token; mod changes the claims.
func (i *Issuer) Sign(t *testing.T, key *rsa.PrivateKey, mod func(jwt.MapClaims)) string {
	t.Helper()
	s, err := sign(i.URL, key, mod)
	require.NoError(t, err)
	return s
}

// signed is a token of the issuer's own key.
func (i *Issuer) signed(mod func(jwt.MapClaims)) (string, error) { return sign(i.URL, i.Key, mod) }

func sign(issuer string, key *rsa.PrivateKey, mod func(jwt.MapClaims)) (string, error) {
	c := jwt.MapClaims{"iss": issuer, "aud": "mastra-admin", "sub": "u-42", "email": "lin@example.com",
		"email_verified": true, "exp": time.Now().Add(time.Hour).Unix()}
	if mod != nil {
		mod(c)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = "k1"
	return tok.SignedString(key)
}
