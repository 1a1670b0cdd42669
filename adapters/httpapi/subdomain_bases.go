package httpapi

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/mastra-admin/mastra-admin/commands"
)

// transferSubdomainBase gives a subdomain base to another team (platform
// admins only).
func (s *Server) transferSubdomainBase(w http.ResponseWriter, r *http.Request) {
	var in commands.TransferInput
	if err := decodeJSON(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	if err := s.cfg.Admin.TransferSubdomainBase(r.Context(), principal(r), mux.Vars(r)["base"], in); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
