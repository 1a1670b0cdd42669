package dashboard

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/mastra-admin/mastra-admin/adapters/websession"
	"github.com/mastra-admin/mastra-admin/domain"
)

// ssoRoutes are the sign-ins through identity providers, each present
// only when its provider is configured.
func (s *Server) ssoRoutes(r *mux.Router) {
	if s.oidc != nil {
		r.HandleFunc("/sign-in/oidc", s.oidcStart).Methods(http.MethodGet)
		r.HandleFunc("/sign-in/oidc/callback", s.oidcCallback).Methods(http.MethodGet)
	}
	if s.cfg.SignIn.SupabaseURL != "" {
		r.HandleFunc("/sign-in/supabase", s.supabaseStart).Methods(http.MethodGet)
		r.HandleFunc("/sign-in/supabase/callback", s.supabaseCallback).Methods(http.MethodGet)
		r.HandleFunc("/sign-in/supabase", s.supabaseSignIn).Methods(http.MethodPost)
	}
}

// signInFlowTTL bounds a sign-in through a provider, from the click on
// this site to the browser's return.
const signInFlowTTL = 10 * time.Minute

const msgCrossSite = "This sign-in was not sent from this site, so it was refused. Open the sign-in page and try again."

// baseURL is the dashboard's address as the browser reaches it: the
// configured public URL, else the request's host (https when served over
// TLS or with Secure cookies). Redirect URLs are built on it.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.SignIn.PublicURL != "" {
		return s.cfg.SignIn.PublicURL
	}
	scheme := "http"
	if r.TLS != nil || s.cfg.Secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// sameOrigin reports whether a sign-in post comes from a page of this
// site, by its Origin header (or, without one, its Referer): its host must
// be the request's own host (the scheme is not compared: behind a
// TLS-terminating proxy the request itself looks like http), or its
// origin the public URL (behind a proxy that rewrites Host). A request
// with neither header, or with the opaque origin "null", is refused.
func (s *Server) sameOrigin(r *http.Request) bool {
	src := r.Header.Get("Origin")
	if src == "" {
		src = r.Referer()
	}
	u, err := url.Parse(src)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	pub, err := url.Parse(s.cfg.SignIn.PublicURL)
	return s.cfg.SignIn.PublicURL != "" && err == nil && strings.EqualFold(u.Scheme, pub.Scheme) && strings.EqualFold(u.Host, pub.Host)
}

// flowCookieName names a sign-in flow's cookie. Over HTTPS it has the
// __Host- prefix, so that no other host (a deployed server on a sibling
// subdomain) can plant one.
func (s *Server) flowCookieName(name string) string {
	if s.cfg.Secure {
		return "__Host-" + name
	}
	return name
}

// setFlowCookie keeps a sealed sign-in flow in the browser until it
// returns from the provider (a top-level GET from the provider's site,
// which a SameSite=Lax cookie accompanies).
func (s *Server) setFlowCookie(w http.ResponseWriter, name, value string) {
	http.SetCookie(w, &http.Cookie{Name: s.flowCookieName(name), Value: value, Path: "/", MaxAge: int(signInFlowTTL / time.Second),
		HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
}

// takeFlowCookie returns the flow cookie's value ("" for none) and
// clears it: a flow is finished once, whatever the outcome.
func (s *Server) takeFlowCookie(w http.ResponseWriter, r *http.Request, name string) string {
	c, err := r.Cookie(s.flowCookieName(name))
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: s.flowCookieName(name), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
	return c.Value
}

// signInFailed sends the browser back to the sign-in page with msg.
func (s *Server) signInFailed(w http.ResponseWriter, r *http.Request, next, msg string) {
	setFlash(w, flash{Kind: "error", Msg: msg})
	http.Redirect(w, r, "/sign-in?next="+url.QueryEscape(localPath(next)), http.StatusSeeOther)
}

// startSession signs in with credential and sends the browser on to
// next, or back to the sign-in page with the reason.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, credential, next string) {
	sess, err := s.cfg.Sessions.SignIn(r.Context(), credential)
	if err != nil {
		if domain.KindOf(err) == "" {
			s.log.WithError(err).WithField("path", r.URL.Path).Error("dashboard sign-in failed")
		}
		s.signInFailed(w, r, next, message(err))
		return
	}
	websession.Set(w, sess.ID, sess.ExpiresAt, s.cfg.Secure)
	http.Redirect(w, r, localPath(next), http.StatusSeeOther)
}

// providerText is text a provider sent back (an error description), made
// safe to show: one line, at most 200 characters.
func providerText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
