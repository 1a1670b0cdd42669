package dashboard

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

func (s *Server) envRoutes(r *mux.Router) {
	r.HandleFunc("/projects/{projectId}/env", s.signedIn(s.envPage)).Methods(http.MethodGet)
	r.HandleFunc("/projects/{projectId}/env", s.act(s.setEnv)).Methods(http.MethodPost)
	r.HandleFunc("/projects/{projectId}/env/remove", s.act(s.removeEnv)).Methods(http.MethodPost)
}

type envData struct {
	projectHead
	Env Section[[]project.EnvView]
	// Stale are the deployments whose running servers got an older
	// version of a variable than the current one.
	Stale       []staleDeployment
	deployments map[uuid.UUID]deployment.View
	// ExposureKey is the variable whose exposure is asked for (?key=).
	ExposureKey string
	Exposure    Section[project.EnvExposure]
}

type staleDeployment struct {
	ID    uuid.UUID
	Label string
	Vars  []project.StaleServer
}

// DeploymentLabel is deployment id's slug, or its short ID when the
// deployments could not be listed (or it was deleted).
func (d envData) DeploymentLabel(id uuid.UUID) string {
	if v, ok := d.deployments[id]; ok {
		return v.Slug
	}
	return idTail(id)
}

// envPage lists a project's env vars (secret values never), the
// deployments that run an older version of one, and on request (?key=)
// which servers received each version of a variable.
func (s *Server) envPage(w http.ResponseWriter, r *http.Request) {
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
	data := envData{projectHead: head}
	data.Env = load(r.Context(), func(ctx context.Context) ([]project.EnvView, error) {
		return s.cfg.Admin.ListEnv(ctx, sess.Principal, id)
	})
	if ds, err := s.cfg.Admin.ListDeployments(r.Context(), sess.Principal, id); err == nil {
		data.deployments = make(map[uuid.UUID]deployment.View, len(ds))
		for _, d := range ds {
			data.deployments[d.ID] = d
		}
	}
	data.Stale = staleOf(data)
	if key := strings.TrimSpace(r.URL.Query().Get("key")); key != "" {
		data.ExposureKey = key
		data.Exposure = load(r.Context(), func(ctx context.Context) (project.EnvExposure, error) {
			x, err := s.cfg.Admin.EnvExposure(ctx, sess.Principal, id, key)
			if domain.KindOf(err) == domain.KindNotFound {
				// The project was just loaded: it is the key that was never set.
				return project.EnvExposure{ProjectID: id, Key: key}, nil
			}
			return x, err
		})
	}
	crumbs := head.crumbs()
	s.render(w, r, http.StatusOK, "env", view{Title: "Env vars · " + head.Project.Name, Session: sess, Crumbs: crumbs, Data: data})
}

// staleOf groups the env list's stale servers by deployment.
func staleOf(d envData) []staleDeployment {
	byDep := map[uuid.UUID]*staleDeployment{}
	for _, v := range d.Env.Data {
		for _, st := range v.StaleDeployments {
			sd, ok := byDep[st.DeploymentID]
			if !ok {
				sd = &staleDeployment{ID: st.DeploymentID, Label: d.DeploymentLabel(st.DeploymentID)}
				byDep[st.DeploymentID] = sd
			}
			sd.Vars = append(sd.Vars, st)
		}
	}
	out := make([]staleDeployment, 0, len(byDep))
	for _, sd := range byDep {
		out = append(out, *sd)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// envForm reads the key, value and secret flag of a set form. The value
// is taken as typed (spaces are part of it); the key is trimmed.
func envForm(r *http.Request) (string, commands.EnvInput) {
	return strings.TrimSpace(r.PostFormValue("key")),
		commands.EnvInput{Value: r.PostFormValue("value"), Secret: r.PostFormValue("secret") != ""}
}

func (s *Server) setEnv(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	id, err := idIn(r, "projectId", "project")
	if err != nil {
		return "", "", err
	}
	key, in := envForm(r)
	if key == "" {
		return "", "", domain.Errorf(domain.KindInvalid, "give the env var a name")
	}
	v, err := s.cfg.Admin.SetEnvVar(r.Context(), sess.Principal, id, key, in)
	if err != nil {
		return "", "", err
	}
	what := "Env var "
	if v.Secret {
		what = "Secret "
	}
	return "/projects/" + id.String() + "/env", what + v.Key + " saved. Running deployments get it when restarted or deployed again.", nil
}

func (s *Server) removeEnv(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	id, err := idIn(r, "projectId", "project")
	if err != nil {
		return "", "", err
	}
	key := strings.TrimSpace(r.PostFormValue("key"))
	if err := s.cfg.Admin.RemoveEnvVar(r.Context(), sess.Principal, id, key); err != nil {
		return "", "", err
	}
	return "/projects/" + id.String() + "/env", "Env var " + key + " removed.", nil
}
