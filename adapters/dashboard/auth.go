package dashboard

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/mastra-admin/mastra-admin/adapters/websession"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
)

type ctxKey int

const sessionKey ctxKey = iota

// session returns the signed-in session of a request that passed signedIn.
func session(r *http.Request) commands.Session {
	s, _ := r.Context().Value(sessionKey).(commands.Session)
	return s
}

// signedIn resolves the session cookie; without a live session a page
// request is sent to the sign-in page (and back here afterwards), and a
// form post is refused. A state-changing request must carry the
// session's CSRF token in its form.
func (s *Server) signedIn(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.cfg.Sessions.Resolve(r.Context(), websession.ID(r))
		if err != nil {
			if domain.KindOf(err) != domain.KindUnauthenticated {
				s.fail(w, r, err)
				return
			}
			websession.Clear(w, s.cfg.Secure)
			if websession.Safe(r.Method) {
				http.Redirect(w, r, "/sign-in?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, "your session has ended: sign in again", http.StatusUnauthorized)
			return
		}
		if !websession.Safe(r.Method) && !sess.CSRFMatches(r.PostFormValue(websession.CSRFField)) {
			http.Error(w, "missing or wrong CSRF token: reload the page and try again", http.StatusForbidden)
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), sessionKey, sess)))
	}
}

// localPath returns next if it is a path on this site, else "/" (so a
// sign-in link cannot send the user elsewhere).
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

// fail shows err as an error page (for a page whose main data cannot be
// loaded at all: not found, not allowed).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	switch domain.KindOf(err) {
	case domain.KindNotFound:
		status = http.StatusNotFound
	case domain.KindPermissionDenied, domain.KindLicenseRequired:
		status = http.StatusForbidden
	case domain.KindInvalid:
		status = http.StatusBadRequest
	case domain.KindUnauthenticated:
		status = http.StatusUnauthorized
	case domain.KindUnavailable:
		status = http.StatusServiceUnavailable
	case domain.KindConflict:
		status = http.StatusConflict
	}
	if status == http.StatusInternalServerError {
		s.log.WithError(err).WithField("path", r.URL.Path).Error("dashboard page failed")
	}
	s.render(w, r, status, "error", view{Title: http.StatusText(status), Session: session(r), Data: message(err)})
}

// act runs a form action: on success it redirects to the page it returns
// with an ok flash; on failure back to the page the form was on (the
// Referer when it is this site's) with the error as a flash. Nothing the
// user typed is lost silently: the message says what to fix.
func (s *Server) act(f func(w http.ResponseWriter, r *http.Request, sess commands.Session) (to, msg string, err error)) http.HandlerFunc {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request) {
		to, msg, err := f(w, r, session(r))
		if err != nil {
			if domain.KindOf(err) == "" {
				s.log.WithError(err).WithField("path", r.URL.Path).Error("dashboard action failed")
			}
			setFlash(w, flash{Kind: "error", Msg: message(err), Form: keepForm(r.PostForm)})
			http.Redirect(w, r, back(r), http.StatusSeeOther)
			return
		}
		if msg != "" {
			setFlash(w, flash{Kind: "ok", Msg: msg})
		}
		http.Redirect(w, r, localPath(to), http.StatusSeeOther)
	})
}

// back is the page a form was posted from, when it is on this site.
func back(r *http.Request) string {
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host {
		return "/"
	}
	return localPath(ref.RequestURI())
}
