package dashboard

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"

	"github.com/mastra-admin/mastra-admin/adapters/auth"
	"github.com/mastra-admin/mastra-admin/domain/license"
)

// oidcProvider is the configured OIDC provider and what its discovery
// document said (fetched on the first sign-in that needs it, and again
// after a failure).
type oidcProvider struct {
	cfg    OIDCConfig
	client *http.Client

	mu  sync.Mutex
	doc *auth.Discovery
}

func (p *oidcProvider) discovery(ctx context.Context) (auth.Discovery, error) {
	p.mu.Lock()
	doc := p.doc
	p.mu.Unlock()
	if doc != nil {
		return *doc, nil
	}
	d, err := auth.Discover(ctx, p.client, p.cfg.IssuerURL)
	if err != nil {
		return auth.Discovery{}, err
	}
	if d.AuthorizationEndpoint == "" || d.TokenEndpoint == "" {
		return auth.Discovery{}, errors.New("the issuer's discovery document names no authorization_endpoint or token_endpoint")
	}
	p.mu.Lock()
	p.doc = &d
	p.mu.Unlock()
	return d, nil
}

// oauth returns the client registration against the discovered endpoints.
// The client authenticates with HTTP Basic unless the provider takes only
// client_secret_post.
func (p *oidcProvider) oauth(d auth.Discovery, redirectURI string) *oauth2.Config {
	style := oauth2.AuthStyleInHeader
	m := d.TokenEndpointAuthMethods
	if len(m) > 0 && !slices.Contains(m, "client_secret_basic") && slices.Contains(m, "client_secret_post") {
		style = oauth2.AuthStyleInParams
	}
	return &oauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, RedirectURL: redirectURI,
		Endpoint: oauth2.Endpoint{AuthURL: d.AuthorizationEndpoint, TokenURL: d.TokenEndpoint, AuthStyle: style},
		Scopes:   []string{"openid", "email", "profile"}}
}

// oidcFlow is what the browser keeps, sealed, between the click on "Sign
// in with SSO" and its return from the provider.
type oidcFlow struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Redirect string `json:"r"`
	Next     string `json:"next"`
}

const (
	oidcCookie  = "mastra_admin_oidc"
	oidcPurpose = "dashboard-oidc-sign-in"
)

// oidcStart begins the authorization code flow with PKCE (S256), state
// and nonce, kept sealed in a short-lived cookie, and sends the browser
// to the provider.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if err := s.cfg.Admin.SignInLicensed(license.FeatureOIDC); err != nil {
		s.signInFailed(w, r, next, "Single sign-on cannot be used: "+message(err))
		return
	}
	d, err := s.oidc.discovery(r.Context())
	if err != nil {
		s.log.WithError(err).Warn("dashboard: OIDC discovery failed")
		s.signInFailed(w, r, next, "The single sign-on provider cannot be reached right now; try again in a moment, or sign in with an API token.")
		return
	}
	flow := oidcFlow{State: randomString(), Nonce: randomString(), Verifier: oauth2.GenerateVerifier(),
		Redirect: s.baseURL(r) + "/sign-in/oidc/callback", Next: next}
	b, _ := json.Marshal(flow)
	sealed, err := s.cfg.Sessions.Seal(r.Context(), oidcPurpose, b, signInFlowTTL)
	if err != nil {
		s.log.WithError(err).Error("dashboard: seal OIDC sign-in")
		s.signInFailed(w, r, next, "Single sign-on could not be started (internal error); try again.")
		return
	}
	s.setFlowCookie(w, oidcCookie, sealed)
	to := s.oidc.oauth(d, flow.Redirect).AuthCodeURL(flow.State,
		oauth2.S256ChallengeOption(flow.Verifier), oauth2.SetAuthURLParam("nonce", flow.Nonce))
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// oidcCallback finishes the flow: the provider's answer must carry the
// state this browser's flow holds; the code is exchanged (with the client
// secret and the PKCE verifier) for an ID token, which must carry the
// flow's nonce; the ID token then signs in as a pasted token does, so
// adapters/auth verifies it against the issuer's keys and the license.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	ctx, q := r.Context(), r.URL.Query()
	var flow oidcFlow
	sealed := s.takeFlowCookie(w, r, oidcCookie)
	b, flowErr := s.cfg.Sessions.Open(ctx, oidcPurpose, sealed)
	if flowErr == nil {
		flowErr = json.Unmarshal(b, &flow)
	}
	if e := q.Get("error"); e != "" {
		msg := "Your single sign-on provider did not sign you in (" + providerText(e)
		if d := providerText(q.Get("error_description")); d != "" {
			msg += ": " + d
		}
		s.signInFailed(w, r, flow.Next, msg+").")
		return
	}
	if flowErr != nil {
		s.signInFailed(w, r, "/", "This sign-in has expired or was started in another browser or tab. Sign in again.")
		return
	}
	got := q.Get("state")
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(flow.State)) != 1 {
		s.signInFailed(w, r, flow.Next, "The answer from the single sign-on provider does not belong to the sign-in this browser started (state mismatch), so it was refused. Sign in again.")
		return
	}
	d, err := s.oidc.discovery(ctx)
	if err != nil {
		s.log.WithError(err).Warn("dashboard: OIDC discovery failed")
		s.signInFailed(w, r, flow.Next, "The single sign-on provider cannot be reached right now; try again in a moment.")
		return
	}
	if iss := q.Get("iss"); iss != "" && strings.TrimRight(iss, "/") != strings.TrimRight(d.Issuer, "/") {
		s.signInFailed(w, r, flow.Next, "The answer came from another identity provider than the one configured (issuer mismatch), so it was refused. Sign in again.")
		return
	}
	code := q.Get("code")
	if code == "" {
		s.signInFailed(w, r, flow.Next, "The single sign-on provider sent no authorization code back. Sign in again.")
		return
	}
	tok, err := s.oidc.oauth(d, flow.Redirect).Exchange(context.WithValue(ctx, oauth2.HTTPClient, s.oidc.client), code,
		oauth2.VerifierOption(flow.Verifier))
	if err != nil {
		s.log.WithError(err).Warn("dashboard: OIDC code exchange failed")
		msg := "The single sign-on provider did not accept this sign-in's code"
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode != "" {
			msg += " (" + providerText(re.ErrorCode) + ")"
		}
		s.signInFailed(w, r, flow.Next, msg+": it may have been used already or have expired. Sign in again.")
		return
	}
	idToken, _ := tok.Extra("id_token").(string)
	if idToken == "" {
		s.signInFailed(w, r, flow.Next, "The single sign-on provider returned no ID token (does this client have the openid scope?).")
		return
	}
	if !nonceMatches(idToken, flow.Nonce) {
		s.signInFailed(w, r, flow.Next, "The ID token does not belong to the sign-in this browser started (nonce mismatch), so it was refused. Sign in again.")
		return
	}
	s.startSession(w, r, idToken, flow.Next)
}

// nonceMatches reports whether the ID token's nonce claim is want. The
// token is read without checking its signature here: the same bytes are
// then verified in full (signature, issuer, audience, expiry) by sign-in,
// which refuses the token otherwise.
func nonceMatches(idToken, want string) bool {
	var c struct {
		Nonce string `json:"nonce"`
		jwt.RegisteredClaims
	}
	if _, _, err := jwt.NewParser().ParseUnverified(idToken, &c); err != nil {
		return false
	}
	return c.Nonce != "" && subtle.ConstantTimeCompare([]byte(c.Nonce), []byte(want)) == 1
}

func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}
