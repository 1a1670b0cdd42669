package oidctest

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Client is the one OAuth client the issuer knows.
type Client struct {
	ID, Secret string
	// RedirectURI, when set, is the only redirect_uri the authorization
	// endpoint accepts (as a provider's client registration does).
	RedirectURI string
}

// User is who the authorization endpoint signs in, without asking.
type User struct {
	Subject, Email string
	EmailVerified  bool
}

// Authorization is how the issuer's authorization code flow behaves.
type Authorization struct {
	Client Client
	User   User
	// Deny, when set, is the error the authorization endpoint sends back
	// (access_denied, …) instead of a code.
	Deny string
	// IDToken, when set, changes the claims of the ID tokens the token
	// endpoint issues (to test a client's checks).
	IDToken func(jwt.MapClaims)
}

// DefaultAuthorization is the flow's behaviour until Authorize changes
// it: client "mastra-admin" with secret "test-secret", any redirect_uri,
// and the user Sign's tokens name (u-42, lin@example.com, verified).
func DefaultAuthorization() Authorization {
	return Authorization{Client: Client{ID: "mastra-admin", Secret: "test-secret"},
		User: User{Subject: "u-42", Email: "lin@example.com", EmailVerified: true}}
}

// grant is an issued authorization code, good for one exchange.
type grant struct {
	clientID, redirectURI, challenge, nonce string
	user                                    User
	expires                                 time.Time
}

// authServer is the issuer's authorization and token endpoints.
type authServer struct {
	mu     sync.Mutex
	cfg    Authorization
	grants map[string]grant
	used   map[string]bool
}

// Authorize sets how the authorization code flow behaves from now on.
func (i *Issuer) Authorize(a Authorization) {
	i.auth.mu.Lock()
	defer i.auth.mu.Unlock()
	i.auth.cfg = a
}

func (i *Issuer) authorization() Authorization {
	i.auth.mu.Lock()
	defer i.auth.mu.Unlock()
	return i.auth.cfg
}

// authorize is the authorization endpoint: it checks the request as a
// provider does (client, redirect_uri, openid scope, PKCE S256) and sends
// the browser back with a code for the configured user, the state, and
// the issuer (RFC 9207). A request it cannot send back gets a 400 page.
func (i *Issuer) authorize(w http.ResponseWriter, r *http.Request) {
	cfg := i.authorization()
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case q.Get("client_id") != cfg.Client.ID:
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	case err != nil || !redirect.IsAbs() || (cfg.Client.RedirectURI != "" && q.Get("redirect_uri") != cfg.Client.RedirectURI):
		http.Error(w, "redirect_uri is not registered for this client", http.StatusBadRequest)
		return
	}
	back := func(v url.Values) {
		v.Set("state", q.Get("state"))
		v.Set("iss", i.URL)
		u := *redirect
		u.RawQuery = v.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
	}
	switch {
	case cfg.Deny != "":
		back(url.Values{"error": {cfg.Deny}, "error_description": {"The user said no."}})
		return
	case q.Get("response_type") != "code":
		back(url.Values{"error": {"unsupported_response_type"}})
		return
	case !strings.Contains(" "+q.Get("scope")+" ", " openid "):
		back(url.Values{"error": {"invalid_scope"}, "error_description": {"openid is required"}})
		return
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		back(url.Values{"error": {"invalid_request"}, "error_description": {"PKCE with S256 is required"}})
		return
	}
	code := random()
	i.auth.mu.Lock()
	i.auth.grants[code] = grant{clientID: cfg.Client.ID, redirectURI: q.Get("redirect_uri"), challenge: q.Get("code_challenge"),
		nonce: q.Get("nonce"), user: cfg.User, expires: time.Now().Add(time.Minute)}
	i.auth.mu.Unlock()
	back(url.Values{"code": {code}})
}

// token is the token endpoint: client_secret_basic or client_secret_post,
// a code used at most once (a replayed one is invalid_grant), the same
// redirect_uri, and the PKCE verifier of the code's challenge. It answers
// an access token and an ID token carrying the request's nonce.
func (i *Issuer) token(w http.ResponseWriter, r *http.Request) {
	cfg := i.authorization()
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "POST a form")
		return
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id) // RFC 6749 2.3.1: form-encoded, then Basic
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != cfg.Client.ID || subtle.ConstantTimeCompare([]byte(secret), []byte(cfg.Client.Secret)) != 1 {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	if r.PostForm.Get("grant_type") != "authorization_code" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "")
		return
	}
	code := r.PostForm.Get("code")
	i.auth.mu.Lock()
	g, ok := i.auth.grants[code]
	replay := i.auth.used[code]
	delete(i.auth.grants, code)
	i.auth.used[code] = true
	i.auth.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case replay:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the code was already used")
		return
	case !ok || time.Now().After(g.expires) || g.clientID != id:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown or expired code")
		return
	case r.PostForm.Get("redirect_uri") != g.redirectURI:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the authorization request's")
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed")
		return
	}
	idToken, err := i.signed(func(c jwt.MapClaims) {
		c["aud"], c["sub"], c["email"], c["email_verified"] = g.clientID, g.user.Subject, g.user.Email, g.user.EmailVerified
		c["iat"] = time.Now().Unix()
		if g.nonce != "" {
			c["nonce"] = g.nonce
		}
		if cfg.IDToken != nil {
			cfg.IDToken(c)
		}
	})
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	i.Exchanges.Add(1)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": random(), "token_type": "Bearer", "expires_in": 3600,
		"id_token": idToken, "scope": "openid email profile"})
}

// supabaseAuthorize stands in for Supabase's hosted sign-in
// (/auth/v1/authorize?provider=…&redirect_to=…): it signs the configured
// user in at once and sends the browser to redirect_to with the session
// in the URL fragment, as Supabase's implicit flow does; the access
// token is one the project's JWKS (served here) verifies.
func (i *Issuer) supabaseAuthorize(w http.ResponseWriter, r *http.Request) {
	cfg := i.authorization()
	to, err := url.Parse(r.URL.Query().Get("redirect_to"))
	if err != nil || !to.IsAbs() || r.URL.Query().Get("provider") == "" {
		http.Error(w, "provider and an absolute redirect_to are required", http.StatusBadRequest)
		return
	}
	frag := url.Values{}
	if cfg.Deny != "" {
		frag.Set("error", cfg.Deny)
		frag.Set("error_description", "The user said no.")
	} else {
		tok, err := i.signed(func(c jwt.MapClaims) {
			c["iss"], c["aud"], c["sub"], c["email"] = i.URL+"/auth/v1", "authenticated", cfg.User.Subject, cfg.User.Email
			delete(c, "email_verified") // Supabase's own claims: see adapters/auth
			c["user_metadata"] = map[string]any{"email_verified": cfg.User.EmailVerified}
			c["role"] = "authenticated"
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		frag = url.Values{"access_token": {tok}, "token_type": {"bearer"}, "expires_in": {"3600"}, "refresh_token": {random()}}
	}
	to.Fragment = ""
	http.Redirect(w, r, to.String()+"#"+frag.Encode(), http.StatusSeeOther)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

func random() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
