package dashboard_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/auth"
	"github.com/mastra-admin/mastra-admin/adapters/dashboard"
	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/license"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
	"github.com/mastra-admin/mastra-admin/internal/oidctest"
)

// ssoEnv is a dashboard whose sign-in page offers a real OIDC provider
// (oidctest, serving discovery, authorize, token and JWKS on loopback)
// and Supabase's hosted sign-in (the same process serves the Supabase
// project's JWKS).
type ssoEnv struct {
	*dashEnv
	iss *oidctest.Issuer
}

const clientSecret = "s3cret/with+odd=chars"

// startSSO starts the App with the OIDC and Supabase identity providers
// and a license with features, and the dashboard offering both.
func startSSO(t *testing.T, features ...string) *ssoEnv {
	t.Helper()
	iss := oidctest.NewIssuer(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	env := apptest.Start(t, func(c *app.Config) {
		c.Commands.License = license.License{Tier: license.Enterprise, Features: features}
		c.Commands.Identities = []commands.IdentityProvider{auth.NewOIDC(ctx, iss.URL, "mastra-admin"), auth.NewSupabaseJWKS(ctx, iss.URL)}
	})
	log := logrus.NewEntry(env.Log)
	api, err := httpapi.New(httpapi.Config{Admin: env.Admin, Readiness: env.App, Logger: log, Sessions: env.Sessions})
	require.NoError(t, err)
	dash, err := dashboard.New(dashboard.Config{Admin: env.Admin, Sessions: env.Sessions, Logger: log,
		SignIn: dashboard.SignInConfig{SupabaseURL: iss.URL, SupabaseProvider: "gitlab",
			OIDC: dashboard.OIDCConfig{IssuerURL: iss.URL, ClientID: "mastra-admin", ClientSecret: clientSecret}}})
	require.NoError(t, err)
	srv := httptest.NewServer(dashboard.FrontDoor(api, dash))
	t.Cleanup(srv.Close)
	a := oidctest.DefaultAuthorization()
	a.Client = oidctest.Client{ID: "mastra-admin", Secret: clientSecret, RedirectURI: srv.URL + "/sign-in/oidc/callback"}
	iss.Authorize(a)
	return &ssoEnv{dashEnv: &dashEnv{Env: env, srv: srv}, iss: iss}
}

// follow GETs rawURL (absolute, or a path of the dashboard) with b's
// cookies, following redirects as a browser does, and returns the page it
// ends on and its path and query.
func (b *browser) follow(rawURL string) (page, string) {
	b.t.Helper()
	if strings.HasPrefix(rawURL, "/") {
		rawURL = b.base + rawURL
	}
	c := &http.Client{Jar: b.c.Jar}
	res, err := c.Get(rawURL)
	require.NoError(b.t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(b.t, err)
	return page{status: res.StatusCode, body: string(body), header: res.Header}, res.Request.URL.RequestURI()
}

// location GETs rawURL without following and returns where it redirects.
func (b *browser) location(rawURL string) *url.URL {
	b.t.Helper()
	if strings.HasPrefix(rawURL, "/") {
		rawURL = b.base + rawURL
	}
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	require.NoError(b.t, err)
	p := b.do(req)
	require.Contains(b.t, []int{http.StatusFound, http.StatusSeeOther}, p.status, p.body)
	u, err := url.Parse(p.header.Get("Location"))
	require.NoError(b.t, err)
	return u
}

// signedInAs reports whether the browser's session shows email on home.
func (b *browser) signedInAs(email string) bool {
	b.t.Helper()
	p := b.get("/")
	return p.status == http.StatusOK && strings.Contains(p.body, email)
}

func TestOIDCSignInThroughTheProvider(t *testing.T) {
	t.Parallel()
	e := startSSO(t, license.FeatureOIDC)
	b := e.browser(t)

	p := b.get("/sign-in?next=%2F%3Fteam%3D1")
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "Sign in with SSO")
	assert.Contains(t, p.body, `<a class="button wide" href="/sign-in/oidc?next=%2f%3fteam%3d1">Sign in with SSO</a>`, "a link: a form would be stopped by CSP form-action on the redirect to the provider")

	// The click: to the provider, with PKCE (S256), state and nonce; the
	// flow is kept sealed in an HttpOnly, SameSite=Lax cookie.
	req, err := http.NewRequest(http.MethodGet, b.base+"/sign-in/oidc?next=%2F%3Fteam%3D1", nil)
	require.NoError(t, err)
	start := b.do(req)
	require.Equal(t, http.StatusSeeOther, start.status, start.body)
	to, err := url.Parse(start.header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, e.iss.URL+"/authorize", to.Scheme+"://"+to.Host+to.Path)
	q := to.Query()
	assert.Equal(t, "code", q.Get("response_type"))
	assert.Equal(t, "mastra-admin", q.Get("client_id"))
	assert.Equal(t, e.srv.URL+"/sign-in/oidc/callback", q.Get("redirect_uri"), "the base is the request's host")
	assert.Equal(t, "S256", q.Get("code_challenge_method"))
	assert.Len(t, q.Get("code_challenge"), 43)
	assert.Contains(t, strings.Fields(q.Get("scope")), "openid")
	assert.Contains(t, strings.Fields(q.Get("scope")), "email")
	assert.GreaterOrEqual(t, len(q.Get("state")), 32)
	assert.GreaterOrEqual(t, len(q.Get("nonce")), 32)
	cookie := start.header.Get("Set-Cookie")
	assert.Contains(t, cookie, "mastra_admin_oidc=")
	assert.Contains(t, cookie, "HttpOnly")
	assert.Contains(t, cookie, "SameSite=Lax")
	assert.Contains(t, cookie, "Max-Age=600")
	assert.NotContains(t, cookie, q.Get("state"), "the flow is sealed, not readable")
	assert.NotContains(t, cookie, q.Get("nonce"))

	// The provider signs the user in and sends the browser back; the
	// dashboard exchanges the code and starts the session.
	home, at := b.follow(to.String())
	require.Equal(t, http.StatusOK, home.status, home.body)
	assert.Equal(t, "/?team=1", at, "back where the sign-in was asked for")
	assert.Contains(t, home.body, "lin@example.com", "signed in as the provider's user")
	assert.Equal(t, int32(1), e.iss.Exchanges.Load())
	assert.True(t, b.signedInAs("lin@example.com"))
	for _, c := range b.c.Jar.Cookies(mustURL(t, b.base)) {
		assert.NotEqual(t, "mastra_admin_oidc", c.Name, "the flow cookie is gone once used")
	}

	// The same person signing in again is the same user.
	first := sessionPrincipal(t, e, b)
	b2 := e.browser(t)
	_, _ = b2.follow("/sign-in/oidc")
	assert.Equal(t, first.UserID, sessionPrincipal(t, e, b2).UserID)
}

func TestOIDCRefusesAForeignState(t *testing.T) {
	t.Parallel()
	e := startSSO(t, license.FeatureOIDC)
	b := e.browser(t)
	back := b.location(b.location("/sign-in/oidc").String()) // the provider's answer, not followed yet
	q := back.Query()
	require.NotEmpty(t, q.Get("code"))
	q.Set("state", "someone-elses-state")
	back.RawQuery = q.Encode()

	p, at := b.follow(back.String())
	assert.Equal(t, "/sign-in?next=%2F", at)
	assert.Contains(t, p.body, "state mismatch")
	assert.Contains(t, p.body, `role="alert"`)
	assert.Zero(t, e.iss.Exchanges.Load(), "the code is never exchanged")
	assert.False(t, b.signedInAs("lin@example.com"))

	// Without the flow's cookie (another browser, or a finished flow) it
	// has expired.
	p, _ = e.browser(t).follow(back.String())
	assert.Contains(t, p.body, "This sign-in has expired or was started in another browser")
}

func TestOIDCRefusesAReplayedCode(t *testing.T) {
	t.Parallel()
	e := startSSO(t, license.FeatureOIDC)
	b := e.browser(t)
	back := b.location(b.location("/sign-in/oidc").String())
	_, at := b.follow(back.String())
	require.Equal(t, "/", at)
	require.True(t, b.signedInAs("lin@example.com"))

	// The same answer again, in the same browser: its flow is finished.
	b2 := e.browser(t)
	p, _ := b2.follow(back.String())
	assert.Contains(t, p.body, "expired")
	assert.False(t, b2.signedInAs("lin@example.com"))

	// The old code with a new flow's state: the provider refuses the
	// code's second use.
	fresh := b2.location(b2.location("/sign-in/oidc").String())
	q := back.Query()
	q.Set("state", fresh.Query().Get("state"))
	replay := *back
	replay.RawQuery = q.Encode()
	p, at = b2.follow(replay.String())
	assert.Equal(t, "/sign-in?next=%2F", at)
	assert.Contains(t, p.body, "did not accept this sign-in")
	assert.Contains(t, p.body, "invalid_grant")
	assert.False(t, b2.signedInAs("lin@example.com"))
	assert.Equal(t, int32(1), e.iss.Exchanges.Load())
}

func TestOIDCRefusesANonceMismatch(t *testing.T) {
	t.Parallel()
	e := startSSO(t, license.FeatureOIDC)
	a := oidctest.DefaultAuthorization()
	a.Client = oidctest.Client{ID: "mastra-admin", Secret: clientSecret}
	a.IDToken = func(c jwt.MapClaims) { c["nonce"] = "a-token-issued-to-another-sign-in" }
	e.iss.Authorize(a)
	b := e.browser(t)
	p, at := b.follow("/sign-in/oidc")
	assert.Equal(t, "/sign-in?next=%2F", at)
	assert.Contains(t, p.body, "nonce mismatch")
	assert.Equal(t, int32(1), e.iss.Exchanges.Load())
	assert.False(t, b.signedInAs("lin@example.com"))
}

func TestOIDCShowsTheProvidersRefusal(t *testing.T) {
	t.Parallel()
	e := startSSO(t, license.FeatureOIDC)
	a := oidctest.DefaultAuthorization()
	a.Client.Secret = clientSecret
	a.Deny = "access_denied"
	e.iss.Authorize(a)
	b := e.browser(t)
	p, at := b.follow("/sign-in/oidc?next=/teams")
	assert.Equal(t, "/sign-in?next=%2Fteams", at)
	assert.Contains(t, p.body, "did not sign you in (access_denied: The user said no.)")
	assert.False(t, b.signedInAs("lin@example.com"))

	// A wrong client secret: the token endpoint refuses the exchange.
	a.Deny, a.Client.Secret = "", "another-secret"
	e.iss.Authorize(a)
	p, _ = b.follow("/sign-in/oidc")
	assert.Contains(t, p.body, "did not accept this sign-in")
	assert.Contains(t, p.body, "invalid_client")
	assert.False(t, b.signedInAs("lin@example.com"))

	// An unverified email cannot make a first sign-in: the commands' reason.
	a.Client.Secret = clientSecret
	a.User.EmailVerified = false
	e.iss.Authorize(a)
	p, _ = b.follow("/sign-in/oidc")
	assert.Contains(t, p.body, "does not say that this account")
	assert.False(t, b.signedInAs("lin@example.com"))
}

func TestOIDCNeedsTheLicenseFeature(t *testing.T) {
	t.Parallel()
	e := startSSO(t) // enterprise, but without the oidc feature
	b := e.browser(t)
	p := b.get("/sign-in")
	assert.NotContains(t, p.body, "Sign in with SSO", "not offered")
	assert.Contains(t, p.body, "Single sign-on is configured but cannot be used")
	assert.Contains(t, p.body, `needs a license with the &#34;oidc&#34; feature`)

	// Forged: the start is refused before the provider is asked anything.
	p, at := b.follow("/sign-in/oidc")
	assert.Equal(t, "/sign-in?next=%2F", at)
	assert.Contains(t, p.body, "Single sign-on cannot be used")
	assert.Contains(t, p.body, `role="alert"`)
	assert.Zero(t, e.iss.Discoveries.Load())

	// An ID token that reaches sign-in anyway is refused by the commands.
	p = b.post("/sign-in", url.Values{"token": {e.iss.Sign(t, e.iss.Key, nil)}}, "/sign-in")
	assert.Equal(t, http.StatusUnauthorized, p.status)
	assert.Contains(t, p.body, `needs a license with the &#34;oidc&#34; feature`)
	assert.False(t, b.signedInAs("lin@example.com"))
}

func TestOIDCProviderDown(t *testing.T) {
	t.Parallel()
	e := startSSO(t, license.FeatureOIDC)
	e.iss.Down.Store(true)
	b := e.browser(t)
	p, at := b.follow("/sign-in/oidc")
	assert.Equal(t, "/sign-in?next=%2F", at)
	assert.Contains(t, p.body, "cannot be reached right now")
	e.iss.Down.Store(false)
	_, at = b.follow("/sign-in/oidc")
	assert.Equal(t, "/", at, "works once the provider is back")
	assert.True(t, b.signedInAs("lin@example.com"))
}

// supabaseToken is an access token of the Supabase project the issuer
// stands in for, with a confirmed email.
func supabaseToken(t *testing.T, iss *oidctest.Issuer) string {
	return iss.Sign(t, iss.Key, func(c jwt.MapClaims) {
		c["iss"], c["aud"], c["sub"], c["email"] = iss.URL+"/auth/v1", "authenticated", "sb-7", "sam@example.com"
		delete(c, "email_verified")
		c["user_metadata"] = map[string]any{"email_verified": true}
	})
}

func TestSupabaseAccessTokenPasted(t *testing.T) {
	t.Parallel()
	e := startSSO(t)
	b := e.browser(t)
	assert.Contains(t, b.get("/sign-in").body, "or paste a Supabase access token")
	p := b.post("/sign-in", url.Values{"token": {supabaseToken(t, e.iss)}, "next": {"/"}}, "/sign-in")
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	assert.True(t, b.signedInAs("sam@example.com"))
}

func TestSupabaseHostedSignIn(t *testing.T) {
	t.Parallel()
	e := startSSO(t)
	b := e.browser(t)
	p := b.get("/sign-in")
	assert.Contains(t, p.body, "Sign in with Supabase")
	assert.Contains(t, p.body, `<a class="button wide" href="/sign-in/supabase?next=%2f">Sign in with Supabase</a>`)

	// The click: to Supabase's hosted sign-in with the configured
	// provider, back to the callback page.
	to := b.location("/sign-in/supabase?next=%2F%3Fx%3D1")
	assert.Equal(t, e.iss.URL+"/auth/v1/authorize?provider=gitlab&redirect_to="+url.QueryEscape(e.srv.URL+"/sign-in/supabase/callback"),
		to.String())

	// The callback page: a script of this site posts the fragment's token.
	cb := b.get("/sign-in/supabase/callback")
	require.Equal(t, http.StatusOK, cb.status)
	assert.Contains(t, cb.body, `<script type="module" src="/assets/supabase-callback.js"></script>`)
	assert.Contains(t, cb.body, `<form id="supabase-form" method="post" action="/sign-in/supabase"`)
	assert.Contains(t, cb.body, `name="access_token"`)
	assert.Contains(t, cb.header.Get("Content-Security-Policy"), "script-src 'self'")
	assert.NotContains(t, cb.body, "<script>", "no inline script")
	js := b.get("/assets/supabase-callback.js")
	require.Equal(t, http.StatusOK, js.status)
	assert.Contains(t, js.header.Get("Content-Type"), "javascript")
	assert.Contains(t, js.body, "access_token")

	// Supabase (the issuer stands in for it) sends the browser back with
	// the session in the fragment, which the page's script posts, as a
	// browser would here.
	res, err := (&http.Client{Jar: b.c.Jar}).Get(to.String())
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Equal(t, "/sign-in/supabase/callback", res.Request.URL.Path)
	fragment, err := url.ParseQuery(res.Request.URL.Fragment)
	require.NoError(t, err)
	require.NotEmpty(t, fragment.Get("access_token"))

	// The post, from this site's page, in the browser that started.
	tok := fragment.Get("access_token")
	post := func(b *browser, origin string, form url.Values) page {
		req, err := http.NewRequest(http.MethodPost, b.base+"/sign-in/supabase", strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		return b.do(req)
	}
	p = post(b, e.srv.URL, url.Values{"access_token": {tok}})
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	assert.Equal(t, "/?x=1", p.header.Get("Location"))
	assert.True(t, b.signedInAs("lin@example.com"))
	tok = supabaseToken(t, e.iss)

	// From another site, or with no origin at all: refused.
	for name, origin := range map[string]string{"another site": "https://evil.example", "none": "", "opaque": "null"} {
		b := e.browser(t)
		b.location("/sign-in/supabase")
		p = post(b, origin, url.Values{"access_token": {tok}})
		require.Equal(t, http.StatusSeeOther, p.status, name)
		assert.Contains(t, b.get(p.header.Get("Location")).body, "was not sent from this site", name)
		assert.False(t, b.signedInAs("sam@example.com"), name)
	}
	// Not started in this browser (or the flow expired): refused.
	other := e.browser(t)
	p = post(other, e.srv.URL, url.Values{"access_token": {tok}})
	assert.Contains(t, other.get(p.header.Get("Location")).body, "This Supabase sign-in has expired")
	assert.False(t, other.signedInAs("sam@example.com"))
	// A token that does not verify: the commands' reason, nothing else.
	other.location("/sign-in/supabase")
	p = post(other, e.srv.URL, url.Values{"access_token": {supabaseToken(t, e.iss) + "x"}})
	assert.Contains(t, other.get(p.header.Get("Location")).body, "invalid or expired token")
	other.location("/sign-in/supabase")
	p = post(other, e.srv.URL, url.Values{"access_token": {"  "}})
	assert.Contains(t, other.get(p.header.Get("Location")).body, "No access token came back from Supabase")

	// Supabase's refusal, in the query (or moved there from the fragment
	// by the page's script), is shown on the sign-in page.
	page, at := other.follow("/sign-in/supabase/callback?error=access_denied&error_description=Email+not+confirmed")
	assert.Equal(t, "/sign-in?next=%2F", at)
	assert.Contains(t, page.body, "Supabase did not sign you in (access_denied: Email not confirmed).")
}

func TestTokenFormRefusesAnotherSite(t *testing.T) {
	t.Parallel()
	e := start(t)
	tok := e.token(t, "ada@example.com", false)
	b := e.browser(t)
	req, err := http.NewRequest(http.MethodPost, b.base+"/sign-in", strings.NewReader(url.Values{"token": {tok}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	p := b.do(req)
	assert.Equal(t, http.StatusForbidden, p.status)
	assert.Contains(t, p.body, "was not sent from this site")
	assert.False(t, b.signedInAs("ada@example.com"), "another site cannot sign a visitor in as someone else")
	assert.Equal(t, http.StatusOK, e.browser(t).get("/sign-in").status)
}

func TestProvidersAreOfferedOnlyWhenConfigured(t *testing.T) {
	t.Parallel()
	e := start(t)
	b := e.browser(t)
	p := b.get("/sign-in")
	assert.NotContains(t, p.body, "Sign in with SSO")
	assert.NotContains(t, p.body, "Sign in with Supabase")
	assert.NotContains(t, p.body, "Single sign-on")
	for _, path := range []string{"/sign-in/oidc", "/sign-in/oidc/callback?code=x&state=y", "/sign-in/supabase", "/sign-in/supabase/callback"} {
		assert.Equal(t, http.StatusNotFound, b.get(path).status, path)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

// sessionPrincipal is who the browser's session cookie stands for.
func sessionPrincipal(t *testing.T, e *ssoEnv, b *browser) commands.Principal {
	t.Helper()
	for _, c := range b.c.Jar.Cookies(mustURL(t, b.base)) {
		if c.Name == "mastra_admin_session" {
			s, err := e.Sessions.Resolve(context.Background(), c.Value)
			require.NoError(t, err)
			return s.Principal
		}
	}
	t.Fatal("no session cookie")
	return commands.Principal{}
}
