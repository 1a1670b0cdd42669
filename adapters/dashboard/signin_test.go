package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/websession"
)

func TestSignInWithATokenStartsASession(t *testing.T) {
	t.Parallel()
	e := start(t)
	tok := e.token(t, "ada@example.com", false)
	b := e.browser(t)

	p := b.get("/")
	require.Equal(t, http.StatusSeeOther, p.status)
	assert.Equal(t, "/sign-in?next=%2F", p.header.Get("Location"))

	p = b.post("/sign-in", url.Values{"token": {"mat_nottoken_x"}, "next": {"/"}}, "/sign-in")
	assert.Equal(t, http.StatusUnauthorized, p.status)
	assert.Contains(t, p.body, "invalid or expired token")
	p = b.post("/sign-in", url.Values{"token": {"  "}}, "/sign-in")
	assert.Equal(t, http.StatusUnauthorized, p.status)
	assert.Contains(t, p.body, "Paste an API token")

	p = b.post("/sign-in", url.Values{"token": {tok}, "next": {"https://evil.example/"}}, "/sign-in")
	require.Equal(t, http.StatusSeeOther, p.status)
	assert.Equal(t, "/", p.header.Get("Location"), "next must stay on this site")
	cookie := p.header.Get("Set-Cookie")
	assert.Contains(t, cookie, websession.CookieName+"=")
	assert.Contains(t, cookie, "HttpOnly")
	assert.Contains(t, cookie, "SameSite=Lax")
	assert.NotContains(t, cookie, tok, "the cookie is a session id, not the token")

	home := b.get("/")
	require.Equal(t, http.StatusOK, home.status)
	assert.Contains(t, home.body, "ada@example.com")
	assert.Contains(t, home.body, "You are in no team yet")
	assert.Equal(t, "no-store", home.header.Get("Cache-Control"))
	assert.Contains(t, home.header.Get("Content-Security-Policy"), "script-src 'self'")
}

func TestFormsAndAPINeedTheCSRFToken(t *testing.T) {
	t.Parallel()
	e := start(t)
	b := e.browser(t)
	csrf := b.signIn(e.token(t, "ada@example.com", false))

	p := b.post("/teams", url.Values{"name": {"Job Agents"}}, "/")
	assert.Equal(t, http.StatusForbidden, p.status, "a form without the CSRF token is refused")
	p = b.post("/teams", url.Values{"name": {"Job Agents"}, websession.CSRFField: {"forged"}}, "/")
	assert.Equal(t, http.StatusForbidden, p.status)
	assert.NotContains(t, b.get("/").body, "Job Agents", "nothing was created")

	p = b.post("/teams", url.Values{"name": {"Job Agents"}, websession.CSRFField: {csrf}}, "/")
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	assert.Regexp(t, `^/teams/[0-9a-f-]{36}$`, p.header.Get("Location"))
	assert.Contains(t, b.get("/").body, "Job Agents")

	// Bad input: the form comes back with the reason, nothing created.
	p = b.post("/teams", url.Values{"name": {"x"}, "slug": {"Not_A_Slug"}, websession.CSRFField: {csrf}}, "/")
	require.Equal(t, http.StatusSeeOther, p.status)
	assert.Equal(t, "/", p.header.Get("Location"))
	home := b.get("/")
	assert.Contains(t, home.body, `role="alert"`)
	assert.Contains(t, home.body, "slug")
	assert.Contains(t, home.body, `value="Not_A_Slug"`, "what was typed comes back to be fixed")

	// The API takes the session cookie: reads freely, writes with the header.
	api := func(method, path, body, csrfHeader string) int {
		req, err := http.NewRequest(method, b.base+path, strings.NewReader(body))
		require.NoError(t, err)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if csrfHeader != "" {
			req.Header.Set(websession.CSRFHeader, csrfHeader)
		}
		return b.do(req).status
	}
	assert.Equal(t, http.StatusOK, api("GET", "/api/teams", "", ""))
	assert.Equal(t, http.StatusForbidden, api("POST", "/api/teams", `{"name":"Other"}`, ""))
	assert.Equal(t, http.StatusForbidden, api("POST", "/api/teams", `{"name":"Other"}`, "forged"))
	assert.Equal(t, http.StatusCreated, api("POST", "/api/teams", `{"name":"Other"}`, csrf))
}

func TestSignOutAndRevocationEndTheSession(t *testing.T) {
	t.Parallel()
	e := start(t)
	tok := e.token(t, "ada@example.com", false)
	b := e.browser(t)
	csrf := b.signIn(tok)

	p := b.post("/sign-out", url.Values{}, "/")
	assert.Equal(t, http.StatusForbidden, p.status, "sign-out needs the CSRF token too")
	p = b.post("/sign-out", url.Values{websession.CSRFField: {csrf}}, "/")
	require.Equal(t, http.StatusSeeOther, p.status)
	assert.Equal(t, http.StatusSeeOther, b.get("/").status, "signed out")

	// A revoked token ends every session signed in with it.
	csrf = b.signIn(tok)
	require.NotEmpty(t, csrf)
	p2, err := e.Admin.Authenticate(context.Background(), tok)
	require.NoError(t, err)
	require.NoError(t, e.Admin.RevokeToken(context.Background(), p2, p2.TokenID))
	e.CaughtUp(t)
	require.Eventually(t, func() bool { return b.get("/").status == http.StatusSeeOther }, 10e9, 100e6,
		"the session ends once the token's revocation is seen")
}
