package httpapi

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
)

// pathID parses the UUID route variable name.
func pathID(r *http.Request, name string) (uuid.UUID, error) {
	raw := mux.Vars(r)[name]
	id, err := uuid.Parse(raw)
	if err != nil {
		return uuid.Nil, domain.Errorf(domain.KindInvalid, "%s %q is not a UUID", name, raw)
	}
	return id, nil
}

// pathIDs parses several UUID route variables, in order.
func pathIDs(r *http.Request, names ...string) ([]uuid.UUID, error) {
	out := make([]uuid.UUID, len(names))
	for i, n := range names {
		id, err := pathID(r, n)
		if err != nil {
			return nil, err
		}
		out[i] = id
	}
	return out, nil
}

func (s *Server) getMe(w http.ResponseWriter, r *http.Request) {
	me, err := s.cfg.Admin.Me(r.Context(), principal(r))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, me)
}

func (s *Server) createTeam(w http.ResponseWriter, r *http.Request) {
	var in commands.CreateTeamInput
	if err := decodeJSON(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	t, err := s.cfg.Admin.CreateTeam(r.Context(), principal(r), in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/teams/"+t.ID.String())
	writeJSON(w, http.StatusCreated, t)
}

func (s *Server) listTeams(w http.ResponseWriter, r *http.Request) {
	teams, err := s.cfg.Admin.ListTeams(r.Context(), principal(r))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"teams": nonNil(teams)})
}

func (s *Server) getTeam(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "teamId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	t, err := s.cfg.Admin.GetTeam(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) updateTeam(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "teamId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	var in commands.UpdateTeamInput
	if err := decodeJSON(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	t, err := s.cfg.Admin.UpdateTeam(r.Context(), principal(r), id, in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) deleteTeam(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "teamId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := s.cfg.Admin.DeleteTeam(r.Context(), principal(r), id); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "teamId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	members, err := s.cfg.Admin.ListMembers(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": nonNil(members)})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
