package httpapi

import (
	"io"
	"net/http"
)

func (s *Server) deploy(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "deploymentId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	b, err := s.cfg.Admin.Deploy(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/builds/"+b.ID.String())
	writeJSON(w, http.StatusAccepted, b)
}

func (s *Server) listBuilds(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "deploymentId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	bs, err := s.cfg.Admin.ListBuilds(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"builds": nonNil(bs)})
}

func (s *Server) getBuild(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "buildId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	b, err := s.cfg.Admin.GetBuild(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

func (s *Server) cancelBuild(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "buildId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := s.cfg.Admin.CancelBuild(r.Context(), principal(r), id); err != nil {
		writeError(w, r, err)
		return
	}
	b, err := s.cfg.Admin.GetBuild(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

func (s *Server) buildLogs(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "buildId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	log, err := s.cfg.Admin.BuildLog(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	defer log.Close()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, log)
}
