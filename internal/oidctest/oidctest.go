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

// Issuer is a local OIDC provider: discovery, a JWK Set and a signing key.
// Its JWK Set is also served where a Supabase project serves its own
// (/auth/v1/.well-known/jwks.json).
type Issuer struct {
	*httptest.Server
	Key *rsa.PrivateKey
	// Down makes discovery answer 503; Discoveries counts its requests.
	Down        atomic.Bool
	Discoveries atomic.Int32
}

// NewIssuer starts an issuer on loopback.
func NewIssuer(t *testing.T) *Issuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	iss := &Issuer{Key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		iss.Discoveries.Add(1)
		if iss.Down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": iss.URL, "jwks_uri": iss.URL + "/jwks"})
	})
	jwks := func(w http.ResponseWriter, r *http.Request) {
		n := base64.RawURLEncoding.EncodeToString(key.N.Bytes())
		e := base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes())
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []any{map[string]string{
			"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256", "n": n, "e": e}}})
	}
	mux.HandleFunc("/jwks", jwks)
	mux.HandleFunc("/auth/v1/.well-known/jwks.json", jwks)
	iss.Server = httptest.NewServer(mux)
	t.Cleanup(iss.Close)
	return iss
}

// Sign makes a token; mod changes the claims.
func (i *Issuer) Sign(t *testing.T, key *rsa.PrivateKey, mod func(jwt.MapClaims)) string {
	t.Helper()
	c := jwt.MapClaims{"iss": i.URL, "aud": "mastra-admin", "sub": "u-42", "email": "lin@example.com",
		"email_verified": true, "exp": time.Now().Add(time.Hour).Unix()}
	if mod != nil {
		mod(c)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = "k1"
	s, err := tok.SignedString(key)
	require.NoError(t, err)
	return s
}
