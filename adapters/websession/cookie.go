package websession

import (
	"net/http"
	"time"
)

const (
	// CookieName is the session cookie.
	CookieName = "mastra_admin_session"
	// CSRFHeader carries the CSRF token on API requests made by the
	// dashboard's scripts.
	CSRFHeader = "X-CSRF-Token"
	// CSRFField carries the CSRF token in the dashboard's forms.
	CSRFField = "csrf"
)

// ID returns the session id the request carries, "" for none.
func ID(r *http.Request) string {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return ""
	}
	return c.Value
}

// Set gives the browser the session cookie. secure marks it for HTTPS
// only (set when the dashboard is served over TLS).
func Set(w http.ResponseWriter, id string, expires time.Time, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: id, Path: "/", Expires: expires,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// Clear removes the session cookie.
func Clear(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// Safe reports whether a method changes nothing (no CSRF token needed).
func Safe(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}
