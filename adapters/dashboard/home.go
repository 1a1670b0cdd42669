package dashboard

import (
	"context"
	"net/http"
	"strings"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/team"
)

type homeData struct {
	Teams Section[[]team.View]
}

// home lists the caller's teams (every team for a platform admin), with
// the form that creates one.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	sess := session(r)
	data := homeData{Teams: load(r.Context(), func(ctx context.Context) ([]team.View, error) {
		return s.cfg.Admin.ListTeams(ctx, sess.Principal)
	})}
	s.render(w, r, http.StatusOK, "home", view{Title: "Teams", Session: sess, Data: data})
}

func (s *Server) createTeam(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	in := commands.CreateTeamInput{Name: strings.TrimSpace(r.PostFormValue("name")), Slug: strings.TrimSpace(r.PostFormValue("slug"))}
	t, err := s.cfg.Admin.CreateTeam(r.Context(), sess.Principal, in)
	if err != nil {
		return "", "", err
	}
	return "/teams/" + t.ID.String(), "Team " + t.Name + " created.", nil
}
