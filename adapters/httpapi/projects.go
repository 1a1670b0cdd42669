package httpapi

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/gorilla/mux"

	"github.com/mastra-admin/mastra-admin/commands"
)

func (s *Server) listSources(w http.ResponseWriter, r *http.Request) {
	teamID, err := pathID(r, "teamId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	sources, err := s.cfg.Admin.ListSources(r.Context(), principal(r), teamID)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sources": nonNil(sources)})
}

func (s *Server) createProject(w http.ResponseWriter, r *http.Request) {
	teamID, err := pathID(r, "teamId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	var in commands.ProjectInput
	if err := decodeJSON(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	p, err := s.cfg.Admin.CreateProject(r.Context(), principal(r), teamID, in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/projects/"+p.ID.String())
	writeJSON(w, http.StatusCreated, p)
}

func (s *Server) listProjects(w http.ResponseWriter, r *http.Request) {
	teamID, err := pathID(r, "teamId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	ps, err := s.cfg.Admin.ListProjects(r.Context(), principal(r), teamID)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"projects": nonNil(ps)})
}

func (s *Server) getProject(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "projectId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	p, err := s.cfg.Admin.GetProject(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) updateProject(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "projectId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	var in commands.UpdateProjectInput
	if err := decodeJSON(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	p, err := s.cfg.Admin.UpdateProject(r.Context(), principal(r), id, in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) deleteProject(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "projectId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := s.cfg.Admin.DeleteProject(r.Context(), principal(r), id); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listEnv(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "projectId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	env, err := s.cfg.Admin.ListEnv(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"env": nonNil(env)})
}

func (s *Server) envExposure(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "projectId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	x, err := s.cfg.Admin.EnvExposure(r.Context(), principal(r), id, mux.Vars(r)["key"])
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, x)
}

// putEnv is PUT …/env/{key} of the resource named by param: projects' env
// vars and deployments' overrides.
func putEnv[V any](param string, set func(context.Context, commands.Principal, uuid.UUID, string, commands.EnvInput) (V, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, param)
		if err != nil {
			writeError(w, r, err)
			return
		}
		var in commands.EnvInput
		if err := decodeJSON(r, &in); err != nil {
			writeError(w, r, err)
			return
		}
		v, err := set(r.Context(), principal(r), id, mux.Vars(r)["key"], in)
		if err != nil {
			writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, v)
	}
}

// deleteEnv is DELETE …/env/{key} of the resource named by param.
func deleteEnv(param string, remove func(context.Context, commands.Principal, uuid.UUID, string) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, param)
		if err != nil {
			writeError(w, r, err)
			return
		}
		if err := remove(r.Context(), principal(r), id, mux.Vars(r)["key"]); err != nil {
			writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// setEnvPolicy replaces the guarded env var names a project allows
// (platform admins only) and answers the project.
func (s *Server) setEnvPolicy(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "projectId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	var in commands.EnvPolicyInput
	if err := decodeJSON(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	p, err := s.cfg.Admin.SetEnvPolicy(r.Context(), principal(r), id, in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}
