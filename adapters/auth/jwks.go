package auth

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/license"
)

// JWKS verifies tokens signed with asymmetric keys published as a JWK Set:
// a generic OIDC provider (found through issuer discovery) or a Supabase
// project's JWKS. The keys are fetched on first use and refreshed by
// keyfunc (hourly, and on an unknown key id); discovery is retried on the
// next token if the provider was unreachable.
type JWKS struct {
	Provider string
	Issuer   string // expected "iss"
	Audience string // expected "aud"
	// JWKSURL is the key set; empty means OIDC discovery from Issuer.
	JWKSURL string
	// RequiredFeature is the license feature the provider needs ("" none).
	RequiredFeature string
	// Ctx bounds the key refresh goroutine; nil means background.
	Ctx    context.Context
	Client *http.Client
	Now    func() time.Time

	mu       sync.Mutex
	kf       keyfunc.Keyfunc
	loading  chan struct{} // closed when the discovery under way (outside mu) ends
	failedAt time.Time     // the last discovery that failed, and why
	failErr  error
}

// retryAfter is how long a failed discovery is not tried again: tokens in
// the meantime are refused at once instead of each waiting on the
// unreachable provider.
const retryAfter = 15 * time.Second

// NewOIDC is a generic OIDC provider: SSO, an enterprise feature.
func NewOIDC(ctx context.Context, issuer, clientID string) *JWKS {
	return &JWKS{Provider: "oidc", Issuer: strings.TrimRight(issuer, "/"), Audience: clientID,
		RequiredFeature: license.FeatureOIDC, Ctx: ctx}
}

// NewSupabaseJWKS verifies a Supabase project's asymmetric access tokens.
func NewSupabaseJWKS(ctx context.Context, supabaseURL string) *JWKS {
	base := SupabaseIssuer(supabaseURL)
	return &JWKS{Provider: "supabase", Issuer: base, Audience: "authenticated", JWKSURL: base + "/.well-known/jwks.json", Ctx: ctx}
}

// Feature implements the optional license requirement of a provider.
func (j *JWKS) Feature() string { return j.RequiredFeature }

// Verify implements commands.IdentityProvider.
func (j *JWKS) Verify(ctx context.Context, token string) (commands.Identity, error) {
	if strings.Count(token, ".") != 2 {
		return commands.Identity{}, ErrInvalidToken
	}
	kf, err := j.keys(ctx)
	if err != nil {
		return commands.Identity{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{"RS256", "RS384", "RS512", "ES256", "ES384", "PS256", "EdDSA"}),
		jwt.WithIssuer(j.Issuer), jwt.WithAudience(j.Audience), jwt.WithExpirationRequired(), jwt.WithLeeway(30 * time.Second),
	}
	if j.Now != nil {
		opts = append(opts, jwt.WithTimeFunc(j.Now))
	}
	if err := checkNumericDates(token); err != nil {
		return commands.Identity{}, err
	}
	var claims tokenClaims
	if _, err := jwt.ParseWithClaims(token, &claims, kf.KeyfuncCtx(ctx), opts...); err != nil {
		return commands.Identity{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if claims.Subject == "" || claims.Email == "" {
		return commands.Identity{}, fmt.Errorf("%w: no subject or email", ErrInvalidToken)
	}
	verified := claims.oidcEmailVerified()
	if j.Provider == "supabase" {
		verified = claims.supabaseEmailVerified()
	}
	return commands.Identity{Provider: j.Provider, Issuer: j.Issuer, Subject: claims.Subject, Email: claims.Email,
		EmailVerified: verified}, nil
}

// keys discovers (once it works) and returns the key set. One caller
// discovers at a time, without holding the lock and under a context of its
// own (a caller that goes away does not fail it); the others wait for it.
// For retryAfter after a failure, callers are refused at once.
func (j *JWKS) keys(ctx context.Context) (keyfunc.Keyfunc, error) {
	j.mu.Lock()
	switch {
	case j.kf != nil:
		defer j.mu.Unlock()
		return j.kf, nil
	case j.loading != nil:
		wait := j.loading
		j.mu.Unlock()
		select {
		case <-wait:
			return j.keys(ctx)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	case j.failErr != nil && j.now().Sub(j.failedAt) < retryAfter:
		defer j.mu.Unlock()
		return nil, j.failErr
	}
	done := make(chan struct{})
	j.loading = done
	j.mu.Unlock()

	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), discoveryTimeout)
	kf, err := j.load(lctx)
	cancel()
	j.mu.Lock()
	defer j.mu.Unlock()
	j.loading = nil
	close(done)
	if err != nil {
		j.failedAt, j.failErr = j.now(), err
		return nil, err
	}
	j.kf, j.failErr = kf, nil
	return kf, nil
}

// discoveryTimeout bounds one discovery and key set fetch.
const discoveryTimeout = 10 * time.Second

func (j *JWKS) now() time.Time {
	if j.Now != nil {
		return j.Now()
	}
	return time.Now()
}

// load finds the key set's URL (by discovery when not given) and fetches it.
func (j *JWKS) load(ctx context.Context) (keyfunc.Keyfunc, error) {
	url := j.JWKSURL
	if url == "" {
		var err error
		if url, err = j.discover(ctx); err != nil {
			return nil, err
		}
	}
	bg := j.Ctx
	if bg == nil {
		bg = context.Background()
	}
	kf, err := keyfunc.NewDefaultCtx(bg, []string{url})
	if err != nil {
		return nil, fmt.Errorf("load JWK Set %s: %w", url, err)
	}
	return kf, nil
}

// discover reads the issuer's OpenID configuration for its jwks_uri.
func (j *JWKS) discover(ctx context.Context) (string, error) {
	doc, err := Discover(ctx, j.Client, j.Issuer)
	if err != nil {
		return "", err
	}
	return doc.JWKSURI, nil
}
