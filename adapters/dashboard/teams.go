package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/team"
)

// uuidPattern is a route variable's pattern for an ID.
const uuidPattern = "[0-9a-fA-F-]{36}"

// teamRoutes registers the team and people pages: a team's home, its
// members and invites, its audit log, the invite-accept page, the
// license and the platform overview.
func (s *Server) teamRoutes(r *mux.Router) {
	team := "/teams/{teamId:" + uuidPattern + "}"
	r.HandleFunc(team, s.signedIn(s.teamHome)).Methods(http.MethodGet)
	r.HandleFunc(team+"/rename", s.act(s.renameTeam)).Methods(http.MethodPost)
	r.HandleFunc(team+"/delete", s.act(s.deleteTeam)).Methods(http.MethodPost)
	s.memberRoutes(r, team)
	r.HandleFunc(team+"/audit", s.signedIn(s.auditPage)).Methods(http.MethodGet)
	r.HandleFunc("/license", s.signedIn(s.licensePage)).Methods(http.MethodGet)
	r.HandleFunc("/admin", s.signedIn(s.adminPage)).Methods(http.MethodGet)
}

// loadTeam returns the team of a team page's path, or shows the error
// page and returns false.
func (s *Server) loadTeam(w http.ResponseWriter, r *http.Request) (team.View, bool) {
	id, err := idIn(r, "teamId", "team")
	if err == nil {
		var t team.View
		if t, err = s.cfg.Admin.GetTeam(r.Context(), session(r).Principal, id); err == nil {
			return t, true
		}
	}
	s.fail(w, r, err)
	return team.View{}, false
}

// teamCrumbs are the breadcrumbs of a team's sub-page.
func teamCrumbs(t team.View) []crumb {
	return []crumb{{Label: "Teams", Href: "/"}, {Label: t.Name, Href: "/teams/" + t.ID.String()}}
}

type teamHomeData struct {
	Team     team.View
	Projects Section[[]commands.ProjectOverview]
}

// teamHome shows a team's projects, each with its deployments (status,
// health, URL, current build), and the team's settings.
func (s *Server) teamHome(w http.ResponseWriter, r *http.Request) {
	t, ok := s.loadTeam(w, r)
	if !ok {
		return
	}
	sess := session(r)
	data := teamHomeData{Team: t, Projects: load(r.Context(), func(ctx context.Context) ([]commands.ProjectOverview, error) {
		ov, err := s.cfg.Admin.TeamOverview(ctx, sess.Principal, t.ID)
		return ov.Projects, err
	})}
	s.render(w, r, http.StatusOK, "team", view{Title: t.Name, Session: sess, Crumbs: []crumb{{Label: "Teams", Href: "/"}}, Data: data})
}

func (s *Server) renameTeam(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	id, err := idIn(r, "teamId", "team")
	if err != nil {
		return "", "", err
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	if name == "" {
		return "", "", domain.Errorf(domain.KindInvalid, "a team needs a name: type one to rename the team")
	}
	t, err := s.cfg.Admin.UpdateTeam(r.Context(), sess.Principal, id, commands.UpdateTeamInput{Name: &name})
	if err != nil {
		return "", "", err
	}
	return "/teams/" + t.ID.String(), "Team renamed to " + t.Name + ".", nil
}

func (s *Server) deleteTeam(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	id, err := idIn(r, "teamId", "team")
	if err != nil {
		return "", "", err
	}
	t, err := s.cfg.Admin.GetTeam(r.Context(), sess.Principal, id)
	if err != nil {
		return "", "", err
	}
	if err := s.cfg.Admin.DeleteTeam(r.Context(), sess.Principal, id); err != nil {
		return "", "", err
	}
	return "/", "Team " + t.Name + " deleted, with its projects.", nil
}

func init() {
	funcs["healthClass"] = healthClass
	funcs["roleLabel"] = roleLabel
}

// healthClass is the badge class of a deployment's health or status (the
// word itself is always shown too: color is not the only signal).
func healthClass(v any) string {
	switch fmt.Sprint(v) {
	case deployment.HealthHealthy, string(deployment.StatusRunning):
		return "ok"
	case deployment.HealthUnhealthy, string(deployment.StatusFailed):
		return "error"
	case deployment.HealthStarting, deployment.HealthPending, string(deployment.StatusBuilding):
		return "warn"
	}
	return ""
}

// roleLabel names the caller's standing in a team: their role, or
// "platform admin" for a platform admin who is not a member.
func roleLabel(sess commands.Session, role domain.Role) string {
	if role == "" && sess.Principal.PlatformAdmin {
		return "platform admin"
	}
	return string(role)
}
