package httpapi

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
)

// servingCommand answers a stop, start or restart of a deployment.
func servingCommand(do func(context.Context, commands.Principal, uuid.UUID) (deployment.View, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "deploymentId")
		if err != nil {
			writeError(w, r, err)
			return
		}
		d, err := do(r.Context(), principal(r), id)
		if err != nil {
			writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, d)
	}
}

func (s *Server) getServer(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "deploymentId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	v, err := s.cfg.Admin.GetServer(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) listRoutes(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "projectId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	routes, err := s.cfg.Admin.ListRoutes(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"routes": routes})
}
