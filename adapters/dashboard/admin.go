package dashboard

import (
	"net/http"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
)

// adminTotals count what the platform overview shows.
type adminTotals struct {
	Teams, Projects, Deployments int
	ByHealth                     map[string]int
}

type adminData struct {
	Teams  []commands.TeamOverview
	Totals adminTotals
	// Attention lists the deployments that are unhealthy, first, with
	// their team and project, so that problems are not lost among
	// thousands of rows.
	Attention []attentionRow
}

type attentionRow struct {
	Team       string
	Project    string
	Deployment deployment.HealthView
}

// adminPage is the platform admins' overview: every team with its
// projects, their deployments and their health, read in three queries
// however many there are. Others get 403 (and no link to it).
func (s *Server) adminPage(w http.ResponseWriter, r *http.Request) {
	sess := session(r)
	teams, err := s.cfg.Admin.PlatformOverview(r.Context(), sess.Principal)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := adminData{Teams: teams, Totals: adminTotals{Teams: len(teams), ByHealth: map[string]int{}}}
	for _, t := range teams {
		data.Totals.Projects += len(t.Projects)
		for _, p := range t.Projects {
			data.Totals.Deployments += len(p.Deployments)
			for _, d := range p.Deployments {
				h := d.Health()
				data.Totals.ByHealth[h]++
				if h == deployment.HealthUnhealthy {
					data.Attention = append(data.Attention, attentionRow{Team: t.Name, Project: p.Name, Deployment: d})
				}
			}
		}
	}
	s.render(w, r, http.StatusOK, "admin", view{Title: "Platform overview", Session: sess, Data: data})
}
