// Package websession carries a dashboard session over HTTP: the HttpOnly,
// SameSite=Lax cookie that holds the session id, and the CSRF token a
// state-changing request must send back (form field or header). The
// dashboard sets the cookie; the REST API accepts it in place of a bearer
// token, with the CSRF header on every request that changes something.
package websession
