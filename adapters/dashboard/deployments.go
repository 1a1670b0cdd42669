package dashboard

import (
	"context"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/server"
)

func (s *Server) deploymentRoutes(r *mux.Router) {
	post := http.MethodPost
	r.HandleFunc("/deployments/{deploymentId}", s.signedIn(s.deploymentPage)).Methods(http.MethodGet)
	r.HandleFunc("/deployments/{deploymentId}/deploy", s.act(s.deploy)).Methods(post)
	r.HandleFunc("/deployments/{deploymentId}/rollback", s.act(s.rollback)).Methods(post)
	r.HandleFunc("/deployments/{deploymentId}/stop", s.act(s.serving("stopped", s.cfg.Admin.StopDeployment))).Methods(post)
	r.HandleFunc("/deployments/{deploymentId}/start", s.act(s.serving("starting", s.cfg.Admin.StartDeployment))).Methods(post)
	r.HandleFunc("/deployments/{deploymentId}/restart", s.act(s.serving("restarting", s.cfg.Admin.RestartDeployment))).Methods(post)
	r.HandleFunc("/deployments/{deploymentId}/delete", s.act(s.deleteDeployment)).Methods(post)
	r.HandleFunc("/deployments/{deploymentId}/env", s.act(s.setDeploymentEnv)).Methods(post)
	r.HandleFunc("/deployments/{deploymentId}/env/remove", s.act(s.removeDeploymentEnv)).Methods(post)
}

type deploymentData struct {
	projectHead
	Deployment deployment.View
	// Server is the deployment's server; nil Data: none ever ran.
	Server Section[*server.View]
	Builds Section[[]build.View]
	// RollbackTo are the succeeded builds other than the current one.
	RollbackTo []build.View
	Env        Section[[]deployment.EnvView]
}

// deploymentPage shows a deployment: its status, URL, server and builds,
// the actions the caller's role allows, and its env overrides.
func (s *Server) deploymentPage(w http.ResponseWriter, r *http.Request) {
	sess := session(r)
	id, err := idIn(r, "deploymentId", "deployment")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.cfg.Admin.GetDeployment(r.Context(), sess.Principal, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	head, err := s.loadProjectHead(r.Context(), sess.Principal, d.ProjectID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := deploymentData{projectHead: head, Deployment: d}
	data.Server = load(r.Context(), func(ctx context.Context) (*server.View, error) {
		v, err := s.cfg.Admin.GetServer(ctx, sess.Principal, id)
		if domain.KindOf(err) == domain.KindNotFound {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return &v, nil
	})
	data.Builds = load(r.Context(), func(ctx context.Context) ([]build.View, error) {
		return s.cfg.Admin.ListBuilds(ctx, sess.Principal, id)
	})
	for _, b := range data.Builds.Data {
		if b.Status == build.StatusSucceeded && (d.CurrentBuildID == nil || *d.CurrentBuildID != b.ID) {
			data.RollbackTo = append(data.RollbackTo, b)
		}
	}
	data.Env = load(r.Context(), func(ctx context.Context) ([]deployment.EnvView, error) {
		return s.cfg.Admin.DeploymentEnv(ctx, sess.Principal, id)
	})
	s.render(w, r, http.StatusOK, "deployment", view{Title: "Deployment " + d.Slug, Session: sess, Crumbs: head.crumbs(), Data: data})
}

func (s *Server) deploy(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	id, err := idIn(r, "deploymentId", "deployment")
	if err != nil {
		return "", "", err
	}
	b, err := s.cfg.Admin.Deploy(r.Context(), sess.Principal, id)
	if err != nil {
		return "", "", err
	}
	return "/builds/" + b.ID.String(), "Build queued: its log follows here live.", nil
}

func (s *Server) rollback(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	id, err := idIn(r, "deploymentId", "deployment")
	if err != nil {
		return "", "", err
	}
	to, err := uuid.Parse(r.PostFormValue("buildId"))
	if err != nil {
		return "", "", domain.Errorf(domain.KindInvalid, "choose the earlier build to roll back to")
	}
	b, err := s.cfg.Admin.Rollback(r.Context(), sess.Principal, id, commands.RollbackInput{BuildID: to})
	if err != nil {
		return "", "", err
	}
	return "/builds/" + b.ID.String(), "Rolling back to build " + idTail(to) + ".", nil
}

// serving is a stop, start or restart form action.
func (s *Server) serving(done string, do func(context.Context, commands.Principal, uuid.UUID) (deployment.View, error)) func(http.ResponseWriter, *http.Request, commands.Session) (string, string, error) {
	return func(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
		id, err := idIn(r, "deploymentId", "deployment")
		if err != nil {
			return "", "", err
		}
		d, err := do(r.Context(), sess.Principal, id)
		if err != nil {
			return "", "", err
		}
		return "/deployments/" + id.String(), "Deployment " + d.Slug + " " + done + ".", nil
	}
}

func (s *Server) deleteDeployment(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	id, err := idIn(r, "deploymentId", "deployment")
	if err != nil {
		return "", "", err
	}
	d, err := s.cfg.Admin.GetDeployment(r.Context(), sess.Principal, id)
	if err != nil {
		return "", "", err
	}
	if err := s.cfg.Admin.DeleteDeployment(r.Context(), sess.Principal, id); err != nil {
		return "", "", err
	}
	return "/projects/" + d.ProjectID.String(), "Deployment " + d.Slug + " deleted.", nil
}

func (s *Server) setDeploymentEnv(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	id, err := idIn(r, "deploymentId", "deployment")
	if err != nil {
		return "", "", err
	}
	key, in := envForm(r)
	if key == "" {
		return "", "", domain.Errorf(domain.KindInvalid, "give the override a name")
	}
	v, err := s.cfg.Admin.SetDeploymentEnv(r.Context(), sess.Principal, id, key, in)
	if err != nil {
		return "", "", err
	}
	return "/deployments/" + id.String(), "Override " + v.Key + " saved. Restart the deployment to apply it.", nil
}

func (s *Server) removeDeploymentEnv(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	id, err := idIn(r, "deploymentId", "deployment")
	if err != nil {
		return "", "", err
	}
	key := strings.TrimSpace(r.PostFormValue("key"))
	if err := s.cfg.Admin.RemoveDeploymentEnv(r.Context(), sess.Principal, id, key); err != nil {
		return "", "", err
	}
	return "/deployments/" + id.String(), "Override " + key + " removed: the project's value applies after a restart.", nil
}
