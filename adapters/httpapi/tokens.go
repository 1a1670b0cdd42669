package httpapi

import (
	"net/http"

	"github.com/mastra-admin/mastra-admin/commands"
)

// createToken answers 201 with the new token; its secret is shown this once.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	var in commands.TokenInput
	if err := decodeJSON(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	tok, err := s.cfg.Admin.CreateOwnToken(r.Context(), principal(r), in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, tok)
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	tokens, err := s.cfg.Admin.ListTokens(r.Context(), principal(r))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": nonNil(tokens)})
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "tokenId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := s.cfg.Admin.RevokeToken(r.Context(), principal(r), id); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getLicense(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.cfg.Admin.License())
}
