package dashboard

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mastra-admin/mastra-admin/adapters/websession"
	"github.com/mastra-admin/mastra-admin/domain/license"
)

// SignInConfig lists the identity providers the sign-in page offers
// besides pasting an API token, and where they send people back to.
type SignInConfig struct {
	// PublicURL is the dashboard's address as browsers reach it,
	// scheme://host[:port] (MASTRA_ADMIN_PUBLIC_URL): the base of the
	// redirect URLs identity providers send people back to, and the only
	// origin sign-in forms are accepted from. Empty: the request's own
	// host, over https when the server has TLS or Config.Secure is set.
	PublicURL string
	// SupabaseURL is set when SUPABASE_URL is: the page accepts a
	// Supabase access token and offers Supabase's hosted sign-in.
	SupabaseURL string
	// SupabaseProvider is the provider Supabase's hosted sign-in signs in
	// with (MASTRA_ADMIN_SUPABASE_PROVIDER); default "github".
	SupabaseProvider string
	// OIDC is the SSO provider; a zero IssuerURL offers none.
	OIDC OIDCConfig
	// HTTPClient talks to the identity providers (discovery, token
	// exchange); default a client with a 10 s timeout.
	HTTPClient *http.Client
}

// OIDCConfig is an OIDC provider's client registration (OIDC_ISSUER_URL,
// OIDC_CLIENT_ID, OIDC_CLIENT_SECRET). Register
// <public URL>/sign-in/oidc/callback as its redirect URI.
type OIDCConfig struct {
	IssuerURL, ClientID, ClientSecret string
}

func (c *SignInConfig) setDefaults() {
	if c.SupabaseProvider == "" {
		c.SupabaseProvider = "github"
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
}

// Validate reports what is wrong.
func (c SignInConfig) Validate() error {
	var errs []error
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
			errs = append(errs, fmt.Errorf("dashboard: public URL %q: want scheme://host[:port]", c.PublicURL))
		}
	}
	if c.OIDC.IssuerURL != "" && c.OIDC.ClientID == "" {
		errs = append(errs, errors.New("dashboard: OIDC client ID is empty"))
	}
	return errors.Join(errs...)
}

type signInData struct {
	Next string
	// Supabase: Supabase's hosted sign-in is offered and its access
	// tokens may be pasted.
	Supabase bool
	// SSO: the OIDC provider is offered; SSOUnavailable says why a
	// configured one is not (the license).
	SSO            bool
	SSOUnavailable string
}

func (s *Server) signInData(next string) signInData {
	d := signInData{Next: next, Supabase: s.cfg.SignIn.SupabaseURL != ""}
	if s.oidc != nil {
		if err := s.cfg.Admin.SignInLicensed(license.FeatureOIDC); err != nil {
			d.SSOUnavailable = "Single sign-on is configured but cannot be used: " + message(err)
		} else {
			d.SSO = true
		}
	}
	return d
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if _, err := s.cfg.Sessions.Resolve(r.Context(), websession.ID(r)); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "signin", view{Title: "Sign in", Data: s.signInData(next)})
}

// signIn starts a session for a pasted API token (or an identity
// provider's access token). The form needs no CSRF token (there is no
// session yet), but it must come from this site: another site must not
// sign a visitor in as someone else.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.PostFormValue("next"))
	if !s.sameOrigin(r) {
		s.renderSignInError(w, r, http.StatusForbidden, next, msgCrossSite)
		return
	}
	cred := strings.TrimSpace(r.PostFormValue("token"))
	if cred == "" {
		s.renderSignInError(w, r, http.StatusUnauthorized, next, "Paste an API token (it starts with mat_) to sign in.")
		return
	}
	sess, err := s.cfg.Sessions.SignIn(r.Context(), cred)
	if err != nil {
		s.renderSignInError(w, r, http.StatusUnauthorized, next, message(err))
		return
	}
	websession.Set(w, sess.ID, sess.ExpiresAt, s.cfg.Secure)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) renderSignInError(w http.ResponseWriter, r *http.Request, status int, next, msg string) {
	s.render(w, r, status, "signin", view{Title: "Sign in", Flash: flash{Kind: "error", Msg: msg}, Data: s.signInData(next)})
}

// signOut ends the session (CSRF-checked by signedIn) and clears the cookie.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if err := s.cfg.Sessions.SignOut(r.Context(), websession.ID(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	websession.Clear(w, s.cfg.Secure)
	setFlash(w, flash{Kind: "ok", Msg: "You are signed out."})
	http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
}
