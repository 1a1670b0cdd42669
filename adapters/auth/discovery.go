package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Discovery is what an OIDC issuer's configuration document
// (/.well-known/openid-configuration) says, as far as MastraAdmin uses it.
type Discovery struct {
	Issuer                string `json:"issuer"`
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	TokenEndpoint         string `json:"token_endpoint"`
	JWKSURI               string `json:"jwks_uri"`
	// TokenEndpointAuthMethods lists how clients may authenticate at the
	// token endpoint; empty means client_secret_basic only (OIDC
	// Discovery's default).
	TokenEndpointAuthMethods []string `json:"token_endpoint_auth_methods_supported"`
}

// Discover reads issuer's OpenID configuration. The document must name
// the same issuer (a trailing slash aside) and a jwks_uri; client nil
// means a client with a 10 s timeout.
func Discover(ctx context.Context, client *http.Client, issuer string) (Discovery, error) {
	issuer = strings.TrimRight(issuer, "/")
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, issuer+"/.well-known/openid-configuration", nil)
	if err != nil {
		return Discovery{}, fmt.Errorf("discover %s: %w", issuer, err)
	}
	req.Header.Set("Accept", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return Discovery{}, fmt.Errorf("discover %s: %w", issuer, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return Discovery{}, fmt.Errorf("discover %s: status %d", issuer, res.StatusCode)
	}
	var doc Discovery
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&doc); err != nil {
		return Discovery{}, fmt.Errorf("discover %s: %w", issuer, err)
	}
	if strings.TrimRight(doc.Issuer, "/") != issuer || doc.JWKSURI == "" {
		return Discovery{}, fmt.Errorf("discover %s: the document names issuer %q and jwks_uri %q", issuer, doc.Issuer, doc.JWKSURI)
	}
	return doc, nil
}
