package httpapi

import (
	"net/http"

	"github.com/mastra-admin/mastra-admin/commands"
)

func (s *Server) createDeployment(w http.ResponseWriter, r *http.Request) {
	projectID, err := pathID(r, "projectId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	var in commands.DeploymentInput
	if err := decodeJSON(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	d, err := s.cfg.Admin.CreateDeployment(r.Context(), principal(r), projectID, in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/deployments/"+d.ID.String())
	writeJSON(w, http.StatusCreated, d)
}

func (s *Server) listDeployments(w http.ResponseWriter, r *http.Request) {
	projectID, err := pathID(r, "projectId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	ds, err := s.cfg.Admin.ListDeployments(r.Context(), principal(r), projectID)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deployments": nonNil(ds)})
}

func (s *Server) getDeployment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "deploymentId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	d, err := s.cfg.Admin.GetDeployment(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) deleteDeployment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "deploymentId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := s.cfg.Admin.DeleteDeployment(r.Context(), principal(r), id); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) deploymentEnv(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "deploymentId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	env, err := s.cfg.Admin.DeploymentEnv(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"env": nonNil(env)})
}
