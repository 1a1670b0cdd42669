package dashboard

import (
	"net/http"
	"net/url"
	"strings"
)

const (
	supabaseCookie  = "mastra_admin_supabase"
	supabasePurpose = "dashboard-supabase-sign-in"
)

// supabaseAuthorizeURL is Supabase's hosted sign-in with provider, which
// sends the browser back to redirectTo with the session in the URL
// fragment.
func supabaseAuthorizeURL(supabaseURL, provider, redirectTo string) string {
	q := url.Values{"provider": {provider}, "redirect_to": {redirectTo}}
	return strings.TrimRight(supabaseURL, "/") + "/auth/v1/authorize?" + q.Encode()
}

// supabaseStart sends the browser to Supabase's hosted sign-in, noting in
// a sealed, short-lived cookie that this browser started it (and where to
// go afterwards).
func (s *Server) supabaseStart(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	sealed, err := s.cfg.Sessions.Seal(r.Context(), supabasePurpose, []byte(next), signInFlowTTL)
	if err != nil {
		s.log.WithError(err).Error("dashboard: seal Supabase sign-in")
		s.signInFailed(w, r, next, "Signing in with Supabase could not be started (internal error); try again.")
		return
	}
	s.setFlowCookie(w, supabaseCookie, sealed)
	http.Redirect(w, r, supabaseAuthorizeURL(s.cfg.SignIn.SupabaseURL, s.cfg.SignIn.SupabaseProvider,
		s.baseURL(r)+"/sign-in/supabase/callback"), http.StatusSeeOther)
}

// supabaseCallback is where Supabase sends the browser back. The access
// token is in the URL fragment, which never reaches a server: the page's
// script (assets/supabase-callback.js) posts it to supabaseSignIn. An
// error Supabase puts in the query (or the script moves there from the
// fragment) goes back to the sign-in page.
func (s *Server) supabaseCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		s.takeFlowCookie(w, r, supabaseCookie)
		msg := "Supabase did not sign you in (" + providerText(e)
		if d := providerText(q.Get("error_description")); d != "" {
			msg += ": " + d
		}
		s.signInFailed(w, r, "/", msg+").")
		return
	}
	s.render(w, r, http.StatusOK, "supabase-callback", view{Title: "Signing in"})
}

// supabaseSignIn starts a session for the access token the callback page
// posts, as the token form does. The post must come from this site's
// page, in the browser that started the Supabase sign-in.
func (s *Server) supabaseSignIn(w http.ResponseWriter, r *http.Request) {
	if !s.sameOrigin(r) {
		s.signInFailed(w, r, "/", msgCrossSite)
		return
	}
	next, err := s.cfg.Sessions.Open(r.Context(), supabasePurpose, s.takeFlowCookie(w, r, supabaseCookie))
	if err != nil {
		s.signInFailed(w, r, "/", "This Supabase sign-in has expired or was started in another browser. Sign in again.")
		return
	}
	token := strings.TrimSpace(r.PostFormValue("access_token"))
	if token == "" {
		s.signInFailed(w, r, string(next), "No access token came back from Supabase. Sign in again.")
		return
	}
	s.startSession(w, r, token, string(next))
}
