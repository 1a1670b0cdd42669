package oidctest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/mastra-admin/mastra-admin/internal/oidctest"
)

const redirect = "http://127.0.0.1:1/callback"

func oauthConfig(iss *oidctest.Issuer, secret string) *oauth2.Config {
	return &oauth2.Config{ClientID: "mastra-admin", ClientSecret: secret, RedirectURL: redirect, Scopes: []string{"openid", "email"},
		Endpoint: oauth2.Endpoint{AuthURL: iss.URL + "/authorize", TokenURL: iss.URL + "/token", AuthStyle: oauth2.AuthStyleInHeader}}
}

// answer follows the authorization request to where the issuer sends the
// browser back, and returns that URL's query.
func answer(t *testing.T, authURL string) url.Values {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(authURL)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusFound, res.StatusCode)
	u, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, redirect, u.Scheme+"://"+u.Host+u.Path)
	return u.Query()
}

func TestAuthorizationCodeFlow(t *testing.T) {
	t.Parallel()
	iss := oidctest.NewIssuer(t)
	a := oidctest.DefaultAuthorization()
	a.Client.RedirectURI = redirect
	iss.Authorize(a)
	conf := oauthConfig(iss, "test-secret")
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()

	q := answer(t, conf.AuthCodeURL("st-1", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("nonce", "n-1")))
	assert.Equal(t, "st-1", q.Get("state"))
	assert.Equal(t, iss.URL, q.Get("iss"))
	code := q.Get("code")
	require.NotEmpty(t, code)

	_, err := conf.Exchange(ctx, code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
	assertOAuthError(t, err, "invalid_grant", "another verifier")
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	assertOAuthError(t, err, "invalid_grant", "a code is spent by its first exchange, even a failed one")
	assert.Nil(t, tok)

	verifier = oauth2.GenerateVerifier()
	code = answer(t, conf.AuthCodeURL("st-2", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("nonce", "n-2"))).Get("code")
	_, err = oauthConfig(iss, "wrong").Exchange(ctx, code, oauth2.VerifierOption(verifier))
	assertOAuthError(t, err, "invalid_client", "wrong client secret")
	code = answer(t, conf.AuthCodeURL("st-3", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("nonce", "n-3"))).Get("code")
	tok, err = conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	require.NoError(t, err)
	idToken, _ := tok.Extra("id_token").(string)
	var claims jwt.MapClaims
	_, err = jwt.ParseWithClaims(idToken, &claims, func(*jwt.Token) (any, error) { return &iss.Key.PublicKey, nil },
		jwt.WithIssuer(iss.URL), jwt.WithAudience("mastra-admin"), jwt.WithExpirationRequired())
	require.NoError(t, err)
	assert.Equal(t, "n-3", claims["nonce"])
	assert.Equal(t, "lin@example.com", claims["email"])
	assert.Equal(t, true, claims["email_verified"])
	_, err = conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	assertOAuthError(t, err, "invalid_grant", "replayed")
	assert.Equal(t, int32(1), iss.Exchanges.Load())

	// client_secret_post is accepted too.
	post := oauthConfig(iss, "test-secret")
	post.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	code = answer(t, post.AuthCodeURL("st-4", oauth2.S256ChallengeOption(verifier))).Get("code")
	_, err = post.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	require.NoError(t, err)
}

func TestAuthorizeRefusals(t *testing.T) {
	t.Parallel()
	iss := oidctest.NewIssuer(t)
	a := oidctest.DefaultAuthorization()
	a.Client.RedirectURI = redirect
	iss.Authorize(a)
	conf := oauthConfig(iss, "test-secret")

	q := answer(t, conf.AuthCodeURL("st"))
	assert.Equal(t, "invalid_request", q.Get("error"), "PKCE is required")
	assert.Equal(t, "st", q.Get("state"))
	assert.Empty(t, q.Get("code"))

	other := *conf
	other.RedirectURL = "http://127.0.0.1:1/elsewhere"
	res, err := http.Get(other.AuthCodeURL("st", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusBadRequest, res.StatusCode, "an unregistered redirect_uri is never redirected to")

	a.Deny = "access_denied"
	iss.Authorize(a)
	q = answer(t, conf.AuthCodeURL("st", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	assert.Equal(t, "access_denied", q.Get("error"))
	assert.Empty(t, q.Get("code"))
}

func assertOAuthError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var re *oauth2.RetrieveError
	if assert.True(t, errors.As(err, &re), msg) {
		assert.Equal(t, code, re.ErrorCode, msg)
	}
}

func TestSupabaseHostedSignIn(t *testing.T) {
	t.Parallel()
	iss := oidctest.NewIssuer(t)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(iss.URL + "/auth/v1/authorize?" + url.Values{"provider": {"github"}, "redirect_to": {redirect}}.Encode())
	require.NoError(t, err)
	res.Body.Close()
	u, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, redirect, u.Scheme+"://"+u.Host+u.Path)
	frag, err := url.ParseQuery(u.Fragment)
	require.NoError(t, err)
	var claims jwt.MapClaims
	_, err = jwt.ParseWithClaims(frag.Get("access_token"), &claims, func(*jwt.Token) (any, error) { return &iss.Key.PublicKey, nil },
		jwt.WithIssuer(iss.URL+"/auth/v1"), jwt.WithAudience("authenticated"))
	require.NoError(t, err, "a Supabase access token of the project")
	assert.Equal(t, map[string]any{"email_verified": true}, claims["user_metadata"])

	a := oidctest.DefaultAuthorization()
	a.Deny = "access_denied"
	iss.Authorize(a)
	res, err = c.Get(iss.URL + "/auth/v1/authorize?" + url.Values{"provider": {"github"}, "redirect_to": {redirect}}.Encode())
	require.NoError(t, err)
	res.Body.Close()
	u, err = url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	assert.Contains(t, u.Fragment, "error=access_denied")
}
