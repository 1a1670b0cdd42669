package dashboard

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/team"
)

// projectRoutes registers the projects, env vars and deployments pages
// and their form actions.
func (s *Server) projectRoutes(r *mux.Router) {
	get, post := http.MethodGet, http.MethodPost
	r.HandleFunc("/teams/{teamId}/projects/new", s.signedIn(s.newProjectPage)).Methods(get)
	r.HandleFunc("/teams/{teamId}/projects", s.act(s.createProject)).Methods(post)
	r.HandleFunc("/projects/{projectId}", s.signedIn(s.projectPage)).Methods(get)
	r.HandleFunc("/projects/{projectId}/settings", s.act(s.updateProject)).Methods(post)
	r.HandleFunc("/projects/{projectId}/delete", s.act(s.deleteProject)).Methods(post)
	r.HandleFunc("/projects/{projectId}/deployments", s.act(s.createDeployment)).Methods(post)
	s.envRoutes(r)
	s.deploymentRoutes(r)
}

// idIn returns path variable name of r as an ID; anything else names
// nothing, so it is not found.
func idIn(r *http.Request, name, what string) (uuid.UUID, error) {
	v := mux.Vars(r)[name]
	id, err := uuid.Parse(v)
	if err != nil {
		return uuid.Nil, domain.Errorf(domain.KindNotFound, "%s %q not found", what, v)
	}
	return id, nil
}

// teamAnd reads the team's ID and another ID (name, what: as idIn) from
// the path of a team's page.
func teamAnd(r *http.Request, name, what string) (teamID, id uuid.UUID, err error) {
	if teamID, err = idIn(r, "teamId", "team"); err != nil {
		return uuid.Nil, uuid.Nil, err
	}
	if id, err = idIn(r, name, what); err != nil {
		return uuid.Nil, uuid.Nil, err
	}
	return teamID, id, nil
}

// projectHead is what every page of a project shows above its tabs.
type projectHead struct {
	Project project.View
	Team    team.View
	Source  sourceShown
}

// Role is the caller's role in the project's team.
func (h projectHead) Role() domain.Role { return h.Team.Role }

func (h projectHead) crumbs() []crumb {
	return []crumb{{"Teams", "/"}, {h.Team.Name, "/teams/" + h.Team.ID.String()}, {h.Project.Name, "/projects/" + h.Project.ID.String()}}
}

// loadProjectHead loads the project named by the request's path and its
// team (the caller's role): the data without which no page of the
// project renders.
func (s *Server) loadProjectHead(ctx context.Context, p commands.Principal, id uuid.UUID) (projectHead, error) {
	pr, err := s.cfg.Admin.GetProject(ctx, p, id)
	if err != nil {
		return projectHead{}, err
	}
	t, err := s.cfg.Admin.GetTeam(ctx, p, pr.TeamID)
	if err != nil {
		return projectHead{}, err
	}
	return projectHead{Project: pr, Team: t, Source: showSource(pr.SourceType, pr.SourceConfig)}, nil
}

type newProjectData struct {
	Team    team.View
	Sources Section[[]sourceOption]
	AnyOK   bool
}

// newProjectPage is the source picker: the sources the provider finds,
// each with its type and whether a project can be made from it.
func (s *Server) newProjectPage(w http.ResponseWriter, r *http.Request) {
	sess := session(r)
	teamID, err := idIn(r, "teamId", "team")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := s.cfg.Admin.GetTeam(r.Context(), sess.Principal, teamID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := newProjectData{Team: t}
	if domain.Can(actingRole(sess, t.Role), domain.ActionProjectWrite) {
		data.Sources = load(r.Context(), func(ctx context.Context) ([]sourceOption, error) {
			found, err := s.cfg.Admin.ListSources(ctx, sess.Principal, teamID)
			return sourceOptions(found), err
		})
		for _, o := range data.Sources.Data {
			data.AnyOK = data.AnyOK || o.Valid
		}
	}
	s.render(w, r, http.StatusOK, "project_new", view{Title: "New project", Session: sess,
		Crumbs: []crumb{{"Teams", "/"}, {t.Name, "/teams/" + t.ID.String()}}, Data: data})
}

// createProject creates a project from the source picked, which must be
// one the provider lists now and valid.
func (s *Server) createProject(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	teamID, err := idIn(r, "teamId", "team")
	if err != nil {
		return "", "", err
	}
	found, err := s.cfg.Admin.ListSources(r.Context(), sess.Principal, teamID)
	if err != nil {
		return "", "", err
	}
	typ, cfg, err := pickSource(r.PostFormValue("source"), found)
	if err != nil {
		return "", "", err
	}
	in := commands.ProjectInput{Name: strings.TrimSpace(r.PostFormValue("name")), Slug: strings.TrimSpace(r.PostFormValue("slug")),
		SourceType: typ, SourceConfig: cfg, DefaultBranch: strings.TrimSpace(r.PostFormValue("defaultBranch"))}
	p, err := s.cfg.Admin.CreateProject(r.Context(), sess.Principal, teamID, in)
	if err != nil {
		return "", "", err
	}
	return "/projects/" + p.ID.String(), "Project " + p.Name + " created. Create a deployment to run it.", nil
}

type projectData struct {
	projectHead
	Deployments Section[[]deployment.View]
	Routes      Section[map[uuid.UUID]deployment.RouteView]
	Types       []deployment.Type
}

// healthShown is a deployment's or server's health as a badge: the text
// says it, the class only colours it.
type healthShown struct{ Text, Class, Reason string }

// HealthOf is deployment id's route health, as the edge router sees it.
func (d projectData) HealthOf(id uuid.UUID) healthShown {
	if !d.Routes.OK() {
		return healthShown{Text: "unknown", Reason: d.Routes.Err}
	}
	rt, ok := d.Routes.Data[id]
	switch {
	case !ok:
		return healthShown{Text: "no route yet"}
	case rt.Status != "active":
		return healthShown{Text: rt.Status, Class: "warn"}
	case !rt.Healthy:
		return healthShown{Text: "unhealthy", Class: "error", Reason: rt.HealthReason}
	}
	return healthShown{Text: "healthy", Class: "ok"}
}

// projectPage shows a project: its source, deployments and settings.
func (s *Server) projectPage(w http.ResponseWriter, r *http.Request) {
	sess := session(r)
	id, err := idIn(r, "projectId", "project")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	head, err := s.loadProjectHead(r.Context(), sess.Principal, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := projectData{projectHead: head, Types: []deployment.Type{deployment.Production, deployment.Staging, deployment.Preview}}
	data.Deployments = load(r.Context(), func(ctx context.Context) ([]deployment.View, error) {
		return s.cfg.Admin.ListDeployments(ctx, sess.Principal, id)
	})
	data.Routes = load(r.Context(), func(ctx context.Context) (map[uuid.UUID]deployment.RouteView, error) {
		routes, err := s.cfg.Admin.ListRoutes(ctx, sess.Principal, id)
		m := make(map[uuid.UUID]deployment.RouteView, len(routes))
		for _, rt := range routes {
			m[rt.DeploymentID] = rt
		}
		return m, err
	})
	s.render(w, r, http.StatusOK, "project", view{Title: head.Project.Name, Session: sess, Crumbs: head.crumbs()[:2], Data: data})
}

func (s *Server) updateProject(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	id, err := idIn(r, "projectId", "project")
	if err != nil {
		return "", "", err
	}
	var in commands.UpdateProjectInput
	if name := strings.TrimSpace(r.PostFormValue("name")); name != "" {
		in.Name = &name
	}
	if branch := strings.TrimSpace(r.PostFormValue("defaultBranch")); branch != "" {
		in.DefaultBranch = &branch
	}
	if in.Name == nil && in.DefaultBranch == nil {
		return "", "", domain.Errorf(domain.KindInvalid, "give the project a name or a default branch to change")
	}
	p, err := s.cfg.Admin.UpdateProject(r.Context(), sess.Principal, id, in)
	if err != nil {
		return "", "", err
	}
	return "/projects/" + p.ID.String(), "Project settings saved.", nil
}

func (s *Server) deleteProject(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	id, err := idIn(r, "projectId", "project")
	if err != nil {
		return "", "", err
	}
	p, err := s.cfg.Admin.GetProject(r.Context(), sess.Principal, id)
	if err != nil {
		return "", "", err
	}
	if err := s.cfg.Admin.DeleteProject(r.Context(), sess.Principal, id); err != nil {
		return "", "", err
	}
	return "/teams/" + p.TeamID.String(), "Project " + p.Name + " deleted.", nil
}

// createDeployment creates a deployment of the project: its type, and
// for a preview its branch and how long it lives.
func (s *Server) createDeployment(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	id, err := idIn(r, "projectId", "project")
	if err != nil {
		return "", "", err
	}
	in := commands.DeploymentInput{Type: deployment.Type(r.PostFormValue("type")),
		Branch: strings.TrimSpace(r.PostFormValue("branch")), Slug: strings.TrimSpace(r.PostFormValue("slug"))}
	if days := strings.TrimSpace(r.PostFormValue("expiresInDays")); days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > 365 {
			return "", "", domain.Errorf(domain.KindInvalid, "expires after: give a number of days from 1 to 365, or leave it empty")
		}
		at := time.Now().Add(time.Duration(n) * 24 * time.Hour)
		in.ExpiresAt = &at
	}
	d, err := s.cfg.Admin.CreateDeployment(r.Context(), sess.Principal, id, in)
	if err != nil {
		return "", "", err
	}
	return "/deployments/" + d.ID.String(), "Deployment " + d.Slug + " created. Deploy it to build and run it.", nil
}
