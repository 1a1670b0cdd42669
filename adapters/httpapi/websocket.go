package httpapi

import (
	"net/http"

	"github.com/gorilla/websocket"

	"github.com/mastra-admin/mastra-admin/adapters/config"
	"github.com/mastra-admin/mastra-admin/domain"
)

// originAllowed reports whether r may open a WebSocket: a request without
// an Origin header (a CLI or another non-browser client) may; a browser's
// Origin must be one of the dashboard origins, its scheme and host
// compared case-insensitively and a default port ignored (both sides go
// through config.ParseOrigin).
func (s *Server) originAllowed(r *http.Request) bool {
	values := r.Header.Values("Origin")
	if len(values) == 0 {
		return true
	}
	if len(values) > 1 {
		return false
	}
	o, err := config.ParseOrigin(values[0])
	if err != nil {
		return false
	}
	return s.origins[o]
}

// refuseOrigin answers 403 permission_denied, in the API's error shape, to
// a browser Origin that is not a dashboard origin
// (MASTRA_ADMIN_DASHBOARD_ORIGIN); it reports whether it did.
func (s *Server) refuseOrigin(w http.ResponseWriter, r *http.Request) bool {
	if s.originAllowed(r) {
		return false
	}
	fail(w, r, domain.KindPermissionDenied, "WebSocket origin "+quoteHeader(r.Header.Get("Origin"))+
		" is not allowed: open it from the dashboard's origin (MASTRA_ADMIN_DASHBOARD_ORIGIN) or from a client that sends no Origin")
	return true
}

// webSocket wraps the handler of a WebSocket route: a foreign Origin is
// refused before the handler looks anything up, so it learns nothing.
func (s *Server) webSocket(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.refuseOrigin(w, r) {
			next(w, r)
		}
	}
}

// upgrade turns r into a WebSocket, for every WebSocket route; the origin
// is checked again here, so a handler cannot upgrade a foreign one. The
// subprotocols are those the route speaks besides its plain one, the first
// the client offers chosen. ok is false when upgrade has answered the
// client.
func (s *Server) upgrade(w http.ResponseWriter, r *http.Request, subprotocols ...string) (conn *websocket.Conn, ok bool) {
	if s.refuseOrigin(w, r) {
		return nil, false
	}
	u := websocket.Upgrader{CheckOrigin: s.originAllowed, Subprotocols: subprotocols}
	conn, err := u.Upgrade(w, r, nil)
	if err != nil {
		return nil, false // the upgrader answered the client
	}
	return conn, true
}
