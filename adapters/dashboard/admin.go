package dashboard

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
)

// adminTotals count what the platform overview shows.
type adminTotals struct {
	Teams, Projects, Deployments int
	ByHealth                     map[string]int
}

type adminData struct {
	Teams  []adminTeam
	Totals adminTotals
	// Attention lists the deployments that are unhealthy, first, with
	// their team and project, so that problems are not lost among
	// thousands of rows.
	Attention []attentionRow
}

// adminTeam is a team of the overview with its deployments' rows,
// rendered here rather than by the template: with thousands of rows, the
// template's reflective field access and escaper calls per cell cost
// several times the rest of the page (see BenchmarkOverviewPages). Every
// text in them is escaped with template.HTMLEscapeString.
type adminTeam struct {
	commands.TeamOverview
	Counts map[string]int // deployments by health
	Rows   template.HTML  // the <tr>s of its projects and deployments
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
	data := adminData{Teams: make([]adminTeam, len(teams)), Totals: adminTotals{Teams: len(teams), ByHealth: map[string]int{}}}
	var rows strings.Builder
	w1 := func(parts ...string) {
		for _, p := range parts {
			rows.WriteString(p)
		}
	}
	for i, t := range teams {
		at := adminTeam{TeamOverview: t, Counts: map[string]int{}}
		rows.Reset()
		n := 0
		for _, p := range t.Projects {
			n += 1 + len(p.Deployments)
		}
		rows.Grow(n * 200) // a row is about 170 bytes
		data.Totals.Projects += len(t.Projects)
		for _, p := range t.Projects {
			pid, name := p.ID.String(), template.HTMLEscapeString(p.Name)
			if len(p.Deployments) == 0 {
				w1(`<tr><td><a href="/projects/`, pid, `">`, name, `</a></td><td colspan="2" class="muted">no deployments</td></tr>`, "\n")
			}
			data.Totals.Deployments += len(p.Deployments)
			for j, d := range p.Deployments {
				h := d.Health()
				data.Totals.ByHealth[h]++
				at.Counts[h]++
				if h == deployment.HealthUnhealthy {
					data.Attention = append(data.Attention, attentionRow{Team: t.Name, Project: p.Name, Deployment: d})
				}
				w1(`<tr><td>`)
				if j == 0 {
					w1(`<a href="/projects/`, pid, `">`, name, `</a>`)
				}
				w1(`</td><td><a href="/deployments/`, d.ID.String(), `">`, template.HTMLEscapeString(d.Slug),
					`</a></td><td><span class="badge `, healthClass(h), `">`, h, "</span></td></tr>\n")
			}
		}
		at.Rows = template.HTML(rows.String()) //nolint:gosec // built above from escaped text
		data.Teams[i] = at
	}
	s.render(w, r, http.StatusOK, "admin", view{Title: "Platform overview", Session: sess, Data: data})
}
