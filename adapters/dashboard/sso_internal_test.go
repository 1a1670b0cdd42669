package dashboard

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBaseURLAndSameOrigin(t *testing.T) {
	t.Parallel()
	req := func(origin, referer string) *http.Request {
		r := httptest.NewRequest("POST", "http://admin.internal:3001/sign-in", nil)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		if referer != "" {
			r.Header.Set("Referer", referer)
		}
		return r
	}

	plain := &Server{}
	assert.Equal(t, "http://admin.internal:3001", plain.baseURL(req("", "")), "the request's host")
	tlsReq := req("", "")
	tlsReq.TLS = &tls.ConnectionState{}
	assert.Equal(t, "https://admin.internal:3001", plain.baseURL(tlsReq))
	secure := &Server{cfg: Config{Secure: true}}
	assert.Equal(t, "https://admin.internal:3001", secure.baseURL(req("", "")), "Secure cookies mean https behind a proxy")
	public := &Server{cfg: Config{SignIn: SignInConfig{PublicURL: "https://admin.example.com"}}}
	assert.Equal(t, "https://admin.example.com", public.baseURL(req("", "")), "the public URL wins over the Host header")

	for name, c := range map[string]struct {
		s               *Server
		origin, referer string
		want            bool
	}{
		"same host":                 {plain, "http://admin.internal:3001", "", true},
		"same host, https at proxy": {plain, "https://admin.internal:3001", "", true},
		"referer without origin":    {plain, "", "http://admin.internal:3001/sign-in?next=/", true},
		"other host":                {plain, "https://evil.example", "", false},
		"other port":                {plain, "http://admin.internal:4000", "", false},
		"origin wins over referer":  {plain, "https://evil.example", "http://admin.internal:3001/sign-in", false},
		"neither":                   {plain, "", "", false},
		"opaque origin":             {plain, "null", "", false},
		"public url":                {public, "https://admin.example.com", "", true},
		"public url, other scheme":  {public, "http://admin.example.com", "", false},
		"public url, request host":  {public, "http://admin.internal:3001", "", true},
		"public url, another host":  {public, "https://evil.example", "", false},
	} {
		assert.Equal(t, c.want, c.s.sameOrigin(req(c.origin, c.referer)), name)
	}

	assert.Equal(t, "mastra_admin_oidc", plain.flowCookieName(oidcCookie))
	assert.Equal(t, "__Host-mastra_admin_oidc", secure.flowCookieName(oidcCookie), "no sibling host can plant it over https")
}

func TestSupabaseAuthorizeURL(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "https://ref.supabase.co/auth/v1/authorize?provider=github&redirect_to=https%3A%2F%2Fadmin.example.com%2Fsign-in%2Fsupabase%2Fcallback",
		supabaseAuthorizeURL("https://ref.supabase.co/", "github", "https://admin.example.com/sign-in/supabase/callback"))
	c := SignInConfig{}
	c.setDefaults()
	assert.Equal(t, "github", c.SupabaseProvider, "the default provider")
}

func TestSignInConfigValidate(t *testing.T) {
	t.Parallel()
	assert.NoError(t, SignInConfig{PublicURL: "https://admin.example.com/"}.Validate())
	assert.ErrorContains(t, SignInConfig{PublicURL: "admin.example.com"}.Validate(), "want scheme://host[:port]")
	assert.ErrorContains(t, SignInConfig{PublicURL: "https://admin.example.com/dash"}.Validate(), "want scheme://host[:port]")
	assert.ErrorContains(t, SignInConfig{OIDC: OIDCConfig{IssuerURL: "https://idp"}}.Validate(), "OIDC client ID is empty")
}
