package httpapi

import (
	"net/http"
	"strings"

	"github.com/mastra-admin/mastra-admin/commands"
)

// listEvents is the raw event feed for platform admins:
// ?after=POS&stream=S&type=T[,T2]&limit=N.
func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	after, err := intParam(q, "after")
	if err != nil {
		writeError(w, r, err)
		return
	}
	limit, err := intParam(q, "limit")
	if err != nil {
		writeError(w, r, err)
		return
	}
	f := commands.EventFilter{After: after, StreamID: q.Get("stream"), Limit: int(limit)}
	if t := q.Get("type"); t != "" {
		f.Types = strings.Split(t, ",")
	}
	events, err := s.cfg.Admin.Events(r.Context(), principal(r), f)
	if err != nil {
		writeError(w, r, err)
		return
	}
	next := after
	if len(events) > 0 {
		next = events[len(events)-1].Position
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": nonNil(events), "next": next})
}
