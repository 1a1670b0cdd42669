package dashboard

import (
	"net/http"
	"strings"

	"github.com/mastra-admin/mastra-admin/adapters/websession"
)

// SignInConfig lists the identity providers the sign-in page offers.
type SignInConfig struct {
	// SupabaseURL is set when SUPABASE_URL is: the page accepts a
	// Supabase access token.
	SupabaseURL string
}

type signInData struct {
	Next     string
	Supabase bool
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if _, err := s.cfg.Sessions.Resolve(r.Context(), websession.ID(r)); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "signin", view{Title: "Sign in", Data: signInData{Next: next,
		Supabase: s.cfg.SignIn.SupabaseURL != ""}})
}

// signIn starts a session for a pasted API token (or an identity
// provider's access token). The form needs no CSRF token: it signs in
// whoever's credential it carries, and the cookie is SameSite=Lax.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.PostFormValue("next"))
	cred := strings.TrimSpace(r.PostFormValue("token"))
	if cred == "" {
		s.renderSignInError(w, r, next, "Paste an API token (it starts with mat_) to sign in.")
		return
	}
	sess, err := s.cfg.Sessions.SignIn(r.Context(), cred)
	if err != nil {
		s.renderSignInError(w, r, next, message(err))
		return
	}
	websession.Set(w, sess.ID, sess.ExpiresAt, s.cfg.Secure)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) renderSignInError(w http.ResponseWriter, r *http.Request, next, msg string) {
	s.render(w, r, http.StatusUnauthorized, "signin", view{Title: "Sign in", Flash: flash{Kind: "error", Msg: msg},
		Data: signInData{Next: next, Supabase: s.cfg.SignIn.SupabaseURL != ""}})
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
