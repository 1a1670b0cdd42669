package dashboard

import (
	"net/http"
)

// attentionLimit is how many unhealthy deployments the overview lists.
const attentionLimit = 100

// adminPage is the platform admins' overview: totals, the unhealthy
// deployments that need attention, and every team with its projects and
// deployments counted by health (each team's home lists them one by
// one). It reads counts, not rows, so it stays small and fast with
// thousands of deployments. Others get 403 (and no link to it).
func (s *Server) adminPage(w http.ResponseWriter, r *http.Request) {
	sess := session(r)
	sum, err := s.cfg.Admin.PlatformSummary(r.Context(), sess.Principal, attentionLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin", view{Title: "Platform overview", Session: sess, Data: sum})
}
